"""Entities: where each of their names in another language comes from.

Reviewed by hand: one JSON column ``name_sources`` on ``entities`` mapping a language code to
``{"sources": [...], "confidence": ...}`` for the names the reference data backs with a
source (``icat/registry/data/entity_names.json``). Existing rows get ``{}`` (no name of
theirs has a recorded source yet; ``flask icat seed`` fills them in). downgrade() drops the
column; the names themselves stay in ``names``.

Revision ID: 0012_entity_name_sources
Revises: 0011_sessions
Create Date: 2026-12-03 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import icat.core.db

# revision identifiers, used by Alembic.
revision = '0012_entity_name_sources'
down_revision = '0011_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('name_sources', icat.core.db.JSONType, server_default=sa.text("'{}'"), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_column('name_sources')
