"""Pages behind the links mailed to people: taking up an invitation, and resetting a
forgotten password (asked for on the sign-in page). An unusable link (forged, expired,
used, replaced) gives a page saying so, with 410, and changes nothing."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user

from icat.accounts import invitations
from icat.accounts.forms import EmailOnlyForm, NewPasswordForm
from icat.accounts.links import LinkUnusable
from icat.blueprints.accounts import client_ip, login_limits
from icat.web.auth import SessionUser, link_secret
from icat.web.http import current_session
from icat.web.page_forms import Outcome, submit
from icat.web.sign_in import oidc_choices

bp = Blueprint("account_links", __name__)


def _form_page(template: str, form: NewPasswordForm, token: str, outcome: Outcome | None = None) -> tuple[str, int]:
    if outcome is not None and isinstance(outcome.error, LinkUnusable):
        raise outcome.error  # the clear page, not the form: the link itself is the problem
    purpose = "invitation" if template.startswith("invitation") else "reset"
    link = invitations.check_link(current_session(), token=token, purpose=purpose)
    html = render_template(
        f"account/{template}", form=form, person=link.user, token=token, oidc=oidc_choices(link.user)
    )
    return html, outcome.status if outcome else 200


@bp.get("/invitations/<token>")
def invitation(token: str) -> tuple[str, int]:
    return _form_page("invitation.html", NewPasswordForm(), token)


@bp.post("/invitations/<token>")
def accept(token: str) -> Response | tuple[str, int]:
    form = NewPasswordForm()
    outcome = submit(form, lambda: _accept(token, form))
    return outcome.redirect(url_for("profile.index"), _("Welcome. Check your profile.")) or _form_page(
        "invitation.html", form, token, outcome
    )


def _accept(token: str, form: NewPasswordForm) -> object:
    """Set the password and start the session in the same unit of work."""
    result = invitations.accept_invitation(
        current_session(), token=token, password=form.password.data, limits=login_limits()
    )
    login_user(SessionUser(result.user, result.key))
    return result


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot() -> tuple[str, int]:
    form = EmailOnlyForm()
    outcome = submit(
        form,
        lambda: invitations.request_reset(
            current_session(), email=form.email.data, ip=client_ip(), limits=login_limits(), secret=link_secret()
        ),
    )
    status = 429 if outcome.result else outcome.status
    html = render_template("account/forgot.html", form=form, done=outcome.done, retry=outcome.result)
    return html, status


@bp.get("/password/reset/<token>")
def reset(token: str) -> tuple[str, int]:
    return _form_page("reset.html", NewPasswordForm(), token)


@bp.post("/password/reset/<token>")
def complete_reset(token: str) -> Response | tuple[str, int]:
    form = NewPasswordForm()
    outcome = submit(
        form, lambda: invitations.complete_reset(current_session(), token=token, password=form.password.data)
    )
    message = _("Your password was changed and you were signed out everywhere. Sign in with the new one.")
    return outcome.redirect(url_for("accounts.login"), message) or _form_page("reset.html", form, token, outcome)
