import pytest

from assistant.followup import is_followup, resolve, resolve_history
from assistant.language import detect_language
from assistant.places import places_in, remove_places

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text,code", [
    ("et pour la Polynésie ?", "fr"), ("c quoi le cleiss", "fr"), ("Can I use my EHIC for planned care?", "en"),
    ("Mi empresa española me manda 4 meses a una obra en Francia", "es"),
    ("Sou português e a minha empresa vai destacar-me para França", "pt"),
    ("Wie lange kann ich entsandt werden?", "de"), ("Quanto dura il distacco?", "it"), ("这是什么问题", "zh"),
])
def test_language_detection(text, code):
    assert detect_language(text).code == code


def test_hint_decides_when_text_is_inconclusive():
    guess = detect_language("A1 ?", hint="en")
    assert guess.code == "en" and not guess.detected


def test_places_and_removal():
    assert places_in("Mon mari travaille en Nouvelle-Calédonie, moi en métropole") == ["NC", "FR"]
    assert remove_places("Durée de détachement en Nouvelle-Calédonie ?") == "Durée de détachement ?"


def test_followup_swaps_the_place():
    r = resolve("et pour la Polynésie ?", ["Quelle est la durée maximale de détachement en Nouvelle-Calédonie ?"])
    assert r.followup
    assert "Polynésie" in r.query and "Calédonie" not in r.query and "détachement" in r.query


def test_followup_chain_from_client_history():
    r = resolve_history("et pour Mayotte ?", ["Qui est l'organisme de liaison en Polynésie ?", "et pour la Nouvelle-Calédonie ?"])
    assert "Mayotte" in r.query and "organisme de liaison" in r.query and "Calédonie" not in r.query


def test_new_question_is_not_a_followup():
    assert not is_followup("Comment renouveler mon passeport ?")
    assert resolve("Quelle pénalité si le formulaire A1 manque ?", ["la CEAM dure combien ?"]).followup is False
