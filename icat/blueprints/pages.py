"""Browser pages. Server-rendered, working without JavaScript (DESIGN §11.10)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from icat.accounts import queries as account_queries
from icat.accounts import services as accounts
from icat.accounts.forms import LoginForm
from icat.activity.queries import recent_events
from icat.auth import SessionUser, current_actor, current_db_user
from icat.notifications.queries import inbox
from icat.registry.models import CATEGORIES, KINDS
from icat.registry.queries import EntityFilter, coordinator, get_entity, list_entities
from icat.registry.schemas import EntityListArgsSchema
from icat.web import current_session, load_args, transactional

bp = Blueprint("pages", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used to redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("pages.index")


@bp.get("/")
def index() -> str:
    session = current_session()
    entities = list_entities(session, EntityFilter())
    return render_template("index.html", entities=entities, coordinator=coordinator(session))


def _limits() -> accounts.LoginLimits:
    cfg = current_app.config
    return accounts.LoginLimits(cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_WINDOW_SECONDS"], cfg["LOGIN_SESSION_HOURS"])


@bp.route("/login", methods=["GET", "POST"])
@transactional
def login() -> Response | tuple[str, int] | str:
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("login.html", form=form), 422 if form.errors else 200
    outcome = accounts.log_in(
        current_session(),
        email=form.email.data,
        password=form.password.data,
        ip=request.remote_addr or "unknown",
        limits=_limits(),
    )
    if outcome.user and outcome.key:
        login_user(SessionUser(outcome.user, outcome.key))
        return redirect(_safe_next(request.args.get("next")))
    if outcome.retry_after:
        message = _(
            "Too many failed attempts. Try again in %(minutes)s minutes.", minutes=outcome.retry_after // 60 + 1
        )
        return render_template("login.html", form=form, error=message), 429
    return render_template("login.html", form=form, error=_("Email or password is wrong.")), 401


@bp.post("/logout")
@login_required
@transactional
def logout() -> Response:
    accounts.log_out(current_session(), key=current_user.get_id())
    logout_user()
    return redirect(url_for("pages.index"))


@bp.get("/entities")
def entities() -> str:
    args = load_args(EntityListArgsSchema())
    flt = EntityFilter(args.get("kind"), args.get("category"), args.get("working_group"))
    rows = list_entities(current_session(), flt)
    return render_template("registry/list.html", entities=rows, flt=flt, kinds=KINDS, categories=CATEGORIES)


@bp.get("/entities/<acronym>")
def entity(acronym: str) -> str:
    row = get_entity(current_session(), acronym)
    fps = account_queries.focal_points(current_session(), actor=current_actor(), entity_id=row.id)
    return render_template("registry/detail.html", entity=row, focal_points=fps)


@bp.get("/activity")
@login_required
def activity() -> str:
    events = recent_events(current_session(), actor=current_actor())
    return render_template("activity/index.html", events=events)


@bp.get("/inbox")
@login_required
def notices() -> str:
    user = current_db_user()
    return render_template("notifications/inbox.html", notices=inbox(current_session(), user.id))
