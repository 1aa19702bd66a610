"""Marshmallow fields shared by every area's API schemas (marshmallow only, no flask)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields

from icat.core.text import text_problem


class Text(fields.String):
    """A string that may be stored and put into a calendar (``icat.core.text``): no C0
    control (tab, LF and CR only when ``multiline``), no DEL, no lone surrogate. The
    refusal is a 422 naming the field, before any database or encoder sees the value."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.multiline = multiline

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text, multiline=self.multiline)
        if problem:
            raise ValidationError([problem])  # a list: marshmallow keeps a lazy string as it is
        return text
