"""Markdown descriptions and minutes rendered to safe HTML: markdown-it-py (CommonMark, raw
HTML disabled) then nh3 (the Rust ammonia sanitiser) as a second, independent barrier."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "s", "code",
    "pre", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render(text: str | None) -> str:
    """Safe HTML for Markdown ``text``: no scripts, styles, event handlers or javascript: links;
    links get ``rel="noopener noreferrer"``."""
    if not text:
        return ""
    html = _md.render(text)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
