"""Exports of a plan for one reporting period (the input to the Secretary-General's report):
CSV and JSON that import again as they are (``icat.workplan.importing``), and an .xlsx
written with openpyxl. Pure functions of the loaded plan."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from icat.workplan.importing import CSV_COLUMNS, csv_cell_milestones, evidence_cell
from icat.workplan.models import Activity, Workplan


def in_period(activity: Activity, period: int) -> bool:
    """Whether the activity runs during the reporting year ``period``."""
    return activity.starts_on <= date(period, 12, 31) and activity.ends_on >= date(period, 1, 1)


def activity_record(activity: Activity, period: int) -> dict[str, Any]:
    """An activity in the import's JSON shape, with its rating of ``period``."""
    rating = activity.rating_for(period)
    return {
        "id": activity.id,
        "title": activity.title,
        "outcome_id": activity.outcome_id,
        "pillar": activity.pillar,
        "lead_entities": activity.lead_entities,
        "co_lead_entities": activity.co_lead_entities,
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": activity.ends_on.isoformat(),
        "status": activity.status,
        "progress": activity.progress,
        "rag": {"period": period, "rating": rating.rag, "reason": rating.reason} if rating else None,
        "milestones": [{"title": m.title, "due_on": m.due_on.isoformat(), "done": m.done} for m in activity.milestones],
        "evidence": [{"type": e.type, "id": e.ref_id} for e in activity.evidence],
    }


def export_json(plan: Workplan, period: int) -> dict[str, Any]:
    """``{"workplan", "period", "activities"}``; ``activities`` posts back to the import."""
    return {
        "workplan": {
            "id": plan.id,
            "title": plan.title,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "adopted_on": plan.adopted_on.isoformat() if plan.adopted_on else None,
        },
        "period": period,
        "activities": [activity_record(a, period) for a in plan.activities if in_period(a, period)],
    }


def csv_row(activity: Activity, period: int) -> dict[str, Any]:
    rating = activity.rating_for(period)
    return {
        "id": activity.id,
        "title": activity.title,
        "outcome_id": activity.outcome_id or "",
        "pillar": activity.pillar,
        "lead_entities": ";".join(activity.lead_entities),
        "co_lead_entities": ";".join(activity.co_lead_entities),
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": activity.ends_on.isoformat(),
        "status": activity.status,
        "progress": activity.progress,
        "period": period,
        "rag": rating.rag if rating else "",
        "rag_reason": rating.reason if rating else "",
        "milestones": csv_cell_milestones(activity.milestones),
        "evidence": evidence_cell(activity.evidence),
    }


def rows(plan: Workplan, period: int) -> list[dict[str, Any]]:
    return [csv_row(a, period) for a in plan.activities if in_period(a, period)]


def export_csv(plan: Workplan, period: int) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(plan, period))
    return out.getvalue()


def export_xlsx(plan: Workplan, period: int) -> bytes:
    """One sheet, the CSV's columns, a bold frozen header; milestones wrap in their cell."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{period}"
    sheet.append(list(CSV_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(plan, period):
        sheet.append([row[name] for name in CSV_COLUMNS])
    for cell in sheet["N"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["N"].width = 50
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
