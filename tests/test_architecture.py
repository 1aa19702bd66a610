"""Layering rules (DESIGN §10): core, models and services know nothing of Flask; routes
never touch the database session; the scheduler is only built by the worker."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "icat"
FRAMEWORK = (
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "flask_babel",
    "flask_migrate",
    "werkzeug.local",
    "wtforms",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


WEB = ("icat.extensions", "icat.web", "icat.blueprints")
# Area packages: one folder per area with the same file roles (DESIGN §3).
AREAS = sorted(
    p for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and p.name not in {"core", "web", "blueprints"}
)


def _area_modules() -> list[Path]:
    return sorted(path for area in AREAS for path in area.rglob("*.py"))


def _is_forms(path: Path) -> bool:
    """Page forms (Flask-WTF) are the one place an area may use the web framework."""
    return path.name == "forms.py" or path.name.endswith("_forms.py")


def _framework(names: set[str], *, allow_babel: bool) -> set[str]:
    bad = set()
    for name in names:
        top = name.split(".")[0]
        if top == "flask_babel" and allow_babel:
            continue  # translated strings (lazy_gettext, force_locale) belong to every layer
        if top in FRAMEWORK or name.startswith(FRAMEWORK) or name.startswith(WEB):
            bad.add(name)
    return bad


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_knows_nothing_of_the_web(path: Path) -> None:
    bad = _framework(_imports(path), allow_babel=False)
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path", [p for p in _area_modules() if not _is_forms(p)], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_area_modules_do_not_import_flask(path: Path) -> None:
    """Every module of an area, not only services and models: Flask-Babel's strings aside,
    the web lives in icat/web/ and icat/blueprints/."""
    bad = _framework(_imports(path), allow_babel=True)
    assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_the_rules_have_files_to_check() -> None:
    names = {p.name for p in _area_modules()}
    assert {"models.py", "services.py", "queries.py", "events.py"} <= names
    assert {a.name for a in AREAS} >= {"accounts", "registry", "rotation", "meetings", "notifications", "calendar"}
    assert (PACKAGE / "core" / "outbox.py").exists()


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


VERBS = {"route", "get", "post", "put", "patch", "delete"}
MAX_ROUTE_LINES = 10


def _is_route(fn: ast.FunctionDef) -> bool:
    for decorator in fn.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(func, ast.Attribute) and func.attr in VERBS:
            return True
    return False


def _body_lines(fn: ast.FunctionDef) -> int:
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return 0 if not body else (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1


def _routes() -> list[tuple[str, int]]:
    found = []
    for path in sorted((PACKAGE / "blueprints").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and _is_route(node):
                found.append((f"{path.relative_to(PACKAGE)}:{node.name}", _body_lines(node)))
    return found


def test_route_functions_are_short() -> None:
    """Parse → one service → render (DESIGN §11.1): ten lines at most, docstring aside."""
    routes = _routes()
    assert len(routes) > 50
    long = [f"{name} ({lines} lines)" for name, lines in routes if lines > MAX_ROUTE_LINES]
    assert not long, f"routes over {MAX_ROUTE_LINES} lines: {long}"


def _top_level_names(path: Path) -> set[str]:
    """Classes and UPPER_CASE constants a module defines."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names |= {t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper() and len(t.id) > 1}
    return names


def test_no_two_areas_define_the_same_name() -> None:
    """``MeetingFilter`` in two areas, or ``STAFF`` under four names, reads as one thing and is
    two: each class and constant is defined once across icat/ (blueprints' ``bp`` aside)."""
    where: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in _top_level_names(path):
            where.setdefault(name, []).append(str(path.relative_to(PACKAGE)))
    twice = {name: places for name, places in where.items() if len(places) > 1}
    assert not twice, f"defined in more than one module: {twice}"
