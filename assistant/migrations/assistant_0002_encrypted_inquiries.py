"""assistant: inquiry contact fields widened to hold encrypted values

Revision ID: assistant_0002
Revises: assistant_0001
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "assistant_0002"
down_revision = "assistant_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Fernet tokens of a 40-character phone number exceed VARCHAR(40); PostgreSQL enforces lengths.
    with op.batch_alter_table("assistant_inquiries") as batch:
        batch.alter_column("name", type_=sa.Text, existing_type=sa.String(200), existing_nullable=True)
        batch.alter_column("email", type_=sa.Text, existing_type=sa.String(254), existing_nullable=True)
        batch.alter_column("phone", type_=sa.Text, existing_type=sa.String(40), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("assistant_inquiries") as batch:
        batch.alter_column("name", type_=sa.String(200), existing_type=sa.Text, existing_nullable=True)
        batch.alter_column("email", type_=sa.String(254), existing_type=sa.Text, existing_nullable=True)
        batch.alter_column("phone", type_=sa.String(40), existing_type=sa.Text, existing_nullable=True)
