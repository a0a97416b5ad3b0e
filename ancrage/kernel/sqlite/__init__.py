"""The SQLite backend of Ancrage: Django's, which also keeps the query planner's statistics
up to date as SQLite recommends (https://sqlite.org/pragma.html#pragma_optimize)."""
