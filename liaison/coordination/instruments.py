"""Coordination instruments as data: one `Agreement` per instrument (data/agreements.toml: partners,
French places covered, dates, nationality condition, who issues and decides) and its posting terms
(`Instrument` rows of corpus/rules/instruments.toml, joined by `family`)."""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from liaison.coordination import places
from liaison.coordination.places import Source

ROOT = Path(__file__).resolve().parent.parent.parent
RULES_FILE = ROOT / "corpus" / "rules" / "instruments.toml"
AGREEMENTS_FILE = places.DATA_DIR / "agreements.toml"

# Statuses the rows give terms for, and those the texts treat apart (accepted, answered by an agent
# or by a specific article).
STATUSES = ("employed", "self_employed", "civil_servant", "student", "seafarer", "flight_crew")
ROW_STATUSES = ("employed", "self_employed", "civil_servant")
NATIONALITY_GROUPS = ("fr", "eu", "third")
EXTENSION_KINDS = ("none", "fixed", "exception", "until_completed", "indefinite", "not_stated")
ROUTES = ("standard", "exception", "check", "not_applicable")
KINDS = ("eu_regulation", "withdrawal_agreement", "trade_cooperation_agreement", "bilateral_agreement",
         "territorial_text", "french_law", "no_agreement")


class RulesError(ValueError):
    """Invalid question or invalid rules data; the message lists allowed values."""


RuleSource = Source  # the posting rows' sources: same shape as every other source


@dataclass(frozen=True)
class Agreement:
    family: str
    kind: str
    name_en: str
    name_fr: str
    partners: tuple[str, ...]
    sources: tuple[Source, ...]
    french_scope: tuple[str, ...] = ("@FR_DOM",)
    reciprocal: bool = True
    signed: dt.date | None = None
    in_force_from: dt.date | None = None
    in_force_to: dt.date | None = None
    in_force_unknown: bool = False
    historical: bool = False
    terms_from: str = ""
    nationality: str | tuple[str, ...] = "not_seen"
    nationality_text: str = ""
    derogation: str = ""
    forms: str = ""
    issued_by: str = ""
    decides_exception: str = ""
    repost_gap_months: int = 0
    deemed_consent_days: int = 0  # silence of the other state = consent after this many days (0: no text sets one)
    until_replaced_by: str = ""
    partners_excluded: tuple[str, ...] = ()
    undated_membership: bool = False  # partners' groups taken whole (Reg. 1408/71 predates the dates)

    def name(self, lang: str = "en") -> str:
        return self.name_fr if lang == "fr" else self.name_en

    def partner_codes(self, day: dt.date | None = None) -> frozenset[str]:
        return places.resolve(self.partners, None if self.undated_membership else day) - set(self.partners_excluded)

    def french_codes(self, day: dt.date | None = None) -> frozenset[str]:
        return places.resolve(self.french_scope, day)

    def in_force_on(self, day: dt.date) -> bool:
        if self.historical:
            return False
        if self.in_force_from and day < self.in_force_from:
            return False
        if self.signed and not self.in_force_from and day < self.signed:
            return False
        return not (self.in_force_to and day > self.in_force_to)

    def covers(self, other: str, french_side: str, outbound: bool, day: dt.date | None = None) -> bool:
        if not outbound and not self.reciprocal:
            return False
        if french_side not in self.french_codes(day):
            return False
        return "*" in self.partners or other in self.partner_codes(day)

    def held_sources_missing(self) -> bool:
        return any(not s.held for s in self.sources)


@dataclass(frozen=True)
class Instrument:
    id: str
    family: str
    kind: str
    name_en: str
    name_fr: str
    status: str
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
    # Filled from the row's Agreement when loading (kept for /v1/rules/instruments readers).
    scope: tuple[str, ...] = ()
    home_scope: tuple[str, ...] = ()
    reciprocal: bool = True
    in_force: bool = True

    def __post_init__(self) -> None:
        if self.status not in ROW_STATUSES:
            raise RulesError(f"row {self.id}: status {self.status!r} not in {ROW_STATUSES}")
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

    def summary(self, lang: str = "en") -> dict[str, Any]:
        return {
            "id": self.id, "family": self.family, "kind": self.kind, "name": self.name(lang),
            "legal_reference": self.legal_reference, "form": self.form, "in_force": self.in_force,
            "verified_as_of": self.verified_as_of,
        }


