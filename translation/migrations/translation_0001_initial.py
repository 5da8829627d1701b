"""translation desk: memory, glossary, jobs, segments, usage events

Revision ID: translation_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "translation_0001"
down_revision = None
branch_labels = ("translation",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translation_memory",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_key", sa.String(64), nullable=False, unique=True),
        sa.Column("skeleton_key", sa.String(64), nullable=False, index=True),
        sa.Column("source_lang", sa.String(8), nullable=False),
        sa.Column("target_lang", sa.String(8), nullable=False),
        sa.Column("source_text", sa.Text, nullable=False),
        sa.Column("target_text", sa.Text, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("engine", sa.String(40), nullable=True),
        sa.Column("source_words", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by", sa.String(120), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("use_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_translation_memory_pair", "translation_memory", ["source_lang", "target_lang"])
    op.create_table(
        "translation_memory_tokens",
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("translation_memory.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("token", sa.String(64), primary_key=True, index=True),
    )
    op.create_table(
        "translation_memory_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_key", sa.String(64), nullable=False, index=True),
        sa.Column("source_lang", sa.String(8), nullable=False),
        sa.Column("target_lang", sa.String(8), nullable=False),
        sa.Column("source_text", sa.Text, nullable=False),
        sa.Column("target_text", sa.Text, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("confirmed_by", sa.String(120), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.String(120), nullable=True),
    )
    op.create_table(
        "translation_glossary_terms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_lang", sa.String(8), nullable=False),
        sa.Column("target_lang", sa.String(8), nullable=False),
        sa.Column("source_key", sa.String(200), nullable=False),
        sa.Column("source_term", sa.String(200), nullable=False),
        sa.Column("target_term", sa.String(200), nullable=False),
        sa.Column("dnt", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("pattern", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("accept", sa.Text, nullable=False, server_default="[]"),
        sa.Column("avoid", sa.Text, nullable=False, server_default="[]"),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("created_by", sa.String(120), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("source_lang", "target_lang", "source_key", name="uq_translation_glossary_term"),
    )
    op.create_table(
        "translation_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner_id", sa.Integer, nullable=True, index=True),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("source_lang", sa.String(8), nullable=False),
        sa.Column("target_lang", sa.String(8), nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("options", sa.Text, nullable=False, server_default="{}"),
        sa.Column("progress_done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("progress_total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cancel_requested", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("chars", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "translation_job_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("translation_jobs.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("fmt", sa.String(16), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("detected_lang", sa.String(8), nullable=True),
        sa.Column("detected_confidence", sa.Float, nullable=True),
        sa.Column("segments", sa.Integer, nullable=False, server_default="0"),
        sa.Column("words", sa.Integer, nullable=False, server_default="0"),
        sa.Column("chars", sa.Integer, nullable=False, server_default="0"),
        sa.Column("pages", sa.Integer, nullable=True),
        sa.Column("flag_counts", sa.Text, nullable=False, server_default="{}"),
        sa.Column("input_path", sa.Text, nullable=False),
        sa.Column("output_name", sa.String(255), nullable=True),
        sa.Column("output_path", sa.Text, nullable=True),
        sa.Column("report_path", sa.Text, nullable=True),
        sa.Column("xliff_path", sa.Text, nullable=True),
    )
    op.create_table(
        "translation_segments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_id", sa.Integer, sa.ForeignKey("translation_job_files.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("segment_id", sa.String(80), nullable=False),
        sa.Column("source_lang", sa.String(8), nullable=False),
        sa.Column("source_text", sa.Text, nullable=False),
        sa.Column("target_text", sa.Text, nullable=True),
        sa.Column("origin", sa.String(24), nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("draft", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("flags", sa.Text, nullable=False, server_default="[]"),
    )
    op.create_index("ix_translation_segments_file_pos", "translation_segments", ["file_id", "position"])
    op.create_table(
        "translation_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date, nullable=False, index=True),
        sa.Column("account_id", sa.Integer, nullable=True, index=True),
        sa.Column("principal", sa.String(120), nullable=False),
        sa.Column("client", sa.String(64), nullable=False, server_default=""),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("source_lang", sa.String(8), nullable=False),
        sa.Column("target_lang", sa.String(8), nullable=False),
        sa.Column("documents", sa.Integer, nullable=False, server_default="0"),
        sa.Column("segments", sa.Integer, nullable=False, server_default="0"),
        sa.Column("words", sa.Integer, nullable=False, server_default="0"),
        sa.Column("chars", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    for table in ("translation_events", "translation_segments", "translation_job_files", "translation_jobs",
                  "translation_glossary_terms", "translation_memory_history", "translation_memory_tokens",
                  "translation_memory"):
        op.drop_table(table)
