"""assistant: question log, feedback, inquiries

Revision ID: assistant_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "assistant_0001"
down_revision = None
branch_labels = ("assistant",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assistant_questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("session_id", sa.String(64), nullable=False, index=True),
        sa.Column("turn", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("resolved_query", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("language", sa.String(8), nullable=False, server_default="fr", index=True),
        sa.Column("engine", sa.String(20), nullable=False, server_default="extractive"),
        sa.Column("abstained", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("handover_suggested", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("topic", sa.String(40), nullable=False, server_default="other", index=True),
        sa.Column("evidence", sa.Float, nullable=False, server_default="0"),
        sa.Column("citations", sa.Text, nullable=False, server_default="[]"),
        sa.Column("latency_ms", sa.Integer, nullable=False, server_default="0"),
        sa.Column("channel", sa.String(20), nullable=False, server_default="api"),
    )
    op.create_table(
        "assistant_feedback",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("answer_id", sa.String(32), sa.ForeignKey("assistant_questions.id"), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("useful", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(20), nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
    )
    op.create_table(
        "assistant_inquiries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(24), nullable=True, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="open", index=True),
        sa.Column("session_id", sa.String(64), nullable=True, index=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("source", sa.String(20), nullable=False, server_default="assistant"),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("message_masked", sa.Text, nullable=True),
        sa.Column("transcript", sa.Text, nullable=False, server_default="[]"),
        sa.Column("replies", sa.Text, nullable=False, server_default="[]"),
        sa.Column("closed_reason", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("assistant_inquiries")
    op.drop_table("assistant_feedback")
    op.drop_table("assistant_questions")