@dataclass(frozen=True)
class RulesTable:
    instruments: tuple[Instrument, ...]
    agreements: tuple[Agreement, ...] = ()

    def get(self, instrument_id: str) -> Instrument | None:
        return next((i for i in self.instruments if i.id == instrument_id), None)

    def agreement(self, family: str) -> Agreement | None:
        return next((a for a in self.agreements if a.family == family), None)

    def rows(self, family: str) -> list[Instrument]:
        return [i for i in self.instruments if i.family == family]

    def agreements_for(self, other: str, french_side: str, outbound: bool,
                       day: dt.date | None = None) -> list[Agreement]:
        """Instruments naming `other` as partner (any date; "*" rows excluded)."""
        return [a for a in self.agreements if "*" not in a.partners and a.kind != "no_agreement"
                and a.covers(other, french_side, outbound, day)]

    def for_country(self, other: str, french_side: str, outbound: bool) -> list[Instrument]:
        fams = {a.family for a in self.agreements_for(other, french_side, outbound)}
        return [i for i in self.instruments if i.family in fams]

    def fallback(self, french_side: str, outbound: bool) -> list[Instrument]:
        return [i for i in self.instruments if i.family == "fr-css-l761-2" and outbound]


def _agreement(raw: dict[str, Any]) -> Agreement:
    raw = dict(raw)
    try:
        raw["sources"] = tuple(Source(**s) for s in raw.pop("sources", []))
        for key in ("signed", "in_force_from", "in_force_to"):
            if raw.get(key):
                raw[key] = dt.date.fromisoformat(raw[key])
        raw["partners"] = tuple(raw["partners"])
        raw["partners_excluded"] = tuple(raw.get("partners_excluded", ()))
        raw["french_scope"] = tuple(raw.get("french_scope", ("@FR_DOM",)))
        if isinstance(raw.get("nationality"), list):
            raw["nationality"] = tuple(raw["nationality"])
        agreement = Agreement(**raw)
    except (TypeError, ValueError) as exc:
        raise RulesError(f"agreement {raw.get('family')!r}: {exc}") from exc
    if agreement.kind not in KINDS:
        raise RulesError(f"agreement {agreement.family}: kind {agreement.kind!r} not in {KINDS}")
    if not agreement.sources:
        raise RulesError(f"agreement {agreement.family}: every instrument needs a source")
    return agreement


def _instrument(row: dict[str, Any], agreement: Agreement | None) -> Instrument:
    row = dict(row)
    if agreement is None:
        raise RulesError(f"row {row.get('id')!r}: family {row.get('family')!r} has no agreement in {AGREEMENTS_FILE.name}")
    try:
        sources = tuple(RuleSource(**s) for s in row.pop("sources", []))
        return Instrument(**row, sources=sources, scope=tuple(sorted(agreement.partner_codes())),
                          home_scope=tuple(sorted(agreement.french_codes())), reciprocal=agreement.reciprocal,
                          in_force=not agreement.historical)
    except TypeError as exc:
        raise RulesError(f"row {row.get('id')!r}: {exc}") from exc


@lru_cache(maxsize=4)
def load_rules(path: str | Path | None = None, agreements_path: str | Path | None = None) -> RulesTable:
    a_path = Path(agreements_path) if agreements_path else AGREEMENTS_FILE
    agreements = tuple(_agreement(a) for a in tomllib.loads(a_path.read_text(encoding="utf-8")).get("agreement", []))
    fams = [a.family for a in agreements]
    if len(fams) != len(set(fams)):
        raise RulesError("duplicate agreement families")
    by_family = {a.family: a for a in agreements}
    p = Path(path) if path else RULES_FILE
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RulesError(f"rules table not found: {p}") from exc
    rows = tuple(_instrument(r, by_family.get(r.get("family"))) for r in data.get("instrument", []))
    ids = [r.id for r in rows]
    if len(ids) != len(set(ids)):
        raise RulesError("duplicate instrument ids in the rules table")
    for a in agreements:
        if a.terms_from and a.terms_from not in by_family:
            raise RulesError(f"agreement {a.family}: terms_from {a.terms_from!r} unknown")
    return RulesTable(rows, agreements)
