"""Framework-free core: clock, errors, database base, events, outbox, unit of work."""
