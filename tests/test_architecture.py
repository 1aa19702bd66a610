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


# Core may hold messages for people, translated later where they are shown: Flask-Babel's
# lazy strings, and nothing else of it (no gettext bound to a request, no locale).
CORE_BABEL = {"lazy_gettext", "LazyString"}


def _babel_names(path: Path) -> set[str]:
    return {
        alias.name
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.ImportFrom) and node.module == "flask_babel"
        for alias in node.names
    }


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_knows_nothing_of_the_web(path: Path) -> None:
    names = _imports(path)
    bad = _framework(names - {"flask_babel"}, allow_babel=False)
    assert not bad, f"{path.name} imports {sorted(bad)}"
    assert _babel_names(path) <= CORE_BABEL, f"{path.name} imports {sorted(_babel_names(path) - CORE_BABEL)}"
    assert "flask_babel" not in names or _babel_names(path), f"{path.name} imports all of flask_babel"


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


# Domain errors reach French and Arabic pages and API clients: their messages are lazy
# strings (``_l("...")``), translated when the answer is rendered, never English literals.
def _domain_error_names() -> set[str]:
    from icat.core import errors

    return {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.DomainError)
    }


DOMAIN_ERRORS = _domain_error_names()


def _error_names_in(tree: ast.Module) -> set[str]:
    """The domain error classes a module imported (``BadRequest`` may be werkzeug's), and
    those it defines on them (``class LinkUnusable(DomainError)``)."""
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "icat.core.errors"
        for alias in node.names
        if alias.name in DOMAIN_ERRORS
    }
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in names for b in node.bases):
            names.add(node.name)
    return names


def _is_plain_text(node: ast.AST | None) -> bool:
    """A literal str, an f-string, or an expression made only of them (``"a" if x else "b"``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value != ""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.IfExp):
        return _is_plain_text(node.body) or _is_plain_text(node.orelse)
    if isinstance(node, ast.BinOp):
        return _is_plain_text(node.left) or _is_plain_text(node.right)
    return False


def _literal_field_messages(value: ast.AST) -> bool:
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        return any(_is_plain_text(item) for item in value.elts)
    if isinstance(value, ast.ListComp):
        return _is_plain_text(value.elt)
    return _is_plain_text(value)


def _fields_literals(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Dict):
        return any(_literal_field_messages(v) for v in node.values)
    if isinstance(node, ast.DictComp):
        return _literal_field_messages(node.value)
    return False


def _error_calls(tree: ast.Module) -> list[ast.Call]:
    names = _error_names_in(tree)
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    ]


def _message(call: ast.Call) -> ast.AST | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "message"), None)


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _builds_plain_field_message(node: ast.AST) -> bool:
    """``errors[...] = ["..."]`` or ``errors.setdefault(...).append("...")``: the dicts of
    per-field messages that become a domain error's ``fields``."""
    if isinstance(node, ast.Assign):
        into_errors = any(
            isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and "errors" in t.value.id
            for t in node.targets
        )
        return into_errors and _literal_field_messages(node.value)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "append"
        and "errors" in ast.unparse(node.func.value)
        and bool(node.args)
        and _is_plain_text(node.args[0])
    )


def _plain_messages(path: Path) -> list[str]:
    """Where a module builds a domain error, or a per-field message for one, from plain text:
    the error's message, a ``fields={...}`` value, or a message added to an errors dict."""
    tree = ast.parse(path.read_text(), str(path))
    lines = [
        call.lineno
        for call in _error_calls(tree)
        if _is_plain_text(_message(call)) or _fields_literals(_keyword(call, "fields"))
    ]
    lines += [node.lineno for node in ast.walk(tree) if _builds_plain_field_message(node)]
    where = path.relative_to(PACKAGE) if path.is_relative_to(PACKAGE) else path.name
    return [f"{where}:{line}" for line in sorted(lines)]


