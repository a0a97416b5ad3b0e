"""Shared kernel: roles and the permission table, access scopes, audit, text helpers."""
