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
from icat.web.page_forms import Outcome, submit

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used to redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def login_limits() -> accounts.LoginLimits:
    cfg = current_app.config
    return accounts.LoginLimits(cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_WINDOW_SECONDS"], cfg["LOGIN_SESSION_HOURS"])


def client_ip() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    form = LoginForm()
    # A failed attempt is a result, not an error: it is committed, so throttling counts it.
    outcome = submit(
        form,
        lambda: accounts.log_in(
            current_session(), email=form.email.data, password=form.password.data, ip=client_ip(), limits=login_limits()
        ),
    )
    return _signed_in(outcome.result) or _login_page(outcome)


def _signed_in(result: accounts.LoginOutcome | None) -> Response | None:
    """Start the login session and go on to the asked page, when the credentials were right."""
    if result is None or result.user is None or result.key is None:
        return None
    login_user(SessionUser(result.user, result.key))
    return redirect(_safe_next(request.args.get("next")))


def _login_page(outcome: Outcome[accounts.LoginOutcome]) -> tuple[str, int]:
    """The form again: first view (200), invalid (422), throttled (429) or refused (401)."""
    result, form = outcome.result, outcome.form
    if result is None:
        return render_template("login.html", form=form), outcome.status
    if result.retry_after:
        message = _("Too many failed attempts. Try again in %(minutes)s minutes.", minutes=result.retry_after // 60 + 1)
        return render_template("login.html", form=form, error=message), 429
    return render_template("login.html", form=form, error=_("Email or password is wrong.")), 401


@bp.post("/logout")
@login_required
@transactional
def logout() -> Response:
    accounts.log_out(current_session(), key=current_user.get_id())
    logout_user()
    return redirect(url_for("home.index"))
