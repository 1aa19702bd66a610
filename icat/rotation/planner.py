"""The co-chair planner: fair, rule-abiding, explained proposals for coming years.

Pure: it takes the candidates, the known history and who is unwilling, and returns the
same proposals for the same data. Fairest first: never chaired, then longest since last
chaired, then acronym (a stable tie-break). Each year pairs the fairest UN entity with the
fairest non-UN organization when one is willing (A/RES/78/228 OP14 needs the UN side);
nobody is proposed two years running.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from icat.registry.models import Entity
from icat.rotation import rules


@dataclass(frozen=True)
class PlanItem:
    year: int
    chairs: list[str] | None
    reasons: list[str] = field(default_factory=list)


def _last_chaired(history: Mapping[int, Sequence[str]]) -> dict[str, int]:
    last: dict[str, int] = {}
    for year in sorted(history):
        for acronym in history[year]:
            last[acronym] = year
    return last


def _why(entity: Entity, year: int, last: Mapping[str, int]) -> str:
    side = "UN entity" if entity.is_un else "non-UN organization"
    if entity.acronym not in last:
        return f"{entity.acronym} ({side}): has never chaired in the known record."
    years = year - last[entity.acronym]
    return f"{entity.acronym} ({side}): last chaired in {last[entity.acronym]}, {years} years earlier."


def _eligible(
    year: int, candidates: Sequence[Entity], history: Mapping[int, Sequence[str]], unwilling: Mapping[int, set[str]]
) -> tuple[list[Entity], list[str]]:
    neighbours = set(history.get(year - 1, ())) | set(history.get(year + 1, ()))
    eligible, notes = [], []
    for entity in candidates:
        if rules.member_on_new_year(entity, year):
            continue
        if entity.acronym in unwilling.get(year, set()):
            notes.append(f"{entity.acronym} is marked unwilling for {year}.")
        elif entity.acronym in neighbours:
            continue
        else:
            eligible.append(entity)
    return eligible, notes


def _choose(eligible: list[Entity], last: Mapping[str, int]) -> tuple[list[Entity], str | None]:
    def fairness(e: Entity) -> tuple[int, int, str]:
        return (e.acronym in last, last.get(e.acronym, 0), e.acronym)

    un = sorted((e for e in eligible if e.is_un), key=fairness)
    non_un = sorted((e for e in eligible if not e.is_un), key=fairness)
    if un and non_un:
        return [un[0], non_un[0]], "A UN entity is paired with a non-UN organization (A/RES/78/228 OP14)."
    if len(un) >= 2:
        return un[:2], "No non-UN organization is eligible and willing: two UN entities."
    return un[:1], ("Only one UN entity is eligible and willing." if un else None)


def propose(
    *,
    years: Sequence[int],
    candidates: Sequence[Entity],
    history: Mapping[int, Sequence[str]],
    unwilling: Mapping[int, set[str]],
) -> list[PlanItem]:
    """Proposals for ``years`` in order; each proposal counts as chaired for the next years."""
    planned = {y: list(c) for y, c in history.items()}
    items = []
    for year in years:
        eligible, notes = _eligible(year, candidates, planned, unwilling)
        last = _last_chaired({y: c for y, c in planned.items() if y < year})
        chosen, pairing = _choose(eligible, last)
        if not chosen:
            items.append(PlanItem(year, None, [*notes, "No eligible UN entity is willing: nothing to propose."]))
            continue
        assert not rules.chairs_problems(year, chosen), "the planner proposed a term that breaks a rule"
        planned[year] = [e.acronym for e in chosen]
        items.append(PlanItem(year, planned[year], [*(_why(e, year, last) for e in chosen), pairing or "", *notes]))
    return [PlanItem(i.year, i.chairs, [r for r in i.reasons if r]) for i in items]
