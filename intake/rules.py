"""Rules as data and the applicable-instrument helper.

The table lives in `corpus/rules/instruments.toml` (one row per instrument and status, each with the
sources it was read from). `applicable(...)` picks the row for a posting between two states or
territories and says whether the requested period fits the initial maximum (standard route) or goes
beyond it (exception route, reasons required). Where the table has no terms it says "check the
agreement" rather than guessing.
"""
from __future__ import annotations

import calendar
import datetime as dt
import tomllib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from intake.countries import FRANCE_DOM, country_name, is_country, nationality_group

ROOT = Path(__file__).resolve().parent.parent
RULES_FILE = ROOT / "corpus" / "rules" / "instruments.toml"

STATUSES = ("employed", "self_employed", "civil_servant")
NATIONALITY_GROUPS = ("fr", "eu", "third")
EXTENSION_KINDS = ("none", "fixed", "exception", "until_completed", "indefinite", "not_stated")
ROUTES = ("standard", "exception", "check", "not_applicable")
CHECK_THE_AGREEMENT = {"en": "check the agreement", "fr": "vérifier l'accord"}


class RulesError(ValueError):
    """Invalid question to the helper or invalid rules table; the message lists allowed values."""


@dataclass(frozen=True)
class RuleSource:
    root: str
    path: str
    ref: str
    article: str
    evidences: str
    duration: str = ""
    quote: str = ""
    table_row: str = ""
    column: str = ""


@dataclass(frozen=True)
class Instrument:
    id: str
    family: str
    kind: str
    name_en: str
    name_fr: str
    scope: tuple[str, ...]
    home_scope: tuple[str, ...]
    reciprocal: bool
    status: str
    in_force: bool
    max_months: int
    leave_included: bool
    extension: str
    extension_months: int
    extension_en: str
    extension_fr: str
    agreement_by: str
    legal_reference: str
    form: str
    nationality: str
    verified_as_of: str
    sources: tuple[RuleSource, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise RulesError(f"row {self.id}: status {self.status!r} not in {STATUSES}")
        if self.extension not in EXTENSION_KINDS:
            raise RulesError(f"row {self.id}: extension {self.extension!r} not in {EXTENSION_KINDS}")
        if self.max_months <= 0:
            raise RulesError(f"row {self.id}: max_months must be positive")
        if not self.sources:
            raise RulesError(f"row {self.id}: every row needs at least one source")

    def name(self, lang: str = "en") -> str:
        return self.name_fr if lang == "fr" else self.name_en

    def extension_text(self, lang: str = "en") -> str:
        return self.extension_fr if lang == "fr" else self.extension_en

    def covers(self, other: str, french_side: str, outbound: bool) -> bool:
        if french_side not in self.home_scope:
            return False
        if not outbound and not self.reciprocal:
            return False
        return other in self.scope

    def summary(self, lang: str = "en") -> dict[str, Any]:
        return {
            "id": self.id, "family": self.family, "kind": self.kind, "name": self.name(lang),
            "legal_reference": self.legal_reference, "form": self.form, "in_force": self.in_force,
            "verified_as_of": self.verified_as_of,
        }


@dataclass(frozen=True)
class RulesTable:
    instruments: tuple[Instrument, ...]

    def get(self, instrument_id: str) -> Instrument | None:
        return next((i for i in self.instruments if i.id == instrument_id), None)

    def for_country(self, other: str, french_side: str, outbound: bool) -> list[Instrument]:
        return [i for i in self.instruments if i.covers(other, french_side, outbound)]

    def fallback(self, french_side: str, outbound: bool) -> list[Instrument]:
        return [i for i in self.instruments if "*" in i.scope and i.covers("*", french_side, outbound)]


def _instrument(row: dict[str, Any]) -> Instrument:
    row = dict(row)
    try:
        sources = tuple(RuleSource(**s) for s in row.pop("sources", []))
        row["scope"] = tuple(row["scope"])
        row["home_scope"] = tuple(row["home_scope"])
        return Instrument(**row, sources=sources)
    except TypeError as exc:
        raise RulesError(f"row {row.get('id')!r}: {exc}") from exc


@lru_cache(maxsize=4)
def load_rules(path: str | Path | None = None) -> RulesTable:
    p = Path(path) if path else RULES_FILE
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RulesError(f"rules table not found: {p}") from exc
    rows = tuple(_instrument(r) for r in data.get("instrument", []))
    ids = [r.id for r in rows]
    if len(ids) != len(set(ids)):
        raise RulesError("duplicate instrument ids in the rules table")
    return RulesTable(rows)


# ---- dates ---------------------------------------------------------------------------------------

def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end_inclusive: dt.date) -> float:
    """Length of [start, end] in months (end date included), one decimal: 2026-01-01..2028-06-30 = 30.0."""
    if end_inclusive < start:
        return 0.0
    stop = end_inclusive + dt.timedelta(days=1)
    full = (stop.year - start.year) * 12 + (stop.month - start.month)
    if add_months(start, full) > stop:
        full -= 1
    anchor = add_months(start, full)
    rest = (stop - anchor).days
    if rest == 0:
        return float(full)
    span = (add_months(start, full + 1) - anchor).days
    return round(full + rest / span, 1)


