import datetime as dt
import json

import pytest

from intake.rules import RulesError, add_months, applicable, load_rules, months_between

pytestmark = pytest.mark.unit
D = dt.date


def test_months_between_counts_inclusive_periods():
    assert months_between(D(2026, 1, 1), D(2028, 6, 30)) == 30.0
    assert months_between(D(2026, 1, 1), D(2026, 1, 31)) == 1.0
    assert months_between(D(2026, 1, 15), D(2026, 2, 14)) == 1.0
    assert months_between(D(2026, 1, 1), D(2026, 1, 15)) == 0.5
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)


def test_eu_posting_beyond_24_months_is_an_exception_citing_art_12_and_16():
    r = applicable("FR", "DE", "employed", D(2026, 1, 1), D(2028, 7, 1))
    assert r.instrument["id"] == "eu-883-2004-employed"
    assert r.max_months == 24 and r.exceeds_max and r.route == "exception"
    assert r.max_end == D(2027, 12, 31)
    assert "883/2004" in r.legal_basis and "art. 16" in r.legal_basis
    assert r.extension["kind"] == "exception"
    assert any(s["path"] == "facts/posting-durations-cleiss-2015.md" for s in r.sources)
    assert not r.check_the_agreement


def test_within_the_maximum_is_standard_and_previous_months_count():
    r = applicable("FR", "ES", "self_employed", D(2026, 1, 1), D(2027, 12, 31))
    assert (r.route, r.exceeds_max, r.max_months) == ("standard", False, 24)
    r = applicable("FR", "ES", "employed", D(2026, 1, 1), D(2026, 12, 31), previous_months=18)
    assert r.total_months == 30.0 and r.exceeds_max and r.route == "exception"


@pytest.mark.parametrize("work,status,months,family", [
    ("NC", "employed", 24, "nc-2002"), ("NC", "self_employed", 12, "nc-2002"),
    ("PF", "employed", 36, "pf-1994"), ("YT", "employed", 6, "yt-2005"),
    ("US", "employed", 60, "bilateral-us"), ("US", "self_employed", 24, "bilateral-us"),
    ("DZ", "employed", 36, "bilateral-dz"), ("CM", "employed", 6, "bilateral-cm"),
    ("JP", "employed", 60, "bilateral-jp"), ("TH", "employed", 36, "fr-css-l761-2"),
])
def test_instrument_and_maximum_by_state(work, status, months, family):
    r = applicable("FR", work, status, D(2026, 1, 1), D(2026, 3, 31))
    assert r.instrument["family"] == family and r.max_months == months and r.route == "standard"


def test_unknown_terms_say_check_the_agreement_instead_of_guessing():
    # Israel: the convention applies but its posting terms are not held -> agent, never L761-2.
    r = applicable("FR", "IL", "employed", D(2026, 1, 1), D(2026, 12, 31))
    assert r.route == "check" and r.check_the_agreement and not r.terms_known
    assert r.instrument["family"] == "bilateral-il" and r.handled_by["centre"]
    assert any("17 December 1965" in n and "not in the knowledge base" in n for n in r.notes)
    # The table has no self-employed terms for Algeria.
    r = applicable("FR", "DZ", "self_employed", D(2026, 1, 1), D(2026, 12, 31))
    assert r.route == "check" and r.check_the_agreement and r.max_months is None and not r.terms_known
    assert r.instrument["family"] == "bilateral-dz"  # the agreement applies; its terms for this status are not held
    # Exemption for a worker from a state without an instrument held.
    r = applicable("TH", "FR", "employed", D(2026, 1, 1), D(2026, 12, 31))
    assert r.route == "check" and r.direction == "inbound"
    # Mayotte: the text held states no extension.
    r = applicable("FR", "YT", "employed", D(2026, 1, 1), D(2026, 12, 31))
    assert r.exceeds_max and r.check_the_agreement
    # Civil servants under EU rules: art. 11(3)(b), no time limit (text not held: said so).
    r = applicable("FR", "DE", "civil_servant", D(2026, 1, 1), D(2026, 12, 31))
    assert r.route == "standard" and "11(3)(b)" in r.legal_basis and r.max_months is None


def test_reciprocal_exemption_and_historical_convention():
    r = applicable("DE", "FR", "employed", D(2026, 1, 1), D(2026, 12, 31))
    assert r.direction == "inbound" and r.instrument["family"] == "eu-883-2004"
    r = applicable("FR", "NL", "employed", D(2026, 1, 1), D(2026, 12, 31))
    assert r.instrument["family"] == "eu-883-2004"
    assert [o["family"] for o in r.other_instruments] == ["fr-nl-1950"]
    assert r.other_instruments[0]["in_force"] is False


def test_territory_extension_within_absolute_maximum():
    r = applicable("FR", "PF", "employed", D(2026, 1, 1), D(2030, 12, 31))
    assert r.route == "exception" and r.extension["absolute_max_months"] == 72 and r.extension["within_extension"]
    assert "trois ans" in r.extension["text"] or "three years" in r.extension["text"]


