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


def _texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {text}" if isinstance(key, int) else text for key, v in value.items() for text in _texts(v)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    return [str(value)]


def problem_rows(fields: dict[str, Any]) -> list[tuple[str, str, str]]:
    """An import's refusal as (row, column, problem) lines for a page; a milestone or an
    evidence link is named by its position in the cell (0 first)."""
    rows = []
    for row, columns in fields.items():
        if isinstance(columns, dict):
            rows += [(row, column, " ".join(_texts(messages))) for column, messages in columns.items()]
        else:
            rows.append((row, "", " ".join(_texts(columns))))
    return rows
