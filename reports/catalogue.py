"""What a statistical return may contain: branches, indicators (with their unit), directions,
instruments (EU coordination, the UK protocol, each bilateral or territorial agreement) and the
partner countries or territories each instrument covers.

Codes here are the interface institutions fill in; labels are what the report prints.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

COUNT = "count"
EUR = "EUR"
UNITS = (COUNT, EUR)

TOTAL_PARTNER = "TOTAL"  # a control line: must equal the sum of its detail lines (not stored)

BRANCHES: dict[str, str] = {
    "health": "Health (sickness, maternity, cross-border healthcare)",
    "old_age": "Old age and survivors (pensions)",
    "family": "Family benefits",
    "work_accidents": "Work accidents and occupational diseases",
    "unemployment": "Unemployment",
    "contributions": "Collection of contributions and applicable legislation",
}
BRANCH_SHORT: dict[str, str] = {
    "health": "Health", "old_age": "Old age", "family": "Family",
    "work_accidents": "Work accidents", "unemployment": "Unemployment", "contributions": "Contributions",
}

FR_COMPETENT = "FR_COMPETENT"
FR_STAY_RESIDENCE = "FR_STAY_RESIDENCE"
DIRECTIONS: dict[str, str] = {
    FR_COMPETENT: "France as competent state",
    FR_STAY_RESIDENCE: "France as state of stay or residence",
}
# Money leaves France when France is the competent state (it pays or reimburses abroad) and comes in
# when France is the state of stay or residence (it is reimbursed), unless an indicator says otherwise.
DEFAULT_FLOW = {FR_COMPETENT: "out", FR_STAY_RESIDENCE: "in"}


@dataclass(frozen=True)
class Indicator:
    code: str
    branch: str
    unit: str
    label: str
    help: str
    # For amounts: the count indicator that says how many persons/claims the amount covers (used to
    # suppress small cells in open data) and which way the money goes for each direction.
    count_indicator: str | None = None
    flow: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FLOW))
    headline: bool = False
    # Breakdown dimensions a line may carry in its breakdown column ("sector=construction;duration=6_12m"):
    # each line is then one cell of the cross-classification, so the lines add up to the total.
    dimensions: tuple[str, ...] = ()


_INDICATORS = (
    Indicator("persons_registered_healthcare", "health", COUNT, "Persons registered for healthcare",
              "Persons holding a registration document (S1 or equivalent) on 31 December", headline=True),
    Indicator("planned_care_authorisations", "health", COUNT, "Authorisations for planned care (S2)",
              "Prior authorisations for scheduled treatment in another state"),
    Indicator("healthcare_claims", "health", COUNT, "Healthcare claims",
              "Claims for reimbursement of healthcare costs (received when France is competent, sent "
              "when France is the state of stay or residence)"),
    Indicator("healthcare_claims_amount", "health", EUR, "Healthcare claims (amount)",
              "Amount of the claims above, in euros (breakdown basis=actual_costs or basis=lump_sums)",
              count_indicator="healthcare_claims", headline=True, dimensions=("basis",)),
    Indicator("healthcare_payments_amount", "health", EUR, "Healthcare claims settled (amount)",
              "Amount paid (France competent) or received (France state of stay or residence) in the year in "
              "settlement of healthcare claims, in euros (breakdown basis=actual_costs or basis=lump_sums)",
              count_indicator="healthcare_claims", dimensions=("basis",)),
    Indicator("pension_applications", "old_age", COUNT, "Pension applications handled",
              "Applications for an old-age or survivor's pension involving another state"),
    Indicator("pensions_paid", "old_age", COUNT, "Pensions in payment",
              "Pensions paid abroad (France competent) or foreign pensions paid to residents of France",
              headline=True),
    Indicator("pensions_paid_amount", "old_age", EUR, "Pensions paid (amount)",
              "Amount of the pensions above over the year, in euros", count_indicator="pensions_paid",
              headline=True),
    Indicator("family_benefit_cases", "family", COUNT, "Family benefit cases",
              "Families receiving benefits for members residing in another state"),
    Indicator("children_covered", "family", COUNT, "Children covered",
              "Children for whom the benefits above are paid"),
    Indicator("family_benefits_amount", "family", EUR, "Family benefits (amount)",
              "Amount of family benefits paid, in euros", count_indicator="family_benefit_cases"),
    Indicator("accidents_recognised", "work_accidents", COUNT, "Work accidents recognised",
              "Work and commuting accidents recognised"),
    Indicator("occupational_diseases_recognised", "work_accidents", COUNT, "Occupational diseases recognised",
              "Occupational diseases recognised"),
    Indicator("work_injury_benefits_amount", "work_accidents", EUR, "Work injury benefits (amount)",
              "Benefits in cash and in kind for the accidents and diseases above, in euros",
              count_indicator="accidents_recognised"),
    Indicator("u1_documents_issued", "unemployment", COUNT, "Insurance period certificates (PD U1)",
              "Portable documents U1 issued (France competent) or received (France residence)"),
    Indicator("benefit_exports", "unemployment", COUNT, "Exported unemployment benefits (PD U2)",
              "Jobseekers keeping their benefits while looking for work in another state"),
    Indicator("unemployment_reimbursements_amount", "unemployment", EUR,
              "Reimbursements between institutions (amount)",
              "Reimbursements of benefits paid to frontier workers (art. 65 of Reg. 883/2004), in euros"),
    Indicator("posted_worker_certificates", "contributions", COUNT, "Posted-worker certificates (A1)",
              "Certificates of applicable legislation for posted workers (art. 12); issued by France (France "
              "competent) or by the other state for work in France (France stay/residence). Breakdown: sector, "
              "duration, status", headline=True, dimensions=("sector", "duration", "status")),
    Indicator("agreement_posting_forms", "contributions", COUNT, "Posting certificates under bilateral agreements",
              "Certificates of posting issued under a bilateral agreement (the agreement's own form). "
              "Breakdown: sector, duration, status", headline=True, dimensions=("sector", "duration", "status")),
    Indicator("multi_state_certificates", "contributions", COUNT, "Certificates for work in several states",
              "Certificates of applicable legislation for activity in two or more states (art. 13). "
              "Breakdown: sector, status", dimensions=("sector", "status")),
    Indicator("exceptions_granted", "contributions", COUNT, "Exceptions granted",
              "Exceptions to the rules on applicable legislation agreed (art. 16 agreements). Breakdown: "
              "duration, status", headline=True, dimensions=("duration", "status")),
    Indicator("bilateral_derogations", "contributions", COUNT, "Derogations under bilateral agreements",
              "Derogations agreed under a bilateral agreement (postings beyond the agreement's normal "
              "duration or outside its ordinary rules). Breakdown: duration, status", dimensions=("duration", "status")),
    Indicator("affiliation_exemptions", "contributions", COUNT, "Exemptions from affiliation",
              "Exemptions from affiliation granted: workers kept in their home scheme while working in the "
              "other state. Breakdown: status", dimensions=("status",)),
    Indicator("contributions_recovered_amount", "contributions", EUR, "Contributions recovered (amount)",
              "Contributions recovered through cross-border mutual assistance, in euros",
              # France recovers for itself abroad when competent (money in), and for another state's
              # institution when it is the state of residence (money passed on: out).
              flow={FR_COMPETENT: "in", FR_STAY_RESIDENCE: "out"}),
)
INDICATORS: dict[str, Indicator] = {i.code: i for i in _INDICATORS}

# Breakdown dimensions and their values (codes in returns; labels in reports/labels.py).
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "basis": ("actual_costs", "lump_sums"),
    "sector": ("agriculture", "industry", "construction", "transport", "trade_hospitality", "business_services",
               "public_health_education", "other"),
    "duration": ("lt_1m", "1_6m", "6_12m", "12_24m", "gt_24m"),
    "status": ("employee", "self_employed", "civil_servant"),
}


def parse_breakdown(raw: str) -> dict[str, str] | None:
    """{dimension: value} for a structured breakdown ('sector=construction;status=employee'), None for free
    text (a sub-category of the institution's own, added together as before). Values are not checked here."""
    if "=" not in raw:
        return None
    out: dict[str, str] = {}
    for part in raw.replace(",", ";").split(";"):
        if not part.strip():
            continue
        key, _, value = part.partition("=")
        out[key.strip().lower()] = value.strip().lower()
    return out


def format_breakdown(parts: dict[str, str]) -> str:
    """The stored form: dimensions in catalogue order, so equal breakdowns compare equal."""
    order = list(DIMENSIONS)
    return ";".join(f"{k}={parts[k]}" for k in sorted(parts, key=lambda k: (order.index(k) if k in order else 99, k)))


def indicators_for(branch: str) -> list[Indicator]:
    return [i for i in _INDICATORS if i.branch == branch]


# --- partners -------------------------------------------------------------------------------

COUNTRY_ALIASES = {"EL": "GR", "UK": "GB", "QC": "CA-QC"}  # EU statistical usage and common shorthands

EU_MEMBERS = ("AT BE BG HR CY CZ DK EE FI DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE").split()
EEA_CH = ("IS", "LI", "NO", "CH")

BILATERAL = {
    "DZ": "Franco-Algerian social security agreement", "AD": "Franco-Andorran agreement",
    "AR": "Franco-Argentine agreement", "BJ": "Franco-Beninese agreement",
    "BA": "Agreement with Bosnia and Herzegovina", "BR": "Franco-Brazilian agreement",
    "CM": "Franco-Cameroonian agreement", "CA": "Franco-Canadian agreement",
    "CV": "Agreement with Cabo Verde", "CL": "Franco-Chilean agreement",
    "CG": "Franco-Congolese agreement", "CI": "Agreement with Côte d'Ivoire",
    "GA": "Franco-Gabonese agreement", "GG": "Agreement with Guernsey", "IN": "Franco-Indian agreement",
    "IL": "Franco-Israeli agreement", "JP": "Franco-Japanese agreement", "JE": "Agreement with Jersey",
    "KR": "Franco-Korean agreement", "XK": "Agreement with Kosovo", "MG": "Franco-Malagasy agreement",
    "ML": "Franco-Malian agreement", "MA": "Franco-Moroccan agreement",
    "MR": "Franco-Mauritanian agreement", "MC": "Franco-Monegasque agreement",
    "ME": "Agreement with Montenegro", "NE": "Franco-Nigerien agreement",
    "MK": "Agreement with North Macedonia", "PH": "Franco-Philippine agreement",
    "CA-QC": "Franco-Quebec understanding (entente)", "SM": "Agreement with San Marino",
    "SN": "Franco-Senegalese agreement", "RS": "Franco-Serbian agreement", "TG": "Franco-Togolese agreement",
    "TN": "Franco-Tunisian agreement", "TR": "Franco-Turkish agreement",
    "US": "Franco-American agreement", "UY": "Franco-Uruguayan agreement",
}
# Care, pensions or benefits involving a state with no coordination instrument (care abroad reimbursed
# under French law, pensions paid to residents of such states).
NO_AGREEMENT = "NOAGR"
TERRITORIAL = {
    "NC": "Coordination with New Caledonia", "PF": "Coordination with French Polynesia",
    "PM": "Coordination with Saint Pierre and Miquelon", "YT": "Coordination with Mayotte",
}


@dataclass(frozen=True)
class Instrument:
    code: str
    kind: str  # "eu" | "uk" | "bilateral" | "territorial"
    label: str
    partners: tuple[str, ...]
    coverage: str  # says which partners, for error messages


def _instruments() -> dict[str, Instrument]:
    out = {
        "EU": Instrument("EU", "eu", "EU coordination (Regulations (EC) 883/2004 and 987/2009)",
                         tuple(EU_MEMBERS) + EEA_CH,
                         "the EU member states, Iceland, Liechtenstein, Norway and Switzerland"),
        "UK": Instrument("UK", "uk", "EU-UK Trade and Cooperation Agreement, social security protocol",
                         ("GB",), "the United Kingdom (GB)"),
    }
    for code, label in BILATERAL.items():
        out[f"BA-{code}"] = Instrument(f"BA-{code}", "bilateral", label, (code,), f"partner {code} only")
    for code, label in TERRITORIAL.items():
        out[f"TA-{code}"] = Instrument(f"TA-{code}", "territorial", label, (code,), f"partner {code} only")
    covered = set(EU_MEMBERS) | set(EEA_CH) | {"GB", "FR"} | set(TERRITORIAL)
    out[NO_AGREEMENT] = Instrument(
        NO_AGREEMENT, "none", "No coordination instrument (French law alone)",
        tuple(sorted(c for c in countries() if c not in covered and c != "CA-QC")),
        "the states and territories outside the EU, the EEA, Switzerland and the United Kingdom")
    return out


INSTRUMENT_KINDS = {
    "eu": "EU coordination", "uk": "United Kingdom", "bilateral": "Bilateral agreements",
    "territorial": "Coordination decrees (French territories)", "none": "No agreement",
}


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Code -> English name (ISO 3166-1 alpha-2, plus CA-QC and XK)."""
    out: dict[str, str] = {}
    for line in (Path(__file__).with_name("countries.tsv")).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")
            out[code] = name
    return out


INSTRUMENTS: dict[str, Instrument] = _instruments()


def instrument_kind(code: str) -> str:
    instrument = INSTRUMENTS.get(code)
    return instrument.kind if instrument else "other"


def country_name(code: str) -> str:
    return countries().get(code, code)


def normalise_partner(raw: str) -> str:
    code = raw.strip().upper().replace("_", "-")
    return COUNTRY_ALIASES.get(code, code)


# --- units ----------------------------------------------------------------------------------

_UNIT_SYNONYMS = {
    "count": COUNT, "number": COUNT, "nombre": COUNT, "nb": COUNT, "n": COUNT, "persons": COUNT,
    "eur": EUR, "€": EUR, "euro": EUR, "euros": EUR,
}
_SCALED_EUR = {
    "keur": "thousands", "k€": "thousands", "teur": "thousands", "k eur": "thousands",
    "thousand eur": "thousands", "thousands eur": "thousands", "milliers d'euros": "thousands",
    "meur": "millions", "m€": "millions", "m eur": "millions", "million eur": "millions",
    "millions eur": "millions", "millions d'euros": "millions",
}


def normalise_unit(raw: str) -> tuple[str | None, str | None]:
    """(unit, None) for an accepted unit, else (None, why) naming what is wrong with it."""
    key = " ".join(raw.strip().lower().split())
    if key in _UNIT_SYNONYMS:
        return _UNIT_SYNONYMS[key], None
    if key in _SCALED_EUR:
        return None, f"amount in {_SCALED_EUR[key]} of euros ({raw.strip()!r})"
    if len(key) == 3 and key.isalpha():
        return None, f"amount in {raw.strip().upper()}"
    return None, f"unknown unit {raw.strip()!r}"