def test_domain_errors_carry_translatable_messages() -> None:
    plain = [where for path in sorted(PACKAGE.rglob("*.py")) for where in _plain_messages(path)]
    assert not plain, f"domain error messages as plain text (use _l('...') with %(name)s placeholders): {plain}"


def _plain_actions(tree: ast.Module) -> list[int]:
    """``require_role(actor, ROLES, "…")`` / ``@requires(ROLES, "…")`` with a plain action:
    it ends up inside the Forbidden/Unauthorized message the reader sees."""
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    named = [c for c in calls if isinstance(c.func, ast.Name) and c.func.id in ("require_role", "requires")]
    return [c.lineno for c in named if c.args and _is_plain_text(c.args[-1])]


def test_role_checks_name_their_action_translatably() -> None:
    plain = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in _plain_actions(ast.parse(path.read_text()))
    ]
    assert not plain, f"role checks with a plain-text action (use _l('...')): {plain}"
    assert _plain_actions(ast.parse('require_role(actor, STAFF, "x")\n@requires(STAFF, _l("y"))\ndef f(): ...')) == [1]


def test_the_check_sees_plain_messages(tmp_path: Path) -> None:
    """The check above finds what it is meant to find (and lets lazy strings pass)."""
    source = (
        "from icat.core.errors import Conflict, ValidationError\n"
        "raise Conflict(f'Meeting {id} is cancelled.')\n"
        "raise ValidationError(_l('Bad.'), fields={'title': ['Required.']})\n"
        "errors['x'] = [f'At most {n}.']\n"
        "errors.setdefault('y', []).append('Required.')\n"
        "raise Conflict(_l('Meeting %(id)s is cancelled.', id=id), fields={'x': [_l('Taken.')]}, rule='a.b')\n"
    )
    probe = tmp_path / "probe.py"
    probe.write_text(source)
    found = _plain_messages(probe)
    assert [where.split(":")[1] for where in found] == ["2", "3", "4", "5"]


RULE = r"^[a-z]+(\.[a-z0-9_]+)+$"
RULE_IDS = Path(__file__).resolve().parent / "rule_ids.txt"


def _msgid(node: ast.AST | None) -> str:
    """The message of a domain error as a translator sees it: ``_l``'s first argument."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        return str(node.args[0].value)
    return ast.unparse(node) if node is not None else ""


def _rules() -> dict[str, set[str]]:
    """Every rule id written in icat/, with the messages raised under it."""
    rules: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for call in _error_calls(tree):
            rule = _keyword(call, "rule")
            if isinstance(rule, ast.Constant):
                rules.setdefault(str(rule.value), set()).add(_msgid(_message(call)))
    return rules


def test_every_domain_error_names_its_rule() -> None:
    """``rule=`` on every domain error built in icat/ (``web/errors`` builds them too)."""
    missing = [
        f"{path.relative_to(PACKAGE)}:{call.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for call in _error_calls(ast.parse(path.read_text(), str(path)))
        if not isinstance(_keyword(call, "rule"), ast.Constant)
    ]
    assert not missing, f"domain errors without a literal rule='area.rule_name': {missing}"


def test_rule_ids_are_stable_and_mean_one_message() -> None:
    """One rule, one message (a rule id names one refusal); ids are dotted names; and the
    set of ids is the one in tests/rule_ids.txt: clients may branch on them, so an id is
    added there when a rule is added, and never renamed."""
    import re

    rules = _rules()
    assert len(rules) > 60
    assert [r for r in rules if not re.match(RULE, r)] == []
    shared = {rule: sorted(messages) for rule, messages in rules.items() if len(messages) > 1}
    assert not shared, f"one rule id for different messages: {shared}"
    listed = RULE_IDS.read_text().split()
    assert listed == sorted(set(listed)), "keep tests/rule_ids.txt sorted, one id a line"
    assert sorted(rules) == listed, (
        f"rule ids changed: added {sorted(set(rules) - set(listed))}, gone {sorted(set(listed) - set(rules))}"
    )
