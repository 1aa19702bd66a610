"""The feeds of DESIGN §6 as ``FeedSpec`` values; names are translated per request."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from icat.calendar.feeds import FeedSpec
from icat.calendar.queries import MeetingFilter, Viewer
from icat.core.errors import NotFound
from icat.meetings.models import KINDS
from icat.registry.models import Entity


def _key(*parts: object) -> str:
    return ":".join(str(p) for p in (*parts, get_locale() or "en"))


def public() -> FeedSpec:
    return FeedSpec(_key("public"), _("ICAT: public meetings and observances"))


def observances() -> FeedSpec:
    return FeedSpec(_key("observances"), _("ICAT: observances"), meetings=None)


def kind(code: str, label: str) -> FeedSpec:
    """One meeting kind's public meetings; NotFound for a kind that does not exist."""
    if code not in KINDS:
        raise NotFound(_("No meeting kind %(kind)s.", kind=code))
    return FeedSpec(_key("kind", code), _("ICAT: %(kind)s", kind=label), MeetingFilter(kind=code), observances=False)


def entity(row: Entity) -> FeedSpec:
    """Public meetings an entity is invited to."""
    name = _("ICAT: meetings of %(acronym)s", acronym=row.acronym)
    return FeedSpec(_key("entity", row.id), name, MeetingFilter(entity_id=row.id), observances=False)


def private(viewer: Viewer) -> FeedSpec:
    """Everything the token's owner may see: the key carries role and entity, so a change
    of either gives a new ETag."""
    key = _key("private", viewer.user_id, viewer.role, viewer.entity_id)
    return FeedSpec(key, _("ICAT: my meetings and observances"), MeetingFilter(viewer=viewer))
