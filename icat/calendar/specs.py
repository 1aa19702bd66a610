"""The feeds of DESIGN §6 as ``FeedSpec`` values.

A feed is a shared, public resource fetched by calendar servers without cookies, so its
language comes from ``?lang=`` alone (default English), never from a session: the same URL
gives everyone the same bytes, and the route never loads a user to answer a 304. The route
reads ``?lang=`` and passes it in; an unknown language reads as English.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import force_locale
from flask_babel import gettext as _

from icat.calendar.feeds import FeedSpec
from icat.calendar.queries import FeedFilter
from icat.core.actor import Actor
from icat.core.errors import NotFound
from icat.meetings.models import MEETING_KINDS
from icat.registry.models import UN_LANGUAGES, Entity


def _lang(asked: str | None) -> str:
    return asked if asked in UN_LANGUAGES else "en"


def _key(lang: str, *parts: object) -> str:
    return ":".join(str(p) for p in (*parts, lang))


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
            "workplan": lambda: _("ICAT workplan milestones: %(title)s", title=param),
        }
        return str(names[which]())


def public(asked_lang: str | None) -> FeedSpec:
    lang = _lang(asked_lang)
    return FeedSpec(f"public:{lang}", _name(lang, "public"))


def observances(asked_lang: str | None) -> FeedSpec:
    lang = _lang(asked_lang)
    return FeedSpec(_key(lang, "observances"), _name(lang, "observances"), meetings=None)


def kind(asked_lang: str | None, code: str, label: str) -> FeedSpec:
    """One meeting kind's public meetings; NotFound for a kind that does not exist."""
    if code not in MEETING_KINDS:
        raise NotFound(_("No meeting kind %(kind)s.", kind=code), rule="calendar.kind_unknown")
    lang = _lang(asked_lang)
    return FeedSpec(_key(lang, "kind", code), _name(lang, "kind", label), FeedFilter(kind=code), observances=False)


def entity(asked_lang: str | None, row: Entity) -> FeedSpec:
    """Public meetings an entity is invited to."""
    lang = _lang(asked_lang)
    return FeedSpec(
        _key(lang, "entity", row.id),
        _name(lang, "entity", row.acronym),
        FeedFilter(entity_id=row.id),
        observances=False,
    )


def private(asked_lang: str | None, viewer: Actor) -> FeedSpec:
    """Everything the token's owner may see: the key carries role and entity, so a change
    of either gives a new ETag."""
    lang = _lang(asked_lang)
    key = _key(lang, "private", viewer.user_id, viewer.role, viewer.entity_id)
    return FeedSpec(key, _name(lang, "private"), FeedFilter(viewer=viewer))


def workplan_name(asked_lang: str | None, title: str) -> str:
    """The X-WR-CALNAME of a plan's milestone feed (one line)."""
    return _name(_lang(asked_lang), "workplan", " ".join(title.split()))
