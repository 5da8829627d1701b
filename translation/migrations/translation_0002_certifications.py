"""translation desk: certified translations (article R767-2, 8°)

Revision ID: translation_0002_cert
Revises: translation_0001
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "translation_0002_cert"
down_revision = "translation_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translation_certifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source_lang", sa.String(8), nullable=False),
        sa.Column("target_lang", sa.String(8), nullable=False),
        sa.Column("source_name", sa.String(255), nullable=False),
        sa.Column("translation_name", sa.String(255), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("translation_sha256", sa.String(64), nullable=False),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("translation_path", sa.Text, nullable=False),
        sa.Column("translator", sa.String(120), nullable=False),
        sa.Column("submitted_by", sa.String(120), nullable=False),
        sa.Column("job_id", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("certifier", sa.String(120), nullable=True),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certified_path", sa.Text, nullable=True),
        sa.Column("certified_sha256", sa.String(64), nullable=True),
    )
    op.create_index("ix_translation_certifications_reference", "translation_certifications", ["reference"], unique=True)
    op.create_index("ix_translation_certifications_certified_sha256", "translation_certifications",
                    ["certified_sha256"])
    op.create_table(
        "translation_certification_segments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("certification_id", sa.Integer,
                  sa.ForeignKey("translation_certifications.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("segment_id", sa.String(80), nullable=False),
        sa.Column("source_text", sa.Text, nullable=False),
        sa.Column("target_text", sa.Text, nullable=False),
        sa.Column("checked_by", sa.String(120), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
    )
    op.create_index("ix_translation_certification_segments_certification_id",
                    "translation_certification_segments", ["certification_id"])


def downgrade() -> None:
    op.drop_table("translation_certification_segments")
    op.drop_table("translation_certifications")
