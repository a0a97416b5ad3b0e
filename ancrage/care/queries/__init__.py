"""The care app's queries: one module per part (ppe, deadlines, reports, journal, ...)."""
