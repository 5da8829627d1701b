"""Quality checks: a deliberately wrong translation makes each flag fire; a right one raises none."""
import pytest

from translation.glossary import starter_glossary
from translation.quality import FLAG_CODES, Flag, check_segment, extract

pytestmark = pytest.mark.unit

SOURCE = ("Le 12 mars 2024, la CPAM a versé 1 234,50 € pendant 16 semaines au titre de l'article L. 160-7, "
          "formulaire E 106.")
GOOD = "On 12 March 2024, the CPAM paid EUR 1,234.50 for 16 weeks under Article L160-7, form E106."


def codes(flags):
    return {f.code for f in flags}


def test_a_correct_translation_raises_no_flag():
    assert check_segment(SOURCE, GOOD, "fr", "en") == []
    # Same value, other conventions: decimal comma vs point, thousands, US-style amount.
    assert check_segment("Montant : 2 500 € au 01/02/2025.", "Amount: €2,500 on 01/02/2025.", "fr", "en") == []


@pytest.mark.parametrize("wrong, flag", [
    (GOOD.replace("16 weeks", "12 weeks"), "number_changed"),
    (GOOD.replace("for 16 weeks", "for sixteen weeks"), "number_changed"),
    (GOOD.replace("12 March 2024", "13 March 2024"), "date_changed"),
    (GOOD.replace("EUR 1,234.50", "EUR 1,243.50"), "amount_changed"),
    (GOOD.replace("Article L160-7", "Article L160-8"), "article_ref_changed"),
    (GOOD.replace("form E106", "form E 107"), "form_code_changed"),
])
def test_each_changed_value_is_flagged(wrong, flag):
    flags = check_segment(SOURCE, wrong, "fr", "en")
    assert flag in codes(flags), flags
    found = next(f for f in flags if f.code == flag)
    assert found.severity == "error" and found.detail["missing"]


def test_untranslated_partial_length_glossary_draft_fuzzy_flags():
    source = "Le travailleur détaché reste affilié au régime français pendant la durée du détachement."
    assert "untranslated" in codes(check_segment(source, source, "fr", "en"))
    assert "untranslated" in codes(check_segment(source, "", "fr", "en"))
    partial = "The worker détaché reste affilié au régime français pendant la durée du détachement."
    assert "partial_translation" in codes(check_segment(source, partial, "fr", "en"))
    assert "length_ratio" in codes(check_segment(source, "The worker.", "fr", "en"))
    assert "length_ratio" in codes(check_segment(source, "The posted worker " * 12, "fr", "en"))
    glossary = starter_glossary("fr", "en")
    matches = glossary.find(source)
    _, missing = glossary.enforce("The detached employee stays insured in France during the whole secondment.", matches)
    flags = check_segment(source, "The detached employee...", "fr", "en", missing_terms=missing)
    assert "glossary_not_applied" in codes(flags)
    good = "The posted worker remains insured under the French scheme for the duration of the posting."
    assert codes(check_segment(source, good, "fr", "en", draft=True)) == {"engine_draft"}
    assert codes(check_segment(source, good, "fr", "en", origin="memory-fuzzy", score=91.0)) == {"fuzzy_match"}
    assert "protected_text_missing" in codes(check_segment("Lancez `liaison ingest` maintenant.", "Run now.", "fr", "en",
                                                           protected=["liaison ingest"]))


def test_every_flag_code_has_a_severity_and_validation():
    assert set(FLAG_CODES.values()) <= {"error", "warning", "info"}
    with pytest.raises(ValueError, match="unknown flag code"):
        Flag("made_up", "x")


def test_entity_extraction_across_languages():
    fr = extract("Le 1er janvier 2025, 3 000,75 XPF versés (art. 13(1)(a)), SED A003, R767-2.", "fr")
    en = extract("On 1 January 2025, XPF 3,000.75 paid (Art. 13(1)(a)), SED A003, R767-2.", "en")
    assert fr.dates[0][0] == en.dates[0][0] == (2025, 1, 1)
    assert fr.amounts[0][:2] == en.amounts[0][:2] == ("XPF", "3000.75")
    assert [a[0] for a in fr.articles] == [a[0] for a in en.articles] == ["13(1)(A)", "R767-2"]
    assert [c[0] for c in fr.codes] == ["A003"]
