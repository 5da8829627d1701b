"""intake: cases, history, attachments, idempotency keys

Revision ID: intake_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "intake_0001"
down_revision = None
branch_labels = ("intake",)
depends_on = "core_0001"  # accounts table (applicant FK)


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "intake_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("case_type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("applicant_account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("access_key_sha256", sa.String(64), nullable=True),
        sa.Column("created_by", sa.String(120), nullable=False, server_default=""),
        sa.Column("home_country", sa.String(2), nullable=True),
        sa.Column("work_country", sa.String(2), nullable=True),
        sa.Column("person_status", sa.String(20), nullable=True),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("requested_months", sa.Float, nullable=True),
        sa.Column("instrument_id", sa.String(60), nullable=True),
        sa.Column("route", sa.String(20), nullable=True),
        sa.Column("employer_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("employer_siret", sa.String(14), nullable=True),
        sa.Column("applicant_label", sa.String(80), nullable=False, server_default=""),
        sa.Column("payload_enc", sa.Text, nullable=False),
        sa.Column("assigned_to", sa.String(120), nullable=True),
        sa.Column("team", sa.String(60), nullable=True),
        sa.Column("deadline_on", sa.Date, nullable=True),
        _ts("clock_paused_at"),
        sa.Column("reminder_sent_for", sa.Date, nullable=True),
        sa.Column("info_reason", sa.String(20), nullable=True),
        sa.Column("proposed_decision", sa.String(10), nullable=True),
        sa.Column("proposal_enc", sa.Text, nullable=True),
        sa.Column("proposed_by", sa.String(120), nullable=True),
        _ts("proposed_at"),
        sa.Column("decision", sa.String(10), nullable=True),
        sa.Column("decided_by", sa.String(120), nullable=True),
        _ts("decided_at"),
        sa.Column("legal_basis", sa.String(400), nullable=True),
        _ts("submitted_at"),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        _ts("closed_at"),
    )
    op.create_index("ix_intake_cases_applicant_account_id", "intake_cases", ["applicant_account_id"])
    op.create_index("ix_intake_cases_work_country", "intake_cases", ["work_country"])
    op.create_index("ix_intake_cases_status_deadline", "intake_cases", ["status", "deadline_on", "id"])
    op.create_index("ix_intake_cases_type_status", "intake_cases", ["case_type", "status"])
    op.create_index("ix_intake_cases_assigned_status", "intake_cases", ["assigned_to", "status"])
    op.create_index("ix_intake_cases_submitted_at", "intake_cases", ["submitted_at"])
    op.create_index("ix_intake_cases_closed_at", "intake_cases", ["closed_at"])

    op.create_table(
        "intake_case_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("intake_cases.id", ondelete="CASCADE"), nullable=False),
        _ts("at", nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("action", sa.String(40), nullable=True),
        sa.Column("from_status", sa.String(30), nullable=True),
        sa.Column("to_status", sa.String(30), nullable=True),
        sa.Column("reason_code", sa.String(30), nullable=True),
        sa.Column("body_enc", sa.Text, nullable=True),
        sa.Column("visibility", sa.String(10), nullable=False, server_default="internal"),
    )
    op.create_index("ix_intake_case_events_case_id", "intake_case_events", ["case_id"])

    op.create_table(
        "intake_attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("intake_cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("name_enc", sa.Text, nullable=False),
        sa.Column("content_type", sa.String(80), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_name", sa.String(64), nullable=False, unique=True),
        sa.Column("uploaded_by", sa.String(120), nullable=False),
        _ts("uploaded_at", nullable=False),
        sa.Column("scan_status", sa.String(20), nullable=False, server_default="not_scanned"),
    )
    op.create_index("ix_intake_attachments_case_id", "intake_attachments", ["case_id"])

    op.create_table(
        "intake_idempotency",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("principal", sa.String(160), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("intake_cases.id", ondelete="CASCADE"), nullable=False),
        _ts("created_at", nullable=False),
        sa.UniqueConstraint("principal", "key", name="uq_intake_idempotency_principal_key"),
    )
    op.create_index("ix_intake_idempotency_case_id", "intake_idempotency", ["case_id"])


def downgrade() -> None:
    op.drop_table("intake_idempotency")
    op.drop_table("intake_attachments")
    op.drop_table("intake_case_events")
    op.drop_table("intake_cases")
