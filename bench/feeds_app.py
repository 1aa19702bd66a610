"""The application as gunicorn serves it for the feed benchmark, plus two ceiling routes.

``/bench/precomputed.ics`` answers the bytes of the public feed read once at start-up (the
best any feed route could do), ``/bench/precomputed.ics.gz`` the same bytes gzip-coded once at
start-up, as a compressed feed is answered; ``/bench/minimal`` answers an empty 200 (the cheapest route
through the same application, its hooks and headers included).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from flask import Response

from icat import create_app

app = create_app()
_PRECOMPUTED = Path(os.environ["ICAT_BENCH_PRECOMPUTED"]).read_bytes()
_PRECOMPUTED_GZ = gzip.compress(_PRECOMPUTED, compresslevel=6, mtime=0)


@app.get("/bench/precomputed.ics")
def precomputed() -> Response:
    return Response(_PRECOMPUTED, headers={"Content-Type": "text/calendar; charset=utf-8"})


@app.get("/bench/precomputed.ics.gz")
def precomputed_gzip() -> Response:
    headers = {"Content-Type": "text/calendar; charset=utf-8", "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    return Response(_PRECOMPUTED_GZ, headers=headers)


@app.get("/bench/minimal")
def minimal() -> Response:
    return Response(b"")
