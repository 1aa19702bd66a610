"""Pages name an entity in the reader's language where its official name is known, and in
English where it is not; the entity page says where each name comes from."""

from __future__ import annotations

from html import unescape

from flask.testing import FlaskClient

UNODC_FR = "Office des Nations Unies contre la drogue et le crime"
CBSS_EN = "Council of the Baltic Sea States"  # no French name found: English shown


def test_the_entity_list_in_french_shows_french_names_and_falls_back_to_english(client: FlaskClient, seeded) -> None:
    html = unescape(client.get("/entities?lang=fr").get_data(as_text=True))
    assert f'<bdi lang="fr">{UNODC_FR}</bdi>' in html
    assert f'<bdi lang="en">{CBSS_EN}</bdi>' in html
    assert "United Nations Office on Drugs and Crime" not in html


def test_the_entity_list_in_english_keeps_the_english_names(client: FlaskClient, seeded) -> None:
    html = unescape(client.get("/entities?lang=en").get_data(as_text=True))
    assert '<bdi lang="en">United Nations Office on Drugs and Crime</bdi>' in html and UNODC_FR not in html


def test_the_entity_page_lists_each_name_with_its_source_and_confidence(client: FlaskClient, seeded) -> None:
    html = unescape(client.get("/entities/UNODC?lang=fr").get_data(as_text=True))
    assert f'<h1><bdi lang="fr">{UNODC_FR}</bdi> (UNODC)</h1>' in html
    names = html[html.index('class="entity-names"') : html.index("</table>", html.index('class="entity-names"'))]
    row = names[names.index('<bdi lang="fr">') :].split("</tr>")[0]
    assert "http://www.unov.org/unov/fr/unodc.html" in row and ">www.unov.org</a>" in row
    assert "<td>élevée</td>" in row  # "high", in French
    zh = names[names.index('<bdi lang="zh">') :].split("</tr>")[0]
    assert "http" not in zh  # the Chinese name comes from the reference file: its sources are the record's


def test_the_home_page_names_the_coordinator_in_the_readers_language(client: FlaskClient, seeded) -> None:
    html = unescape(client.get("/?lang=fr").get_data(as_text=True))
    assert f"<bdi>{UNODC_FR}</bdi> (UNODC)" in html
