"""The care app's services: one module per part (ppe, deadlines, reports, journal, ...)."""
