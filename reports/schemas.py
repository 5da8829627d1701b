"""Public shapes of the statistics API (`XCreate`/`XPublic` families)."""
from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from reports import catalogue as cat
from liaison.timeutil import UtcDateTime


class ReturnIssuePublic(BaseModel):
    code: str = Field(description="Machine-readable kind, e.g. unknown_country, negative_count, wrong_unit, "
                      "duplicate_line, total_mismatch, formula, merged_cells, encoding, wrong_year, too_large")
    message: str
    line: int | None = Field(None, description="Line in the file (1 = first line; in XLSX the row number)")
    sheet: str | None = None
    column: str | None = None
    text: str = Field(description="Location and message in one line")


class ReturnCreate(BaseModel):
    """What an upload declares; the file is checked against it."""

    year: int = Field(ge=1990, le=2100)
    branch: str
    institution: str = Field(min_length=1, max_length=200)

    @field_validator("branch")
    @classmethod
    def _known_branch(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in cat.BRANCHES:
            raise ValueError(f"unknown branch {value!r}; allowed: {', '.join(cat.BRANCHES)}")
        return value


class ReturnPublic(BaseModel):
    id: int
    institution: str
    year: int
    branch: str
    status: str = Field(description="current (validated, used), superseded (replaced by a later version) or "
                        "rejected (errors; nothing imported)")
    filename: str
    file_format: str
    sha256: str
    size_bytes: int
    submitted_by: str
    submitted_at: UtcDateTime
    synthetic: bool
    line_count: int = Field(description="Figures stored")
    skipped_lines: int = Field(description="Template lines left empty")
    control_totals: int = Field(description="TOTAL lines checked against their details")
    error_count: int
    errors: list[ReturnIssuePublic] = Field(description="The first errors (see error_count for all)")
    warnings: list[ReturnIssuePublic]
    replaces_id: int | None = Field(None, description="The version this one replaced")
    superseded_at: UtcDateTime | None = None
    unchanged: bool = Field(False, description="True when this exact file had already been submitted: nothing "
                            "was changed (imports are idempotent)")


class OpenDataRow(BaseModel):
    year: int
    branch: str
    instrument: str
    instrument_kind: str
    partner: str
    partner_name: str
    direction: str
    indicator: str
    unit: str
    value: float | int | None = Field(description="Sum over all institutions; null when suppressed")
    suppressed: bool
    synthetic: bool


class OpenDataPublic(BaseModel):
    year: int
    title: str
    synthetic: bool
    suppression_threshold: int
    notes: list[str]
    columns: list[str]
    rows: list[OpenDataRow]
