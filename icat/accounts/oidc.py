"""Signing in with an organisation's OpenID Connect provider (DESIGN §4): only for people
the workspace knows. The web layer (icat.web.sign_in) runs the authorization-code flow with
PKCE and checks the ID token's signature against the provider's keys; this module decides
whether the verified address it yields may sign in.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.accounts import links, rules
from icat.accounts.models import User
from icat.accounts.services import LoginLimits, LoginOutcome, open_session
from icat.core.errors import DomainError, Forbidden


class NoAccount(Forbidden):
    """The provider vouched for an address nobody invited: no account is made for it."""

    code = "no_account"


def sign_in_verified(
    session: Session, *, email: str, verified: bool, domains: Iterable[str], limits: LoginLimits
) -> LoginOutcome:
    """Open a session for the active (or invited) person whose address the provider verified.

    Raises Forbidden when the provider did not verify the address or does not serve its
    domain (a provider vouches only for its own organisation's addresses), NoAccount when no
    active account uses it. An open invitation is used up: the person has signed up.
    """
    try:
        address = rules.normalise_email(email or "")
    except DomainError as exc:
        raise Forbidden(
            _l("Your organisation's sign-in gave no usable e-mail address."), rule="accounts.oidc_email_unusable"
        ) from exc
    if not verified:
        raise Forbidden(
            _l("Your organisation's sign-in has not verified this e-mail address."),
            rule="accounts.oidc_email_unverified",
        )
    if address.rpartition("@")[2] not in {d.lower() for d in domains}:
        raise Forbidden(
            _l("This sign-in does not serve addresses of %(domain)s.", domain=address.rpartition("@")[2]),
            rule="accounts.oidc_domain_not_served",
        )
    user = session.scalar(sa.select(User).where(User.email == address, User.is_active))
    if user is None:
        raise NoAccount(
            _l("No account uses %(email)s. Ask the ICAT secretariat for an invitation.", email=address),
            rule="accounts.oidc_no_account",
        )
    links.close_open(session, user.id, "invitation")
    return LoginOutcome(user=user, key=open_session(session, user, limits))
