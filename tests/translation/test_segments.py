"""Sentence splitting, blocks <-> segments, formatting spans carried to the translation."""
import pytest

from translation.segments import Block, Run, Span, assemble_block, layout_block, split_sentences
from translation.spans import project_spans

pytestmark = pytest.mark.unit


def sentences(text, lang="fr"):
    return [text[a:b] for a, b in split_sentences(text, lang)]


def test_split_keeps_abbreviations_initials_and_legal_references():
    text = ("Selon l'art. L. 160-1 du code, M. Dupont reste affilié. Le formulaire A1 (cf. annexe n° 2) "
            "est délivré. Voir p. 12 et suiv. Merci !")
    assert sentences(text) == [
        "Selon l'art. L. 160-1 du code, M. Dupont reste affilié.",
        "Le formulaire A1 (cf. annexe n° 2) est délivré.",
        "Voir p. 12 et suiv. Merci !",
    ]
    assert sentences("Mr. Smith works for Acme Ltd. in London. He is posted.", "en") == [
        "Mr. Smith works for Acme Ltd. in London.", "He is posted."]
    assert sentences("Il a 24 ans. 2024 est une année.") == ["Il a 24 ans.", "2024 est une année."]


def test_newlines_are_hard_boundaries_and_long_sentences_are_cut():
    assert sentences("Madame,\nNous avons reçu") == ["Madame,", "Nous avons reçu"]
    long = "Le travailleur " + "reste affilié au régime, " * 20 + "fin."
    parts = sentences(long)
    assert len(parts) > 1 and all(len(p) <= 330 for p in parts)
    assert " ".join(parts).replace("  ", " ") == long


def test_layout_and_assemble_round_trip_with_spans():
    block = Block("b1", [Run("Le "), Run("travailleur détaché", "B"), Run(" reste affilié. Le formulaire "),
                         Run("A1", "I"), Run(" est délivré.  ")])
    layout = layout_block(block, "fr")
    assert [s.source for s in layout.segments] == ["Le travailleur détaché reste affilié.", "Le formulaire A1 est délivré."]
    assert layout.segments[1].spans == [Span(14, 16, "I")]
    # Untranslated segments come back unchanged, with their formatting.
    assert assemble_block(layout) == block.runs
    layout.segments[0].target = "The posted worker remains insured."
    layout.segments[0].target_spans = [Span(4, 17, "B")]
    runs = assemble_block(layout)
    assert "".join(r.text for r in runs) == "The posted worker remains insured. Le formulaire A1 est délivré.  "
    assert Run("posted worker", "B") in runs


def test_span_projection_uses_fragment_translation_then_verbatim_then_position():
    source = "Le travailleur détaché reste affilié à la CPAM."
    spans = [Span(3, 22, "B"), Span(42, 46, "I")]
    projection = project_spans(source, "The posted worker remains insured with the CPAM.", spans,
                               {0: "posted worker"})
    assert [(p.start, p.end, p.style) for p in projection.spans] == [(4, 17, "B"), (43, 47, "I")]
    assert not projection.approximate
    fallback = project_spans(source, "Der entsandte Arbeitnehmer bleibt bei der CPAM versichert.", spans, {})
    assert fallback.approximate and len(fallback.spans) == 2
    whole = project_spans("Attestation", "Certificate", [Span(0, 11, "B")])
    assert [(p.start, p.end) for p in whole.spans] == [(0, 11)]


@pytest.mark.parametrize("lang, text, expected", [
    ("de", "Ihr Schreiben vom 28. Februar 2024 liegt vor. Wir zahlen am 1. April.",
     ["Ihr Schreiben vom 28. Februar 2024 liegt vor.", "Wir zahlen am 1. April."]),
    ("de", "Die Leistung gem. Art. 16 VO (EG) Nr. 883/2004 ist fällig. Siehe Ziff. 3 des Bescheids.",
     ["Die Leistung gem. Art. 16 VO (EG) Nr. 883/2004 ist fällig.", "Siehe Ziff. 3 des Bescheids."]),
    ("de", "Gem. § 5 Abs. 1 S. 2 SGB V gilt das ab dem 3. Januar. Az. 12/24 bitte angeben.",
     ["Gem. § 5 Abs. 1 S. 2 SGB V gilt das ab dem 3. Januar.", "Az. 12/24 bitte angeben."]),
    ("de", "Zahlung am 15. März. Der Betrag ist fällig.", ["Zahlung am 15. März.", "Der Betrag ist fällig."]),
    ("fr", "Le 1er janv. 2024, Mme Durand a reçu le formulaire. Voir art. R. 767-2 du code.",
     ["Le 1er janv. 2024, Mme Durand a reçu le formulaire.", "Voir art. R. 767-2 du code."]),
    ("en", "See Art. 12 of Reg. No. 883/2004. It applies.", ["See Art. 12 of Reg. No. 883/2004.", "It applies."]),
    ("es", "Según el art. 16 del Reglamento, núm. 3. El Sr. García está desplazado.",
     ["Según el art. 16 del Reglamento, núm. 3.", "El Sr. García está desplazado."]),
    ("it", "Il sig. Rossi, v. art. 16 del Regolamento. Il modulo è pronto.",
     ["Il sig. Rossi, v. art. 16 del Regolamento.", "Il modulo è pronto."]),
    ("pt", "O Sr. Silva, cf. art. 16.º do Regulamento. O formulário está pronto.",
     ["O Sr. Silva, cf. art. 16.º do Regulamento.", "O formulário está pronto."]),
    ("nl", "Dhr. Jansen, zie art. 16 van de Verordening. Het formulier is klaar.",
     ["Dhr. Jansen, zie art. 16 van de Verordening.", "Het formulier is klaar."]),
    ("pl", "Pan dr Kowalski, zob. art. 16 ust. 1 rozporządzenia. Formularz jest gotowy.",
     ["Pan dr Kowalski, zob. art. 16 ust. 1 rozporządzenia.", "Formularz jest gotowy."]),
])
def test_srx_rules_keep_ordinals_dates_and_legal_abbreviations(lang, text, expected):
    assert sentences(text, lang) == expected


def test_segmentation_rules_are_srx_files_with_lists_per_language():
    from translation.segments import srx_languages
    assert {"de", "fr", "en", "es", "it", "pt", "nl", "pl"} <= srx_languages()