# ---- the helper ----------------------------------------------------------------------------------

@dataclass
class Applicability:
    home: str
    work: str
    status: str
    nationality: str | None
    direction: str  # outbound (continuation of French affiliation) | inbound (exemption) | none
    start: dt.date
    end: dt.date
    instrument: dict[str, Any] | None
    max_months: int | None
    max_end: dt.date | None
    requested_months: float
    previous_months: float
    total_months: float
    exceeds_max: bool
    route: str
    extension: dict[str, Any] | None
    check_the_agreement: bool
    requirements: list[str]
    notes: list[str]
    sources: list[dict[str, Any]]
    other_instruments: list[dict[str, Any]]
    legal_basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("start", "end", "max_end"):
            d[key] = d[key].isoformat() if d[key] else None
        return d


_TEXT = {
    "no_french_side": {
        "en": "Neither place is metropolitan France or an overseas department: French affiliation is not in question.",
        "fr": "Aucun des deux lieux n'est la France métropolitaine ou un département d'outre-mer : l'affiliation française n'est pas en cause.",
    },
    "both_french": {
        "en": "Both places apply the general French schemes: no posting instrument is needed.",
        "fr": "Les deux lieux relèvent des régimes français généraux : aucun instrument de détachement n'est nécessaire.",
    },
    "no_row": {
        "en": "The knowledge base holds no agreement with {country}. If France has a social-security agreement with it, its terms prevail: check the agreement.",
        "fr": "La base de connaissances ne contient aucun accord avec {country}. Si la France a conclu un accord de sécurité sociale avec cet État, ses termes priment : vérifier l'accord.",
    },
    "no_row_inbound": {
        "en": "No instrument in the knowledge base exempts a person working in France from French affiliation for {country}: check the agreement.",
        "fr": "Aucun instrument de la base de connaissances ne dispense de l'affiliation française une personne travaillant en France pour {country} : vérifier l'accord.",
    },
    "no_status": {
        "en": "The instrument held gives no terms for this status ({status}): check the agreement.",
        "fr": "L'instrument disponible ne prévoit rien pour ce statut ({status}) : vérifier l'accord.",
    },
    "dated": {
        "en": "Durations read from a table published in {year}: check the agreement's current text before deciding.",
        "fr": "Durées lues dans un tableau publié en {year} : vérifier le texte en vigueur de l'accord avant de décider.",
    },
    "leave": {"en": "Leave periods count in the duration.", "fr": "Les congés sont inclus dans la durée."},
    "nationality_check": {
        "en": "The table held does not say whether nationals of other states are covered: check the agreement.",
        "fr": "Le tableau disponible ne précise pas si les ressortissants d'autres États sont couverts : vérifier l'accord.",
    },
    "third_possible": {
        "en": "Nationals of third states may, under conditions, use this posting procedure.",
        "fr": "Les ressortissants d'États tiers peuvent, sous conditions, bénéficier de cette procédure de détachement.",
    },
    "historical": {
        "en": "Historical text, not applied here: {name}.",
        "fr": "Texte historique, non appliqué ici : {name}.",
    },
}

