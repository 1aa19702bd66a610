"""Meetings: meetings, invitees, occurrence overrides, agenda, RSVPs, minutes, decisions,
action items, documents, followers.

Reviewed by hand: ten new tables, nothing existing altered; downgrade() drops them in
reverse dependency order (children before ``meetings``).

Revision ID: 0003_meetings
Revises: 0002_rotation
Create Date: 2026-11-23 15:55:15.604673

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate writes Text() for JSONB columns)
from sqlalchemy.dialects import postgresql

import icat.core.db  # noqa: F401  (custom column types such as UTCDateTime)

# revision identifiers, used by Alembic.
revision = '0003_meetings'
down_revision = '0002_rotation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('ends_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('series_ends_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('visibility', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('recurrence', sa.Text(), nullable=True),
    sa.Column('reminder_offsets', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('cancelled_at', icat.core.db.UTCDateTime(), nullable=True),
    sa.Column('date_precision', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('sources', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('confidence', sa.String(length=12), nullable=False),
    sa.Column('external_key', sa.String(length=120), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("date_precision IN ('minute', 'day', 'month', 'year')", name=op.f('ck_meetings_date_precision')),
    sa.CheckConstraint("kind IN ('working_group', 'principals', 'coordination_call', 'briefing', 'other')", name=op.f('ck_meetings_kind')),
    sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f('ck_meetings_status')),
    sa.CheckConstraint("visibility IN ('public', 'members', 'restricted')", name=op.f('ck_meetings_visibility')),
    sa.CheckConstraint('ends_at >= starts_at', name=op.f('ck_meetings_times')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_meetings_sequence')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_meetings_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('external_key', name=op.f('uq_meetings_external_key'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_series_ends_at'), ['series_ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_updated_at'), ['updated_at'], unique=False)

    op.create_table('meeting_action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_entity_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_action_items_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_entity_id'], ['entities.id'], name=op.f('fk_meeting_action_items_owner_entity_id_entities'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_action_items'))
    )
    with op.batch_alter_table('meeting_action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_action_items_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_action_items_owner_entity_id'), ['owner_entity_id'], unique=False)

    op.create_table('meeting_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('lead_entity_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['lead_entity_id'], ['entities.id'], name=op.f('fk_meeting_agenda_items_lead_entity_id_entities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_agenda_items_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_agenda_items'))
    )
    with op.batch_alter_table('meeting_agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_decisions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_decisions'))
    )
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_decisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_path', sa.String(length=500), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_documents_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_meeting_documents_uploaded_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_documents'))
    )
    with op.batch_alter_table('meeting_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_documents_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_followers',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('since', icat.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_followers_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_followers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'user_id', name=op.f('pk_meeting_followers'))
    )
    with op.batch_alter_table('meeting_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_followers_user_id'), ['user_id'], unique=False)

    op.create_table('meeting_invitees',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_meeting_invitees_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_invitees_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'entity_id', name=op.f('pk_meeting_invitees'))
    )
    with op.batch_alter_table('meeting_invitees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_invitees_entity_id'), ['entity_id'], unique=False)

    op.create_table('meeting_minutes',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_minutes_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_meeting_minutes_recorded_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_meeting_minutes'))
    )
    op.create_table('meeting_occurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('recurrence_id', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('starts_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('ends_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('updated_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f('ck_meeting_occurrences_status')),
    sa.CheckConstraint('ends_at >= starts_at', name=op.f('ck_meeting_occurrences_times')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_occurrences_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_occurrences')),
    sa.UniqueConstraint('meeting_id', 'recurrence_id', name=op.f('uq_meeting_occurrences_meeting_id_recurrence_id'))
    )
    with op.batch_alter_table('meeting_occurrences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_occurrences_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_rsvps',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.String(length=8), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', icat.core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("response IN ('yes', 'no', 'maybe')", name=op.f('ck_meeting_rsvps_response')),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_meeting_rsvps_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_rsvps_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_rsvps_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('meeting_id', 'entity_id', name=op.f('pk_meeting_rsvps'))
    )


def downgrade():
    op.drop_table('meeting_rsvps')
    with op.batch_alter_table('meeting_occurrences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_occurrences_meeting_id'))

    op.drop_table('meeting_occurrences')
    op.drop_table('meeting_minutes')
    with op.batch_alter_table('meeting_invitees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_invitees_entity_id'))

    op.drop_table('meeting_invitees')
    with op.batch_alter_table('meeting_followers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_followers_user_id'))

    op.drop_table('meeting_followers')
    with op.batch_alter_table('meeting_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_documents_meeting_id'))

    op.drop_table('meeting_documents')
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_meeting_id'))

    op.drop_table('meeting_decisions')
    with op.batch_alter_table('meeting_agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_agenda_items_meeting_id'))

    op.drop_table('meeting_agenda_items')
    with op.batch_alter_table('meeting_action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_action_items_owner_entity_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_action_items_meeting_id'))

    op.drop_table('meeting_action_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_updated_at'))
        batch_op.drop_index(batch_op.f('ix_meetings_starts_at'))
        batch_op.drop_index(batch_op.f('ix_meetings_series_ends_at'))
        batch_op.drop_index(batch_op.f('ix_meetings_kind'))

    op.drop_table('meetings')
