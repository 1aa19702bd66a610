"""How an entity is named where a page lists it among others (select options, choices)."""

from __future__ import annotations

from flask_babel import get_locale

from icat.registry.models import Entity


def choice_label(entity: Entity) -> str:
    """ "UNODC · Office des Nations Unies contre la drogue et le crime" on a French page: the
    acronym, then the name in the reader's language, or the English one where none is known."""
    return f"{entity.acronym} · {entity.name_in(str(get_locale() or 'en'))}"
