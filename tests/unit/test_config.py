"""Configuration comes from defaults, then ICAT_* variables, then overrides."""

from __future__ import annotations

import pytest

from icat import create_app
from icat.config import normalise_database_url


def test_a_production_app_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("ICAT_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="ICAT_SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_environment_variables_are_read_with_the_icat_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("ICAT_SECRET_KEY", "from-env")
    monkeypatch.setenv("ICAT_WORKER_POLL_SECONDS", "2")
    monkeypatch.setenv("ICAT_BASE_URL", "https://icat.example.org")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["WORKER_POLL_SECONDS"] == 2
    assert app.config["SESSION_COOKIE_SECURE"] is True  # https base URL → secure cookies
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_postgres_urls_use_psycopg_3() -> None:
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"
