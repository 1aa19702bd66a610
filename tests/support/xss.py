"""Hostile Markdown and HTML: scripts, event handlers, javascript:/data: links, SVG, in the
forms people paste them in. ``dangerous(tree)`` finds what must never reach a page or feed."""

from __future__ import annotations

from lxml import html as lxml_html

_CORE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<object data='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='></object>",
    "<embed src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<base href=javascript:alert(1)//>",
    "<marquee onstart=alert(1)>x</marquee>",
]
_MARKDOWN = [
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](x.png"onerror="alert(1))',
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    '[a](https://ok.example "x" onmouseover=alert(1))',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "> <img src=x onerror=alert(1)>",
    "* <svg onload=alert(1)>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "**<a href=javascript:alert(1)>bold</a>**",
    "<!-- --><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "<p onmouseover=alert(1)>hover</p>",
    "<table background=javascript:alert(1)>",
]
PAYLOADS = _CORE + _MARKDOWN

_BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
_BAD_TAGS = {"script", "svg", "math", "iframe", "object", "embed", "style", "link", "meta", "base", "form", "input"}


def dangerous(markup: str) -> list[str]:
    """Every element, attribute or URL in ``markup`` (parsed as HTML by lxml) that could run script."""
    found = []
    tree = lxml_html.fromstring(f"<div>{markup}</div>")
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.split("}")[-1].lower() in _BAD_TAGS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            compact = "".join(value.split()).lower()
            if name.lower().startswith("on") or name.lower() == "style":
                found.append(f"{tag}@{name}")
            if name.lower() in ("href", "src", "action", "xlink:href", "background", "data") and compact.startswith(
                _BAD_SCHEMES
            ):
                found.append(f"{tag}@{name}={value}")
    return found
