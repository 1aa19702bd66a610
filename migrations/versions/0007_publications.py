"""Publications (issue 12): publications, lead entities, current texts per language, text
versions, circulation rounds with their addressees and responses, PDF attachments.

Reviewed by hand: eight new tables (attachments: one PDF per language), nothing existing altered. ``publications`` is unique on
(kind, number), so issue-brief numbers are unique within the series (NULL numbers never
clash on either backend). On SQLite an FTS5 table indexes the texts
(triggers keep it in step); downgrade() drops it and the tables, children first; the activity log
(outbox events) keeps what they said.

Revision ID: 0007_publications
Revises: 0006_meeting_proposals
Create Date: 2026-12-02 05:56:23.502231

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate writes Text() for JSONB columns)

import icat.core.db  # noqa: F401  (custom column types such as UTCDateTime)
from sqlalchemy.dialects import postgresql

# SQLite: an FTS5 index of every language's title and body, kept in step by triggers (its own
# copy of the text, keyed by publication and language, so a VACUUM renumbering rowids cannot
# detach it). PostgreSQL searches with to_tsvector at query time (icat.publications.queries).
FTS_SQLITE = (
    "CREATE VIRTUAL TABLE publication_texts_fts USING fts5("
    "publication_id UNINDEXED, language UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER publication_texts_fts_ai AFTER INSERT ON publication_texts BEGIN "
    "INSERT INTO publication_texts_fts (publication_id, language, title, body) "
    "VALUES (new.publication_id, new.language, new.title, new.body); END",
    "CREATE TRIGGER publication_texts_fts_ad AFTER DELETE ON publication_texts BEGIN "
    "DELETE FROM publication_texts_fts WHERE publication_id = old.publication_id AND language = old.language; END",
    "CREATE TRIGGER publication_texts_fts_au AFTER UPDATE ON publication_texts BEGIN "
    "DELETE FROM publication_texts_fts WHERE publication_id = old.publication_id AND language = old.language; "
    "INSERT INTO publication_texts_fts (publication_id, language, title, body) "
    "VALUES (new.publication_id, new.language, new.title, new.body); END",
    "INSERT INTO publication_texts_fts (publication_id, language, title, body) "
    "SELECT publication_id, language, title, body FROM publication_texts",
)
FTS_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS publication_texts_fts_au",
    "DROP TRIGGER IF EXISTS publication_texts_fts_ad",
    "DROP TRIGGER IF EXISTS publication_texts_fts_ai",
    "DROP TABLE IF EXISTS publication_texts_fts",
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


# revision identifiers, used by Alembic.
revision = "0007_publications"
down_revision = "0006_meeting_proposals"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("tags", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_note", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "sources", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column("confidence", sa.String(length=12), nullable=False),
        sa.Column("external_key", sa.String(length=120), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", icat.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", icat.core.db.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('issue_brief', 'joint_statement', 'call_to_action', 'policy_paper', 'toolkit', 'report')",
            name=op.f("ck_publications_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'circulated', 'adopted', 'withdrawn', 'published')",
            name=op.f("ck_publications_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_publications_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint("external_key", name=op.f("uq_publications_external_key")),
        sa.UniqueConstraint("kind", "number", name=op.f("uq_publications_kind_number")),
    )
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publications_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_publications_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_publications_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_publications_year"), ["year"], unique=False)

    op.create_table(
        "publication_leads",
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_publication_leads_entity_id_entities"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_publication_leads_publication_id_publications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("publication_id", "entity_id", name=op.f("pk_publication_leads")),
    )
    with op.batch_alter_table("publication_leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_leads_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "publication_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("procedure", sa.String(length=12), nullable=False),
        sa.Column("deadline", icat.core.db.UTCDateTime(), nullable=False),
        sa.Column("version_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("opened_at", icat.core.db.UTCDateTime(), nullable=False),
        sa.Column("closed_at", icat.core.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("procedure IN ('endorsement', 'silence')", name=op.f("ck_publication_rounds_procedure")),
        sa.CheckConstraint(
            "status IN ('open', 'adopted', 'not_adopted', 'broken', 'voided')",
            name=op.f("ck_publication_rounds_status"),
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["users.id"], name=op.f("fk_publication_rounds_opened_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_publication_rounds_publication_id_publications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_rounds")),
        sa.UniqueConstraint("publication_id", "number", name=op.f("uq_publication_rounds_publication_id_number")),
    )
    with op.batch_alter_table("publication_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_rounds_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_publication_rounds_publication_id"), ["publication_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_publication_rounds_status"), ["status"], unique=False)

    op.create_table(
        "publication_text_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("follows_hash", sa.String(length=64), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=254), nullable=False),
        sa.Column("created_at", icat.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_publication_text_versions_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_publication_text_versions_publication_id_publications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_text_versions")),
    )
    with op.batch_alter_table("publication_text_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publication_text_versions_publication_id"), ["publication_id"], unique=False
        )

    op.create_table(
        "publication_texts",
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("follows_hash", sa.String(length=64), nullable=True),
        sa.Column("updated_at", icat.core.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("state IN ('draft', 'final')", name=op.f("ck_publication_texts_state")),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_publication_texts_publication_id_publications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("publication_id", "language", name=op.f("pk_publication_texts")),
    )
    op.create_table(
        "publication_responses",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("version_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("by_label", sa.String(length=254), nullable=False),
        sa.Column("at", icat.core.db.UTCDateTime(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('endorse', 'abstain', 'object')", name=op.f("ck_publication_responses_decision")
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_publication_responses_entity_id_entities"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["publication_rounds.id"],
            name=op.f("fk_publication_responses_round_id_publication_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_publication_responses_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("round_id", "entity_id", name=op.f("pk_publication_responses")),
    )
    op.create_table(
        "publication_round_entities",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_publication_round_entities_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["publication_rounds.id"],
            name=op.f("fk_publication_round_entities_round_id_publication_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "entity_id", name=op.f("pk_publication_round_entities")),
    )
    with op.batch_alter_table("publication_round_entities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_round_entities_entity_id"), ["entity_id"], unique=False)
    op.create_table(
        "publication_attachments",
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_path", sa.String(length=500), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", icat.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_publication_attachments_publication_id_publications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["users.id"],
            name=op.f("fk_publication_attachments_uploaded_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("publication_id", "language", name=op.f("pk_publication_attachments")),
    )
    if _sqlite():
        for statement in FTS_SQLITE:
            op.execute(statement)


def downgrade():
    if _sqlite():
        for statement in FTS_SQLITE_DROP:
            op.execute(statement)
    op.drop_table("publication_attachments")
    with op.batch_alter_table("publication_round_entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_round_entities_entity_id"))

    op.drop_table("publication_round_entities")
    op.drop_table("publication_responses")
    op.drop_table("publication_texts")
    with op.batch_alter_table("publication_text_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_text_versions_publication_id"))

    op.drop_table("publication_text_versions")
    with op.batch_alter_table("publication_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_rounds_status"))
        batch_op.drop_index(batch_op.f("ix_publication_rounds_publication_id"))
        batch_op.drop_index(batch_op.f("ix_publication_rounds_deadline"))

    op.drop_table("publication_rounds")
    with op.batch_alter_table("publication_leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_leads_entity_id"))

    op.drop_table("publication_leads")
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publications_year"))
        batch_op.drop_index(batch_op.f("ix_publications_updated_at"))
        batch_op.drop_index(batch_op.f("ix_publications_status"))
        batch_op.drop_index(batch_op.f("ix_publications_kind"))

    op.drop_table("publications")
