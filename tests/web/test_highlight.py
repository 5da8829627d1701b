"""Finding a cited passage in an article despite reflowed whitespace, quotes and elisions."""
import pytest

from api.web.highlight import find_passages, segments

pytestmark = pytest.mark.unit

ARTICLE = ("Article 1\n\nEn tant que point de contact national pour la France au sens de l’article 6 de la\n"
           "directive 2011/24/UE susvisée, le Centre des liaisons européennes et internationales de sécurité\n"
           "sociale (CLEISS) fournit, sur demande des patients : 1° des informations ; 2° des coordonnées.")


def _marked(text, quote):
    return [text[a:b] for a, b in find_passages(text, quote)]


def test_exact_quote_across_line_breaks_and_apostrophes():
    found = _marked(ARTICLE, "au sens de l'article 6 de la directive 2011/24/UE susvisée")
    assert found == ["au sens de l’article 6 de la\ndirective 2011/24/UE susvisée"]


def test_elided_quote_marks_each_fragment():
    found = _marked(ARTICLE, "« En tant que point de contact national … le Centre des liaisons européennes »")
    assert found == ["En tant que point de contact national", "le Centre des liaisons européennes"]


def test_paraphrase_falls_back_to_the_closest_sentence_only_when_close_enough():
    found = _marked(ARTICLE, "le CLEISS fournit des informations aux patients sur demande")
    assert len(found) == 1 and "CLEISS" in found[0]
    assert _marked(ARTICLE, "allocations familiales versées en Belgique aux frontaliers") == []


def test_no_quote_and_short_quotes_mark_nothing():
    assert _marked(ARTICLE, None) == [] and _marked(ARTICLE, "   ") == [] and _marked(ARTICLE, "de la") == []


def test_segments_rebuild_the_text_exactly():
    pieces = segments(ARTICLE, "Centre des liaisons européennes")
    assert "".join(piece for piece, _ in pieces) == ARTICLE
    assert [piece for piece, marked in pieces if marked] == ["Centre des liaisons européennes"]
