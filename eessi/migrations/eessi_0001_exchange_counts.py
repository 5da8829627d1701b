"""eessi: imports of exchange counts and their lines

Revision ID: eessi_0001
Revises:
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "eessi_0001"
down_revision = None
branch_labels = ("eessi",)
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "eessi_count_imports",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("institution", sa.String(200), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("file_format", sa.String(8), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("submitted_by", sa.String(120), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("line_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_month", sa.String(7), nullable=False),
        sa.Column("last_month", sa.String(7), nullable=False),
        sa.Column("catalogue_version", sa.String(32), nullable=False),
    )
    op.create_index("ix_eessi_count_imports_sha256", "eessi_count_imports", ["sha256"])
    op.create_table(
        "eessi_exchange_counts",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("import_id", BigId, sa.ForeignKey("eessi_count_imports.id"), nullable=False),
        sa.Column("institution", sa.String(200), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("buc", sa.String(20), nullable=False),
        sa.Column("sed", sa.String(12), nullable=False),
        sa.Column("partner", sa.String(8), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("answered", sa.Integer, nullable=False, server_default="0"),
        sa.Column("response_days", sa.Float, nullable=True),
        sa.Column("open", sa.Integer, nullable=False, server_default="0"),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_eessi_counts_key", "eessi_exchange_counts",
                    ["institution", "month", "buc", "sed", "partner", "direction"], unique=True)
    op.create_index("ix_eessi_counts_year", "eessi_exchange_counts", ["year"])


def downgrade() -> None:
    op.drop_index("ix_eessi_counts_year", "eessi_exchange_counts")
    op.drop_index("ix_eessi_counts_key", "eessi_exchange_counts")
    op.drop_table("eessi_exchange_counts")
    op.drop_index("ix_eessi_count_imports_sha256", "eessi_count_imports")
    op.drop_table("eessi_count_imports")
