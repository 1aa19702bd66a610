"""Versioned edits (DESIGN §7): a row is changed at the version the client saw, or not at all.

Every editable row carries ``version`` (SQLAlchemy's ``version_id_col``, raised on each
UPDATE). A service loads the row, ``check_version`` refuses a stale version, and
``apply_changes`` sets the changed fields and returns the diff its ``XUpdated`` event
records. A writer that moves the version between that check and the flush makes the
flush's ``UPDATE … WHERE version = :old`` match nothing (``StaleDataError``).

Whether the client named the version in ``If-Match`` (412) or in the body (409) is the
web layer's business (``icat.web.errors``): services raise one ``StaleVersion``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from flask_babel import lazy_gettext as _l

from icat.core.errors import Message, StaleVersion, ValidationError


class Versioned(Protocol):
    version: int


def check_version(row: Versioned, version: int | None, *, label: Message, required: bool = True) -> None:
    """Refuse an edit of ``row`` made at another ``version`` than its current one.

    ``label`` names the row in the message ("Meeting 7", "UNODC"). Raises ValidationError
    when ``version`` is None and ``required``; StaleVersion when it is not the current one.
    """
    if version is None:
        if required:
            raise ValidationError(
                _l("Say which version you edited."),
                fields={"version": [_l("Send it as If-Match or as the version field.")]},
                rule="edits.version_missing",
            )
        return
    if row.version != version:
        raise _stale(label, row.version, version)


def _stale(label: Message, stored: int, edited: int) -> StaleVersion:
    return StaleVersion(
        _l(
            "%(what)s is at version %(stored)s; you edited version %(edited)s. Reload and retry.",
            what=label,
            stored=stored,
            edited=edited,
        ),
        rule="edits.version_stale",
    )


def refuse_unknown(changes: Mapping[str, Any], editable: Iterable[str]) -> None:
    """Raise ValidationError naming each field of ``changes`` that is not in ``editable``."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValidationError(
            _l("Unknown fields."),
            fields={k: [_l("Unknown field.")] for k in sorted(unknown)},
            rule="edits.field_unknown",
        )


def _same(value: Any) -> Any:
    return value


def apply_changes(
    row: object,
    changes: Mapping[str, Any],
    editable: Iterable[str],
    *,
    current: Callable[[str], Any] | None = None,
    to_json: Callable[[Any], Any] = _same,
) -> dict[str, list[Any]]:
    """Set on ``row`` the fields of ``changes`` whose value differs; return ``{field: [old, new]}``.

    ``current(name)`` reads a field's present value (default: the attribute); ``to_json``
    turns old and new values into JSON for the event. Fields left equal are not touched, so
    an edit that changes nothing returns ``{}`` and keeps the version. Raises ValidationError
    (unknown fields) before setting anything.
    """
    refuse_unknown(changes, editable)
    read = current or (lambda name: getattr(row, name))
    changed = {k: (read(k), v) for k, v in changes.items() if read(k) != v}
    for key, (_, new) in changed.items():
        setattr(row, key, new)
    return {k: [to_json(old), to_json(new)] for k, (old, new) in changed.items()}
