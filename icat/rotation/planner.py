"""The co-chair planner: fair, rule-abiding, explained proposals for coming years.

Pure: it takes the candidates, the known history and who is unwilling, and returns the
same proposals for the same data. Every willing working-group member is ranked by one
fairness order — fewest terms inside the plan's horizon (recorded years counted), then
never chaired, then longest since last chaired, then acronym (a stable tie-break) — and
both seats are filled from that order. The rules are constraints, not goals: A/RES/78/228
OP14 needs a UN entity beside a non-UN co-chair (it does not ask for a non-UN co-chair
every year), and nobody is proposed two years running. Ranking by terms in the horizon
first keeps the counts per entity within one of each other over the plan.

Reasons are Flask-Babel lazy strings: they render in the language of the page or API
response that shows them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from flask_babel import lazy_gettext as _l

from icat.registry.models import Entity
from icat.rotation import rules


@dataclass(frozen=True)
class PlanItem:
    year: int
    chairs: list[str] | None
    reasons: list[str] = field(default_factory=list)


def _last_chaired(history: Mapping[int, Sequence[str]], before: int) -> dict[str, int]:
    last: dict[str, int] = {}
    for year in sorted(y for y in history if y < before):
        for acronym in history[year]:
            last[acronym] = year
    return last


def terms_in(horizon: Sequence[int], chairs: Mapping[int, Sequence[str] | None]) -> Counter[str]:
    """Terms per acronym in the years of ``horizon``, from recorded and proposed chairs."""
    return Counter(a for y in horizon for a in (chairs.get(y) or ()))


def _side(entity: Entity) -> str:
    return _l("UN entity") if entity.is_un else _l("non-UN organization")


def _why(entity: Entity, year: int, last: Mapping[str, int], count: int, span: str) -> str:
    if entity.acronym not in last:
        return _l(
            "%(acronym)s (%(side)s): %(count)s term(s) in %(span)s so far; has never chaired in the known record.",
            acronym=entity.acronym,
            side=_side(entity),
            count=count,
            span=span,
        )
    return _l(
        "%(acronym)s (%(side)s): %(count)s term(s) in %(span)s so far; "
        "last chaired in %(last)s, %(gap)s years earlier.",
        acronym=entity.acronym,
        side=_side(entity),
        count=count,
        span=span,
        last=last[entity.acronym],
        gap=year - last[entity.acronym],
    )


def _eligible(
    year: int, candidates: Sequence[Entity], planned: Mapping[int, Sequence[str]], unwilling: Mapping[int, set[str]]
) -> tuple[list[Entity], list[str]]:
    """Members on 1 January, willing, and not chairing the year before or after."""
    neighbours = set(planned.get(year - 1, ())) | set(planned.get(year + 1, ()))
    eligible, notes = [], []
    for entity in candidates:
        if rules.member_on_new_year(entity, year):
            continue
        if entity.acronym in unwilling.get(year, set()):
            notes.append(_l("%(acronym)s is marked unwilling for %(year)s.", acronym=entity.acronym, year=year))
        elif entity.acronym in neighbours:
            continue
        else:
            eligible.append(entity)
    return eligible, notes


def _seats(year: int, ranked: list[Entity]) -> list[Entity]:
    """The first pair in fairness order that obeys the rules; else the fairest lone UN entity."""
    for pair in combinations(ranked, 2):
        if not rules.chairs_problems(year, list(pair)):
            return list(pair)
    return next(([e] for e in ranked if not rules.chairs_problems(year, [e])), [])


def _pairing(chosen: list[Entity], ranked: list[Entity]) -> list[str]:
    """Why the pair looks as it does: OP14 where a non-UN organization sits, and who was passed over."""
    reasons: list[str] = []
    if any(not e.is_un for e in chosen):
        reasons.append(_l("A UN entity sits beside the non-UN organization (A/RES/78/228 OP14)."))
    elif len(chosen) == 2:
        reasons.append(
            _l(
                "The fairest pair is two UN entities: OP14 needs a UN entity beside a non-UN co-chair, "
                "not a non-UN co-chair every year."
            )
        )
    else:
        reasons.append(_l("Only one entity can chair under the rules this year: a single co-chair."))
    skipped = [e.acronym for e in ranked[: ranked.index(chosen[-1])] if e not in chosen]
    if skipped:
        reasons.append(
            _l(
                "%(skipped)s rank(s) higher but would leave no UN entity beside a non-UN co-chair (OP14).",
                skipped=", ".join(skipped),
            )
        )
    return reasons


def propose(
    *,
    years: Sequence[int],
    candidates: Sequence[Entity],
    history: Mapping[int, Sequence[str]],
    unwilling: Mapping[int, set[str]],
    horizon: Sequence[int] | None = None,
) -> list[PlanItem]:
    """Proposals for ``years`` in order; each proposal counts as chaired for the next years.

    ``horizon`` is the span whose terms are balanced (default: first to last of ``years``);
    recorded terms inside it count like proposed ones.
    """
    span_years = list(horizon) if horizon is not None else list(range(min(years), max(years) + 1)) if years else []
    span = f"{span_years[0]}–{span_years[-1]}" if span_years else ""
    planned = {y: list(c) for y, c in history.items()}
    items = []
    for year in years:
        eligible, notes = _eligible(year, candidates, planned, unwilling)
        last, counts = _last_chaired(planned, year), terms_in(span_years, planned)
        ranked = sorted(
            eligible, key=lambda e: (counts[e.acronym], e.acronym in last, last.get(e.acronym, 0), e.acronym)
        )
        chosen = _seats(year, ranked)
        if not chosen:
            items.append(PlanItem(year, None, [*notes, _l("No eligible UN entity is willing: nothing to propose.")]))
            continue
        assert not rules.chairs_problems(year, chosen), "the planner proposed a term that breaks a rule"
        planned[year] = [e.acronym for e in chosen]
        why = [_why(e, year, last, counts[e.acronym], span) for e in chosen]
        items.append(PlanItem(year, planned[year], [*why, *_pairing(chosen, ranked), *notes]))
    return items
