"""Registry pages: the list of ICAT's entities and one entity's page."""

from __future__ import annotations

from flask import Blueprint, render_template

from icat.accounts import queries as account_queries
from icat.registry.models import CATEGORIES, ENTITY_KINDS
from icat.registry.queries import EntityFilter, get_entity, list_entities
from icat.registry.schemas import EntityListArgsSchema
from icat.web.auth import current_actor
from icat.web.http import current_session, load_args

bp = Blueprint("registry", __name__)


@bp.get("/entities")
def entities() -> str:
    args = load_args(EntityListArgsSchema())
    flt = EntityFilter(args.get("kind"), args.get("category"), args.get("working_group"))
    rows = list_entities(current_session(), flt)
    return render_template("registry/list.html", entities=rows, flt=flt, kinds=ENTITY_KINDS, categories=CATEGORIES)


@bp.get("/entities/<acronym>")
def entity(acronym: str) -> str:
    row = get_entity(current_session(), acronym)
    fps = account_queries.focal_points(current_session(), actor=current_actor(), entity_id=row.id)
    return render_template("registry/detail.html", entity=row, focal_points=fps)
