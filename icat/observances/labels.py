"""Translated labels for the observances' stored codes (pages only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STEP_LABELS = {
    "theme_agreed": _l("Theme agreed"),
    "draft_statement_circulated": _l("Draft joint statement circulated"),
    "endorsement_deadline": _l("Endorsement deadline"),
    "translations_ready": _l("Translations ready"),
    "the_day": _l("The day itself"),
}
CONFIDENCE_LABELS = {
    "high": _l("high"),
    "medium": _l("medium"),
    "low": _l("low"),
    "unconfirmed": _l("unconfirmed"),
}
