"""API schemas of the intake routes (XCreate / XUpdate / XPublic families).

Structure and types are checked here (wrong types, unknown fields, absurd sizes: 422); the business
rules (checksums, dates, overlaps, maximum durations) are checked by intake/validation.py, which
answers with messages in French and English.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from liaison.timeutil import UtcDateTime

# Structural ceiling for any text: business limits are lower and reported in FR/EN.
_MAX = 20_000

EXAMPLE_FORM = {
    "person": {"last_name": "Martin", "first_name": "Claire", "birth_date": "1984-03-09",
               "nir": "284037512345640", "nationality": "FR", "email": "claire.martin@example.org"},
    "employer": {"name": "Ingénierie Durand SAS", "siret": "73282932000074"},
    "host": {"entity": "Durand GmbH", "place_of_work": "Baustelle Messestadt, München"},
    "prior_affiliation_month": True, "employer_substantial_activity": True, "replaces_posted_worker": False,
    "family_accompanying": False, "several_states": False,
    "status": "employed", "request_kind": "extension", "home_country": "FR", "work_country": "DE",
    "start_date": "2026-01-01", "end_date": "2028-06-30",
    "previous_postings": [{"country": "ES", "start_date": "2022-01-01", "end_date": "2022-12-31"}],
    "reasons": "The construction site in Munich was delayed by eighteen months; Ms Martin leads the project "
               "and cannot be replaced before its completion.",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_Strict):
    last_name: str | None = Field(None, max_length=_MAX)
    first_name: str | None = Field(None, max_length=_MAX)
    birth_date: dt.date | None = None
    nir: str | None = Field(None, max_length=_MAX, description="French social-security number (15 characters with key)")
    nationality: str | None = Field(None, max_length=_MAX, description="ISO 3166-1 alpha-2")
    email: str | None = Field(None, max_length=_MAX)
    phone: str | None = Field(None, max_length=_MAX)
    address: str | None = Field(None, max_length=_MAX)


class EmployerIn(_Strict):
    name: str | None = Field(None, max_length=_MAX)
    siret: str | None = Field(None, max_length=_MAX, description="14 digits, Luhn checksum")
    address: str | None = Field(None, max_length=_MAX)
    foreign_registration: str | None = Field(None, max_length=_MAX,
                                             description="foreign employer without SIRET: registration number and state")
    iban: str | None = Field(None, max_length=_MAX, description="not collected: a value is refused (not_collected)")


class HostIn(_Strict):
    entity: str | None = Field(None, max_length=_MAX, description="host undertaking or entity")
    place_of_work: str | None = Field(None, max_length=_MAX, description="address of the place of work")


class PostingIn(_Strict):
    country: str | None = Field(None, max_length=_MAX)
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class CaseForm(_Strict):
    """Fields of both forms; which are required depends on the case type (see /v1/cases/validate)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_FORM]})

    person: PersonIn | None = None
    employer: EmployerIn | None = None
    status: str | None = Field(None, max_length=_MAX,
                               description="employed | self_employed | civil_servant | student | seafarer | flight_crew")
    request_kind: str | None = Field(None, max_length=_MAX, description="initial | extension")
    home_country: str | None = Field(None, max_length=_MAX, description="state of usual work (continuation: FR)")
    work_country: str | None = Field(None, max_length=_MAX, description="state or territory of work (exemption: FR)")
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    previous_postings: list[PostingIn] | None = Field(None, max_length=100)
    reasons: str | None = Field(None, max_length=_MAX)
    foreign_institution: str | None = Field(None, max_length=_MAX)
    foreign_coverage_reference: str | None = Field(None, max_length=_MAX)
    health_information: str | None = Field(None, max_length=_MAX, description="not collected: a value is refused")
    host: HostIn | None = None
    prior_affiliation_month: bool | None = Field(None, description="affiliated in the sending state >= 1 month before")
    employer_substantial_activity: bool | None = Field(None, description="employer's substantial activity in the sending state")
    replaces_posted_worker: bool | None = None
    family_accompanying: bool | None = None
    several_states: bool | None = Field(None, description="work in two or more states (art. 13, not a posting)")

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class InlineAttachment(_Strict):
    kind: Literal["posting_letter", "employer_commitment", "coverage_certificate", "supporting_document"]
    filename: str = Field(..., max_length=500)
    content_base64: str = Field(..., max_length=15_000_000)


