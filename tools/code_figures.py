"""The size figures of issue 10's note, for icat/ in the working tree or at a git revision:
Python files over 300 lines, functions over 20 lines, route functions over 10 lines.

    .venv/bin/python tools/code_figures.py            # the working tree
    .venv/bin/python tools/code_figures.py 3f1c1b2    # a commit (read with git show)

A function's length is ``end_lineno - lineno + 1`` (decorators aside, docstring included;
nested functions and methods count on their own). A route is a function decorated with
``@….route/get/post/put/patch/delete(…)``; its length is its body without the docstring,
as tests/test_architecture.py measures it.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "icat"
MAX_FILE_LINES, MAX_FUNCTION_LINES, MAX_ROUTE_LINES = 300, 20, 10
ROUTE_VERBS = {"route", "get", "post", "put", "patch", "delete"}
Function = ast.FunctionDef | ast.AsyncFunctionDef


def sources(rev: str | None) -> Iterator[tuple[str, str]]:
    """``(path, text)`` of every .py file under icat/, in the tree or at ``rev``."""
    if rev is None:
        for path in sorted((ROOT / PACKAGE).rglob("*.py")):
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
        return
    listing = _git("ls-tree", "-r", "--name-only", rev, PACKAGE)
    for name in sorted(n for n in listing.splitlines() if n.endswith(".py")):
        yield name, _git("show", f"{rev}:{name}")


def _git(*args: str) -> str:
    git = shutil.which("git")
    if git is None:
        raise SystemExit("git is needed to read a revision")
    # Our own fixed git arguments plus the revision asked for; no shell.
    return subprocess.run([git, *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout  # noqa: S603


def is_route(fn: Function) -> bool:
    for decorator in fn.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(func, ast.Attribute) and func.attr in ROUTE_VERBS:
            return True
    return False


def body_lines(fn: Function) -> int:
    """The body's lines, a leading docstring aside."""
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return 0 if not body else (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1


def figures(rev: str | None) -> dict[str, int]:
    files = functions = routes = 0
    for _name, text in sources(rev):
        files += len(text.splitlines()) > MAX_FILE_LINES
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, Function):
                functions += (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES
                routes += is_route(node) and body_lines(node) > MAX_ROUTE_LINES
    return {
        f"files over {MAX_FILE_LINES} lines": files,
        f"functions over {MAX_FUNCTION_LINES} lines": functions,
        f"route functions over {MAX_ROUTE_LINES} lines": routes,
    }


def main(argv: list[str]) -> None:
    rev = argv[1] if len(argv) > 1 else None
    print(f"icat/ at {rev or 'the working tree'}:")
    for label, value in figures(rev).items():
        print(f"  {label}: {value}")


if __name__ == "__main__":
    main(sys.argv)
