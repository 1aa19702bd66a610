"""The rotation timeline (years × entities) as plain data for the SVG template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from icat.registry.sources import shown_confidence
from icat.rotation.models import FIRST_YEAR, ChairTerm
from icat.rotation.planner import PlanItem


@dataclass(frozen=True)
class Cell:
    year: int
    acronym: str
    state: str  # "recorded" | "uncertain" (low/medium confidence) | "proposed"


@dataclass(frozen=True)
class Timeline:
    years: list[int]
    rows: list[str]  # acronyms, in order of first appearance
    cells: list[Cell]
    unknown_years: list[int]


def build(terms: Sequence[ChairTerm], plan: Sequence[PlanItem], this_year: int) -> Timeline:
    """Recorded terms, then proposals; years with a term of unknown chairs (or none) marked."""
    cells: list[Cell] = []
    for term in terms:
        # A term known only from press or aggregators is uncertain, whatever its stored confidence.
        state = "recorded" if shown_confidence(term.confidence, term.sources) == "high" else "uncertain"
        cells += [Cell(term.year, a, state) for a in term.chairs or []]
    for item in plan:
        cells += [Cell(item.year, a, "proposed") for a in item.chairs or []]
    last = max([this_year, *(c.year for c in cells)])
    years = list(range(FIRST_YEAR, last + 1))
    rows: list[str] = []
    for cell in sorted(cells, key=lambda c: c.year):
        if cell.acronym not in rows:
            rows.append(cell.acronym)
    filled = {c.year for c in cells}
    return Timeline(years, rows, cells, [y for y in years if y not in filled and y <= this_year])
