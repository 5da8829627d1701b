"""statistical returns: submissions (every version kept) and their lines

Revision ID: reports_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "reports_0001"
down_revision = None
branch_labels = ("reports",)
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "stat_submissions",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("institution", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("branch", sa.String(30), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("file_format", sa.String(8), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("submitted_by", sa.String(120), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("line_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("skipped_lines", sa.Integer, nullable=False, server_default="0"),
        sa.Column("control_totals", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("errors", sa.Text, nullable=False, server_default="[]"),
        sa.Column("warnings", sa.Text, nullable=False, server_default="[]"),
        sa.Column("replaces_id", BigId, nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_stat_submissions_sha256", "stat_submissions", ["sha256"])
    op.create_index("ix_stat_submissions_key", "stat_submissions", ["institution", "year", "branch"])
    op.create_index("ix_stat_submissions_year_status", "stat_submissions", ["year", "status"])
    # At most one current version per institution/year/branch, even under concurrent resubmissions.
    op.create_index(
        "uq_stat_submissions_current", "stat_submissions", ["institution", "year", "branch"], unique=True,
        sqlite_where=sa.text("status = 'current'"), postgresql_where=sa.text("status = 'current'"),
    )
    op.create_table(
        "stat_lines",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("submission_id", BigId, sa.ForeignKey("stat_submissions.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("institution", sa.String(200), nullable=False),
        sa.Column("branch", sa.String(30), nullable=False),
        sa.Column("instrument", sa.String(12), nullable=False),
        sa.Column("partner", sa.String(8), nullable=False),
        sa.Column("direction", sa.String(20), nullable=False),
        sa.Column("indicator", sa.String(60), nullable=False),
        sa.Column("breakdown", sa.String(80), nullable=False, server_default=""),
        sa.Column("value", sa.BigInteger, nullable=False),  # hundredths (see reports.models.Hundredths)
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("source_file", sa.String(255), nullable=False),
        sa.Column("source_sheet", sa.String(64), nullable=True),
        sa.Column("source_line", sa.Integer, nullable=False),
    )
    op.create_index("ix_stat_lines_submission_id", "stat_lines", ["submission_id"])


def downgrade() -> None:
    op.drop_table("stat_lines")
    op.drop_table("stat_submissions")
