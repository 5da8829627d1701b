"""German/Spanish/Italian/Portuguese -> French starter glossaries; inflected forms; casing and elision
in French; spaced form codes; multilingual TBX with an incomplete entry."""
import pytest

from translation.glossary import Glossary, GlossaryTerm, parse_tbx, starter_glossary

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("pair, source, target", [
    ("de-fr", "Krankenkasse", "caisse d'assurance maladie"),
    ("de-fr", "Entsendung", "détachement"),
    ("de-fr", "Deutsche Rentenversicherung", "Deutsche Rentenversicherung"),
    ("es-fr", "desplazamiento", "détachement"),
    ("es-fr", "Instituto Nacional de la Seguridad Social", "Instituto Nacional de la Seguridad Social"),
    ("it-fr", "distacco", "détachement"),
    ("it-fr", "INPS", "INPS"),
    ("pt-fr", "destacamento", "détachement"),
    ("pt-fr", "Segurança Social", "Segurança Social"),
])
def test_starter_glossaries_into_french(pair, source, target):
    glossary = starter_glossary(*pair.split("-"))
    assert glossary.terms[source.casefold()].target == target
    for code in ("A1", "S1", "E106"):
        assert glossary.terms[code.casefold()].dnt


def test_inflected_forms_are_found():
    de = starter_glossary("de", "fr")
    found = de.find("Die Krankenkassen und der Krankenkasse zahlen. Die Entsendungen enden.")
    assert [m.text for m in found] == ["Krankenkassen", "Krankenkasse", "Entsendungen"]
    assert found[0].plural and found[0].expected == "caisses d'assurance maladie"
    es = starter_glossary("es", "fr")
    assert [m.text for m in es.find("Los desplazamientos terminan.")] == ["desplazamientos"]
    it = starter_glossary("it", "fr")
    assert [m.text for m in it.find("I distacchi e i lavoratori distaccati.")][:1] == ["distacchi"]


def test_no_capital_mid_sentence_and_elision_kept():
    de = starter_glossary("de", "fr")
    text = "Bitte wenden Sie sich an die Krankenkasse."
    protected = de.protect(text, de.find(text))
    assert "die caisse d'assurance maladie" in protected  # German nouns are capitalised, French ones not
    start = "Krankenkasse zahlt."
    assert de.protect(start, de.find(start)).startswith("Caisse d'assurance maladie")
    glossary = Glossary("en", "fr")
    glossary.add(GlossaryTerm("posting", "détachement", avoid=("envoi", "affectation")))
    fixed, missing = glossary.enforce("La durée de l'envoi est de 24 mois.", glossary.find("The posting lasts."))
    assert fixed == "La durée du détachement est de 24 mois."
    fixed, _ = glossary.enforce("L'envoi commence le 1er mars.", glossary.find("The posting starts."))
    assert fixed == "Le détachement commence le 1er mars."
    reverse = Glossary("en", "fr")
    reverse.add(GlossaryTerm("insurance", "assurance", avoid=("couverture",)))
    fixed, _ = reverse.enforce("Le montant de la couverture.", reverse.find("The insurance."))
    assert fixed == "Le montant de l'assurance."


def test_spaced_form_codes_match():
    de = starter_glossary("de", "fr")
    found = de.find("Das Formular E 106 und das E106 liegen vor.")
    assert [m.term.source for m in found if m.term.source == "E106"] == ["E106", "E106"]


def test_multilingual_tbx_with_an_entry_missing_a_language_is_accepted_with_a_warning():
    tbx = b"""<?xml version="1.0"?>
<martif type="TBX" xml:lang="en"><text><body>
<termEntry id="1"><langSet xml:lang="de"><tig><term>Entsendung</term></tig></langSet>
  <langSet xml:lang="fr"><tig><term>d\xc3\xa9tachement</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>posting</term></tig></langSet></termEntry>
<termEntry id="2"><langSet xml:lang="de"><tig><term>Krankenkasse</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>health insurance fund</term></tig></langSet></termEntry>
<termEntry id="3"><langSet xml:lang="de"><tig><term>Rente</term></tig></langSet>
  <langSet xml:lang="fr"><tig><term>pension</term></tig></langSet></termEntry>
</body></text></martif>"""
    glossary = parse_tbx(tbx, "de", "fr", origin="multi.tbx")
    assert glossary.terms["entsendung"].target == "détachement" and glossary.terms["rente"].target == "pension"
    assert "krankenkasse" not in glossary.terms
    assert len(glossary.warnings) == 1 and "Krankenkasse" in glossary.warnings[0] and "skipped" in glossary.warnings[0]
    assert parse_tbx(tbx, "de", "en").terms["krankenkasse"].target == "health insurance fund"
