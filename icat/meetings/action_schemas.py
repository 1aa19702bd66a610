"""The action items API contract (DESIGN §7: action items)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from icat.meetings.action_items import is_overdue


class ActionItemOutSchema(Schema):
    """One action item, with its meeting and a link to the minutes it comes from."""

    id = fields.Integer()
    text = fields.String()
    owner = fields.String(allow_none=True)
    due_on = fields.Date(allow_none=True)
    done = fields.Boolean()
    done_at = fields.AwareDateTime(allow_none=True)
    overdue = fields.Boolean()
    meeting_id = fields.Integer()
    meeting_title = fields.String()
    minutes_url = fields.String()
    version = fields.Integer()


class ActionItemListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # tolerate cache-busting and tracking parameters

    entity = fields.String(validate=validate.Length(1, 20))
    open = fields.Boolean()
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    cursor = fields.String()


class ActionItemListSchema(Schema):
    items = fields.List(fields.Nested(ActionItemOutSchema))
    next_cursor = fields.String(allow_none=True)


class ActionItemPatchSchema(Schema):
    """What a focal point changes: done or not (the rest belongs to the minutes)."""

    done = fields.Boolean(required=True)
    version = fields.Integer(validate=validate.Range(min=1))


def dump_action_item(item: Any, minutes_url: str) -> dict[str, Any]:
    return ActionItemOutSchema().dump(
        {
            "id": item.id,
            "text": item.text,
            "owner": item.owner.acronym if item.owner else None,
            "due_on": item.due_on,
            "done": item.done,
            "done_at": item.done_at,
            "overdue": is_overdue(item),
            "meeting_id": item.meeting_id,
            "meeting_title": item.meeting.title,
            "minutes_url": minutes_url,
            "version": item.version,
        }
    )
