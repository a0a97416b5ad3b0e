"""Ancrage: case management for children's villages and the O2R programme."""
