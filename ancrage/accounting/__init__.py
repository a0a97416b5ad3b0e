"""Analytic accounting: sections, staff time, the FEC import, allocation, budgets and reports."""
