"""The care app's views: one module per part (ppe, deadlines, reports, journal, ...)."""
