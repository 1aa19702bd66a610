"""Calendar: iCalendar feeds (RFC 5545) built by pure functions from query results (DESIGN §6)."""
