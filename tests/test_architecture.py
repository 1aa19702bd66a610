"""Layering rules (DESIGN §10): core, models and services know nothing of Flask; routes
never touch the database session; the scheduler is only built by the worker."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "icat"
FRAMEWORK = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_babel", "flask_migrate", "werkzeug.local")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _framework_free_files() -> list[Path]:
    files = list((PACKAGE / "core").rglob("*.py"))
    files += [
        p
        for p in PACKAGE.rglob("*.py")
        if p.name in {"models.py", "services.py", "events.py", "queries.py", "access.py"}
    ]
    return sorted(files)


@pytest.mark.parametrize("path", _framework_free_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_models_and_services_do_not_import_flask(path: Path) -> None:
    bad = {n for n in _imports(path) if n.split(".")[0] in FRAMEWORK or n.startswith(FRAMEWORK)}
    bad |= {n for n in _imports(path) if n == "icat.extensions" or n.startswith("icat.web")}
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_rule_has_files_to_check() -> None:
    names = {p.name for p in _framework_free_files()}
    assert {"outbox.py", "models.py", "services.py"} <= names


@pytest.mark.parametrize("path", sorted((PACKAGE / "blueprints").rglob("*.py")), ids=lambda p: p.name)
def test_routes_do_not_use_the_database_session(path: Path) -> None:
    source = path.read_text()
    for forbidden in ("db.session", ".commit(", ".execute(", "sa.select", "from sqlalchemy"):
        assert forbidden not in source, f"{path.name} uses {forbidden}: call a service or a query"


def test_services_never_commit() -> None:
    for path in PACKAGE.rglob("services.py"):
        assert ".commit(" not in path.read_text(), f"{path} commits: the caller's unit of work does"


def test_only_the_worker_command_builds_the_scheduler() -> None:
    users = [p for p in PACKAGE.rglob("*.py") if "build_scheduler" in p.read_text()]
    assert sorted(p.name for p in users) == ["cli.py", "scheduler.py"]
    assert "BackgroundScheduler" not in "".join(p.read_text() for p in PACKAGE.rglob("*.py"))
