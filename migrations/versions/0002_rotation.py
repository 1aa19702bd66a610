"""Rotation: chair terms, seats, unwillingness; once keys.

Reviewed by hand: four new tables, nothing altered; downgrade() drops them.

Revision ID: 0002_rotation
Revises: 0001_foundation
Create Date: 2026-11-23 15:53:40.738103

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate writes Text() for JSONB columns)
from sqlalchemy.dialects import postgresql  # noqa: F401

import icat.core.db  # noqa: F401  (custom column types such as UTCDateTime)

# revision identifiers, used by Alembic.
revision = '0002_rotation'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chair_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('known', sa.Boolean(), nullable=False),
    sa.Column('confirmed_repeat', sa.Boolean(), nullable=False),
    sa.Column('sources', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('confidence', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('year >= 2011', name=op.f('ck_chair_terms_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chair_terms')),
    sa.UniqueConstraint('year', name=op.f('uq_chair_terms_year'))
    )
    op.create_table('once_keys',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('done_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_once_keys'))
    )
    op.create_table('chair_seats',
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_chair_seats_entity_id_entities')),
    sa.ForeignKeyConstraint(['term_id'], ['chair_terms.id'], name=op.f('fk_chair_seats_term_id_chair_terms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term_id', 'entity_id', name=op.f('pk_chair_seats'))
    )
    op.create_table('chair_unwilling',
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_chair_unwilling_entity_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entity_id', 'year', name=op.f('pk_chair_unwilling'))
    )


def downgrade():
    op.drop_table('chair_unwilling')
    op.drop_table('chair_seats')
    op.drop_table('once_keys')
    op.drop_table('chair_terms')
