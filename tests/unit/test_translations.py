"""The translation catalogues: compiled files current, placeholders intact."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CATALOGUES = sorted((Path(__file__).resolve().parents[2] / "icat" / "translations").glob("*/LC_MESSAGES/messages.po"))


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_the_committed_mo_file_is_compiled_from_the_po_file(po: Path) -> None:
    with po.open("rb") as f:
        catalog = read_po(f)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert po.with_suffix(".mo").read_bytes() == compiled.getvalue(), "stale .mo: run `make translations`"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_translations_keep_every_placeholder(po: Path) -> None:
    with po.open("rb") as f:
        catalog = read_po(f)
    broken = [(m.id, errors) for m, errors in catalog.check() if errors]
    assert broken == []


def test_there_are_catalogues() -> None:
    assert {p.parts[-3] for p in CATALOGUES} >= {"fr", "es"}


def test_the_template_holds_every_lazy_message_of_the_code() -> None:
    """``make translations`` was run after messages were added: each ``_l``/``_`` string of
    icat/*.py (domain errors' messages among them) is in messages.pot for translators."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    root = Path(__file__).resolve().parents[2] / "icat"
    keywords = DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None}
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(root, method_map=[("**.py", "python")], keywords=keywords)
    }
    with (root / "translations" / "messages.pot").open("rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert sorted(found - template) == [], "run `make translations`"