class CaseCreate(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "case_type": "continuation", "form": EXAMPLE_FORM, "submit": True, "lang": "en",
        "attachments": [{"kind": "posting_letter", "filename": "posting-letter.pdf",
                         "content_base64": "JVBERi0xLjQK...JSVFT0YK"}]}]})

    case_type: Literal["continuation", "exemption"]
    form: CaseForm
    submit: bool = Field(False, description="false: save a draft (format checks only); true: submit (full checks)")
    attachments: list[InlineAttachment] = Field(default_factory=list, max_length=10)
    lang: Literal["fr", "en"] | None = None


class CaseValidate(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "case_type": "continuation", "form": EXAMPLE_FORM, "full": True, "attachment_kinds": ["posting_letter"]}]})

    case_type: Literal["continuation", "exemption"]
    form: CaseForm
    full: bool = True
    attachment_kinds: list[str] = Field(default_factory=list, max_length=20)
    lang: Literal["fr", "en"] | None = None


class CaseUpdate(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"version": 3, "form": EXAMPLE_FORM}]})

    version: int = Field(..., description="version read; a different current version answers 409")
    form: CaseForm
    lang: Literal["fr", "en"] | None = None


class CaseAction(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"version": 4, "reason_code": "incomplete", "message": "Please send the contract with the client in Germany."},
        {"version": 6, "decision": "accept", "message": "Project delay documented; continuation in the worker's interest.",
         "conditions": "The employer pays all contributions due in France.", "period_start": "2026-01-01",
         "period_end": "2028-06-30"},
        {"version": 7},
    ]})

    version: int
    message: str | None = Field(None, max_length=_MAX, description="reason / message to the applicant")
    reason_code: Literal["incomplete", "incorrect", "outdated"] | None = None
    decision: Literal["accept", "refuse"] | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    conditions: str | None = Field(None, max_length=_MAX)
    legal_basis: str | None = Field(None, max_length=_MAX, description="default: the instrument's legal reference")
    sed: Literal["A001", "A002", "A011"] | None = Field(
        None, description="EESSI LA_BUC_01: request_other_state sends A001; record_other_state_reply takes A002 "
                          "(rejection) or A011 (acceptance)")
    exchanged_on: dt.date | None = Field(None, description="date the document was sent or received (default today)")


class CaseAssign(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"version": 2, "assigned_to": "officer1",
                                                                             "team": "europe"}]})

    version: int
    assigned_to: str | None = Field(None, max_length=120)
    team: str | None = Field(None, max_length=60)


class NoteCreate(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"text": "Called the employer."}]})

    text: str = Field(..., max_length=_MAX)


class CaseRow(BaseModel):
    reference: str
    case_type: str
    status: str
    version: int
    applicant_label: str
    employer_name: str
    home_country: str | None = None
    work_country: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    route: str | None = None
    deadline_on: dt.date | None = None
    assigned_to: str | None = None
    team: str | None = None
    submitted_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None
    clock_paused: bool = False


class QueuePage(BaseModel):
    items: list[CaseRow]
    total: int = Field(..., description="matches, counted up to 10,000")
    total_exact: bool = Field(True, description="false when there are more matches than `total`")
    page: int
    per_page: int


class CasePublic(BaseModel):
    model_config = ConfigDict(extra="allow")

    reference: str
    case_type: str
    status: str
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime
    submitted_at: UtcDateTime | None = None
    home_country: str | None = None
    work_country: str | None = None
    person_status: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    requested_months: float | None = None
    route: str | None = None
    instrument_id: str | None = None
    legal_basis: str | None = None
    employer_name: str = ""
    employer_siret: str | None = None
    applicant_label: str = ""
    deadline_on: dt.date | None = None
    clock_paused: bool = False
    decision: str | None = None
    form: dict[str, Any] | None = None
    allowed_actions: list[str] = Field(default_factory=list)


class CaseCreated(CasePublic):
    access_key: str | None = Field(None, description="secret key of the case link (shown once)")
    access_link: str | None = None
    replayed: bool = False


class AttachmentPublic(BaseModel):
    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    scan_status: str
