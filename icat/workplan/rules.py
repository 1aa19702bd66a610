"""What a valid activity is (issue 13 "Bad input"): each check adds to an ``Errors`` dict
naming the field, so one answer lists every problem, and nothing is written unless it is empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.meetings.models import ActionItem, Meeting
from icat.registry.models import Entity
from icat.workplan.models import ACTIVITY_STATUSES, EVIDENCE_TYPES, PILLARS, RAGS, PlanOutcome, Workplan
from icat.workplan.reference import thematic_priorities

Errors = dict[str, list[Any]]
REASON_MAX = 200


def add(errors: Errors, name: str, message: Any) -> None:
    errors.setdefault(name, []).append(message)


def check_period(errors: Errors, start_year: int, end_year: int) -> None:
    if not 2000 <= start_year <= 2100:
        add(errors, "start_year", _l("Must be a year between 2000 and 2100."))
    if not 2000 <= end_year <= 2100:
        add(errors, "end_year", _l("Must be a year between 2000 and 2100."))
    if end_year < start_year:
        add(errors, "end_year", _l("The plan cannot end before it starts."))
    elif end_year - start_year > 15:
        add(errors, "end_year", _l("A plan spans at most 16 years."))


def in_period(plan: Workplan, day: date) -> bool:
    return plan.start_year <= day.year <= plan.end_year


def check_pillar(errors: Errors, pillar: Any, name: str = "pillar") -> None:
    if pillar not in PILLARS:
        add(errors, name, _l("Unknown pillar; one of: %(names)s.", names=", ".join(PILLARS)))


def check_priorities(errors: Errors, keys: Iterable[str]) -> None:
    known = thematic_priorities()
    for key in keys:
        if key not in known:
            add(errors, "priorities", _l("Unknown thematic priority: %(key)s.", key=key))


def check_activity(errors: Errors, plan: Workplan, fields: Mapping[str, Any]) -> None:
    """Title, pillar, status, progress and dates (inside the plan's years, end not before start)."""
    if not str(fields.get("title") or "").strip():
        add(errors, "title", _l("Give the activity a title."))
    check_pillar(errors, fields.get("pillar"))
    if fields.get("status") not in ACTIVITY_STATUSES:
        add(errors, "status", _l("Unknown status; one of: %(names)s.", names=", ".join(ACTIVITY_STATUSES)))
    progress = fields.get("progress")
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        add(errors, "progress", _l("Progress is a whole number from 0 to 100."))
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    for name, day in (("starts_on", starts), ("ends_on", ends)):
        if not isinstance(day, date):
            add(errors, name, _l("Give a date (YYYY-MM-DD)."))
        elif not in_period(plan, day):
            add(errors, name, _l("Outside the plan's period %(a)s–%(b)s.", a=plan.start_year, b=plan.end_year))
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        add(errors, "ends_on", _l("The activity cannot end before it starts."))


def resolve_outcome(session: Session, errors: Errors, plan: Workplan, fields: dict[str, Any]) -> None:
    """An outcome must be the plan's; its pillar is the activity's (filled in when omitted)."""
    outcome_id = fields.get("outcome_id")
    if outcome_id is None:
        return
    outcome = session.get(PlanOutcome, outcome_id)
    if outcome is None or outcome.workplan_id != plan.id:
        add(errors, "outcome_id", _l("No such outcome in this plan."))
        return
    if fields.get("pillar") is None:
        fields["pillar"] = outcome.pillar
    elif fields["pillar"] != outcome.pillar:
        add(errors, "pillar", _l("The outcome is under the %(pillar)s pillar.", pillar=outcome.pillar))


def resolve_leads(session: Session, errors: Errors, leads: list[str], co_leads: list[str]) -> list[tuple[Entity, str]]:
    """The (entity, role) pairs: leads must be current members (partners may only co-lead),
    every acronym known, no entity in both lists, at least one lead."""
    wanted = list(dict.fromkeys([*leads, *co_leads]))
    found = {e.acronym: e for e in session.scalars(sa.select(Entity).where(Entity.acronym.in_(wanted)))}
    if not leads:
        add(errors, "lead_entities", _l("Name at least one lead entity."))
    for name, acronyms in (("lead_entities", leads), ("co_lead_entities", co_leads)):
        for acronym in acronyms:
            if acronym not in found:
                add(errors, name, _l("Unknown entity: %(acronym)s.", acronym=acronym))
    for acronym in leads:
        entity = found.get(acronym)
        if entity is not None and (entity.kind != "member" or entity.left_on is not None):
            add(
                errors,
                "lead_entities",
                _l("%(acronym)s is not a member: partners may co-lead, not lead.", acronym=acronym),
            )
    for acronym in set(leads) & set(co_leads):
        add(errors, "co_lead_entities", _l("%(acronym)s is already a lead entity.", acronym=acronym))
    pairs = [(found[a], "lead") for a in dict.fromkeys(leads) if a in found]
    return pairs + [(found[a], "co_lead") for a in dict.fromkeys(co_leads) if a in found and a not in leads]


def check_rag(errors: Errors, plan: Workplan, rag: Mapping[str, Any] | None) -> None:
    """A rating names a reporting period (a year of the plan), red/amber/green, a one-line reason."""
    if rag is None:
        return
    if rag.get("period") is None or not plan.start_year <= rag["period"] <= plan.end_year:
        add(
            errors,
            "rag",
            _l("The rating's period is a year of the plan (%(a)s–%(b)s).", a=plan.start_year, b=plan.end_year),
        )
    if rag.get("rating") not in RAGS:
        add(errors, "rag", _l("A rating is red, amber or green."))
    reason = str(rag.get("reason") or "")
    if "\n" in reason or "\r" in reason or len(reason) > REASON_MAX:
        add(errors, "rag", _l("The reason is one line of at most %(n)s characters.", n=REASON_MAX))


def check_milestones(errors: Errors, plan: Workplan, milestones: Iterable[Mapping[str, Any]]) -> None:
    for index, item in enumerate(milestones):
        if not str(item.get("title") or "").strip():
            add(errors, "milestones", {index: [_l("Give the milestone a title.")]})
        due = item.get("due_on")
        if not isinstance(due, date) or not in_period(plan, due):
            add(errors, "milestones", {index: [_l("Due inside the plan's period.")]})


def check_evidence(session: Session, errors: Errors, links: Iterable[Mapping[str, Any]]) -> None:
    """Meetings and action items must exist; publications are another area's, kept by id.
    Each message names the link (``meeting:12``), so it reads the same beside a form field."""
    for link in links:
        kind, ref = link.get("type"), link.get("id")
        name = f"{kind}:{ref}"
        if kind not in EVIDENCE_TYPES:
            add(errors, "evidence", _l("%(link)s: evidence is a meeting, a publication or an action_item.", link=name))
        elif not isinstance(ref, int) or ref < 1:
            add(errors, "evidence", _l("%(link)s: give the id it links to.", link=name))
        elif kind in ("meeting", "action_item") and session.get(_MODELS[kind], ref) is None:
            add(errors, "evidence", _l("%(link)s: there is no such %(type)s.", link=name, type=kind))


_MODELS: dict[str, type[Meeting] | type[ActionItem]] = {"meeting": Meeting, "action_item": ActionItem}
