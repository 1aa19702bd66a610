"""Accounts: users, roles, login sessions, API and feed tokens, login throttling."""
