"""Persons, family links, sibling groups and person search."""
