"""Field-level validation of the intake forms, with messages in French and English.

`validate_form(case_type, raw, full=...)` normalises a form (from JSON or an HTML form) and lists
every problem with the field it belongs to. Drafts (`full=False`) are checked for format only;
submission (`full=True`) also checks required fields, the rule's maximum duration (beyond it the
request is allowed but needs reasons and becomes an exception), and required attachments.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from intake.config import CASE_TYPES
from intake.countries import FRANCE_DOM, is_country
from intake.messages import ATTACHMENT_KIND_LABELS, both, message
from intake.rules import STATUS_ALIASES, STATUSES, Applicability, RulesError, add_months, applicable, months_between
from liaison.pii import nir_is_valid, normalize_identifier, siret_is_valid

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MIN_PERIOD_DATE = dt.date(1950, 1, 1)
MAX_PERIOD_MONTHS = 120
MAX_PREVIOUS_POSTINGS = 20
MIN_REASONS_CHARS = 20
REQUEST_KINDS = ("initial", "extension")
ATTACHMENT_KINDS = tuple(ATTACHMENT_KIND_LABELS)
# Earlier postings to the same state separated by at most this many days are read as one earlier
# posting; the gap with the requested period is the instrument's rule (liaison.coordination).
CONTIGUOUS_GAP_DAYS = 31

_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# field -> max characters (free texts use settings.intake_max_text_chars)
_TEXT_LIMITS = {
    "person.last_name": 100, "person.first_name": 100, "person.address": 500, "person.email": 254,
    "person.phone": 40, "person.nir": 30, "person.nationality": 2,
    "employer.name": 200, "employer.address": 500, "employer.siret": 30, "employer.foreign_registration": 100,
    "foreign_institution": 200, "foreign_coverage_reference": 100, "host.entity": 200, "host.place_of_work": 300,
}
_FREE_TEXTS = ("reasons",)
# Yes/no facts the posting texts turn on (prior affiliation, the employer's substantial activity in the
# sending state, replacement of a posted worker: Reg. 883/2004 art. 12 and Decision A2; family and work in
# several states decide which rule applies at all: art. 13).
BOOLEANS = ("prior_affiliation_month", "employer_substantial_activity", "replaces_posted_worker",
            "family_accompanying", "several_states")
# Never collected (data minimisation): bank details and health data.
NOT_COLLECTED = ("employer.iban", "health_information")

REQUIRED = {
    "continuation": ("person.last_name", "person.first_name", "person.birth_date", "person.nir", "person.nationality",
                     "employer.name", "employer.siret", "status", "home_country", "work_country", "start_date",
                     "end_date"),
    # A foreign employer has no SIRET: its registration in its own state stands in (checked below).
    "exemption": ("person.last_name", "person.first_name", "person.birth_date", "person.nationality", "employer.name",
                  "status", "home_country", "work_country", "start_date", "end_date", "foreign_institution"),
}
REQUIRED_ATTACHMENTS = {"continuation": ("posting_letter",), "exemption": ("coverage_certificate",)}


@dataclass
class FieldError:
    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        return message(self.code, lang, **self.params)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "loc": ["body", "form", *self.field.split(".")], "field": self.field, "type": self.code,
            "msg": self.message(lang), "messages": both(self.code, **self.params),
        }


@dataclass
class ValidationResult:
    case_type: str
    form: dict[str, Any]
    errors: list[FieldError]
    notices: list[FieldError]
    applicable: Applicability | None

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_by_field(self, lang: str = "en") -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(e.message(lang))
        return out

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "valid": self.ok,
            "errors": [e.to_dict(lang) for e in self.errors],
            "notices": [e.to_dict(lang) for e in self.notices],
            "route": self.applicable.route if self.applicable else None,
            "applicable": self.applicable.to_dict() if self.applicable else None,
        }


def _get(raw: dict[str, Any], path: str) -> Any:
    cur: Any = raw
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _set(form: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    cur = form
    for part in parts[:-1]:
        cur = cur.setdefault(part, {})
    cur[parts[-1]] = value


class _Checker:
    def __init__(self, raw: dict[str, Any], max_text: int, today: dt.date):
        self.raw = raw if isinstance(raw, dict) else {}
        self.form: dict[str, Any] = {}
        self.errors: list[FieldError] = []
        self.max_text = max_text
        self.today = today

    def err(self, path: str, code: str, **params) -> None:
        self.errors.append(FieldError(path, code, params))

    def has_error(self, path: str) -> bool:
        return any(e.field == path or e.field.startswith(path + ".") for e in self.errors)

    def text(self, path: str, value: Any, limit: int) -> str | None:
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and path.endswith(("siret", "nir")):
            value = str(value)
        if not isinstance(value, str):
            self.err(path, "wrong_type", expected="text")
            return None
        if len(value) > limit:
            self.err(path, "too_long", max=limit)
            return None
        value = value.strip()
        if _CONTROL.search(value):
            self.err(path, "control_characters")
            return None
        return value or None

    def date(self, path: str, value: Any, lo: dt.date = MIN_DATE, hi: dt.date = MAX_DATE) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            if len(value) > 30:
                self.err(path, "date_invalid")
                return None
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.err(path, "date_invalid")
                return None
        if not isinstance(value, dt.date):
            self.err(path, "wrong_type", expected="date")
            return None
        if not lo <= value <= hi:
            self.err(path, "date_out_of_range", min=lo.isoformat(), max=hi.isoformat())
            return None
        return value

    def country(self, path: str, value: Any) -> str | None:
        value = self.text(path, value, 10)
        if value is None:
            return None
        code = value.upper()
        if not is_country(code):
            self.err(path, "country_invalid")
            return None
        return code


def _previous_months(previous: list[dict[str, Any]], work: str | None,
                     start: dt.date | None) -> tuple[float, dt.date | None]:
    """Months of the latest earlier posting to the same state (with the postings contiguous to it) and
    the day it ended. Whether they form one posting with the requested period is the instrument's
    rule (Decision A2: under two months' gap), decided by `applicable`."""
    if not work or not start:
        return 0.0, None
    same = sorted((p for p in previous if p.get("country") == work and p.get("end_date") and p["end_date"] < start),
                  key=lambda p: p["end_date"], reverse=True)
    if not same:
        return 0.0, None
    last_end = same[0]["end_date"]
    total, chain_start = 0.0, None
    for p in same:
        if chain_start is not None and not 0 <= (chain_start - p["end_date"]).days <= CONTIGUOUS_GAP_DAYS:
            break
        total += months_between(p["start_date"], p["end_date"])
        chain_start = p["start_date"]
    return round(total, 1), last_end


def validate_form(
    case_type: str,
    raw: dict[str, Any],
    *,
    full: bool,
    max_text_chars: int = 5000,
    attachment_kinds: set[str] | frozenset[str] = frozenset(),
    lang: str = "en",
    today: dt.date | None = None,
) -> ValidationResult:
    if case_type not in CASE_TYPES:
        raise ValueError(f"unknown case type {case_type!r}; allowed: {', '.join(CASE_TYPES)}")
    today = today or dt.date.today()
    c = _Checker(raw, max_text_chars, today)

    for path, limit in _TEXT_LIMITS.items():
        value = c.text(path, _get(c.raw, path), limit)
        if value is not None:
            _set(c.form, path, value)
    for path in _FREE_TEXTS:
        value = c.text(path, _get(c.raw, path), max_text_chars)
        if value is not None:
            c.form[path] = value
    for path in NOT_COLLECTED:
        if _get(c.raw, path) not in (None, ""):
            c.err(path, "not_collected")
    for path in BOOLEANS:
        value = c.raw.get(path)
        if value in (None, ""):
            continue
        if isinstance(value, str):
            value = {"yes": True, "oui": True, "true": True, "on": True, "1": True,
                     "no": False, "non": False, "false": False, "off": False, "0": False}.get(value.strip().lower(), value)
        if isinstance(value, bool):
            c.form[path] = value
        else:
            c.err(path, "boolean_invalid")

    person = c.form.get("person", {})
    employer = c.form.get("employer", {})
    if person.get("nir"):
        nir = normalize_identifier(person["nir"])
        if not nir_is_valid(nir):
            c.err("person.nir", "nir_invalid")
        person["nir"] = nir
    if person.get("nationality"):
        code = person["nationality"].upper()
        if not is_country(code):
            c.err("person.nationality", "country_invalid")
        person["nationality"] = code
    if person.get("email") and not _EMAIL.match(person["email"]):
        c.err("person.email", "email_invalid")
    if employer.get("siret"):
        siret = normalize_identifier(employer["siret"])
        if not siret_is_valid(siret):
            c.err("employer.siret", "siret_invalid")
        employer["siret"] = siret

    birth = c.date("person.birth_date", _get(c.raw, "person.birth_date"))
    if birth:
        if birth > today:
            c.err("person.birth_date", "date_in_future")
        _set(c.form, "person.birth_date", birth)

    for key, allowed in (("status", STATUSES), ("request_kind", REQUEST_KINDS)):
        value = c.text(key, c.raw.get(key), 40)
        if value is not None and key == "status":
            value = STATUS_ALIASES.get(value.strip().lower(), value)  # "self-employed" as well
        if value is not None:
            if value not in allowed:
                c.err(key, "status_invalid" if key == "status" else "choice_invalid", allowed=", ".join(allowed))
            else:
                c.form[key] = value

    default_home, default_work = ("FR", None) if case_type == "continuation" else (None, "FR")
    home = c.country("home_country", c.raw.get("home_country") or default_home)
    work = c.country("work_country", c.raw.get("work_country") or default_work)
    if home:
        c.form["home_country"] = home
    if work:
        c.form["work_country"] = work
    if case_type == "continuation":
        if home and home not in FRANCE_DOM:
            c.err("home_country", "country_not_french")
        if work and work in FRANCE_DOM:
            c.err("work_country", "country_must_be_foreign")
    else:
        if home and home in FRANCE_DOM:
            c.err("home_country", "country_must_be_foreign")
        if work and work not in FRANCE_DOM:
            c.err("work_country", "country_not_french")
    if home and work and home == work and not c.has_error("work_country"):
        c.err("work_country", "country_same")

    start = c.date("start_date", c.raw.get("start_date"), MIN_PERIOD_DATE)
    end = c.date("end_date", c.raw.get("end_date"), MIN_PERIOD_DATE)
    if start:
        c.form["start_date"] = start
    if end:
        c.form["end_date"] = end
    if start and end:
        if end < start:
            c.err("end_date", "dates_order")
        elif end > add_months(start, MAX_PERIOD_MONTHS):
            c.err("end_date", "period_too_long", max=MAX_PERIOD_MONTHS)

    previous_raw = c.raw.get("previous_postings") or []
    previous: list[dict[str, Any]] = []
    if not isinstance(previous_raw, list):
        c.err("previous_postings", "wrong_type", expected="list")
    elif len(previous_raw) > MAX_PREVIOUS_POSTINGS:
        c.err("previous_postings", "too_many_items", max=MAX_PREVIOUS_POSTINGS)
    else:
        for i, item in enumerate(previous_raw):
            base = f"previous_postings.{i}"
            if not isinstance(item, dict):
                c.err(base, "wrong_type", expected="object")
                continue
            if not any(item.get(k) not in (None, "") for k in ("country", "start_date", "end_date")):
                continue  # an empty row of the HTML form
            p_country = c.country(f"{base}.country", item.get("country"))
            p_start = c.date(f"{base}.start_date", item.get("start_date"), MIN_PERIOD_DATE)
            p_end = c.date(f"{base}.end_date", item.get("end_date"), MIN_PERIOD_DATE)
            for k, v in (("country", p_country), ("start_date", p_start), ("end_date", p_end)):
                if v is None and not c.has_error(f"{base}.{k}"):
                    c.err(f"{base}.{k}", "required")
            if p_start and p_end and p_end < p_start:
                c.err(f"{base}.end_date", "dates_order")
                continue
            if p_start and p_end:
                if start and p_end >= start:
                    if end and p_start <= end:
                        c.err(f"{base}.end_date", "overlap_previous", start=p_start.isoformat(), end=p_end.isoformat())
                    else:
                        c.err(f"{base}.end_date", "previous_after_request")
                for j, other in enumerate(previous):
                    if p_start <= other["end_date"] and other["start_date"] <= p_end:
                        c.err(f"{base}.start_date", "overlap_previous", start=other["start_date"].isoformat(),
                              end=other["end_date"].isoformat())
                        break
                previous.append({"country": p_country, "start_date": p_start, "end_date": p_end})
    if previous:
        c.form["previous_postings"] = previous

    notices: list[FieldError] = []
    result_app: Applicability | None = None
    status = c.form.get("status")
    if home and work and start and end and status and not any(
            c.has_error(f) for f in ("home_country", "work_country", "start_date", "end_date")):
        prev_months, prev_end = _previous_months(previous, work, start)
        try:
            result_app = applicable(home, work, status, start, end,
                                    nationality=person.get("nationality") if not c.has_error("person.nationality") else None,
                                    previous_months=prev_months, previous_end=prev_end, lang=lang)
        except RulesError:
            result_app = None

    if result_app and result_app.direction == "outbound" and result_app.route == "standard" and \
            (result_app.handled_by or {}).get("code") == "issuing_body":
        # Standard postings are issued by URSSAF, CPAM or MSA (CSS R761-2), not by the centre.
        bodies = result_app.handled_by["bodies"]
        if full:
            c.err("work_country", "handled_elsewhere", bodies=bodies)
        else:
            notices.append(FieldError("work_country", "handled_elsewhere_info", {"bodies": bodies}))
    if full:
        for path in REQUIRED[case_type]:
            if _get(c.form, path) in (None, "") and not c.has_error(path):
                c.err(path, "required")
        if case_type == "exemption" and not employer.get("siret") and not employer.get("foreign_registration") \
                and not c.has_error("employer.siret"):
            c.err("employer.siret", "employer_id_required")
        missing = [p for p in ("host.entity", "host.place_of_work", *BOOLEANS[:3]) if _get(c.form, p) is None]
        if case_type == "continuation" and missing:
            notices.append(FieldError("host", "facts_missing", {"fields": ", ".join(missing)}))
        if result_app and result_app.exceeds_max:
            reasons = c.form.get("reasons") or ""
            params = {"requested": result_app.total_months, "max": result_app.max_months,
                      "instrument": (result_app.instrument or {}).get("name", ""), "min": MIN_REASONS_CHARS}
            if len(reasons) < MIN_REASONS_CHARS and not c.has_error("reasons"):
                c.err("reasons", "reasons_required", **params)
            else:
                notices.append(FieldError("reasons", "exceeds_max_info", {"max": result_app.max_months}))
        if result_app and result_app.check_the_agreement:
            notices.append(FieldError("work_country", "check_agreement"))
        needed = list(REQUIRED_ATTACHMENTS[case_type])
        if result_app and result_app.instrument and result_app.instrument["family"] == "fr-css-l761-2":
            needed.append("employer_commitment")
        for kind in needed:
            if kind not in attachment_kinds:
                c.err("attachments", "attachment_required", kind=ATTACHMENT_KIND_LABELS[kind])
    return ValidationResult(case_type, c.form, c.errors, notices, result_app)


def form_to_jsonable(form: dict[str, Any]) -> dict[str, Any]:
    """Dates to ISO strings (for storage and API output)."""
    def conv(v):
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(x) for x in v]
        return v

    return conv(form)
