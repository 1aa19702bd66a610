"""Publication work pages: the drafting form (a tab per language, plain links), the history
with word-level differences, the circulation form, a focal point's answer form (the text
and what changed since the round it last saw) and publishing. No JavaScript needed."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from icat.blueprints.publications import detail_context
from icat.core.permissions import FOCAL_POINTS, SIGNED_IN, STAFF
from icat.meetings.documents import content_disposition
from icat.publications import attachments, circulation, services, texts
from icat.publications.access import answerable_entities, get_publication, publication_to_manage
from icat.publications.forms import (
    AttachForm,
    CirculateForm,
    DraftForm,
    PublishForm,
    RespondForm,
    TextForm,
    WithdrawForm,
    choices,
)
from icat.publications.models import Publication
from icat.publications.queries import last_seen_text, text_versions
from icat.publications.rules import thematic_priorities
from icat.registry.labels import choice_label
from icat.registry.models import UN_LANGUAGES
from icat.registry.queries import EntityFilter, list_entities
from icat.web.auth import current_actor, requires
from icat.web.http import current_session
from icat.web.page_forms import Outcome, submit
from icat.web.uploads import document_upload

bp = Blueprint("publication_drafts", __name__, url_prefix="/publications")
ResponseOrPage = Response | tuple[str, int]
TEXT_ALIASES = {"text_state": "state", "translations": "", "version": "version"}


def _url(pub_or_id: Publication | int) -> str:
    pub_id = pub_or_id if isinstance(pub_or_id, int) else pub_or_id.id
    return url_for("publications.detail", publication_id=pub_id)


def _entity_choices() -> list[Any]:
    return choices([(e.acronym, choice_label(e)) for e in list_entities(current_session(), EntityFilter())])


def _draft_form() -> DraftForm:
    form = DraftForm(prefix="d")
    form.lead_entities.choices = _entity_choices()
    form.tags.choices = choices(list(thematic_priorities().items()))
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
@requires(STAFF | FOCAL_POINTS, _l("draft publications"))
def new() -> ResponseOrPage:
    form = _draft_form()
    outcome = submit(
        form, lambda: services.create_publication(current_session(), actor=current_actor(), **form.to_fields())
    )
    made = outcome.redirect(_url, _("Draft saved."))
    return made or (render_template("publications/new.html", form=form), outcome.status)


def _tab() -> str:
    tab = request.args.get("tab", "")
    return tab if tab in UN_LANGUAGES else ""


def _text_form(pub: Publication, tab: str) -> TextForm:
    form = TextForm(prefix="t")
    text = pub.text(tab)
    if not form.is_submitted():
        form.version.data = str(pub.version)
        if text is not None:
            form.title.data, form.body.data, form.state.data = text.title, text.body, text.state
    return form


def text_changes(pub: Publication, tab: str, form: TextForm) -> dict[str, Any]:
    """The edit a language tab makes: the authoritative text, or one translation."""
    title, body, state = form.title.data or "", form.body.data or "", form.state.data or "draft"
    if tab == pub.language:
        return {"title": title, "body": body, "text_state": state}
    return {"translations": {tab: {"title": title, "body": body, "state": state}}}


def _save_text(pub: Publication, tab: str, form: TextForm) -> Publication:
    changes, version = text_changes(pub, tab, form), form.edited_version()
    return services.update_publication(
        current_session(), actor=current_actor(), publication_id=pub.id, version=version, changes=changes
    )


@bp.route("/<int:publication_id>/edit", methods=["GET", "POST"])
@login_required
@requires(STAFF | FOCAL_POINTS, _l("edit publications"))
def edit(publication_id: int) -> ResponseOrPage:
    pub = publication_to_manage(current_session(), publication_id, current_actor(), "edit publications")
    tab = _tab() or pub.language
    form = _text_form(pub, tab)
    outcome = submit(form, lambda: _save_text(pub, tab, form), aliases=TEXT_ALIASES)
    saved = outcome.redirect(_tab_url(publication_id, tab), _("Text saved."))
    return saved or (_edit_page(pub, tab, form), outcome.status)


def _tab_url(publication_id: int, tab: str) -> str:
    return url_for(".edit", publication_id=publication_id, tab=tab) + f"#text-{tab}"


def _edit_page(pub: Publication, tab: str, form: TextForm) -> str:
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    return render_template("publications/edit.html", pub=pub, tab=tab, form=form, states=texts.language_states(pub),
                           attach_form=AttachForm(prefix="f"), max_mb=limit // (1024 * 1024))  # fmt: skip


def _attach(publication_id: int, lang: str) -> object:
    upload = document_upload("f-file")
    return attachments.attach_pdf(
        current_session(), actor=current_actor(), publication_id=publication_id, language=lang, **upload
    )


@bp.post("/<int:publication_id>/files/<lang>")
@login_required
@requires(STAFF | FOCAL_POINTS, _l("attach files"))
def attach(publication_id: int, lang: str) -> ResponseOrPage:
    outcome = submit(AttachForm(prefix="f"), lambda: _attach(publication_id, lang), errors="flash")
    done = outcome.redirect(_tab_url(publication_id, lang), _("File attached."))
    return done or _refused_upload(publication_id, lang, outcome.status)


def _refused_upload(publication_id: int, lang: str, status: int) -> tuple[str, int]:
    pub = publication_to_manage(current_session(), publication_id, current_actor(), "attach files")
    tab = lang if lang in UN_LANGUAGES else pub.language
    return _edit_page(pub, tab, _text_form(pub, tab)), status


@bp.get("/<int:publication_id>/files/<lang>.pdf")
def download(publication_id: int, lang: str) -> Response:
    row = attachments.attachment_for(
        current_session(), actor=current_actor(), publication_id=publication_id, language=lang
    )
    response = send_file(Path(current_app.instance_path) / row.stored_path, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(row.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def history_context(publication_id: int) -> dict[str, Any]:
    """Every version, and the word-level diff of the two asked for (``?a=&b=`` version ids)."""
    pub = publication_to_manage(current_session(), publication_id, current_actor(), "read the history")
    versions = text_versions(current_session(), pub.id)
    by_id = {str(v.id): v for v in versions}
    a, b = by_id.get(request.args.get("a", "")), by_id.get(request.args.get("b", ""))
    diff = texts.word_diff(f"{a.title}\n\n{a.body}", f"{b.title}\n\n{b.body}") if a and b else ""
    return {"pub": pub, "versions": versions, "a": a, "b": b, "diff": diff}


@bp.get("/<int:publication_id>/history")
@login_required
def history(publication_id: int) -> str:
    return render_template("publications/history.html", **history_context(publication_id))


def _circulate_form() -> CirculateForm:
    form = CirculateForm(prefix="c")
    form.entities.choices = _entity_choices()
    return form


def _circulate(publication_id: int, form: CirculateForm) -> Any:
    deadline = form.deadline.data.replace(tzinfo=UTC) if form.deadline.data else None
    named = form.entities.data or None
    return circulation.circulate(current_session(), actor=current_actor(), publication_id=publication_id,
                                 procedure=form.procedure.data or "", deadline=deadline, entities=named)  # fmt: skip


@bp.route("/<int:publication_id>/circulate", methods=["GET", "POST"])
@login_required
@requires(STAFF | FOCAL_POINTS, _l("circulate publications"))
def circulate(publication_id: int) -> ResponseOrPage:
    pub, form = (
        publication_to_manage(current_session(), publication_id, current_actor(), "circulate publications"),
        _circulate_form(),
    )
    outcome = submit(form, lambda: _circulate(publication_id, form))
    done = outcome.redirect(_url(publication_id), _("Circulated."))
    return done or (render_template("publications/circulate.html", pub=pub, form=form), outcome.status)


def respond_context(publication_id: int, form: RespondForm) -> dict[str, Any]:
    """The text circulated, and the words changed since the round the answering entity last saw."""
    pub = get_publication(current_session(), publication_id, actor=current_actor())
    entities = answerable_entities(pub, current_actor())
    if not form.entity.choices:
        form.entity.choices = choices([(a, a) for a in entities])
    text, seen = pub.text(pub.language), None
    if entities and text is not None:
        entity = next(e for e in pub.current_round.entities if e.acronym == entities[0])  # type: ignore[union-attr]
        seen = last_seen_text(current_session(), pub, entity.id)
    diff = texts.word_diff(f"{seen.title}\n\n{seen.body}", f"{text.title}\n\n{text.body}") if seen and text else ""
    return {"pub": pub, "form": form, "entities": entities, "text": text, "body": texts.body_html(text),
            "dir": texts.direction(pub.language), "seen": seen, "diff": diff, "round": pub.current_round}  # fmt: skip


def _respond_form(publication_id: int) -> RespondForm:
    form = RespondForm(prefix="r")
    pub = get_publication(current_session(), publication_id, actor=current_actor())
    form.entity.choices = choices([(a, a) for a in answerable_entities(pub, current_actor())])
    return form


def _answer(publication_id: int, form: RespondForm) -> Publication:
    return circulation.respond(current_session(), actor=current_actor(), publication_id=publication_id,
                               entity=form.entity.data or "", decision=form.decision.data or "",
                               comment=form.comment.data or "")  # fmt: skip


@bp.route("/<int:publication_id>/respond", methods=["GET", "POST"])
@login_required
@requires(SIGNED_IN, _l("answer circulations"))
def respond(publication_id: int) -> ResponseOrPage:
    form = _respond_form(publication_id)
    outcome = submit(form, lambda: _answer(publication_id, form))
    done = outcome.redirect(_url(publication_id), _("Your answer is recorded."))
    return done or (
        render_template("publications/respond.html", **respond_context(publication_id, form)),
        outcome.status,
    )


@bp.post("/<int:publication_id>/publish")
@login_required
@requires(STAFF | FOCAL_POINTS, _l("publish publications"))
def publish(publication_id: int) -> ResponseOrPage:
    outcome: Outcome[Any] = submit(
        PublishForm(),
        lambda: services.publish(current_session(), actor=current_actor(), publication_id=publication_id),
        errors="flash",
    )
    return outcome.redirect(_url(publication_id), _("Published.")) or _detail_page(publication_id, outcome.status)


@bp.post("/<int:publication_id>/withdraw")
@login_required
@requires(STAFF, _l("withdraw publications"))
def withdraw(publication_id: int) -> ResponseOrPage:
    form = WithdrawForm(prefix="w")
    outcome = submit(
        form,
        lambda: services.withdraw(
            current_session(), actor=current_actor(), publication_id=publication_id, note=form.note.data or ""
        ),
        errors="flash",
    )
    return outcome.redirect(_url(publication_id), _("Withdrawn.")) or _detail_page(publication_id, outcome.status)


def _detail_page(publication_id: int, status: int) -> tuple[str, int]:
    """The publication page again, with the flashed refusal and its status."""
    return render_template("publications/detail.html", **detail_context(publication_id)), status
