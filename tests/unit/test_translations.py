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
