"""Direction of a move (France -> abroad / abroad -> France) in questions and text titles, and the
demotion of passages about the opposite move or about a French territory the question does not name."""
from __future__ import annotations

import pytest

from assistant.direction import IN, OUT, question_direction, text_direction
from assistant.retrieval import OTHER_DIRECTION, OTHER_PLACE, Passage, _demote_mismatches
from ingest.types import Hit

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("question, expected", [
    ("Je suis détaché en Allemagne pour 18 mois, est-ce que je reste affilié en France ?", OUT),
    ("Mon employeur français m'envoie 6 mois en Espagne, quelle sécurité sociale ?", OUT),
    ("Ma boite m'envoie 2 ans a Singapour", OUT),
    ("Je suis allemand et mon entreprise m'envoie travailler 1 an en France, je cotise où ?", IN),
    ("Mi empresa española me manda 4 meses a una obra en Francia.", IN),
    ("My company is sending me to work in France for a year", IN),
    ("Combien de temps dure un détachement ?", None),
    ("Quel organisme de liaison à Mayotte ?", None),
])
def test_question_direction(question, expected):
    assert question_direction(question) == expected


@pytest.mark.parametrize("title, expected", [
    ("Salarié détaché en France par une entreprise étrangère : sécurité sociale", IN),
    ("Salariés impatriés : l'exemption d'affiliation", IN),
    ("Travailler temporairement dans un autre État de l'UE : le détachement", OUT),
    ("Salarié détaché à l'étranger", OUT),
    ("Le certificat A1 : à quoi il sert", None),
    ("Entre la métropole et la Nouvelle-Calédonie : l'accord de coordination", None),
])
def test_text_direction(title, expected):
    assert text_direction(title) == expected


def _passage(ref: str, title: str, countries: str) -> Passage:
    hit = Hit(chunk_id=ref, text="...", score=1.0, metadata={"ref": ref, "title": title, "countries": countries})
    return Passage(hit=hit, rank=0, text="...", fused=1.0)


def test_mismatched_passages_are_demoted_not_removed():
    into = _passage("into", "Salarié détaché en France par une entreprise étrangère", "|FR|EU|")
    out = _passage("out", "Travailler temporairement dans un autre État de l'UE", "|FR|EU|")
    mayotte = _passage("yt", "Entre la métropole, les DOM et Mayotte", "|FR|YT|")
    several = _passage("all", "Travailleur indépendant", "|FR|EU|NC|PF|YT|")
    ireland = _passage("ie", "Working in Ireland", "|IE|EU|")
    passages = [into, out, mayotte, several, ireland]
    _demote_mismatches("Je suis détaché en Allemagne pour 18 mois, je reste affilié en France ?", passages)
    assert into.fused < 1.0 and OTHER_DIRECTION in into.routes
    assert mayotte.fused < 1.0 and OTHER_PLACE in mayotte.routes
    assert out.fused == several.fused == ireland.fused == 1.0  # EU-wide texts fit Germany; country tags of
    assert into.fused > 0.5                                    # other texts are mentions, left alone

    for p in passages:
        p.fused, p.routes = 1.0, []
    _demote_mismatches("Quel organisme de liaison à Mayotte ?", passages)
    assert mayotte.fused == several.fused == 1.0
    _demote_mismatches("Combien de temps dure un détachement ?", passages)  # no place, no direction
    assert all(p.fused == 1.0 for p in passages)
