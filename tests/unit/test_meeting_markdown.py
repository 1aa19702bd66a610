"""Meeting descriptions: Markdown rendered and sanitised (markdown-it-py, then nh3)."""

from __future__ import annotations

import pytest

from icat.meetings.markdown import render


def test_markdown_renders_the_usual_structure() -> None:
    html = render("# Agenda\n\n1. *Welcome*\n2. **Statement**\n\n[ICAT](https://icat.un.org)")
    assert "<h1>Agenda</h1>" in html
    assert "<li><em>Welcome</em></li>" in html and "<strong>Statement</strong>" in html
    assert '<a href="https://icat.un.org" rel="noopener noreferrer">ICAT</a>' in html


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[click](javascript:alert(1))", 'href="javascript'),
        ('<a href="https://x" onclick="steal()">x</a>', "<a "),  # shown as text, not a link
        ("<style>body{display:none}</style>", "<style"),
    ],
)
def test_dangerous_markup_never_survives(text: str, forbidden: str) -> None:
    assert forbidden not in render(text)


def test_empty_description_renders_nothing() -> None:
    assert render("") == "" and render(None) == ""
