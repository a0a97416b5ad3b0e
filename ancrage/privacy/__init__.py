"""Data protection through the life of a file: retention, access requests, the register."""
