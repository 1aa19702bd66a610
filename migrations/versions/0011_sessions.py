"""Sessions of a series: answers, attendance and minutes per session; a session's decisions,
action items and documents.

Reviewed by hand: three new tables keyed by (meeting, RECURRENCE-ID[, entity]) —
``meeting_session_rsvps``, ``meeting_attendance``, ``meeting_session_minutes`` — and a
nullable ``recurrence_id`` on ``meeting_decisions``, ``meeting_action_items`` and
``meeting_documents`` (NULL: the series' own row, as every existing row stays); a
``cancel_reason`` on ``meeting_occurrences`` (empty for the rows there already).

downgrade() drops the tables, and first deletes the decisions and action items of single
sessions: without the column they would read as the series' own minutes. Session documents
stay as documents of the meeting (their files are still under instance/). Batch mode rebuilds
the three tables on SQLite (env.py runs migrations there with foreign keys off).

Revision ID: 0011_sessions
Revises: 0010_meeting_mail
Create Date: 2026-12-02 06:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

import icat.core.db

# revision identifiers, used by Alembic.
revision = '0011_sessions'
down_revision = "0010_meeting_mail"
branch_labels = None
depends_on = None

SESSION_ROWS = ('meeting_decisions', 'meeting_action_items', 'meeting_documents')


def _keys(table):
    return [
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('recurrence_id', icat.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f(f'fk_{table}_meeting_id_meetings'), ondelete='CASCADE'),
    ]


def upgrade():
    op.create_table('meeting_session_rsvps',
    *_keys('meeting_session_rsvps'),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.String(length=8), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', icat.core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("response IN ('yes', 'no', 'maybe')", name=op.f('ck_meeting_session_rsvps_response')),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_meeting_session_rsvps_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_session_rsvps_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('meeting_id', 'recurrence_id', 'entity_id', name=op.f('pk_meeting_session_rsvps'))
    )
    op.create_table('meeting_attendance',
    *_keys('meeting_attendance'),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('people', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_meeting_attendance_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_meeting_attendance_recorded_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('meeting_id', 'recurrence_id', 'entity_id', name=op.f('pk_meeting_attendance'))
    )
    op.create_table('meeting_session_minutes',
    *_keys('meeting_session_minutes'),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_meeting_session_minutes_recorded_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('meeting_id', 'recurrence_id', name=op.f('pk_meeting_session_minutes'))
    )
    for table in SESSION_ROWS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('recurrence_id', icat.core.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table('meeting_occurrences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('meeting_occurrences', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
    for table in SESSION_ROWS[:2]:
        op.execute(f'DELETE FROM {table} WHERE recurrence_id IS NOT NULL')
    for table in SESSION_ROWS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('recurrence_id')
    op.drop_table('meeting_session_minutes')
    op.drop_table('meeting_attendance')
    op.drop_table('meeting_session_rsvps')
