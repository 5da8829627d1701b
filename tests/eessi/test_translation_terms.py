"""The translation desk keeps every BUC/SED/portable-document/E-form code of the catalogue unchanged."""
from __future__ import annotations

import pytest

from eessi.glossary import eessi_glossary
from tests.translation.conftest import argos_dir, argos_packages, tsettings  # noqa: F401  (fixtures)


@pytest.mark.unit
def test_every_catalogue_code_is_do_not_translate(eessi_settings, catalogue):
    glossary = eessi_glossary(eessi_settings, "fr", "en")
    for code in [*catalogue.bucs, *[c for c in catalogue.seds if c != "P3000_XX"], *catalogue.documents, "E112"]:
        term = glossary.terms[code.casefold()]
        assert term.dnt and term.origin == f"eessi-catalogue:{catalogue.version}", code
    text = "Le BUC LA_BUC_01 s'ouvre avec le SED A001 ; U001CB, S053A, DA012C, P10000 et P3000_DK restent tels quels."
    found = [m.text for m in glossary.find(text)]
    assert found == ["LA_BUC_01", "A001", "U001CB", "S053A", "DA012C", "P10000", "P3000_DK"]
    repaired, missing = glossary.enforce("The BUC la buc 01 opens with SED a001; U001 CB ...", glossary.find(text))
    assert "A001" in repaired and "U001CB" in repaired  # re-cased / re-spaced codes are restored
    # what cannot be recognised is reported (the quality checks flag it), never silently lost
    assert {m.text for m in missing} == {"LA_BUC_01", "S053A", "DA012C", "P10000", "P3000_DK"}


@pytest.mark.unit
def test_no_catalogue_means_no_extra_terms(settings, tmp_path):
    missing = settings.model_copy(update={"eessi_catalogue_path": tmp_path / "none.md"})
    assert len(eessi_glossary(missing, "fr", "en")) == 0


@pytest.mark.integration
def test_translator_protects_codes(tsettings, catalogue_file):  # noqa: F811
    from translation.pipeline import Translator

    settings = tsettings.model_copy(update={"eessi_catalogue_path": catalogue_file})
    translator = Translator(settings)
    glossary = translator.glossary("fr", "en")
    assert glossary.terms["la_buc_01"].dnt and glossary.terms["s1"].note  # the starter entry (with its note) wins
    result = translator.translate_texts(["Le SED A001 ouvre le BUC LA_BUC_01 ; le S1 a remplacé le E106."], "en",
                                        source="fr")[0]
    # the test engine has random weights: what is checked is that every code is held as do-not-translate
    # and that a code the engine dropped is flagged, never silently lost
    terms = {m.text: m.term for s in result.segments for m in s.glossary_terms}
    assert {"A001", "LA_BUC_01", "S1", "E106"} <= set(terms) and all(t.dnt for t in terms.values())
    assert terms["LA_BUC_01"].origin.startswith("eessi-catalogue:")
    lost = [code for code in terms if code not in result.text]
    flagged = " ".join(f.message for f in result.flags if f.code == "glossary_not_applied")
    assert all(code in flagged for code in lost), (lost, flagged)
