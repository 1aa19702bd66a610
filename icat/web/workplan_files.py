"""Workplan files in and out of HTTP: the import's body (CSV or JSON) and the exports'
downloads, shared by the page and the API routes."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from icat.core import clock
from icat.web.http import json_response, load_json
from icat.workplan import exports
from icat.workplan.importing import parse_csv
from icat.workplan.models import Workplan
from icat.workplan.schemas import XLSX, ImportJsonSchema


def import_rows() -> tuple[list[Any], int]:
    """The rows of the request's body and the number of the first: a CSV (``text/csv``;
    the header is row 1) or JSON ``{"activities": [...]}`` (rows from 1)."""
    if request.mimetype == "text/csv":
        return parse_csv(request.get_data()), 2
    return load_json(ImportJsonSchema())["activities"], 1


def download(plan: Workplan, fmt: str, period: int | None) -> Response:
    """The plan's export for ``period`` (default: this year) as JSON, CSV or .xlsx."""
    period = period or clock.today().year
    name = f"workplan-{plan.id}-{period}"
    if fmt == "json":
        response = json_response(exports.export_json(plan, period))
    elif fmt == "csv":
        response = Response(exports.export_csv(plan, period), mimetype="text/csv")
        response.charset = "utf-8"
    else:
        response = Response(exports.export_xlsx(plan, period), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
