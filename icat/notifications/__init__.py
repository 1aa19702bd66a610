"""Notifications: the in-app inbox (and, later, reminder plans and e-mail deliveries)."""
