"""The organisations' OpenID Connect providers as configured (``ICAT_OIDC_PROVIDERS``):
a JSON list of ``{name, issuer, client_id, client_secret, domains}`` (DESIGN §8)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Flask, Response, current_app, url_for
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError

from icat.core.errors import DomainError, NotFound


@dataclass(frozen=True)
class Provider:
    """One organisation's OpenID provider and the e-mail domains it vouches for."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    domains: tuple[str, ...]

    def serves(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domains


def parse_providers(raw: Any) -> list[Provider]:
    """Read the setting (a JSON string or the list ``from_prefixed_env`` already parsed).
    Raises ValueError naming what is missing, so a bad setting stops the start-up."""
    items = json.loads(raw) if isinstance(raw, str) else (raw or [])
    providers = []
    for n, item in enumerate(items):
        missing = [k for k in ("issuer", "client_id", "client_secret", "domains") if not item.get(k)]
        if missing:
            raise ValueError(f"ICAT_OIDC_PROVIDERS[{n}] lacks {', '.join(missing)}")
        name = str(item.get("name") or f"provider{n + 1}")
        domains = tuple(str(d).lower() for d in item["domains"])
        providers.append(
            Provider(name, str(item["issuer"]).rstrip("/"), item["client_id"], item["client_secret"], domains)
        )
    return providers


def providers() -> list[Provider]:
    return current_app.extensions.get("icat_oidc_providers", [])


def oidc_choices(user: Any = None) -> list[Provider]:
    """The providers a person may sign in with: those serving their address (all, if none given)."""
    return [p for p in providers() if user is None or p.serves(user.email)]


class ProviderFailed(DomainError):
    """The provider's answer could not be used (refused, forged, expired, unreachable)."""

    status, code = 502, "provider_failed"


def init_oidc(app: Flask) -> None:
    """Register each configured provider with Authlib's Flask client: discovery from the
    issuer, ``openid email`` scope, PKCE with S256."""
    configured = parse_providers(app.config.get("OIDC_PROVIDERS"))
    app.extensions["icat_oidc_providers"] = configured
    # One registry per application: Authlib caches each provider's client and metadata in it.
    oauth = app.extensions["icat_oauth"] = OAuth(app)
    for p in configured:
        oauth.register(
            name=p.name,
            client_id=p.client_id,
            client_secret=p.client_secret,
            server_metadata_url=f"{p.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )


def _oauth() -> OAuth:
    return current_app.extensions["icat_oauth"]


def provider(name: str) -> Provider:
    found = next((p for p in providers() if p.name == name), None)
    if found is None:
        raise NotFound(_l("No such sign-in."), rule="accounts.oidc_provider_unknown")
    return found


def start(name: str) -> Response:
    """Send the browser to the provider (state, nonce and PKCE verifier kept in the session)."""
    client = _oauth().create_client(provider(name).name)
    return client.authorize_redirect(url_for("oidc.callback", name=name, _external=True))


def verified_identity(name: str) -> tuple[Provider, str, bool]:
    """The provider, and the e-mail address and ``email_verified`` of its checked ID token."""
    found = provider(name)
    try:
        token = _oauth().create_client(found.name).authorize_access_token()
    except (OAuthError, JoseError, requests.RequestException, ValueError) as exc:
        current_app.logger.info("sign-in through %s failed: %s", name, exc)
        raise ProviderFailed(
            _l("Your organisation's sign-in did not complete. Try again."), rule="accounts.oidc_provider_failed"
        ) from exc
    claims = token.get("userinfo") or {}
    return found, str(claims.get("email") or ""), claims.get("email_verified") is True
