"""Language and time zone of each request, and translated labels for stored codes."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from babel import Locale
from flask import Flask, Response, current_app, has_request_context, request, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from icat.accounts import rules
from icat.accounts.forms import LANGUAGE_NAMES, ROLE_LABELS
from icat.extensions import babel
from icat.observances.labels import CONFIDENCE_LABELS
from icat.registry import sources
from icat.registry.models import UN_LANGUAGES

ENTITY_KIND_LABELS = {"member": _l("member"), "partner": _l("partner")}
CATEGORY_LABELS = {
    "un_secretariat": _l("UN Secretariat department or office"),
    "un_agency_fund_programme": _l("UN agency, fund or programme"),
    "srsg_office": _l("Office of a Special Representative of the Secretary-General"),
    "regional_organization": _l("Regional organization"),
    "intergovernmental_organization": _l("Intergovernmental organization"),
    "special_procedure": _l("Human Rights Council special procedure"),
    "other": _l("Other"),
}
STATE_LABELS = {
    "recorded": _l("recorded"),
    "uncertain": _l("recorded, low or medium confidence"),
    "proposed": _l("proposed"),
}
TIER_LABELS = {"official": _l("official"), "press": _l("press"), "aggregator": _l("aggregator")}
DELIVERY_STATUS_LABELS = {
    "pending": _l("planned"),
    "sending": _l("sending"),
    "sent": _l("sent"),
    "failed": _l("failed"),
    "skipped": _l("skipped"),
    "cancelled": _l("cancelled"),
}
ACTIVITY_AREA_LABELS = {
    "meetings": _l("Meetings"),
    "registry": _l("Members and partners"),
    "rotation": _l("Co-chairs"),
    "observances": _l("Observances"),
    "accounts": _l("Accounts"),
    "notifications": _l("Deliveries"),
    "publications": _l("Publications"),
    "workplan": _l("Workplan"),
}
EVENT_LABELS = {
    "EntityCreated": _l("Entity added"),
    "EntityUpdated": _l("Entity changed"),
    "UserCreated": _l("User created"),
    "UserInvited": _l("Person invited"),
    "UserUpdated": _l("Person changed"),
    "UserDeactivated": _l("Person deactivated"),
    "UserReactivated": _l("Person reactivated"),
    "AccountLinkIssued": _l("Invitation or reset link sent"),
    "PasswordSet": _l("Password set"),
    "TokenCreated": _l("Token issued"),
    "TokenRevoked": _l("Token revoked"),
    "ChairTermRecorded": _l("Co-chairs recorded"),
    "ChairTermStarted": _l("Co-chair term started"),
    "ChairTermMissing": _l("Co-chairs missing for a coming year"),
    "ChairUnwillingnessSet": _l("Unwilling co-chairs set"),
    "DeliveryRetried": _l("Delivery retried"),
    # A time change is one MeetingRescheduled (with every changed field), anything else one
    # MeetingUpdated; the log's details column lists the changed fields of either.
    "MeetingRescheduled": _l("Meeting rescheduled"),
    "MeetingUpdated": _l("Meeting changed"),
    "ObservanceCreated": _l("Observance added"),
    "ObservanceUpdated": _l("Observance changed"),
    "WorkplanCreated": _l("Workplan drafted"),
    "WorkplanUpdated": _l("Workplan changed"),
    "WorkplanAdopted": _l("Workplan adopted"),
    "OutcomeAdded": _l("Workplan outcome added"),
    "ActivityAdded": _l("Workplan activity added"),
    "ActivityUpdated": _l("Workplan activity changed"),
}


def _place() -> tuple[str | None, str | None]:
    """An anonymous visitor's language and zone from the cookie /place sets, if still valid
    (none outside a request: the worker renders mails in each recipient's own settings)."""
    if not has_request_context():
        return None, None
    language, _, zone = request.cookies.get(current_app.config["PREFERENCE_COOKIE"], "").partition(" ")
    return (language if language in UN_LANGUAGES else None), (zone if zone in rules.time_zones() else None)


def select_locale() -> str | None:
    """The user's setting, then ``?lang=``, then the visitor's cookie, then Accept-Language
    (outside a request, as in the CLI: the default)."""
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated and current_user.user.locale in UN_LANGUAGES:
        return current_user.user.locale
    asked = request.args.get("lang")
    if asked in UN_LANGUAGES:
        return asked
    return _place()[0] or request.accept_languages.best_match(UN_LANGUAGES, default="en")


def select_timezone() -> str | None:
    """The user's zone, else the visitor's cookie, else UTC (the default)."""
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated:
        return current_user.user.timezone
    return _place()[1]


def switch_target() -> str:
    """Where the language switcher brings the reader back to: this page without its
    ``?lang=`` (which would outrank the new choice); after a form was posted, the page the
    form was on (a POST-only address would answer 405 to the redirect)."""
    if request.method == "GET":
        path, args = request.path, request.args
    else:
        referrer = urlsplit(request.referrer or "")
        if referrer.netloc != request.host:
            return url_for("home.index")
        path, args = referrer.path or "/", MultiDict(parse_qsl(referrer.query, keep_blank_values=True))
    query = urlencode([(k, v) for k, v in args.items(multi=True) if k != "lang"], safe="/")
    return f"{path}?{query}" if query else path


def keep_asked_language(response: Response) -> Response:
    """A visitor who opened a page with ``?lang=`` keeps that language on the next click: it
    goes into the preference cookie beside the zone (signed-in people keep their profile's)."""
    asked = request.args.get("lang")
    if asked not in UN_LANGUAGES or response.mimetype != "text/html" or current_user.is_authenticated:
        return response
    language, zone = _place()
    if language != asked:
        cookie = current_app.config["PREFERENCE_COOKIE"]
        response.set_cookie(cookie, f"{asked} {zone or 'UTC'}", max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


def language_name(code: str) -> str:
    """A language's name in the page's language (CLDR's, so no catalogue entry): "arabe"."""
    return Locale.parse(code).get_display_name(str(get_locale() or "en")) or code


def _template_helpers() -> dict[str, Any]:
    return {
        "language_names": LANGUAGE_NAMES,
        "switch_target": switch_target,
        "language_name": language_name,
        "current_locale": str(get_locale() or "en"),
        "current_timezone": str(get_timezone()),
        "kind_label": lambda code: ENTITY_KIND_LABELS.get(code, code),
        "role_label": lambda code: ROLE_LABELS.get(code, code),
        "category_label": lambda code: CATEGORY_LABELS.get(code, code),
        "event_label": lambda code: EVENT_LABELS.get(code, code),
        "state_label": lambda code: STATE_LABELS.get(code, code),
        "delivery_status_label": lambda code: DELIVERY_STATUS_LABELS.get(code, code),
    }


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.context_processor(_template_helpers)
    app.after_request(keep_asked_language)
    # Globals, not context: the shared macros in templates/_sources.html are imported without context.
    app.jinja_env.globals.update(
        split_sources=sources.split,
        sources_confirmed=sources.is_confirmed,
        confidence_label=lambda code: CONFIDENCE_LABELS.get(code, code),
        tier_label=lambda code: TIER_LABELS.get(code, _l("tier not recorded")),
    )
