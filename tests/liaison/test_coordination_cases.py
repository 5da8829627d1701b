"""The case table of the coordination model: each case is a question a centre's agent would ask,
the answer the texts give, and the legal basis the answer must name. Covers EU, EEA/Switzerland, the
UK before and after 2021, agreements with and without known terms, in-force dates, French
territories as home and as host, no agreement, chained postings and absurd input."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from liaison.coordination import RulesError, applicable

pytestmark = pytest.mark.unit
D = dt.date
Y26 = (D(2026, 1, 1), D(2026, 12, 31))


@dataclass
class Case:
    name: str
    home: str
    work: str
    status: str
    period: tuple[dt.date, dt.date]
    route: str
    family: str | None          # instrument family in the answer (None: no instrument)
    basis: str                  # must appear in the legal basis, the notes or the sources
    max_months: int | None = None
    terms_known: bool | None = None
    handled_by: str | None = None
    kwargs: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)


CASES = [
    # ---- EU ----------------------------------------------------------------------------------------
    Case("EU posting within 24 months", "FR", "DE", "employed", Y26, "standard", "eu-883-2004",
         "art. 12(1)", 24, True, "issuing_body"),
    Case("EU posting beyond 24 months: art. 16 exception", "FR", "DE", "employed", (D(2026, 1, 1), D(2028, 7, 1)),
         "exception", "eu-883-2004", "art. 16", 24, True, "centre"),
    Case("EU self-employed (spelt self-employed)", "FR", "ES", "self-employed", Y26, "standard", "eu-883-2004",
         "art. 12(2)", 24, True, "issuing_body"),
    Case("EU posting into France: the other state's institution issues", "DE", "FR", "employed", Y26, "standard",
         "eu-883-2004", "art. 12(1)", 24, True, "foreign_institution"),
    Case("EU civil servant", "FR", "IT", "civil_servant", Y26, "standard", "eu-883-2004", "art. 11(3)(b)", None, True),
    Case("EU seafarer: own rule, agent", "FR", "PT", "seafarer", Y26, "check", "eu-883-2004", "art. 11(4)", None, False, "centre"),
    Case("EU flight crew: home base, agent", "FR", "BE", "flight_crew", Y26, "check", "eu-883-2004", "art. 11(5)", None, False),
    Case("EU student: not a posting", "FR", "NL", "student", Y26, "check", "eu-883-2004", "art. 11(3)(e)", None, False),
    Case("Third-country national to Germany: Reg. 1231/2010", "FR", "DE", "employed", Y26, "standard", "eu-883-2004",
         "1231/2010", 24, True, kwargs={"nationality": "MA"}),
    Case("Third-country national to Denmark: 1231/2010 does not bind Denmark", "FR", "DK", "employed", Y26, "check",
         "eu-883-2004", "nationality", None, False, kwargs={"nationality": "MA"}),
    Case("Before 1 May 2010: Regulation 1408/71, terms not held", "FR", "DE", "employed",
         (D(2005, 1, 1), D(2005, 12, 31)), "check", "eu-1408-71", "1408/71", None, False),
    Case("Croatia before accession: earlier instrument not held", "FR", "HR", "employed",
         (D(2012, 1, 1), D(2012, 12, 31)), "check", None, "not yet under EU coordination", None, False),
    # ---- EEA / Switzerland ---------------------------------------------------------------------------
    Case("Norway (EEA)", "FR", "NO", "employed", Y26, "standard", "eu-883-2004", "art. 12(1)", 24, True),
    Case("Switzerland beyond 24 months", "FR", "CH", "employed", (D(2026, 1, 1), D(2028, 6, 30)), "exception",
         "eu-883-2004", "art. 16", 24, True, "centre"),
    Case("Switzerland, third-country national: 1231/2010 not applicable", "FR", "CH", "employed", Y26, "check",
         "eu-883-2004", "nationality", None, False, kwargs={"nationality": "IN"}),
    Case("Switzerland in 2011: Regulation 1408/71 still applied", "FR", "CH", "employed",
         (D(2011, 1, 1), D(2011, 12, 31)), "check", "eu-1408-71", "1408/71", None, False),
    # ---- United Kingdom ------------------------------------------------------------------------------
    Case("UK while a member (2019)", "FR", "GB", "employed", (D(2019, 1, 1), D(2020, 6, 30)), "standard",
         "eu-883-2004", "883/2004", 24, True),
    Case("UK posting begun in 2020 running into 2022: Withdrawal Agreement", "FR", "GB", "employed",
         (D(2020, 6, 1), D(2022, 3, 31)), "standard", "uk-withdrawal-agreement", "Withdrawal Agreement", 24, True),
    Case("UK after 2021: TCA art. SSC.11", "FR", "GB", "employed", Y26, "standard", "uk-tca-2021", "SSC.11", 24, True,
         "issuing_body"),
    Case("UK after 2021 beyond 24 months: extension not held", "FR", "GB", "employed",
         (D(2026, 1, 1), D(2028, 6, 30)), "exception", "uk-tca-2021", "SSC.11", 24, True,
         expect={"check_the_agreement": True}),
    Case("UK before 2021, third-country national excluded", "FR", "GB", "employed", (D(2020, 6, 1), D(2022, 3, 31)),
         "check", "uk-withdrawal-agreement", "third-country", None, False, kwargs={"nationality": "IN"}),
    # ---- bilateral agreements with known terms ------------------------------------------------------
    Case("United States 48 months (5 years, leave included)", "FR", "US", "employed", (D(2026, 1, 1), D(2029, 12, 31)),
         "standard", "bilateral-us", "SE 404-02", 60, True, "issuing_body"),
    Case("Japan 5 years, art. 6 §1", "FR", "JP", "employed", (D(2026, 1, 1), D(2029, 12, 31)), "standard",
         "bilateral-jp", "art. 6 §1", 60, True),
    Case("Japan beyond 5 years: art. 9 derogation", "FR", "JP", "employed", (D(2026, 1, 1), D(2031, 12, 31)),
         "exception", "bilateral-jp", "art. 9", 60, True, "centre"),
    Case("Morocco 4 years: extension art. 5 §2", "FR", "MA", "employed", (D(2026, 1, 1), D(2029, 12, 31)), "exception",
         "bilateral-ma", "art. 5 §2", 36, True, "centre", expect={"within_extension": True}),
    Case("Algeria, Turkish national: nationality condition", "FR", "DZ", "employed", Y26, "check", "bilateral-dz",
         "French or Algerian", None, False, "centre", kwargs={"nationality": "TR"}),
    Case("Algeria self-employed: no terms held", "FR", "DZ", "self_employed", Y26, "check", "bilateral-dz",
         "not in the knowledge base", None, False, "centre"),
    Case("Québec self-employed, 1 year", "FR", "QC", "self_employed", (D(2026, 1, 1), D(2026, 6, 30)), "standard",
         "bilateral-qc", "Avenant no. 2", 12, True),
    Case("Canada in 2016: 1979 agreement", "FR", "CA", "employed", (D(2016, 1, 1), D(2016, 12, 31)), "standard",
         "bilateral-ca", "SE 401-01", 36, True),
    Case("Canada in 2018: 2013 agreement, art. 7", "FR", "CA", "employed", (D(2018, 1, 1), D(2018, 12, 31)), "standard",
         "bilateral-ca-2013", "art. 7 §1 a", 36, True),
    Case("Uruguay, art. 8 §1", "FR", "UY", "employed", Y26, "standard", "bilateral-uy", "art. 8 §1", 24, True),
    # ---- agreements whose posting terms are not held -----------------------------------------------
    Case("Israel: convention of 17 December 1965, terms not held", "FR", "IL", "employed", Y26, "check", "bilateral-il",
         "17 December 1965", None, False, "centre"),
    Case("Tunisia: convention of 26 June 2003, terms not held", "FR", "TN", "employed", Y26, "check", "bilateral-tn",
         "26 June 2003", None, False, "centre"),
    Case("Monaco: convention, terms not held", "FR", "MC", "employed", Y26, "check", "bilateral-mc", "Monegasque",
         None, False, "centre"),
    Case("Kosovo: 1950 Franco-Yugoslav convention taken over in 2013", "FR", "XK", "employed", Y26, "check",
         "yu-1950-xk", "5 January 1950", None, False, "centre"),
    Case("China: signed 2016, entry into force not held", "FR", "CN", "employed", Y26, "check", "bilateral-cn",
         "is in force is not in the knowledge base", None, False),
    Case("Philippines: agreement named, nothing held", "FR", "PH", "employed", Y26, "check", "bilateral-unlisted",
         "not in the knowledge base", None, False, "centre"),
    # ---- in-force dates ------------------------------------------------------------------------------
    Case("India before 1 July 2011: no agreement yet, L761-2", "FR", "IN", "employed", (D(2011, 6, 1), D(2011, 12, 31)),
         "standard", "fr-css-l761-2", "L761-2", 36, True),
    Case("India from 1 July 2011: agreement, 5 years", "FR", "IN", "employed", (D(2011, 7, 1), D(2011, 12, 31)),
         "standard", "bilateral-in", "SE 223-01", 60, True),
    Case("Serbia before 1 December 2023: 1950 convention, terms not held", "FR", "RS", "employed",
         (D(2023, 11, 1), D(2024, 6, 30)), "check", "yu-1950", "5 January 1950", None, False),
    Case("Serbia from 1 December 2023: own agreement", "FR", "RS", "employed", (D(2023, 12, 1), D(2024, 11, 30)),
         "standard", "bilateral-rs", "6 November 2014", 24, True),
    Case("Uruguay before 1 July 2014: L761-2", "FR", "UY", "employed", (D(2014, 1, 1), D(2014, 6, 30)), "standard",
         "fr-css-l761-2", "L761-2", 36, True),
    # ---- French territories --------------------------------------------------------------------------
    Case("Mayotte home, Germany host: Regulation 883/2004", "YT", "DE", "employed", Y26, "standard", "eu-883-2004",
         "883/2004", 24, True),
    Case("Saint-Martin home, Germany host: Regulation 883/2004", "MF", "DE", "employed", Y26, "standard", "eu-883-2004",
         "883/2004", 24, True),
    Case("Mayotte home in 2013 (not yet an outermost region)", "YT", "DE", "employed", (D(2013, 1, 1), D(2013, 12, 31)),
         "check", None, "No coordination text between Mayotte and Germany", None, False),
    Case("Réunion to French Polynesia: decree 94-1146", "RE", "PF", "employed", Y26, "standard", "pf-1994",
         "94-1146", 36, True),
    Case("Metropolitan France to Mayotte: decree 2005-1050, 6 months", "FR", "YT", "employed",
         (D(2026, 1, 1), D(2026, 4, 30)), "standard", "yt-2005", "2005-1050", 6, True),
    Case("France to New Caledonia: decree 2002-1371", "FR", "NC", "employed", Y26, "standard", "nc-2002", "2002-1371",
         24, True),
    Case("Saint-Pierre-et-Miquelon: decree of 10 May 2011, terms not held", "FR", "PM", "employed", Y26, "check",
         "pm-2011", "10 May 2011", None, False, "centre"),
    Case("Saint-Pierre-et-Miquelon as home", "PM", "FR", "employed", Y26, "check", "pm-2011", "10 May 2011", None, False),
    Case("Wallis-et-Futuna: French, not foreign; no text held", "FR", "WF", "employed", Y26, "check", None,
         "Wallis and Futuna", None, False, "centre"),
    Case("Saint-Barthélemy: general French schemes", "FR", "BL", "employed", Y26, "not_applicable", None, "R111-2",
         None, True, "none"),
    Case("New Caledonia to French Polynesia: no text held", "NC", "PF", "employed", Y26, "check", None,
         "have their own schemes", None, False),
    # ---- no agreement --------------------------------------------------------------------------------
    Case("Thailand 2 years: L761-2", "FR", "TH", "employed", (D(2026, 1, 1), D(2027, 12, 31)), "standard",
         "fr-css-l761-2", "R761-1", 36, True, "issuing_body"),
    Case("Thailand 54 months: renewal of right (R761-1), not a derogation", "FR", "TH", "employed",
         (D(2026, 1, 1), D(2030, 6, 30)), "standard", "fr-css-l761-2", "renewal of right", 36, True),
    Case("Thailand 84 months: expatriation, CFE (L762-1)", "FR", "TH", "employed", (D(2026, 1, 1), D(2032, 12, 31)),
         "not_applicable", "fr-css-l761-2", "L762-1", 36, True, "cfe"),
    Case("Australia: no agreement, stated by the sources", "FR", "AU", "employed", Y26, "standard", "fr-css-l761-2",
         "no social security agreement with Australia", 36, True),
    Case("Thailand self-employed: L761-2 is for employees", "FR", "TH", "self_employed", Y26, "check", None,
         "L762-1", None, False),
    # ---- chained postings ------------------------------------------------------------------------------
    Case("Germany again 46 days after 20 months: one posting (Decision A2)", "FR", "DE", "employed",
         (D(2026, 3, 1), D(2027, 2, 28)), "exception", "eu-883-2004", "Decision A2", 24, True, "centre",
         kwargs={"previous_months": 20, "previous_end": D(2026, 1, 13)}, expect={"chained": True, "total_months": 32.0}),
    Case("Germany again after 3 months' gap: new posting", "FR", "DE", "employed", (D(2026, 3, 1), D(2027, 2, 28)),
         "standard", "eu-883-2004", "Decision A2", 24, True, kwargs={"previous_months": 20, "previous_end": D(2025, 12, 1)},
         expect={"chained": False, "total_months": 12.0}),
    Case("Japan again 6 months after: gap of 1 year not reached", "FR", "JP", "employed", (D(2026, 7, 1), D(2027, 6, 30)),
         "standard", "bilateral-jp", "Japan", 60, True, kwargs={"previous_months": 24, "previous_end": D(2025, 12, 31)},
         expect={"chained": True, "total_months": 36.0}),
]

ABSURD = [
    (("FR", "DE", "employed", D(1900, 1, 1), D(2099, 12, 31)), "outside 1950-2100"),
    (("FR", "DE", "employed", D(2026, 1, 1), D(2099, 12, 31)), "at most 10 years"),
    (("FR", "DE", "pilot", D(2026, 1, 1), D(2026, 12, 31)), "allowed: employed, self_employed"),
    (("FR", "FR", "employed", D(2026, 1, 1), D(2026, 12, 31)), "different"),
    (("FR", "XX", "employed", D(2026, 1, 1), D(2026, 12, 31)), "ISO 3166"),
    (("FR", "DE", "employed", D(2026, 1, 1), D(2025, 12, 31)), "end date"),
]


def answer_text(r) -> str:
    return " ".join([r.legal_basis, *r.notes, *(s.get("article", "") + " " + s.get("ref", "") for s in r.sources),
                     (r.instrument or {}).get("name", ""), (r.instrument or {}).get("legal_reference", ""),
                     (r.instrument or {}).get("forms", "") or "", (r.instrument or {}).get("form", "") or ""])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case):
    r = applicable(case.home, case.work, case.status, *case.period, **case.kwargs)
    assert r.route == case.route, (r.route, r.notes)
    assert (r.instrument or {}).get("family") == case.family
    assert case.basis.lower() in answer_text(r).lower(), answer_text(r)
    assert r.max_months == case.max_months
    if case.terms_known is not None:
        assert r.terms_known is case.terms_known
    if case.handled_by:
        assert r.handled_by["code"] == case.handled_by
    assert r.next_steps or r.route == "not_applicable" and case.family is None or r.route == "check"
    for key, value in case.expect.items():
        got = r.extension.get(key) if key == "within_extension" else getattr(r, key)
        assert got == value, (key, got)
    # never the rule for countries without an agreement where an instrument applies
    if case.family not in (None, "fr-css-l761-2"):
        assert "L761-2" not in r.legal_basis


@pytest.mark.parametrize("args,needle", ABSURD, ids=[n for _, n in ABSURD])
def test_absurd_input_gets_a_clear_error(args, needle):
    with pytest.raises(RulesError, match=needle):
        applicable(*args)


def test_at_least_forty_cases_each_naming_a_basis():
    assert len(CASES) + len(ABSURD) >= 40 and all(c.basis for c in CASES)


def test_json_keys_added_and_kept():
    d = applicable("FR", "DE", "employed", *Y26).to_dict()
    for key in ("home", "work", "instrument", "max_months", "max_end", "route", "extension", "check_the_agreement",
                "requirements", "notes", "sources", "other_instruments", "legal_basis", "handled_by", "terms_known",
                "next_steps"):
        assert key in d
    assert d["instrument"]["in_force_from"] == "2010-05-01" and "in_force_to" in d["instrument"]


def case_table() -> str:
    """Markdown table of the cases (case, answer, basis) for the closing note."""
    lines = ["| case | answer | basis |", "|---|---|---|"]
    for c in CASES:
        r = applicable(c.home, c.work, c.status, *c.period, **c.kwargs)
        inst = (r.instrument or {}).get("name", "no instrument")
        ans = f"{r.route}; {inst}" + (f"; max {r.max_months} months" if r.max_months else "") + \
              ("" if r.terms_known else "; terms not held, agent")
        lines.append(f"| {c.name} ({c.home}→{c.work}, {c.status}) | {ans} | {r.legal_basis or c.basis} |")
    for args, needle in ABSURD:
        lines.append(f"| {args[0]}→{args[1]} {args[2]} {args[3]}..{args[4]} | error | {needle} |")
    return "\n".join(lines)
