"""The organisations' OpenID Connect providers as configured (``ICAT_OIDC_PROVIDERS``):
a JSON list of ``{name, issuer, client_id, client_secret, domains}`` (DESIGN §8)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import current_app


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
