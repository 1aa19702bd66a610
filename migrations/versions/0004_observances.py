"""Observances (the days, their themes per year, their campaign steps) and the calendar
feeds' change counter.

Reviewed by hand: four new tables, nothing existing altered; downgrade() drops them,
children (themes, steps) before ``observances``.

Revision ID: 0004_observances
Revises: 0003_meetings
Create Date: 2026-11-23 15:57:58.357751

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate writes Text() for JSONB columns)
from sqlalchemy.dialects import postgresql

import icat.core.db  # noqa: F401  (custom column types such as UTCDateTime)

# revision identifiers, used by Alembic.
revision = '0004_observances'
down_revision = '0003_meetings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feed_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('changed_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('epoch', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed_state'))
    )
    op.create_table('observances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('names', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('established_by', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sources', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('confidence', sa.String(length=12), nullable=False),
    sa.Column('created_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("confidence IN ('high', 'medium', 'low', 'unconfirmed')", name=op.f('ck_observances_confidence')),
    sa.CheckConstraint('month BETWEEN 1 AND 12 AND day BETWEEN 1 AND 31', name=op.f('ck_observances_date')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observances')),
    sa.UniqueConstraint('slug', name=op.f('uq_observances_slug'))
    )
    op.create_table('observance_campaign_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('observance_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.CheckConstraint("key IN ('theme_agreed', 'draft_statement_circulated', 'endorsement_deadline', 'translations_ready', 'the_day')", name=op.f('ck_observance_campaign_steps_key')),
    sa.CheckConstraint('offset_days >= 0 AND offset_days <= 366', name=op.f('ck_observance_campaign_steps_offset')),
    sa.ForeignKeyConstraint(['observance_id'], ['observances.id'], name=op.f('fk_observance_campaign_steps_observance_id_observances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observance_campaign_steps')),
    sa.UniqueConstraint('observance_id', 'key', name=op.f('uq_observance_campaign_steps_observance_id_key'))
    )
    op.create_table('observance_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('observance_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=500), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('sources', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('confidence', sa.String(length=12), nullable=False),
    sa.Column('wording_confidence', sa.String(length=200), nullable=False),
    sa.CheckConstraint("confidence IN ('high', 'medium', 'low', 'unconfirmed')", name=op.f('ck_observance_themes_confidence')),
    sa.ForeignKeyConstraint(['observance_id'], ['observances.id'], name=op.f('fk_observance_themes_observance_id_observances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observance_themes')),
    sa.UniqueConstraint('observance_id', 'year', name=op.f('uq_observance_themes_observance_id_year'))
    )


def downgrade():
    op.drop_table('observance_themes')
    op.drop_table('observance_campaign_steps')
    op.drop_table('observances')
    op.drop_table('calendar_feed_state')
