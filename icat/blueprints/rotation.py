"""The rotation page: current co-chairs, history with sources, timeline, planner, forms."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from icat.core import clock
from icat.registry.labels import choice_label
from icat.registry.queries import EntityFilter, list_entities
from icat.rotation import queries, rules, services, timeline
from icat.rotation.forms import TermForm, UnwillingForm
from icat.web.auth import current_actor
from icat.web.http import current_session
from icat.web.page_forms import submit

bp = Blueprint("rotation", __name__, url_prefix="/rotation")
PLAN_YEARS = rules.MAX_YEARS_AHEAD  # a ten-year plan: long enough to show that every member gets its turns


def _forms() -> tuple[TermForm, UnwillingForm]:
    term_form, unwilling_form = TermForm(prefix="term"), UnwillingForm(prefix="unwilling")
    members = [(e.acronym, choice_label(e)) for e in list_entities(current_session(), EntityFilter("member"))]
    term_form.first.choices = members
    term_form.second.choices = [("", "—"), *members]
    unwilling_form.entities.choices = members
    return term_form, unwilling_form


def _page(term_form: TermForm, unwilling_form: UnwillingForm, status: int = 200) -> tuple[str, int]:
    session, this_year = current_session(), clock.today().year
    plan = services.plan_view(session, through=this_year + PLAN_YEARS)
    terms = queries.terms(session)
    return render_template(
        "rotation/index.html",
        terms=terms,
        plan=plan.items,
        plan_view=plan,
        chart=timeline.build(terms, plan.items, this_year),
        this_year=this_year,
        unwilling=queries.unwilling_by_year(session),
        term_form=term_form,
        unwilling_form=unwilling_form,
    ), status


@bp.get("")
def index() -> tuple[str, int]:
    return _page(*_forms())


ALIASES = {"chairs": "first"}


@bp.post("/terms")
@login_required
def record() -> Response | tuple[str, int]:
    term_form, unwilling_form = _forms()
    outcome = submit(
        term_form,
        lambda: services.record_term(current_session(), actor=current_actor(), **term_form.to_fields()),
        aliases=ALIASES,
    )
    done = _("Co-chairs for %(year)s recorded.", year=term_form.year.data)
    return outcome.redirect(url_for("rotation.index"), done) or _page(term_form, unwilling_form, outcome.status)


@bp.post("/unwilling")
@login_required
def unwilling() -> Response | tuple[str, int]:
    term_form, form = _forms()
    outcome = submit(
        form,
        lambda: services.set_unwilling(
            current_session(), actor=current_actor(), year=form.year.data, entities=form.entities.data or []
        ),
    )
    done = _("Saved who will not chair in %(year)s.", year=form.year.data)
    return outcome.redirect(url_for("rotation.index"), done) or _page(term_form, form, outcome.status)
