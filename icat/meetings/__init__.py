"""Meetings: working-group meetings, principals meetings, calls and briefings (DESIGN §4)."""
