"""Texts per language: content hashes, saving a version, translation states, safe HTML and
word-level diffs. Pure functions and one writer (``save_text``); no flask."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from html import escape

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import Message, ValidationError
from icat.core.text import text_problem
from icat.meetings.markdown import render as render_markdown
from icat.publications.events import PublicationTextSaved
from icat.publications.models import TEXT_STATES, Publication, PublicationText, TextVersion
from icat.registry.models import UN_LANGUAGES

TITLE_MAX, BODY_MAX = 300, 100_000
RTL_LANGUAGES = frozenset({"ar"})


def content_hash(title: str, body: str) -> str:
    """SHA-256 (hex) of the title and body, as canonical JSON: the identity of a version."""
    return hashlib.sha256(json.dumps([title, body], ensure_ascii=False).encode("utf-8")).hexdigest()


def check_language(language: str, field: str = "language") -> None:
    """Raise ValidationError (422) unless ``language`` is a UN language code."""
    if language not in UN_LANGUAGES:
        raise ValidationError(
            _l("Unknown language: %(language)s.", language=repr(language)),
            fields={field: [_l("One of %(choices)s.", choices=", ".join(UN_LANGUAGES))]},
            rule="publications.language_unknown",
        )


def text_errors(title: str, body: str, prefix: str = "") -> dict[str, list[Message]]:
    """Problems of a title and body: lengths, characters no database or mail can carry."""
    errors: dict[str, list[Message]] = {}
    for name, value, limit, multiline in (("title", title, TITLE_MAX, False), ("body", body, BODY_MAX, True)):
        if len(value) > limit:
            errors.setdefault(prefix + name, []).append(_l("At most %(limit)s characters.", limit=limit))
        if problem := text_problem(value, multiline=multiline):
            errors.setdefault(prefix + name, []).append(problem)
    if not title.strip():
        errors.setdefault(prefix + "title", []).append(_l("A title is required."))
    if "<" in title or ">" in title:
        # Titles are plain text in pages, feeds and mails: markup has no place in them.
        errors.setdefault(prefix + "title", []).append(_l("A title is plain text: no < or >."))
    return errors


def save_text(
    session: Session, pub: Publication, *, actor: Actor, language: str, title: str, body: str, state: str = "draft"
) -> PublicationText | None:
    """Store ``title``/``body`` as the current text of ``language`` and as a new version.

    A translation records the authoritative hash it follows. Returns None (and stores
    nothing) when the text and state are unchanged. Raises ValidationError. Emits
    PublicationTextSaved.
    """
    check_language(language)
    if state not in TEXT_STATES:
        raise ValidationError(
            _l("Unknown text state."),
            fields={"state": [_l("One of %(choices)s.", choices=", ".join(TEXT_STATES))]},
            rule="publications.text_state_unknown",
        )
    if errors := text_errors(title, body):
        raise ValidationError(_l("The text is invalid."), fields=errors, rule="publications.text_invalid")
    digest = content_hash(title, body)
    current = pub.text(language)
    authoritative = language == pub.language
    follows = None if authoritative else _authoritative_hash(pub)
    if current and (current.content_hash, current.state, current.follows_hash) == (digest, state, follows):
        return None
    now = clock.now()
    if current is None:
        current = PublicationText(language=language, title=title, body=body, content_hash=digest, updated_at=now)
        pub.texts.append(current)
    current.title, current.body, current.state, current.content_hash = title, body, state, digest
    current.follows_hash, current.updated_at = follows, now
    session.add(_version(pub, current, actor, now))
    outbox.record(
        session,
        PublicationTextSaved(
            publication_id=pub.id, language=language, content_hash=digest, state=state, authoritative=authoritative
        ),
        actor=actor,
    )
    return current


def _version(pub: Publication, text: PublicationText, actor: Actor, now: object) -> TextVersion:
    return TextVersion(
        publication_id=pub.id,
        language=text.language,
        title=text.title,
        body=text.body,
        state=text.state,
        content_hash=text.content_hash,
        follows_hash=text.follows_hash,
        author_id=actor.user_id,
        author_label=actor.label,
        created_at=now,
    )


def _authoritative_hash(pub: Publication) -> str | None:
    text = pub.text(pub.language)
    return text.content_hash if text else None


@dataclass(frozen=True)
class LanguageState:
    """What a reader is told about one language: missing, draft or final, and outdated
    when it follows another authoritative text than the current one."""

    language: str
    state: str
    outdated: bool
    authoritative: bool


def language_states(pub: Publication) -> list[LanguageState]:
    """One entry per UN language, in the UN order."""
    current = _authoritative_hash(pub)
    states = []
    for lang in UN_LANGUAGES:
        text, authoritative = pub.text(lang), lang == pub.language
        outdated = bool(text and not authoritative and text.follows_hash != current)
        states.append(LanguageState(lang, text.state if text else "missing", outdated, authoritative))
    return states


def available_languages(pub: Publication) -> list[str]:
    """Languages with a text, in the UN order."""
    return [lang for lang in UN_LANGUAGES if pub.text(lang)]


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def body_html(text: PublicationText | TextVersion | None) -> str:
    """The body as safe HTML (markdown-it-py, then nh3's allow-list)."""
    return render_markdown(text.body) if text else ""


_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> str:
    """An HTML word-level diff of two texts (escaped), with ``<del>`` and ``<ins>``."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
    return "".join(out)


def shown_language(pub: Publication, asked: str | None) -> str:
    """The language a page shows: the one asked for if it has a text, else the authoritative one."""
    if asked and pub.text(asked):
        return asked
    return pub.language if pub.text(pub.language) else (available_languages(pub) or [pub.language])[0]
