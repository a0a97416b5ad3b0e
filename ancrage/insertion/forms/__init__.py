"""The insertion app's forms: one module per part. Rules live in the services; forms parse
and show errors."""
