"""The care app's forms: one module per part (ppe, deadlines, reports, journal, ...)."""