_REQ = {
    "base_out": {
        "en": ["employer identity and SIRET", "worker identity and NIR", "host state and requested period",
               "previous postings of the worker", "posting letter or employment contract (attachment)"],
        "fr": ["identité et SIRET de l'employeur", "identité et NIR du travailleur", "État d'accueil et période demandée",
               "détachements antérieurs du travailleur", "lettre de détachement ou contrat de travail (pièce jointe)"],
    },
    "base_in": {
        "en": ["worker identity", "employer in France and SIRET", "foreign coverage evidence (certificate, attachment)", "period"],
        "fr": ["identité du travailleur", "employeur en France et SIRET", "justificatif de couverture étrangère (certificat, pièce jointe)", "période"],
    },
    "l761_2": {
        "en": ["employer's undertaking to pay all contributions due (CSS L761-2, R761-2)"],
        "fr": ["engagement de l'employeur de s'acquitter de l'intégralité des cotisations dues (CSS L761-2, R761-2)"],
    },
    "exception": {
        "en": ["reasons for exceeding the maximum duration", "agreement of: {agreement_by}",
               "request made, save exceptional circumstances, within three months before the end of the initial mission (CSS R761-2)"],
        "fr": ["motifs du dépassement de la durée maximale", "accord de : {agreement_by}",
               "demande faite, sauf circonstances exceptionnelles, dans les trois mois précédant la fin de la mission initiale (CSS R761-2)"],
    },
}


def _t(key: str, lang: str, **kw) -> str:
    return _TEXT[key]["fr" if lang == "fr" else "en"].format(**kw)


def _req(key: str, lang: str, **kw) -> list[str]:
    return [s.format(**kw) for s in _REQ[key]["fr" if lang == "fr" else "en"]]


def _norm_country(value: str, label: str) -> str:
    code = (value or "").strip().upper()
    if not is_country(code):
        raise RulesError(f"{label}: {value!r} is not an ISO 3166-1 alpha-2 country or territory code (e.g. FR, DE, NC)")
    return code


