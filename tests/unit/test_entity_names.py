"""The packaged official names (icat/registry/data/entity_names.json): every name is one the
reference data knows an entity for, in a language it adds, with a source and a confidence."""

from __future__ import annotations

from typing import Any

from icat.registry.models import CONFIDENCE
from icat.registry.reference import load_entity_names, load_reference, reference_entities
from icat.registry.sources import TIERS

ADDED_LANGUAGES = {"ar", "fr", "ru", "es"}  # en and zh come from the reference file


def _entries(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    rows = [(acronym, lang, e) for acronym, by_lang in data["entities"].items() for lang, e in by_lang.items()]
    rows += [(key, lang, e) for key in ("icat", "global_plan_of_action") for lang, e in data[key].items()]
    return rows


def test_every_name_has_a_known_acronym_and_language_a_source_and_a_confidence() -> None:
    data, reference = load_entity_names(), load_reference()
    acronyms = {item["acronym"] for item in reference["members"] + reference["partners"]}
    assert set(data["entities"]) <= acronyms
    entries = _entries(data)
    assert len(entries) > 10
    for key, lang, entry in entries:
        assert lang in ADDED_LANGUAGES, (key, lang)
        assert set(entry) == {"name", "sources", "confidence"}, (key, lang)
        assert entry["name"].strip() == entry["name"] and entry["name"], (key, lang)
        assert entry["confidence"] in CONFIDENCE and entry["confidence"] != "unconfirmed", (key, lang)
        assert entry["sources"], (key, lang)
        for source in entry["sources"]:
            assert source["source"].startswith(("http://", "https://")), (key, lang)
            assert source["tier"] in TIERS, (key, lang)
            assert set(source) <= {"source", "tier", "locator"}, (key, lang)


def test_the_file_says_how_its_names_were_gathered() -> None:
    meta = load_entity_names()["meta"]
    assert {"method", "confidence_scale", "fallback", "coverage"} <= set(meta)


def test_reference_entities_carry_each_name_with_its_sources_and_keep_en_and_zh() -> None:
    by = {e["acronym"]: e for e in reference_entities()}
    unodc = by["UNODC"]
    assert unodc["names"]["en"] == "United Nations Office on Drugs and Crime"
    assert unodc["names"]["zh"] == "联合国毒品和犯罪问题办公室"
    assert unodc["names"]["fr"] == "Office des Nations Unies contre la drogue et le crime"
    assert unodc["name_sources"]["fr"]["confidence"] == "high"
    assert set(unodc["name_sources"]) == set(unodc["names"]) - {"en", "zh"}
    assert set(by["CBSS"]["names"]) == {"en", "zh"} and by["CBSS"]["name_sources"] == {}


def test_without_the_names_file_entities_keep_their_english_and_chinese_names_only() -> None:
    entities = reference_entities(names={"entities": {}})
    assert all(set(e["names"]) <= {"en", "zh"} and e["name_sources"] == {} for e in entities)
