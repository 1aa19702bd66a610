"""Account links and providers without a database: tokens derived from nonce and secret,
links kept out of logs, and the ICAT_OIDC_PROVIDERS setting read strictly."""

from __future__ import annotations

import logging

import pytest

from icat.accounts.links import link_token
from icat.web.log_redaction import RedactTokens, redact
from icat.web.sign_in import parse_providers


def test_a_link_token_needs_the_secret_and_the_nonce() -> None:
    token = link_token("secret-one", "nonce")
    assert token == link_token("secret-one", "nonce") and len(token) == 43  # 256 bits, URL-safe
    assert token != link_token("secret-two", "nonce") and token != link_token("secret-one", "other")


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ('"GET /invitations/abcDEF123_- HTTP/1.1" 200', '"GET /invitations/[redacted] HTTP/1.1" 200'),
        ('"POST /password/reset/xyz?x=1 HTTP/1.1" 302', '"POST /password/reset/[redacted]?x=1 HTTP/1.1" 302'),
        ("GET /password/forgot", "GET /password/forgot"),
    ],
)
def test_account_links_never_reach_the_logs(line: str, kept: str) -> None:
    assert redact(line) == kept
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s", (line,), None)
    RedactTokens().filter(record)
    assert record.getMessage() == kept


def test_providers_are_read_and_bad_ones_refused() -> None:
    (one,) = parse_providers(
        '[{"name": "ILO", "issuer": "https://id.ilo.example/", "client_id": "c",'
        ' "client_secret": "s", "domains": ["ILO.example"]}]'
    )
    assert (one.issuer, one.domains) == ("https://id.ilo.example", ("ilo.example",))
    assert one.serves("ana@ilo.example") and not one.serves("ana@ilo.example.evil")
    with pytest.raises(ValueError, match="lacks client_secret, domains"):
        parse_providers([{"issuer": "https://x", "client_id": "c"}])
    assert parse_providers("[]") == []
