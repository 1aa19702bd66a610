"""Workplan pages: the list, a plan grouped by pillar and outcome with filters, its timeline
(SVG drawn on the server), what changed since the baseline, and the exports."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from icat.core import clock
from icat.core.permissions import STAFF, is_staff
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, load_args
from icat.web.links import feed_links
from icat.web.page_forms import Outcome, submit
from icat.web.workplan_files import download, problem_rows
from icat.workplan import activities as activity_rules
from icat.workplan import baseline, importing, services, timeline
from icat.workplan.access import check_activity_edit, get_activity, get_plan, may_edit
from icat.workplan.forms import ActivityUpdateForm, AdoptForm, ImportForm, PlanForm
from icat.workplan.labels import labels
from icat.workplan.models import ACTIVITY_STATUSES, PILLARS, RAGS, Activity, Workplan
from icat.workplan.queries import WorkplanActivityFilter, default_period, filtered, list_plans
from icat.workplan.schemas import PeriodArgsSchema, PlanPageArgsSchema

bp = Blueprint("workplans", __name__, url_prefix="/workplans")
SVG = "image/svg+xml"


@bp.get("")
def index() -> str:
    plans = list_plans(current_session(), actor=current_actor())
    return render_template("workplans/list.html", plans=plans, today=clock.today())


@bp.route("/new", methods=["GET", "POST"])
@requires(STAFF, _l("draft workplans"))
def new() -> Response | tuple[str, int]:
    form = PlanForm(prefix="plan")
    outcome = submit(form, lambda: services.create_plan(current_session(), actor=current_actor(), **form.to_fields()))
    done = outcome.redirect(_plan_url, _("Plan drafted."))
    return done or (render_template("workplans/new.html", form=form), outcome.status)


def _plan_url(plan: Workplan) -> str:
    return url_for("workplans.detail", plan_id=plan.id)


@bp.post("/<int:plan_id>/adopt")
@requires(STAFF, _l("adopt workplans"))
def adopt(plan_id: int) -> Response:
    form = AdoptForm(prefix="adopt")
    outcome = submit(form, lambda: _adopt(plan_id, form), errors="flash")
    back = url_for("workplans.detail", plan_id=plan_id)
    return outcome.redirect(back, _("Plan adopted; its baseline is taken.")) or redirect(back)


def _adopt(plan_id: int, form: AdoptForm) -> Workplan:
    version = int(form.version.data) if str(form.version.data).isdigit() else None
    changes = {"adopted_on": form.adopted_on.data}
    return services.update_plan(
        current_session(), actor=current_actor(), plan_id=plan_id, version=version, changes=changes
    )


def _view(plan_id: int) -> tuple[Workplan, dict[str, Any], list[Any], int]:
    """The plan, the page's filters, the activities they keep, and the reporting period."""
    args = load_args(PlanPageArgsSchema())
    plan = get_plan(current_session(), plan_id, actor=current_actor())
    period = args.get("period") or default_period(plan)
    flt = WorkplanActivityFilter(args.get("entity"), args.get("pillar"), args.get("status"), args.get("rating"))
    return plan, args, filtered(plan, flt, period), period


def _context(plan: Workplan, args: dict[str, Any], period: int) -> dict[str, Any]:
    entities = sorted({a for act in plan.activities for a in act.lead_entities + act.co_lead_entities})
    return {
        "plan": plan,
        "args": args,
        "period": period,
        "today": clock.today(),
        "labels": labels(),
        "choices": {"pillar": PILLARS, "status": ACTIVITY_STATUSES, "rating": (*RAGS, "unrated"), "entity": entities},
        "may_edit": lambda activity: may_edit(current_actor(), activity),
        "feed": feed_links("calendar.workplan_feed", plan_id=plan.id),
        "colours": timeline.STATUS_COLOURS,
        "adopt_form": _adopt_form(plan),
    }


def _adopt_form(plan: Workplan) -> AdoptForm | None:
    """The secretariat's adoption form on a draft's pages (None for anyone else)."""
    if plan.is_adopted or not is_staff(current_actor()):
        return None
    form = AdoptForm(prefix="adopt", formdata=None)
    form.version.data = str(plan.version)
    return form


@bp.get("/<int:plan_id>")
def detail(plan_id: int) -> str:
    plan, args, activities, period = _view(plan_id)
    return render_template("workplans/detail.html", activities=activities, **_context(plan, args, period))