@pytest.mark.parametrize("args,needle", [
    (("FR", "XX", "employed"), "ISO 3166"), (("FR", "FR", "employed"), "different"),
    (("FR", "DE", "pilot"), "allowed: employed, self_employed, civil_servant"),
])
def test_bad_questions_get_clear_errors(args, needle):
    with pytest.raises(RulesError, match=needle):
        applicable(*args, D(2026, 1, 1), D(2026, 12, 31))
    with pytest.raises(RulesError, match="end date"):
        applicable("FR", "DE", "employed", D(2026, 1, 1), D(2025, 12, 31))


def test_french_answers():
    r = applicable("FR", "DE", "employed", D(2026, 1, 1), D(2028, 7, 1), lang="fr")
    assert r.instrument["name"].startswith("Coordination européenne")
    assert any("motifs" in x for x in r.requirements)


def test_every_row_is_well_formed():
    rows = load_rules().instruments
    assert len(rows) >= 25
    for row in rows:
        assert row.sources and row.legal_reference and row.max_months > 0
        assert any(s.evidences == "max" for s in row.sources), row.id
        if row.extension == "fixed":
            assert row.extension_months > 0, row.id


def test_cli_applicable_json(capsys):
    from liaison.cli import main

    assert main(["applicable", "--home", "FR", "--work", "DE", "--status", "employed", "--start", "2026-01-01",
                 "--end", "2028-07-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["instrument"]["id"] == "eu-883-2004-employed"
    assert (out["max_months"], out["exceeds_max"], out["route"]) == (24, True, "exception")
    assert out["sources"] and all({"instrument", "article", "path", "ref"} <= set(s) for s in out["sources"])
    assert main(["applicable", "--home", "FR", "--work", "ZZ", "--status", "employed", "--start", "2026-01-01",
                 "--end", "2028-07-01"]) == 2
    assert "ISO 3166" in capsys.readouterr().err


@pytest.mark.parametrize("start,end,needle", [("1900-01-01", "2099-12-31", "outside 1950-2100"),
                                              ("2026-01-01", "2099-12-31", "at most 10 years")])
def test_cli_absurd_dates_are_clear_errors(capsys, start, end, needle):
    from liaison.cli import main

    assert main(["applicable", "--home", "FR", "--work", "DE", "--status", "employed", "--start", start,
                 "--end", end, "--json"]) == 2
    assert needle in capsys.readouterr().err


def test_cli_new_keys_and_status_spelling(capsys):
    from liaison.cli import main

    assert main(["applicable", "--home", "FR", "--work", "IL", "--status", "self-employed", "--start", "2026-01-01",
                 "--end", "2026-12-31", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "self_employed" and out["terms_known"] is False and out["handled_by"]["code"] == "centre"
    assert out["instrument"]["in_force_from"] == "1966-10-01" and out["instrument"]["in_force_to"] is None
    assert out["next_steps"]
    assert main(["applicable", "--home", "FR", "--work", "DE", "--status", "employed", "--start", "2026-03-01",
                 "--end", "2027-02-28", "--previous-months", "20", "--previous-end", "2026-01-14", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["chained"] is True and out["route"] == "exception"


@pytest.mark.integration
def test_api_applicable_absurd_input_is_a_clear_400_not_500(client):
    base = {"home": "FR", "work": "DE", "status": "employed"}
    r = client.get("/v1/applicable", params={**base, "start": "1900-01-01", "end": "2099-12-31"})
    assert 400 <= r.status_code < 500 and "1950-2100" in r.text
    r = client.get("/v1/applicable", params={**base, "start": "2026-01-01", "end": "2099-12-31"})
    assert 400 <= r.status_code < 500 and "10 years" in r.text
    r = client.get("/v1/applicable", params={**base, "status": "self-employed", "start": "2026-01-01", "end": "2026-12-31"})
    assert r.status_code == 200 and {"handled_by", "terms_known", "next_steps"} <= set(r.json())


def test_form_previous_posting_chains_by_the_instruments_gap():
    """A previous posting to Germany ending 19 days before: one posting (Decision A2) -> exception;
    ending four months before: a new posting -> standard, sent to URSSAF/MSA rather than taken in."""
    from intake.validation import validate_form
    from tests.intake.conftest import continuation

    prev = [{"country": "DE", "start_date": "2024-03-01", "end_date": "2025-12-31"}]
    r = validate_form("continuation", continuation(start_date="2026-01-20", end_date="2026-12-31", reasons=None,
                                                   previous_postings=prev), full=True, attachment_kinds={"posting_letter"})
    assert r.applicable.chained is True and r.applicable.route == "exception"
    assert {e.code for e in r.errors} == {"reasons_required"}
    prev[0]["end_date"] = "2025-09-30"
    r = validate_form("continuation", continuation(start_date="2026-01-20", end_date="2026-12-31", reasons=None,
                                                   previous_postings=prev), full=True, attachment_kinds={"posting_letter"})
    assert r.applicable.chained is False and r.applicable.route == "standard"
    assert {e.code for e in r.errors} == {"handled_elsewhere"}
    assert "URSSAF" in r.errors[0].message("en")
