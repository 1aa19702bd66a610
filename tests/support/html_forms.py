"""Read a page's forms the way a browser submits them: what each input, textarea and select
holds (ticked checkboxes only), so e2e tests post a form as shown, CSRF token included."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from werkzeug.test import TestResponse


@dataclass
class HtmlForm:
    action: str
    fields: dict[str, str] = field(default_factory=dict)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[HtmlForm] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(HtmlForm(a.get("action", "")))
        elif not self.forms or ("name" not in a and tag != "option"):
            return
        elif tag == "input" and (a.get("type") != "checkbox" or "checked" in a):
            self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1].fields[a["name"]] = ""
        elif tag == "select":
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self.forms[-1].fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            self.forms[-1].fields.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.forms[-1].fields[self._textarea] += data


def form_fields(response: TestResponse, action: str = "") -> dict[str, str]:
    """The fields of the first form posting to an action containing ``action`` ("" is the
    page's own URL); a textarea's first newline is dropped, as browsers do."""
    reader = _Forms()
    reader.feed(response.get_data(as_text=True))
    for form in reader.forms:
        if (action and action in form.action) or (not action and not form.action):
            return {k: v.removeprefix("\r\n").removeprefix("\n") for k, v in form.fields.items()}
    raise AssertionError(f"no form posting to {action or 'the page itself'}")
