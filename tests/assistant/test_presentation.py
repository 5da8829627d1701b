"""How an answer reads: legal basis as people cite it, quotes in another language marked as quotes,
a next step (form, body, official link or handover) in the person's language, and the place a
follow-up brings in named first."""
import pytest

from assistant.answer import AnswerContext
from assistant.evidence import assess
from assistant.extractive import extractive_answer
from assistant.language import ANSWER_LANGUAGES, detect_language
from assistant.messages import MESSAGES
from assistant.next_step import LABEL, STEPS, next_step, place_lead, situation_of
from assistant.sources import describe
from liaison.settings import Settings
from tests.assistant.helpers import R761_1, passage

pytestmark = pytest.mark.unit

SHEET_TEXT = ("Le détachement permet à un salarié envoyé pour une mission limitée dans un autre État membre de rester "
              "affilié au régime français pendant 24 mois au plus.")


def _sheet(**meta):
    return passage(SHEET_TEXT, "posting-eu-from-france", path="fr/posting-eu-from-france.md",
                   instrument_type="fact_sheet", title="Travailler temporairement dans un autre État de l'UE",
                   references="Règlement (CE) n° 883/2004, articles 11 et 12|Code de la sécurité sociale, articles L761-1 et R761-2",
                   version_date=20261126, status="", **meta)


def test_fact_sheet_basis_names_the_instruments_never_the_sheet_id():
    label = describe(_sheet(), "fr")
    assert label.startswith("Règlement (CE) n° 883/2004, articles 11 et 12 ; Code de la sécurité sociale")
    assert "posting-eu-from-france" not in label and "vérifiée le 26/11/2026" in label
    assert "checked on 2026-11-26" in describe(_sheet(), "en")


def test_code_article_basis_keeps_code_and_article():
    assert describe(passage(R761_1, "R761-1"), "fr").startswith("Code de la sécurité sociale, art. R761-1")


def test_quote_in_another_language_is_marked_and_restated(tmp_path):
    q = "How long can a posted worker stay in the French system outside agreements?"
    ctx = AnswerContext(question=q, query=q, language=detect_language(q), passages=[passage(R761_1, "R761-1")],
                        evidence=assess(q, [passage(R761_1, "R761-1")]), settings=Settings(data_dir=tmp_path))
    text = extractive_answer(ctx).text
    assert "“Les travailleurs détachés" in text and "renouvelable une fois.”" in text
    assert "3 years" in text  # the figures restated in English


@pytest.mark.parametrize("question,situation", [
    ("Mon employeur m'envoie 18 mois en Allemagne, est-ce que je reste à la sécu française ?", "posting_eu"),
    ("Mon employeur m'envoie 2 ans en Australie en détachement, je garde la sécu ?", "posting_outside"),
    ("Mi empresa española me manda 4 meses a una obra en Francia, destacado", "posted_into_france"),
    ("Ma fille part étudier un an en Espagne, quels soins ?", "ehic"),
    ("Je veux me faire opérer en Belgique, c'est remboursé ?", "s2"),
    ("I'm a French pensioner moving to Spain. How do I get healthcare there?", "s1"),
    ("Je suis au chômage en France, puis-je chercher du travail en Espagne ?", "unemployment"),
    ("Je travaille au Luxembourg, ma famille vit en France : qui paie les allocations familiales ?", "family"),
    ("Je pars travailler au Brésil avec un contrat local d'expatrié", "cfe"),
    ("J'ai travaillé en France, en Espagne et en Italie : qui paie ma retraite ?", "pensions"),
    ("Je suis espagnol en vacances en France, j'ai besoin d'un médecin", "ehic_visitor"),
    ("Quels organismes de liaison pour Mayotte ?", "adviser"),
])
def test_situation_of_everyday_questions(question, situation):
    assert situation_of(question) == situation


def test_every_step_and_label_exists_in_every_answer_language():
    for lang in ANSWER_LANGUAGES:
        assert lang in LABEL and lang in MESSAGES
        assert {"intro", "basis", "abstain", "handover", "human", "checked"} <= set(MESSAGES[lang])
        for url, texts in STEPS.values():
            assert texts[lang].strip() and url.startswith("https://")
    step = next_step("Je veux me faire opérer en Belgique", "fr")
    assert step.text.startswith("Prochaine étape :") and "S2" in step.text and step.text.endswith("https://www.ameli.fr")
    assert next_step("Je veux me faire opérer en Belgique", "de").text.startswith("Nächster Schritt:")


def test_place_lead_names_the_place_and_its_regime():
    assert place_lead(["IT"], "fr").startswith("Italie : État où s'appliquent les règlements européens")
    assert "outside the European Union" in place_lead(["AU"], "en")
    assert "territoire français" in place_lead(["PF"], "fr")
    assert place_lead(["FR"], "fr") == ""


def test_a_short_followup_keeps_the_conversation_language(tmp_path):
    from assistant.language import LanguageGuess
    from assistant.schemas import AskRequest
    from assistant.service import AssistantService

    service = AssistantService(Settings(data_dir=tmp_path))
    req = AskRequest(question="et si c'est au Luxembourg ?",
                     history=[{"role": "user", "content": "J'habite en France et je travaille en Belgique, quelle sécu ?"}])
    weak = LanguageGuess("nl", 0.53, True)  # what the detector says of these five words
    assert service._followup_language(weak, [], req).code == "fr"
    strong = LanguageGuess("en", 0.95, True)  # a clear switch of language is followed
    assert service._followup_language(strong, [], req).code == "en"
