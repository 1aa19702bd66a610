"""The `flask icat …` commands, run through Click as an operator would."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.registry.models import Entity
from tests.conftest import PASSWORD, count


def test_seed_twice_loads_31_entities_once(runner, session: Session) -> None:
    first = runner.invoke(args=["icat", "seed"])
    second = runner.invoke(args=["icat", "seed"])
    assert first.exit_code == 0 and "31 entities added" in first.output
    assert second.exit_code == 0 and "0 entities added, 31 already present" in second.output
    assert count(session, Entity) == 31
    assert "Publications: 38 added, 0 already present, 2 without a title skipped." in first.output
    assert "Publications: 0 added, 38 already present" in second.output


def test_create_user_and_token_then_use_the_token(runner, client: FlaskClient, session: Session) -> None:
    runner.invoke(args=["icat", "seed"])
    made = runner.invoke(
        args=[
            "icat",
            "create-user",
            "--email",
            "fp@icat.example",
            "--password",
            PASSWORD,
            "--role",
            "focal_point",
            "--entity",
            "ILO",
        ]
    )
    assert made.exit_code == 0, made.output
    user = session.scalar(sa.select(User).where(User.email == "fp@icat.example"))
    assert (user.role, user.entity.acronym) == ("focal_point", "ILO")
    issued = runner.invoke(args=["icat", "create-token", "--email", "fp@icat.example"])
    token = issued.output.split()[-1]  # DESIGN §7: the token is the last word
    assert issued.exit_code == 0 and len(token) >= 40
    detail = client.get("/api/v1/entities/ILO", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert detail["focal_points"] == [{"name": "fp@icat.example", "email": "fp@icat.example"}]


def test_create_user_refusals_are_clear_and_write_nothing(runner, session: Session) -> None:
    result = runner.invoke(
        args=["icat", "create-user", "--email", "x@icat.example", "--password", "short", "--role", "focal_point"]
    )
    assert result.exit_code != 0
    assert "password" in result.output and "entity" in result.output
    assert count(session, User) == 0


def test_ensure_admin_creates_one_admin_once(runner, session: Session) -> None:
    first = runner.invoke(args=["icat", "ensure-admin"])
    second = runner.invoke(args=["icat", "ensure-admin"])
    assert "Local admin created: admin@icat.example / " in first.output
    assert "An admin exists already" in second.output
    assert count(session, User, User.role == "admin") == 1


def test_worker_once_relays_pending_events(runner, session: Session) -> None:
    from icat.core.outbox import OutboxEvent

    runner.invoke(args=["icat", "seed"])
    assert count(session, OutboxEvent, OutboxEvent.processed_at.is_(None)) >= 31  # one per entity, and more
    result = runner.invoke(args=["icat", "worker", "--once"])
    assert result.exit_code == 0
    assert count(session, OutboxEvent, OutboxEvent.processed_at.is_(None)) == 0


def test_create_token_takes_a_name_and_revoke_token_stops_it_at_once(
    runner, client: FlaskClient, session: Session
) -> None:
    from icat.accounts.models import Token
    from icat.core.outbox import OutboxEvent

    made = runner.invoke(
        args=["icat", "create-user", "--email", "ops@icat.example", "--password", PASSWORD, "--role", "viewer"]
    )
    assert made.exit_code == 0, made.output
    issued = runner.invoke(args=["icat", "create-token", "--email", "ops@icat.example", "--name", "backup job"])
    assert issued.exit_code == 0, issued.output
    raw = issued.output.split()[-1]
    token = session.scalar(sa.select(Token).where(Token.name == "backup job"))
    assert token is not None and token.kind == "api" and f"API token {token.id} " in issued.output
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/tokens", headers=auth).status_code == 200

    revoked = runner.invoke(args=["icat", "revoke-token", str(token.id)])
    assert revoked.exit_code == 0, revoked.output
    assert f'Revoked api token {token.id} "backup job" of ops@icat.example at ' in revoked.output
    assert client.get("/api/v1/tokens", headers=auth).status_code == 401
    session.expire_all()
    assert session.get(Token, token.id).revoked_at is not None
    again = runner.invoke(args=["icat", "revoke-token", str(token.id)])
    assert again.exit_code == 0 and "Already revoked" in again.output
    assert count(session, OutboxEvent, OutboxEvent.type == "TokenRevoked") == 1


def test_revoke_token_refuses_an_unknown_id_and_changes_nothing(runner, session: Session) -> None:
    from icat.accounts.models import Token

    runner.invoke(args=["icat", "create-user", "--email", "v@icat.example", "--password", PASSWORD, "--role", "viewer"])
    runner.invoke(args=["icat", "create-token", "--email", "v@icat.example"])
    unknown = runner.invoke(args=["icat", "revoke-token", "424242"])
    assert unknown.exit_code != 0 and "No such token" in unknown.output
    not_a_number = runner.invoke(args=["icat", "revoke-token", "abc"])
    assert not_a_number.exit_code != 0
    assert count(session, Token) == 1 and count(session, Token, Token.revoked_at.is_not(None)) == 0


ROOT = Path(__file__).resolve().parents[2]


def _wait_for(check: Callable[[], Any], process: subprocess.Popen, seconds: float = 60.0) -> Any:
    """``check()``'s first truthy answer, polled while ``process`` runs (None once it has exited)."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except OSError:
            pass  # not listening yet
        time.sleep(0.25)
    return None


@pytest.mark.parametrize("base_url", [None, "https://icat.example.org"], ids=["derived", "set"])
def test_make_serve_links_to_the_port_it_serves_on(
    app, database_url: str, free_port: int, tmp_path: Path, base_url: str | None
) -> None:
    """``make run``'s last step, for real: honcho starts the Procfile's gunicorn and worker on a
    free port; the page's feed links and the worker name that port unless ICAT_BASE_URL is set."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ICAT_")}
    env |= {"ICAT_PORT": str(free_port), "ICAT_DATABASE_URL": database_url, "ICAT_SECRET_KEY": "k" * 48}
    if base_url:
        env["ICAT_BASE_URL"] = base_url
    expected = base_url or f"http://127.0.0.1:{free_port}"
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def meetings_page() -> str | None:
            with urllib.request.urlopen(f"http://127.0.0.1:{free_port}/meetings", timeout=5) as response:
                return response.read().decode()

        page = _wait_for(meetings_page, process)
        assert page, log.read_text()
        worker_line = _wait_for(lambda: "worker started" in log.read_text(), process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # make, honcho, gunicorn and the worker: the group we started
        process.wait(timeout=30)
    output = log.read_text()
    assert f"{expected}/calendar/icat.ics" in page
    assert "webcal://" + expected.split("://", 1)[1] + "/calendar/icat.ics" in page
    assert "127.0.0.1:5000" not in page
    assert f"ICAT Workspace: http://127.0.0.1:{free_port}" in output
    assert worker_line and f"links use {expected}" in output.split("worker started", 1)[1].splitlines()[0]
