"""Scoped reads of the participation app."""
