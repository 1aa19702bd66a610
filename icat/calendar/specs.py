"""The feeds of DESIGN §6 as ``FeedSpec`` values.

A feed is a shared, public resource fetched by calendar servers without cookies, so its
language comes from ``?lang=`` alone (default English), never from a session: the same URL
gives everyone the same bytes, and the route never loads a user to answer a 304.
"""

from __future__ import annotations

from functools import lru_cache

from flask import request
from flask_babel import force_locale
from flask_babel import gettext as _

from icat.calendar.feeds import FeedSpec
from icat.calendar.queries import MeetingFilter, Viewer
from icat.core.errors import NotFound
from icat.meetings.models import KINDS
from icat.registry.models import UN_LANGUAGES, Entity


def _lang() -> str:
    asked = request.args.get("lang", "en")
    return asked if asked in UN_LANGUAGES else "en"


def _key(*parts: object) -> str:
    return ":".join(str(p) for p in (*parts, _lang()))


@lru_cache(maxsize=1024)
def _name(lang: str, which: str, param: str = "") -> str:
    """The feed's X-WR-CALNAME in ``lang`` (translated once per process)."""
    with force_locale(lang):
        names = {
            "public": lambda: _("ICAT: public meetings and observances"),
            "observances": lambda: _("ICAT: observances"),
            "kind": lambda: _("ICAT: %(kind)s", kind=param),
            "entity": lambda: _("ICAT: meetings of %(acronym)s", acronym=param),
            "private": lambda: _("ICAT: my meetings and observances"),
        }
        return str(names[which]())


def public() -> FeedSpec:
    lang = _lang()
    return FeedSpec(f"public:{lang}", _name(lang, "public"))


def observances() -> FeedSpec:
    return FeedSpec(_key("observances"), _name(_lang(), "observances"), meetings=None)


def kind(code: str, label: str) -> FeedSpec:
    """One meeting kind's public meetings; NotFound for a kind that does not exist."""
    if code not in KINDS:
        raise NotFound(_("No meeting kind %(kind)s.", kind=code))
    name = _name(_lang(), "kind", label)
    return FeedSpec(_key("kind", code), name, MeetingFilter(kind=code), observances=False)


def entity(row: Entity) -> FeedSpec:
    """Public meetings an entity is invited to."""
    name = _name(_lang(), "entity", row.acronym)
    return FeedSpec(_key("entity", row.id), name, MeetingFilter(entity_id=row.id), observances=False)


def private(viewer: Viewer) -> FeedSpec:
    """Everything the token's owner may see: the key carries role and entity, so a change
    of either gives a new ETag."""
    key = _key("private", viewer.user_id, viewer.role, viewer.entity_id)
    return FeedSpec(key, _name(_lang(), "private"), MeetingFilter(viewer=viewer))
