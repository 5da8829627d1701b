"""intake: exchanges with the other state (EESSI LA_BUC_01: A001 sent, A002/A011 received)

Revision ID: intake_0003
Revises: intake_0002
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "intake_0003"
down_revision = "intake_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_exchanges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("intake_cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("buc", sa.String(20), nullable=False),
        sa.Column("sed", sa.String(10), nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("other_state", sa.String(2), nullable=True),
        sa.Column("exchanged_on", sa.Date(), nullable=False),
        sa.Column("deemed_consent_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_intake_exchanges_case_id", "intake_exchanges", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_intake_exchanges_case_id", "intake_exchanges")
    op.drop_table("intake_exchanges")
