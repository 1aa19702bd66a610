"""Activity import (issue 13): a plan usually starts as a spreadsheet. Every row is checked
before any is inserted: one bad row answers 422 naming each row and column, nothing imported.

CSV columns (``CSV_COLUMNS``; ``id`` is ignored, so an export imports again as it is):
lists of acronyms separated by ``;``; ``milestones`` one per line, ``YYYY-MM-DD title``
(``YYYY-MM-DD [done] title`` when done); ``evidence`` ``type:id`` separated by ``;``;
``rag``/``rag_reason`` the rating of the year in ``period``. Rows are numbered as in a
spreadsheet: the header is row 1. JSON rows (``{"activities": [...]}``) are numbered from 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import Any

import marshmallow
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import outbox
from icat.core.actor import Actor
from icat.core.errors import Message, ValidationError
from icat.core.permissions import STAFF, require_role
from icat.workplan.access import get_plan
from icat.workplan.activities import Prepared, added_event, insert_activity, prepare
from icat.workplan.models import Activity
from icat.workplan.schemas import ActivityFieldsSchema

CSV_COLUMNS = (
    "id",
    "title",
    "outcome_id",
    "pillar",
    "lead_entities",
    "co_lead_entities",
    "starts_on",
    "ends_on",
    "status",
    "progress",
    "period",
    "rag",
    "rag_reason",
    "milestones",
    "evidence",
)
REQUIRED = ("title", "lead_entities", "starts_on", "ends_on")
IMPORT_MAX_ROWS = 2000
DONE = "[done] "
Problems = dict[str, dict[str, list[Any]]]


def _split(cell: str, sep: str = ";") -> list[str]:
    return [part.strip() for part in cell.split(sep) if part.strip()]


def _milestone(line: str) -> dict[str, Any]:
    day, _, title = line.partition(" ")
    done = title.startswith(DONE)
    return {"due_on": day, "title": title.removeprefix(DONE).strip(), "done": done}


def _evidence(item: str) -> dict[str, Any]:
    kind, _, ref = item.partition(":")
    return {"type": kind.strip(), "id": int(ref) if ref.strip().isdigit() else ref.strip()}


def parse_evidence(cell: str) -> list[dict[str, Any]]:
    """``meeting:12; publication:3`` as evidence links (checked later, like any input)."""
    return [_evidence(item) for item in _split(cell)]


def evidence_cell(links: Any) -> str:
    """Evidence links written the way ``parse_evidence`` reads them."""
    return ";".join(f"{e.type}:{e.ref_id}" for e in links)


def _int_or_text(cell: str) -> Any:
    cell = cell.strip()
    return int(cell) if cell.lstrip("-").isdigit() else cell


def row_fields(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as the API's activity fields (still unchecked: the schema does that)."""
    cell = {k: (row.get(k) or "").strip() for k in CSV_COLUMNS}
    fields: dict[str, Any] = {k: cell[k] for k in ("title", "starts_on", "ends_on") if cell[k]}
    fields["lead_entities"] = _split(cell["lead_entities"])
    fields["co_lead_entities"] = _split(cell["co_lead_entities"])
    fields["pillar"] = cell["pillar"] or None
    fields["outcome_id"] = _int_or_text(cell["outcome_id"]) if cell["outcome_id"] else None
    fields["status"] = cell["status"] or "planned"
    fields["progress"] = _int_or_text(cell["progress"]) if cell["progress"] else 0
    fields["milestones"] = [_milestone(line) for line in _split(cell["milestones"], "\n")]
    fields["evidence"] = parse_evidence(cell["evidence"])
    if cell["rag"]:
        fields["rag"] = {"period": _int_or_text(cell["period"]), "rating": cell["rag"], "reason": cell["rag_reason"]}
    return fields


def decode(data: bytes) -> str:
    """The CSV's text: UTF-8 (a byte-order mark allowed), or a ValidationError naming the
    line that is not (spreadsheets also save "CSV UTF-8"; a guessed encoding would garble)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = _l("The file is not UTF-8 text: save it as CSV UTF-8.")
        raise ValidationError(
            _l("The file is not UTF-8 text: save it as CSV UTF-8."),
            fields={f"line {line}": [message]},
            rule="workplan.import_not_utf8",
        ) from exc


def parse_csv(data: bytes) -> list[dict[str, Any]]:
    """The rows of a CSV file as activity fields; ValidationError for a bad header or encoding."""
    reader = csv.DictReader(io.StringIO(decode(data)))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown or missing:
        fields = {name: [_l("Unknown column.")] for name in unknown} | {
            name: [_l("Missing column.")] for name in missing
        }
        raise ValidationError(
            _l("Row 1 (the header) names unknown columns or lacks some."),
            fields={"row 1": fields},
            rule="workplan.import_header_invalid",
        )
    rows = list(reader)
    if len(rows) > IMPORT_MAX_ROWS:
        raise ValidationError(
            _l("At most %(n)s rows per import.", n=IMPORT_MAX_ROWS), rule="workplan.import_too_many_rows"
        )
    return [row_fields(row) for row in rows]


def _check_row(session: Session, plan: Any, data: Any) -> tuple[Prepared | None, dict[str, list[Any]]]:
    try:
        fields = ActivityFieldsSchema().load(data)
    except marshmallow.ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return None, dict(messages)
    try:
        return prepare(session, plan, fields), {}
    except ValidationError as exc:
        return None, exc.fields


def import_activities(
    session: Session, *, actor: Actor, plan_id: int, rows: Iterable[Any], first_row: int = 1
) -> list[Activity]:
    """Add every row of ``rows`` (activity fields) to a plan, or none (secretariat).

    ``first_row`` is the number of the first row in messages (2 for a CSV: the header is
    row 1). Raises Unauthorized, Forbidden, NotFound, ValidationError whose ``fields`` maps
    ``"row N"`` to ``{column: [problems]}``. Emits ActivityAdded (``imported``) per row.
    """
    require_role(actor, STAFF, _l("import workplan activities"))
    plan = get_plan(session, plan_id, actor=actor)
    prepared: list[Prepared] = []
    problems: Problems = {}
    for number, data in enumerate(rows, start=first_row):
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != "id"}  # ids are the server's: an import adds
        row, errors = _check_row(session, plan, data)
        if errors:
            problems[f"row {number}"] = errors
        elif row is not None:
            prepared.append(row)
    if problems:
        raise ValidationError(_summary(problems), fields=problems, rule="workplan.import_rows_invalid")
    added = [insert_activity(session, plan, row, actor) for row in prepared]
    for activity in added:
        outbox.record(session, added_event(activity, imported=True), actor=actor)
    return added


def _summary(problems: Problems) -> Message:
    """The refusal of an import, naming its first five bad places (translated when shown)."""
    where = [_l("%(row)s, column %(column)s", row=r, column=c) for r, errors in problems.items() for c in errors]
    places = LazyString(lambda: "; ".join(str(w) for w in where[:5]))
    if len(where) > 5:
        return _l("Nothing was imported. Fix %(places)s and %(n)s more.", places=places, n=len(where) - 5)
    return _l("Nothing was imported. Fix %(places)s.", places=places)


def csv_cell_milestones(milestones: Iterable[Any]) -> str:
    """The ``milestones`` cell of an export (read back by ``_milestone``)."""
    return "\n".join(f"{_day(m.due_on)} {DONE if m.done else ''}{m.title}" for m in milestones)


def _day(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else value
