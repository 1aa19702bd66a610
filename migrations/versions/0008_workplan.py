"""The multi-year workplan (issue 13): plans, outcomes, activities, their leads, ratings,
milestones and evidence links.

Reviewed by hand: seven new tables, nothing existing altered. ``workplan_evidence`` keeps
(type, ref_id) without a foreign key, on purpose: publications live in another area (and
migration), and an evidence link outlives the row it names. ``down_revision`` is the
meeting proposals; a publications migration merged beside this one re-chains it.

downgrade() drops the tables, children first. The activity log keeps what the plans were
(Workplan* and Activity* events); pending milestone reminders (deliveries with subject
``activity:<id>``) are cancelled so no worker sends a reminder of a plan that is gone.

Revision ID: 0008_workplan
Revises: 0007_publications
Create Date: 2026-12-02 05:58:18.584429

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate writes Text() for JSONB columns)

import icat.core.db  # noqa: F401  (custom column types such as UTCDateTime)
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0008_workplan'
down_revision = "0007_publications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('workplans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=True),
    sa.Column('baseline', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_year >= start_year', name=op.f('ck_workplans_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplans'))
    )
    op.create_table('workplan_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workplan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('pillar', sa.String(length=20), nullable=False),
    sa.Column('priorities', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("pillar IN ('prevention', 'protection', 'prosecution', 'partnerships')", name=op.f('ck_workplan_outcomes_pillar')),
    sa.ForeignKeyConstraint(['workplan_id'], ['workplans.id'], name=op.f('fk_workplan_outcomes_workplan_id_workplans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplan_outcomes'))
    )
    with op.batch_alter_table('workplan_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workplan_outcomes_workplan_id'), ['workplan_id'], unique=False)

    op.create_table('workplan_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workplan_id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('pillar', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('created_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("pillar IN ('prevention', 'protection', 'prosecution', 'partnerships')", name=op.f('ck_workplan_activities_pillar')),
    sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'delayed', 'cancelled')", name=op.f('ck_workplan_activities_status')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_workplan_activities_dates')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_workplan_activities_progress')),
    sa.ForeignKeyConstraint(['outcome_id'], ['workplan_outcomes.id'], name=op.f('fk_workplan_activities_outcome_id_workplan_outcomes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workplan_id'], ['workplans.id'], name=op.f('fk_workplan_activities_workplan_id_workplans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplan_activities'))
    )
    with op.batch_alter_table('workplan_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workplan_activities_outcome_id'), ['outcome_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workplan_activities_workplan_id'), ['workplan_id'], unique=False)

    op.create_table('workplan_activity_leads',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.CheckConstraint("role IN ('lead', 'co_lead')", name=op.f('ck_workplan_activity_leads_role')),
    sa.ForeignKeyConstraint(['activity_id'], ['workplan_activities.id'], name=op.f('fk_workplan_activity_leads_activity_id_workplan_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_workplan_activity_leads_entity_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'entity_id', name=op.f('pk_workplan_activity_leads'))
    )
    with op.batch_alter_table('workplan_activity_leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workplan_activity_leads_entity_id'), ['entity_id'], unique=False)

    op.create_table('workplan_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=12), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("type IN ('meeting', 'publication', 'action_item')", name=op.f('ck_workplan_evidence_type')),
    sa.ForeignKeyConstraint(['activity_id'], ['workplan_activities.id'], name=op.f('fk_workplan_evidence_activity_id_workplan_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplan_evidence')),
    sa.UniqueConstraint('activity_id', 'type', 'ref_id', name=op.f('uq_workplan_evidence_activity_id_type_ref_id'))
    )
    with op.batch_alter_table('workplan_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workplan_evidence_activity_id'), ['activity_id'], unique=False)

    op.create_table('workplan_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['workplan_activities.id'], name=op.f('fk_workplan_milestones_activity_id_workplan_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplan_milestones'))
    )
    with op.batch_alter_table('workplan_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workplan_milestones_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workplan_milestones_due_on'), ['due_on'], unique=False)

    op.create_table('workplan_ratings',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('rag', sa.String(length=5), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('rated_at', icat.core.db.UTCDateTime(), nullable=False),
    sa.Column('rated_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("rag IN ('red', 'amber', 'green')", name=op.f('ck_workplan_ratings_rag')),
    sa.ForeignKeyConstraint(['activity_id'], ['workplan_activities.id'], name=op.f('fk_workplan_ratings_activity_id_workplan_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rated_by'], ['users.id'], name=op.f('fk_workplan_ratings_rated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('activity_id', 'year', name=op.f('pk_workplan_ratings'))
    )


def downgrade():
    op.execute(
        "UPDATE deliveries SET status = 'cancelled' WHERE status = 'pending' AND subject LIKE 'activity:%'"
    )
    op.drop_table('workplan_ratings')
    with op.batch_alter_table('workplan_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workplan_milestones_due_on'))
        batch_op.drop_index(batch_op.f('ix_workplan_milestones_activity_id'))

    op.drop_table('workplan_milestones')
    with op.batch_alter_table('workplan_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workplan_evidence_activity_id'))

    op.drop_table('workplan_evidence')
    with op.batch_alter_table('workplan_activity_leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workplan_activity_leads_entity_id'))

    op.drop_table('workplan_activity_leads')
    with op.batch_alter_table('workplan_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workplan_activities_workplan_id'))
        batch_op.drop_index(batch_op.f('ix_workplan_activities_outcome_id'))

    op.drop_table('workplan_activities')
    with op.batch_alter_table('workplan_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workplan_outcomes_workplan_id'))

    op.drop_table('workplan_outcomes')
    op.drop_table('workplans')
