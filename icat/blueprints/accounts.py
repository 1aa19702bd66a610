"""Sign-in and sign-out pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from icat.accounts import services as accounts
from icat.accounts.forms import LoginForm
from icat.web.auth import SessionUser
from icat.web.http import current_session, transactional

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used to redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


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
    return redirect(url_for("home.index"))
