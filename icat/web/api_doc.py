"""What an API route takes and answers, written beside the route (DESIGN §7).

The OpenAPI document (``icat.blueprints.api.openapi``) walks the URL map and reads these
descriptions, so a route and its documentation cannot drift apart, and a route without one
fails ``tests/e2e/test_openapi.py``. Usage, right under the route line::

    @bp.patch("/entities/<acronym>")
    @doc("Change an entity", body=EntityPatchSchema, response=EntitySchema, errors=(401, 403, 404), versioned=True)
    @requires(STAFF, _l("change entities"))
    @transactional
    def entities_update(acronym: str) -> Response: ...

``doc`` only sets an attribute on the view: no registry, no import-time side effects. (It works
anywhere in the decorator stack, since ``functools.wraps`` copies the attribute outwards, but
right under the route line is where readers look.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from marshmallow import Schema

# A marshmallow schema (class or instance), or the media types of a body that is not JSON,
# e.g. ``{"application/pdf": {"schema": {"type": "string", "format": "binary"}}}``.
Body = type[Schema] | Schema | dict[str, Any]
View = TypeVar("View", bound=Callable[..., Any])

ATTRIBUTE = "api_doc"


@dataclass(frozen=True)
class ApiDoc:
    """One operation: its summary, query, request body, answer and error answers.

    ``versioned``: the route edits at a version (``If-Match: <etag>`` or the body's
    ``version``): documents the If-Match header, 400 (bad If-Match), 409 (stale body version,
    or a rule refused) and 412 (stale If-Match), and the ETag of the answer when it has a body.
    ``etag``: the answer carries the resource's ETag (reads and creates).
    PATCH bodies are documented partial (no field required), as the routes load them.
    """

    summary: str
    query: type[Schema] | Schema | None = None
    body: Body | None = None
    response: Body | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    versioned: bool = False
    etag: bool = False
    body_required: bool = True

    def error_codes(self) -> list[int]:
        """The declared error answers plus those the parsing helpers imply."""
        codes = set(self.errors)
        if self.query is not None:
            codes.add(422)
        if self.body is not None:
            codes |= {422} if isinstance(self.body, dict) else {400, 422}  # 400: not a JSON object
        if self.versioned:
            codes |= {400, 409, 412}
        return sorted(codes)

    @property
    def sends_etag(self) -> bool:
        return self.response is not None and (self.etag or self.versioned)


def doc(
    summary: str,
    *,
    query: type[Schema] | Schema | None = None,
    body: Body | None = None,
    response: Body | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    versioned: bool = False,
    etag: bool = False,
    body_required: bool = True,
) -> Callable[[View], View]:
    """Describe an API route for the OpenAPI document (see the module docstring)."""
    description = ApiDoc(summary, query, body, response, status, tuple(errors), versioned, etag, body_required)

    def attach(view: View) -> View:
        setattr(view, ATTRIBUTE, description)
        return view

    return attach


def description_of(view: Callable[..., Any]) -> ApiDoc | None:
    """The description ``doc`` attached to ``view``, or None for an undocumented route."""
    return getattr(view, ATTRIBUTE, None)
