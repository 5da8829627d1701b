"""intake: indexes for the queue (deadline order, recently updated, team filter)

Revision ID: intake_0002
Revises: intake_0001
Create Date: 2026-11-26
"""
from alembic import op

revision = "intake_0002"
down_revision = "intake_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_intake_cases_deadline_id", "intake_cases", ["deadline_on", "id"])
    op.create_index("ix_intake_cases_updated_id", "intake_cases", ["updated_at", "id"])
    op.create_index("ix_intake_cases_team_status", "intake_cases", ["team", "status"])
    op.create_index("ix_intake_cases_employer_siret", "intake_cases", ["employer_siret"])
    if op.get_bind().dialect.name == "postgresql":
        # Case-insensitive prefix search on the employer name (LIKE 'abc%') can use this index.
        op.execute("CREATE INDEX ix_intake_cases_employer_lower ON intake_cases "
                   "(lower(employer_name) text_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_intake_cases_employer_lower")
    op.drop_index("ix_intake_cases_employer_siret", "intake_cases")
    op.drop_index("ix_intake_cases_team_status", "intake_cases")
    op.drop_index("ix_intake_cases_updated_id", "intake_cases")
    op.drop_index("ix_intake_cases_deadline_id", "intake_cases")
