"""Text that may go into a calendar, a mail or a database (pure, no flask).

RFC 5545 §3.3.11 forbids the C0 controls other than HTAB in TEXT values (a NUL makes libical
drop the whole feed), a lone surrogate cannot be encoded as UTF-8 (PostgreSQL's driver and
icalendar both refuse it), and PostgreSQL cannot store a NUL at all. One check for every
area's text inputs, so a row that would break a feed never gets in.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from icat.core.errors import Message

# C0 controls and DEL; tab, LF and CR are allowed only where the field is multi-line.
_CONTROLS_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROLS_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(value: str, *, multiline: bool = False) -> Message | None:
    """Why ``value`` cannot be stored as text, or None when it can.

    One-line fields (titles, names) refuse every C0 control, tab and line breaks included;
    multi-line fields (descriptions, notes, minutes) allow tab, LF and CR only. Both refuse
    DEL and lone surrogates (half of a UTF-16 pair, which has no UTF-8 form).
    """
    if _SURROGATE.search(value):
        return _l("Contains a lone surrogate (an invalid character).")
    found = (_CONTROLS_MULTI_LINE if multiline else _CONTROLS_ONE_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    if char in "\r\n":
        return _l("Must be one line.")
    return _l("Contains a control character (U+%(code)s) that is not allowed.", code=f"{ord(char):04X}")