def applicable(
    home: str,
    work: str,
    status: str,
    start: dt.date,
    end: dt.date,
    *,
    nationality: str | None = None,
    previous_months: float = 0.0,
    lang: str = "en",
    rules: RulesTable | None = None,
) -> Applicability:
    """The instrument governing a posting from `home` (state of usual work and affiliation) to `work`.

    `previous_months`: months of the same posting already covered (an extension request counts them).
    """
    rules = rules or load_rules()
    home = _norm_country(home, "home")
    work = _norm_country(work, "work")
    if home == work:
        raise RulesError("home and work must be different states or territories")
    if status not in STATUSES:
        raise RulesError(f"status {status!r} not allowed; allowed: {', '.join(STATUSES)}")
    if nationality:
        group = nationality.lower() if nationality.lower() in NATIONALITY_GROUPS else nationality_group(
            _norm_country(nationality, "nationality"))
    else:
        group = None
    if end < start:
        raise RulesError("end date must not be before start date")
    if previous_months < 0:
        raise RulesError("previous_months must not be negative")

    requested = months_between(start, end)
    total = round(requested + previous_months, 1)
    notes: list[str] = []
    result = Applicability(
        home=home, work=work, status=status, nationality=group, direction="none", start=start, end=end,
        instrument=None, max_months=None, max_end=None, requested_months=requested,
        previous_months=previous_months, total_months=total, exceeds_max=False, route="not_applicable",
        extension=None, check_the_agreement=False, requirements=[], notes=notes, sources=[], other_instruments=[],
    )
    home_fr, work_fr = home in FRANCE_DOM, work in FRANCE_DOM
    if home_fr and work_fr:
        notes.append(_t("both_french", lang))
        return result
    if not home_fr and not work_fr:
        notes.append(_t("no_french_side", lang))
        return result
    outbound = home_fr
    french_side, other = (home, work) if outbound else (work, home)
    result.direction = "outbound" if outbound else "inbound"

    candidates = rules.for_country(other, french_side, outbound)
    in_force = [i for i in candidates if i.in_force]
    for hist in (i for i in candidates if not i.in_force):
        if hist.family not in {o["family"] for o in result.other_instruments}:
            result.other_instruments.append(hist.summary(lang))
            notes.append(_t("historical", lang, name=hist.name(lang)))
    if not in_force:
        if outbound:
            in_force = rules.fallback(french_side, outbound)
            result.check_the_agreement = True
            notes.append(_t("no_row", lang, country=country_name(other, lang)))
        else:
            result.route = "check"
            result.check_the_agreement = True
            notes.append(_t("no_row_inbound", lang, country=country_name(other, lang)))
            result.requirements = _req("base_in", lang)
            return result
    row = next((i for i in in_force if i.status == status), None)
    if row is None:
        result.route = "check"
        result.check_the_agreement = True
        if in_force:
            result.other_instruments.extend(i.summary(lang) for i in in_force if i.family not in
                                            {o["family"] for o in result.other_instruments})
        notes.append(_t("no_status", lang, status=status))
        result.requirements = _req("base_out" if outbound else "base_in", lang)
        return result

    result.instrument = row.summary(lang)
    result.legal_basis = row.legal_reference
    result.max_months = row.max_months
    effective_start = add_months(start, -int(previous_months)) if previous_months else start
    result.max_end = add_months(effective_start, row.max_months) - dt.timedelta(days=1)
    result.exceeds_max = total > row.max_months or end > result.max_end
    result.route = "exception" if result.exceeds_max else "standard"
    absolute = row.max_months + row.extension_months if row.extension == "fixed" else None
    result.extension = {
        "kind": row.extension, "months": row.extension_months or None, "absolute_max_months": absolute,
        "within_extension": (total <= absolute) if (absolute and result.exceeds_max) else None,
        "text": row.extension_text(lang), "agreement_by": row.agreement_by,
    }
    if row.extension == "not_stated" and result.exceeds_max:
        result.check_the_agreement = True
    if row.leave_included:
        notes.append(_t("leave", lang))
    if row.verified_as_of.isdigit() and len(row.verified_as_of) == 4 and row.kind == "bilateral_agreement":
        notes.append(_t("dated", lang, year=row.verified_as_of))
    if row.nationality == "check" and group == "third":
        result.check_the_agreement = True
        notes.append(_t("nationality_check", lang))
    elif row.nationality == "third_country_possible" and group == "third":
        notes.append(_t("third_possible", lang))
    reqs = _req("base_out" if outbound else "base_in", lang)
    if row.family == "fr-css-l761-2":
        reqs += _req("l761_2", lang)
    if result.exceeds_max:
        reqs += _req("exception", lang, agreement_by=row.agreement_by or CHECK_THE_AGREEMENT[lang if lang == "fr" else "en"])
    result.requirements = reqs
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for s in row.sources:
        key = (s.article, s.path, s.ref)
        if key in merged:
            merged[key]["evidences"] += f", {s.evidences}"
        else:
            merged[key] = {"instrument": row.name(lang), "article": s.article, "root": s.root, "path": s.path,
                           "ref": s.ref, "evidences": s.evidences}
    result.sources = list(merged.values())
    return result
