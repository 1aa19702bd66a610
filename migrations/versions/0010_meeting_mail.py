"""Action items across meetings: who marked one done, when, and its version.

Reviewed by hand: ``meeting_action_items`` gets ``done_at`` (UTC), ``done_by`` (→ users,
SET NULL) and ``version`` (the ETag of ``PATCH /api/v1/action-items/<id>``), which starts
at 1 for every existing row (server default), as a new row's does. Nothing else changes:
invitations and notices reuse ``deliveries`` and ``notices`` as they are (``notices.read_at``
already exists).

On SQLite the batch operation rebuilds the table (copy, drop, rename); nothing points at
action items, so nothing cascades. downgrade() drops the three columns: whether an item is
done stays in ``done``; who marked it and when remain in the activity log (ActionItemMarked).

Revision ID: 0010_meeting_mail
Revises: 0009_people
Create Date: 2026-12-02 06:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

import icat.core.db  # noqa: F401  (custom column types such as UTCDateTime)

# revision identifiers, used by Alembic.
revision = '0010_meeting_mail'
down_revision = "0009_people"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_at', icat.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('done_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_meeting_action_items_done_by_users'), 'users', ['done_by'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('meeting_action_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_action_items_done_by_users'), type_='foreignkey')
        batch_op.drop_column('version')
        batch_op.drop_column('done_by')
        batch_op.drop_column('done_at')
