"""Accounts: users, roles, login sessions, API and feed tokens, throttling, passwords,
invitation and reset links, user administration and organisation (OpenID Connect) sign-in."""
