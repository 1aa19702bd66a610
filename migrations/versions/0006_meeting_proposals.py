"""Meeting proposals: status "proposed" and who proposed (entity and user).

Reviewed by hand: ``meetings`` gets two nullable foreign keys (``proposed_by_entity_id`` →
entities, ``proposed_by`` → users, both SET NULL) and its status CHECK admits "proposed".
``meeting_occurrences`` is left as it is: an occurrence is never proposed on its own.

On SQLite the batch operations rebuild ``meetings`` (copy, drop, rename). ``migrations/env.py``
runs every migration there with foreign keys off: with them on, dropping the old table would
cascade and delete every invitee, RSVP, agenda, minutes, document and follower row.

downgrade() deletes the proposals first: a proposal was never on a calendar and never had
reminders, so nothing outside the workspace knows of it, and the old CHECK cannot hold it.
Refusing instead would make a rollback depend on the secretariat clearing a queue; what was
proposed stays readable in the activity log (MeetingProposed events keep title, times,
invitees). Their uploaded files, if any, stay under ``instance/`` as orphans.

Revision ID: 0006_meeting_proposals
Revises: 0005_deliveries
Create Date: 2026-11-23 18:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006_meeting_proposals'
down_revision = '0005_deliveries'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('scheduled', 'cancelled')"
NEW_STATUSES = "status IN ('proposed', 'scheduled', 'cancelled')"
# Rows that point at a meeting. Listed because env.py turns SQLite's foreign keys (and so
# their ON DELETE CASCADE) off during migrations: downgrade() deletes them itself.
MEETING_CHILDREN = (
    'meeting_invitees',
    'meeting_occurrences',
    'meeting_agenda_items',
    'meeting_rsvps',
    'meeting_minutes',
    'meeting_decisions',
    'meeting_action_items',
    'meeting_documents',
    'meeting_followers',
)


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_by_entity_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('proposed_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meetings_proposed_by_entity_id_entities'), 'entities', ['proposed_by_entity_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_meetings_proposed_by_users'), 'users', ['proposed_by'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(batch_op.f('ck_meetings_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_meetings_status'), NEW_STATUSES)


def downgrade():
    proposed = "SELECT id FROM meetings WHERE status = 'proposed'"
    for table in MEETING_CHILDREN:
        op.execute(f"DELETE FROM {table} WHERE meeting_id IN ({proposed})")
    op.execute("DELETE FROM meetings WHERE status = 'proposed'")
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_meetings_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_meetings_status'), OLD_STATUSES)
        batch_op.drop_constraint(batch_op.f('fk_meetings_proposed_by_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_meetings_proposed_by_entity_id_entities'), type_='foreignkey')
        batch_op.drop_column('proposed_by')
        batch_op.drop_column('proposed_by_entity_id')
