"""Settings fields owned by `intake` (merged into liaison.settings.Settings; env prefix LIAISON_)."""
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

CASE_TYPES = ("continuation", "exemption")


class IntakeSettings(BaseSettings):
    intake_four_eyes: bool = Field(
        True, description="A decision proposed by one officer must be approved by a second person (supervisor).")
    intake_clock_on_information_request: Literal["pause", "reset"] = Field(
        "pause", description="While information is requested from the applicant the case deadline is paused "
        "(resumes with the remaining days) or reset (a full period starts again on the answer).")
    intake_deadline_days: dict[str, int] = Field(
        default_factory=lambda: {"continuation": 60, "exemption": 60},
        description="Days from submission to decision, per case type.")
    intake_reminder_days: int = Field(7, ge=0, description="Remind the assigned officer this many days before a deadline.")
    intake_retention_days: dict[str, int] = Field(
        default_factory=lambda: {"continuation": 5 * 365, "exemption": 5 * 365},
        description="Days after closing after which a closed case is purged (personal data, attachments, history).")
    intake_attachments_dir: Path | None = Field(
        None, description="Where attachment files are stored (default <data_dir>/intake_attachments); never served directly.")
    intake_attachment_max_bytes: int = Field(10 * 1024 * 1024, gt=0, description="Largest attachment accepted.")
    intake_attachment_types: list[str] = Field(
        default_factory=lambda: ["application/pdf", "image/png", "image/jpeg"],
        description="Attachment types accepted, recognised from the content (not the file name).")
    intake_virus_scan_command: str | None = Field(
        None, description="Optional scanner run on each upload, e.g. 'clamscan --no-summary {path}': exit 0 = clean, "
        "1 = infected (refused), anything else = scanner error (upload refused, retry later).")
    intake_max_text_chars: int = Field(5000, gt=0, description="Longest free-text field (reasons, messages).")
    intake_max_body_bytes: int = Field(
        16 * 1024 * 1024, gt=0, description="Largest request body accepted by intake routes (inline attachments included).")
    intake_teams: list[str] = Field(default_factory=lambda: ["europe", "bilateral", "territories"],
                                    description="Teams cases can be assigned to.")

    @field_validator("intake_deadline_days", "intake_retention_days")
    @classmethod
    def _known_types(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = set(value) - set(CASE_TYPES)
        if unknown:
            raise ValueError(f"unknown case types {sorted(unknown)}; allowed: {', '.join(CASE_TYPES)}")
        if any(v <= 0 for v in value.values()):
            raise ValueError("day counts must be positive")
        return value
