"""Users, roles and memberships, login with lockout and two-factor authentication."""
