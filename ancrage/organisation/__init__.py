"""Organisations, consortia, establishments, houses and teams, territories."""
