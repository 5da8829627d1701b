import pytest

from ingest.parsers.structure import Block, StructureOptions, article_match, build_units, struct_match

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text", [
    "Article 12", "Article 1er", "Article premier", "ARTICLE 3", "Article 10 ter", "Artikel 5", "Article  2  ",
    "Article 3 - Champ d'application", "Article L761-2",
])
def test_article_headings(text):
    assert article_match(text)


@pytest.mark.parametrize("text", [
    "conformément à l'article 12",
    "Article 12 du règlement n° 883/2004 est applicable aux travailleurs détachés.",
    "article L761-2",
    "Voir l'article L761-2 et le règlement 883/2004.",
    "Article 12, paragraphe 2, du règlement",
    "Les articles 5 à 9 s'appliquent.",
])
def test_cross_references_are_not_headings(text):
    assert not article_match(text)


def test_structural_headings():
    assert struct_match("Titre VI : Assurés résidant à l'étranger")[:2] == (3, "Titre VI")
    assert struct_match("CHAPITRE 1er")[:2] == (4, "CHAPITRE 1er")
    assert struct_match("TWEEDE HOOFDSTUK")[0] == 4
    assert struct_match("Section 2 of the Act applies to posted workers") is None


def test_plain_text_accord_segments_by_article_and_keeps_cross_references_inside():
    blocks = [Block("Article Annexe", level=1), Block("TITRE Ier"), Block("DISPOSITIONS GÉNÉRALES"),
              Block("Article 1er"), Block("Champ d'application"),
              Block("Le présent accord s'applique conformément à l'article 12."),
              Block("Article 12 du règlement n° 883/2004 est applicable."),
              Block("Article 2"), Block("Les dispositions de l'article 1er s'appliquent.")]
    [unit] = build_units(blocks, StructureOptions(file_name="article-annexe.md"))
    assert unit.ref == "article-annexe.md" and unit.title == "Article Annexe"
    assert [s.locator for s in unit.segments] == ["Article 1er", "Article 2"]
    first = unit.segments[0]
    assert first.heading == "Article 1er – Champ d'application"
    assert first.path == ["TITRE Ier – DISPOSITIONS GÉNÉRALES"]
    assert "Article 12 du règlement n° 883/2004 est applicable." in first.paragraphs


def test_explicit_article_headings_make_one_unit_per_article():
    blocks = [Block("Convention générale", level=2), Block("Préambule des parties."),
              Block("TITRE Ier", level=3), Block("Principes généraux", level=4),
              Block("Article 1er", level=3), Block("Paragraphe 1er. Texte, voir article 2."),
              Block("Article 2", level=3), Block("Texte deux."),
              Block("Accord complémentaire à la Convention générale", level=4),
              Block("Article 1er", level=3), Block("Autre texte.")]
    units = build_units(blocks, StructureOptions(file_name="README.md"))
    assert [u.ref for u in units] == ["Convention générale", "Article 1er", "Article 2", "Article 1er"]
    assert units[1].hierarchy == ["Convention générale", "TITRE Ier – Principes généraux"]
    assert units[3].hierarchy == ["Convention générale", "Accord complémentaire à la Convention générale"]
    assert units[1].segments[0].paragraphs == ["Paragraphe 1er. Texte, voir article 2."]
