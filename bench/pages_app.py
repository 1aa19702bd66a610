"""The application as gunicorn serves it for the pages benchmark, plus the ceiling route.

``/bench/tiny`` renders a tiny Jinja template (a title and a three-item list) through the same
application: its request hooks, session, locale and headers, with no database read and no
layout. It is the most any server-rendered page of this application could answer.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from icat import create_app

app = create_app()
bench = Blueprint("bench", __name__, template_folder="templates")


@bench.get("/bench/tiny")
def tiny() -> str:
    return render_template("bench/tiny.html", lang="en", title="ICAT", items=("one", "two", "three"))


app.register_blueprint(bench)
