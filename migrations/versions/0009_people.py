"""People: invitations, password resets, profiles and user administration.

Reviewed by hand: ``users`` gains ``invited_at`` and ``last_sign_in_at`` (nullable) and
``reminder_preferences`` (JSON, ``{}`` for everyone already there: every reminder on, as
before). ``login_attempts`` gains ``purpose`` ("login" for every row already there), so
password-reset requests are throttled in the same table without counting as failed sign-ins.
``account_links`` is new: single-use invitation and reset links, stored as hashes.

downgrade() drops the links (they are short-lived; an open invitation can be sent again
after upgrading once more), the reset-request rows (the old table knows only failed
sign-ins) and the new columns. Users invited but not yet signed up keep an empty password
hash, which never matches, as before.

Revision ID: 0009_people
Revises: 0008_workplan
Create Date: 2026-12-02 06:10:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import icat.core.db

# revision identifiers, used by Alembic.
revision = '0009_people'
down_revision = "0008_workplan"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited_at', icat.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_sign_in_at', icat.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reminder_preferences', JSON, server_default=sa.text("'{}'"), nullable=False))
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=10), server_default='login', nullable=False))
    op.create_table('account_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('created_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('closed_at', icat.core.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint("purpose IN ('invitation', 'reset')", name=op.f('ck_account_links_purpose')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_links_token_hash'))
    )
    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_links_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_links_user_id'))
    op.drop_table('account_links')
    op.execute("DELETE FROM login_attempts WHERE purpose <> 'login'")
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_column('purpose')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('reminder_preferences')
        batch_op.drop_column('last_sign_in_at')
        batch_op.drop_column('invited_at')
