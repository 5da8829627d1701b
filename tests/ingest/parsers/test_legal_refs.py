import pytest

from ingest.legal_refs import extract_form_codes, extract_references, join_cites, normalise_code_article

pytestmark = pytest.mark.unit


def test_code_articles_are_normalised():
    text = ("S'ils ne sont pas concernés par l'article L. 761-1, les travailleurs ... (art. R767-2, D.767-1) "
            "et l'article L1262-4 du code du travail ; voir aussi L 1262-2-1.")
    assert extract_references(text) == ["L761-1", "R767-2", "D767-1", "L1262-4", "L1262-2-1"]


def test_eu_acts_with_and_without_act_words():
    text = ("règlement (CE) n° 883/2004 et son règlement d'application 987/2009 ; directive 2011/24/UE ; "
            "Directive (EU) 2018/957 ; directive 96/71/CE ; règlement (CEE) n° 1408/71.")
    assert extract_references(text) == ["883/2004", "987/2009", "2011/24", "2018/957", "96/71", "1408/71"]


def test_dates_periods_and_page_numbers_are_not_acts():
    text = "Mis à jour le 12/07/2021, saison 2020/2021, JO L 18/1, en 03/2004, ratio 3/4."
    assert extract_references(text) == []


def test_two_digit_pairs_need_an_act_word():
    assert extract_references("un rapport 96/71 pages") == []
    assert extract_references("la directive 96/71") == ["96/71"]


def test_french_statutes():
    refs = extract_references("Conformément à l'article 8 du décret n° 2022-434 du 25 mars 2022 et à la loi n°2018-1203")
    assert refs == ["décret 2022-434", "loi 2018-1203"]


def test_form_codes_need_a_form_context():
    text = ("Demandez le formulaire S1, l'attestation A1 et le document portable S2 ; form E 106 ; "
            "the U1 form ; SE 352-01. Section S1 du rapport, papier A1, secteur H2.")
    assert extract_form_codes(text) == ["S1", "A1", "S2", "E106", "U1", "SE 352-01"]


def test_normalise_code_article():
    assert normalise_code_article("article L. 761-2") == "L761-2"
    assert normalise_code_article("L1 262-4") == "L1262-4"
    assert normalise_code_article("Article 12") is None


def test_join_cites_format_and_dedup():
    assert join_cites(["L761-2", "883/2004"], ["L761-2", "A1"]) == "|L761-2|883/2004|A1|"
    assert join_cites([]) == ""


def test_hostile_input_is_linear_time():
    import time

    text = "règlement " * 20000 + "n° " * 20000 + "/" * 20000 + "L" * 20000 + "formulaire " * 20000
    started = time.perf_counter()
    extract_references(text)
    extract_form_codes(text)
    assert time.perf_counter() - started < 10  # catastrophic backtracking would take minutes
