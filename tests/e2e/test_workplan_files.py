"""Workplan files: the CSV/JSON import (every row checked, a bad row → 422 naming row and
column, nothing imported: the database read back), exports that import again as they are,
and an .xlsx that openpyxl reads."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core.outbox import OutboxEvent
from icat.workplan.models import Activity, Milestone
from tests.conftest import count
from tests.e2e.test_api_entities import assert_error
from tests.support.workplans import API, new_activity, new_plan

HEADER = (
    "title,pillar,lead_entities,co_lead_entities,starts_on,ends_on,status,progress,period,"
    "rag,rag_reason,milestones,evidence\r\n"
)
GOOD = (
    "Brief on technology,prevention,UNODC,IPU,2026-01-05,2026-12-20,in_progress,40,2026,amber,Late start,"
    '"2026-05-01 Draft\n2026-09-01 [done] Launch",\r\n'
)
OTHER = "Training for judges,prosecution,UNODC;ILO,,2027-02-01,2028-03-31,planned,0,,,,,\r\n"


def post_csv(client: FlaskClient, headers, plan_id: int, text: str):
    return client.post(
        f"{API}/{plan_id}/activities/import", data=text.encode(), headers=headers | {"Content-Type": "text/csv"}
    )


def test_csv_import_adds_every_row(client: FlaskClient, bearer, plan_entities, session: Session) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    response = post_csv(client, sec, plan["id"], HEADER + GOOD + OTHER)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["imported"] == 2
    session.expire_all()
    first, second = session.query(Activity).order_by(Activity.id).all()
    assert (first.status, first.progress, first.co_lead_entities, first.rating_for(2026).rag) == (
        "in_progress",
        40,
        ["IPU"],
        "amber",
    )
    assert [(m.title, m.done) for m in first.milestones] == [("Draft", False), ("Launch", True)]
    assert second.lead_entities == ["ILO", "UNODC"]
    assert count(session, OutboxEvent, OutboxEvent.type == "ActivityAdded") == 2


BAD_ROWS = [
    ("Bad dates,prevention,UNODC,,2026-05-01,2026-04-01,planned,0,,,,,\r\n", "ends_on"),
    ("Outside,prevention,UNODC,,2024-05-01,2026-04-01,planned,0,,,,,\r\n", "starts_on"),
    ("Progress,prevention,UNODC,,2026-05-01,2026-06-01,planned,140,,,,,\r\n", "progress"),
    ("Progress text,prevention,UNODC,,2026-05-01,2026-06-01,planned,lots,,,,,\r\n", "progress"),
    ("Pillar,punishment,UNODC,,2026-05-01,2026-06-01,planned,0,,,,,\r\n", "pillar"),
    ("Partner lead,prevention,IPU,,2026-05-01,2026-06-01,planned,0,,,,,\r\n", "lead_entities"),
    ("Unknown lead,prevention,XYZ,,2026-05-01,2026-06-01,planned,0,,,,,\r\n", "lead_entities"),
    ("Bad date,prevention,UNODC,,2026-13-01,2026-06-01,planned,0,,,,,\r\n", "starts_on"),
]


@pytest.mark.parametrize(("row", "column"), BAD_ROWS, ids=[c + str(i) for i, (_, c) in enumerate(BAD_ROWS)])
def test_a_bad_row_names_row_and_column_and_nothing_is_imported(
    client: FlaskClient, bearer, plan_entities, session: Session, row: str, column: str
) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    body = assert_error(post_csv(client, sec, plan["id"], HEADER + GOOD + row + OTHER), 422, "validation_failed")
    assert list(body["fields"]) == ["row 3"] and column in body["fields"]["row 3"]
    assert f"row 3, column {column}" in body["message"]
    assert (count(session, Activity), count(session, Milestone)) == (0, 0)
    assert count(session, OutboxEvent, OutboxEvent.type == "ActivityAdded") == 0


def test_bad_header_and_who_may_import(client: FlaskClient, bearer, plan_entities, session: Session) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    body = assert_error(post_csv(client, sec, plan["id"], "title,colour\r\nx,red\r\n"), 422, "validation_failed")
    assert set(body["fields"]["row 1"]) == {"colour", "lead_entities", "starts_on", "ends_on"}
    assert_error(post_csv(client, bearer("focal_point", "UNODC"), plan["id"], HEADER + GOOD), 403, "forbidden")
    json_bad = client.post(f"{API}/{plan['id']}/activities/import", json={"activities": [{"title": "x"}]}, headers=sec)
    assert "lead_entities" in assert_error(json_bad, 422, "validation_failed")["fields"]["row 1"]
    assert count(session, Activity) == 0


def _export(client: FlaskClient, headers, plan_id: int, fmt: str, period: int = 2026):
    response = client.get(f"{API}/{plan_id}/export?format={fmt}&period={period}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def _without_ids(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def test_csv_and_json_exports_round_trip_through_the_import(client: FlaskClient, bearer, plan_entities) -> None:
    sec = bearer("secretariat")
    source = new_plan(client, sec)
    assert post_csv(client, sec, source["id"], HEADER + GOOD + OTHER).status_code == 201
    new_activity(
        client, sec, source["id"], title="Only in 2027", starts_on="2027-01-01", ends_on="2027-12-31", milestones=[]
    )
    exported_csv = _export(client, sec, source["id"], "csv").get_data(as_text=True)
    exported_json = _export(client, sec, source["id"], "json").get_json()
    assert [a["title"] for a in exported_json["activities"]] == ["Brief on technology"]  # 2026 only
    for fmt, body in (("csv", exported_csv), ("json", exported_json)):
        target = new_plan(client, sec)
        if fmt == "csv":
            assert post_csv(client, sec, target["id"], body).status_code == 201
        else:
            payload = {"activities": body["activities"]}
            assert client.post(f"{API}/{target['id']}/activities/import", json=payload, headers=sec).status_code == 201
        again_csv = _export(client, sec, target["id"], "csv").get_data(as_text=True)
        again_json = _export(client, sec, target["id"], "json").get_json()
        assert _without_ids(list(csv.DictReader(io.StringIO(again_csv)))) == _without_ids(
            list(csv.DictReader(io.StringIO(exported_csv)))
        )
        assert _without_ids(again_json["activities"]) == _without_ids(exported_json["activities"])


def test_xlsx_export_opens_with_the_rows(client: FlaskClient, bearer, plan_entities) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    assert post_csv(client, sec, plan["id"], HEADER + GOOD + OTHER).status_code == 201
    response = _export(client, sec, plan["id"], "xlsx", 2027)
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.values)
    assert values[0][:3] == ("id", "title", "outcome_id") and [row[1] for row in values[1:]] == ["Training for judges"]
    assert client.get(f"{API}/{plan['id']}/export?format=xlsx").status_code == 404  # a draft, anonymous