@bp.get("/<int:plan_id>/timeline")
def timeline_page(plan_id: int) -> str:
    plan, args, activities, period = _view(plan_id)
    chart = timeline.build(plan, activities, clock.today())
    return render_template("workplans/timeline.html", chart=chart, **_context(plan, args, period))


@bp.get("/<int:plan_id>/timeline.svg")
def timeline_svg(plan_id: int) -> Response:
    plan, args, activities, period = _view(plan_id)
    chart = timeline.build(plan, activities, clock.today())
    svg = render_template("workplans/_timeline.svg", chart=chart, standalone=True, **_context(plan, args, period))
    return Response(svg, mimetype=SVG)


@bp.get("/<int:plan_id>/changes")
def changes(plan_id: int) -> str:
    plan = get_plan(current_session(), plan_id, actor=current_actor())
    diff = baseline.changes_since_baseline(plan)
    return render_template("workplans/changes.html", changes=diff, **_context(plan, {}, clock.today().year))


@bp.get("/<int:plan_id>/export.<any(csv, json, xlsx):fmt>")
def export(plan_id: int, fmt: str) -> Response:
    period = load_args(PeriodArgsSchema()).get("period")
    return download(get_plan(current_session(), plan_id, actor=current_actor()), fmt, period)


def _update_page(activity: Activity, form: ActivityUpdateForm, period: int, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "workplans/update.html", activity=activity, form=form, period=period, labels=labels(), today=clock.today()
    )
    return page, status


@bp.route("/activities/<int:activity_id>/update", methods=["GET", "POST"])
@login_required
def update(activity_id: int) -> Response | tuple[str, int]:
    activity, period, form = _update_form(activity_id)
    outcome = submit(form, lambda: _update_activity(activity_id, form), aliases=UPDATE_ALIASES)
    back = url_for("workplans.detail", plan_id=activity.workplan_id, period=period) + f"#activity-{activity_id}"
    return outcome.redirect(back, _("Activity updated.")) or _update_page(activity, form, period, outcome.status)


UPDATE_ALIASES = {"rag": "rating"}


def _update_form(activity_id: int) -> tuple[Activity, int, ActivityUpdateForm]:
    """The activity (403 unless the actor may change it), the period rated and the form."""
    activity = get_activity(current_session(), activity_id, actor=current_actor())
    check_activity_edit(current_actor(), activity, {"status", "progress", "rag", "evidence"})
    plan = activity.workplan
    period = load_args(PeriodArgsSchema()).get("period") or default_period(plan)
    form = ActivityUpdateForm(prefix="a")
    if request.method == "GET":
        form.fill(activity, period)
    return activity, period, form


def _update_activity(activity_id: int, form: ActivityUpdateForm) -> Activity:
    return activity_rules.update_activity(
        current_session(),
        actor=current_actor(),
        activity_id=activity_id,
        version=form.edited_version(),
        changes=form.to_changes(),
    )


def _import_page(plan: Workplan, form: ImportForm, outcome: Outcome[Any] | None = None) -> tuple[str, int]:
    problems = problem_rows(outcome.error.fields) if outcome and outcome.error else []
    context = {"form": form, "problems": problems, "error": outcome.error if outcome else None}
    page = render_template("workplans/import.html", plan=plan, columns=importing.CSV_COLUMNS, **context)
    return page, outcome.status if outcome else 200


@bp.route("/<int:plan_id>/import", methods=["GET", "POST"])
@requires(STAFF, _l("import workplan activities"))
def import_csv(plan_id: int) -> Response | tuple[str, int]:
    plan, form = get_plan(current_session(), plan_id, actor=current_actor()), ImportForm(prefix="imp")
    outcome = submit(form, lambda: _import(plan_id, form.file.data.read()), errors="fields")
    done = _imported_message
    return outcome.redirect(url_for("workplans.detail", plan_id=plan_id), done) or _import_page(plan, form, outcome)


def _imported_message(added: list[Activity]) -> str:
    return _("%(num)s activities imported.", num=len(added))


def _import(plan_id: int, data: bytes) -> list[Activity]:
    rows = importing.parse_csv(data)
    return importing.import_activities(
        current_session(), actor=current_actor(), plan_id=plan_id, rows=rows, first_row=2
    )
