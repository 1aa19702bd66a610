"""The page-form helper: every page route that changes something reads

    form = SomeForm(prefix="x")
    outcome = submit(form, lambda: service(current_session(), actor=current_actor(), ...))
    return outcome.redirect(url, _("Done.")) or render_page(form, outcome.status)

``submit`` validates the posted form, runs the one service call in its own unit of work and
returns what came of it; the messages go beside the form's fields (or, for the small buttons
of a page, into a flash). Status codes: 200 first view, 422 a form with errors, the
service's own status when it refuses (409 for a stale version or a conflict), a redirect
(302) on success. 401 and 403 are not the form's business: they reach the error pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from flask import Response, flash, redirect
from flask_wtf import FlaskForm

from icat.core.errors import DomainError, Forbidden, Unauthorized
from icat.core.uow import unit_of_work
from icat.web.http import current_session

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What became of a page form: not posted yet or invalid, refused by the service, or done."""

    form: FlaskForm
    result: T | None = None
    error: DomainError | None = None
    done: bool = False

    @property
    def status(self) -> int:
        """The status to render the form page with when it is shown again."""
        if self.error is not None:
            return self.error.status
        return 422 if self.form.errors else 200

    def redirect(
        self, to: str | Callable[[T], str], message: str | Callable[[T], str] | None = None
    ) -> Response | None:
        """On success, flash ``message`` and redirect to ``to`` (either may be made from the
        service's result); otherwise None, so the route goes on to render the page."""
        if not self.done:
            return None
        result: Any = self.result
        text = message(result) if callable(message) else message
        if text:
            flash(str(text))  # lazy strings are rendered now: the session stores plain text
        return redirect(to(result) if callable(to) else to)


def submit(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    aliases: dict[str, str] | None = None,
    errors: Literal["fields", "flash"] = "fields",
) -> Outcome[T]:
    """Validate ``form`` (Flask-WTF's ``validate_on_submit``) and, when it is valid, run
    ``action`` in its own unit of work (committed when it returns, rolled back when it raises).

    A rule the service enforces (``DomainError``) rolls back and comes back as the outcome's
    error: with ``errors="fields"`` its per-field messages go beside the matching fields
    (``aliases`` maps the service's field names to the form's; others, and an error without
    fields, go to the top of the form); with ``errors="flash"`` (a page's small buttons, whose
    form has no fields to show them by) they are flashed, as are the form's own errors.
    Unauthorized and Forbidden propagate to the error pages.
    """
    if not form.validate_on_submit():
        if errors == "flash" and form.errors:
            flash(" ".join(_messages(form.errors.values())))
        return Outcome(form)
    try:
        with unit_of_work(current_session()):
            result = action()
    except (Unauthorized, Forbidden):
        raise
    except DomainError as error:
        if errors == "flash":
            # Lazy messages become text now, in the reader's language: the session stores text.
            flash(" ".join(_messages(error.fields.values())) or str(error.message))
        else:
            _show_errors(form, error, aliases)
        return Outcome(form, error=error)
    return Outcome(form, result, done=True)


def _show_errors(form: FlaskForm, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's per-field messages on the matching form fields (others on the form).
    An alias to "" names no field: such messages go to the top of the form."""
    aliases = aliases or {}
    for name, problems in error.fields.items():
        field = getattr(form, aliases.get(name, name), None)
        target = field.errors if field is not None else form.form_errors
        target.extend(_messages([problems]))
    if not error.fields:
        form.form_errors.append(str(error.message))


def _messages(groups: Iterable[Any]) -> list[str]:
    """Flatten form or service errors (lists of messages, or nested dicts of them) to text."""
    out: list[str] = []
    for problems in groups:
        if isinstance(problems, dict):
            out.extend(_messages(problems.values()))
        elif isinstance(problems, list | tuple):
            out.extend(_messages(problems) if any(isinstance(p, dict | list) for p in problems) else map(str, problems))
        else:
            out.append(str(problems))
    return out
