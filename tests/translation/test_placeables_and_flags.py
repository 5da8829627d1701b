"""Placeables that survive number reformatting, no reuse of a date-only change with the old date,
false flags on legal references and times, and an explicit source language kept."""
import pytest

from translation.quality import check_segment
from translation.segments import Block, Run, layout_block

pytestmark = pytest.mark.integration


def test_placeable_survives_number_reformatting(db_url):
    from translation.memory import TranslationMemory

    memory = TranslationMemory(db_url)
    memory.confirm("de", "fr", "Der Betrag von EUR 1.234,56 wird überwiesen.", "Le montant de 1 234,56 EUR est viré.",
                   by="marie")
    match = memory.lookup_placeable("de", "fr", "Der Betrag von EUR 12.345,60 wird überwiesen.")
    assert match is not None and match.target == "Le montant de 12 345,60 EUR est viré."
    memory.confirm("fr", "en", "Le montant de 1 234,50 € est versé.", "The amount of €1,234.50 is paid.", by="marie")
    again = memory.lookup_placeable("fr", "en", "Le montant de 2 000,75 € est versé.")
    assert again is not None and again.target == "The amount of €2,000.75 is paid."


def test_a_date_only_change_is_not_reused_with_the_old_date(translator, tmp_path):
    translator.memory.confirm("fr", "en", "Votre demande du 12 mars 2024 a été reçue par nos services de Paris.",
                              "Your request of 12 March 2024 was received by our Paris office.", by="marie")
    path = tmp_path / "note.txt"
    path.write_text("Votre demande du 12 avril 2024 a été reçue par nos services de Paris.\n", "utf-8")
    result = translator.translate_document(path, "en", source="fr")
    (segment,) = result.segments
    assert segment.origin != "memory-fuzzy" and "12 March 2024" not in (segment.target or "")
    assert any(s.source.startswith("Votre demande du 12 mars") for s in segment.suggestions)


@pytest.mark.parametrize("source, target, source_lang", [
    ("Nach § 5 Abs. 1 SGB V sind Sie versichert.", "Selon l'article 5, paragraphe 1, du SGB V, vous êtes assuré.", "de"),
    ("Geöffnet von 8:00 bis 18:00 Uhr.", "Ouvert de 8 h à 18 h.", "de"),
    ("Sprechzeiten: 9.30 Uhr bis 12 Uhr.", "Heures d'ouverture : de 9 h 30 à 12 h.", "de"),
])
def test_no_false_flags_on_legal_references_and_times(source, target, source_lang):
    assert check_segment(source, target, source_lang, "fr") == []


def test_times_that_really_changed_are_flagged():
    flags = check_segment("Geöffnet von 8:00 bis 18:00 Uhr.", "Ouvert de 8 h à 17 h.", "de", "fr")
    assert {f.code for f in flags} == {"number_changed"}


def test_explicit_source_language_is_never_overridden(translator):
    text = "Senden Sie an: casa.nationala@cnas.ro, Str. Mihai Eminescu nr. 12, Bucuresti"
    layout = layout_block(Block("b1", [Run("Sehr geehrte Damen und Herren, wir haben Ihren Antrag erhalten.\n"
                                           + text)]), "de")
    translator.assign_languages(layout.segments, "de")
    assert [s.source_lang for s in layout.segments] == ["de", "de"]
