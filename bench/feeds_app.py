"""The application as gunicorn serves it for the feed benchmark, plus two ceiling routes.

``/bench/precomputed.ics`` answers the bytes of the public feed read once at start-up (the
best any feed route could do); ``/bench/minimal`` answers an empty 200 (the cheapest route
through the same application, its hooks and headers included).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Response

from icat import create_app

app = create_app()
_PRECOMPUTED = Path(os.environ["ICAT_BENCH_PRECOMPUTED"]).read_bytes()


@app.get("/bench/precomputed.ics")
def precomputed() -> Response:
    return Response(_PRECOMPUTED, headers={"Content-Type": "text/calendar; charset=utf-8"})


@app.get("/bench/minimal")
def minimal() -> Response:
    return Response(b"")
