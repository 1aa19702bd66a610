"""The dashboard: what a signed-in person (and the anonymous visitor) sees first.

Read-only; each panel is one bounded query (``queries``, ``secretariat``) so the page costs
the same number of SQL statements however much data there is."""
