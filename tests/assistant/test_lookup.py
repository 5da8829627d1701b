"""Whole units rebuilt from their chunks (headers repeated by later chunks and overlaps removed)."""
import pytest
from ingest.types import Hit

from assistant.lookup import unit_text

pytestmark = pytest.mark.unit

HEAD = "Code de la sécurité sociale > Livre VII\nArticle R767-2"
META = {"path": "css.json", "ref": "R767-2", "title": "Article R767-2", "hierarchy": "Code de la sécurité sociale > Livre VII"}


def test_unit_text_drops_repeated_headers_and_overlap():
    p1 = "Le centre exerce les missions suivantes. 1° Assurer la liaison avec les institutions étrangères."
    p2 = "2° Informer les particuliers et les entreprises. 3° Instruire les demandes de maintien."
    chunks = [Hit("a", f"{HEAD}\n{p1}", 1.0, META),
              Hit("b", f"{HEAD}\n1° Assurer la liaison avec les institutions étrangères.\n\n{p2}", 1.0, META)]
    text = unit_text(chunks)
    assert text == f"{HEAD}\n{p1}\n\n{p2}" or text == f"{HEAD}\n{p1} {p2}"
    assert text.count("Article R767-2") == 1 and text.count("1° Assurer") == 1


def test_unit_text_keeps_new_segment_headings():
    chunks = [Hit("a", f"{HEAD}\nSection A\nPremier texte assez long pour être un paragraphe.", 1.0, META),
              Hit("b", f"{HEAD}\nSection B\nSecond texte assez long pour être un paragraphe.", 1.0, META)]
    text = unit_text(chunks)
    assert "Section A" in text and "Section B" in text and text.count("Article R767-2") == 1
