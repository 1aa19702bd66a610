"""Activity: the outbox read as an append-only log of who did what, when."""
