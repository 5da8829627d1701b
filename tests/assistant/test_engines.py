"""Extractive engine, evidence checks and LLM output verification on fixed passages."""
import re

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.answer import AnswerContext
from assistant.evidence import assess, missing_anchors
from assistant.extractive import extractive_answer
from assistant.language import detect_language
from assistant.llm_engine import VerificationError, llm_answer, verify
from liaison.settings import Settings
from tests.assistant.helpers import L761_2, R761_1, passage

pytestmark = pytest.mark.unit


def _ctx(question, passages, tmp_path):
    return AnswerContext(question=question, query=question, language=detect_language(question), passages=passages,
                         evidence=assess(question, passages), settings=Settings(data_dir=tmp_path))


def test_extractive_answer_cites_every_sentence_and_gives_the_legal_basis(tmp_path):
    q = "Combien de temps maximum un salarié détaché hors convention reste-t-il au régime français ?"
    ctx = _ctx(q, [passage(R761_1, "R761-1"), passage(L761_2, "L761-2", rank=1)], tmp_path)
    draft = extractive_answer(ctx)
    lines = [ln for ln in draft.text.split("\n") if ln.strip()]
    body = lines[1:-1]
    assert body and all(re.search(r"\[\d\]$", ln) for ln in body)
    assert "trois ans, renouvelable une fois" in draft.text
    assert lines[-1].startswith("Base juridique") and "art. R761-1" in lines[-1] and "21/12/1985" in lines[-1]
    for cited in draft.cited:  # quotes are verbatim source sentences
        assert all(q in cited.passage.text for q in cited.quotes)


def test_english_question_gets_english_frame_and_source_language_notice(tmp_path):
    q = "How long can a posted worker stay in the French system outside agreements?"
    draft = extractive_answer(_ctx(q, [passage(R761_1, "R761-1")], tmp_path))
    assert draft.text.startswith("According to the available texts")
    assert any("quotations are given in the language of the source" in n for n in draft.notices)


def test_unsupported_language_gets_french_and_english(tmp_path):
    q = "Wie lange kann ein entsandter Arbeitnehmer im französischen System bleiben?"
    ctx = _ctx(q, [passage(R761_1, "R761-1")], tmp_path)
    draft = extractive_answer(ctx)
    assert draft.text.startswith("Nach den verfügbaren Texten")  # German frame exists
    ctx.language = detect_language("这是什么问题")
    draft = extractive_answer(ctx)
    assert "D'après les textes disponibles" in draft.text and "According to the available texts" in draft.text
    assert any("français et en anglais" in n for n in draft.notices)


def test_anchors_article_of_absent_instrument():
    q = "Que prévoit l'article 13 du règlement (CE) n° 883/2004 pour un salarié exerçant dans deux États ?"
    assert ("article", "13:883/2004") in missing_anchors(q, [passage(L761_2, "L761-2")])


def test_anchors_territory_and_agreement():
    ps = [passage(L761_2, "L761-2")]
    assert ("territory", "WF") in missing_anchors("Durée de détachement entre la métropole et Wallis-et-Futuna ?", ps)
    assert ("agreement", "JP") in missing_anchors("Que prévoit la convention France-Japon sur le détachement ?", ps)
    assert missing_anchors("Y a-t-il une convention avec le Japon ?", ps) == []
    nc = passage("Accord de coordination ... Nouvelle-Calédonie", "article-annexe.md", instrument_type="territorial_agreement",
                 countries="|FR|NC|", title="Accord métropole Nouvelle-Calédonie")
    assert missing_anchors("Accord métropole–Nouvelle-Calédonie : quel plafond pour les prothèses ?", [nc]) == []


def test_anchors_year_and_code_article():
    ps = [passage(R761_1, "R761-1")]
    assert ("year", "2031") in missing_anchors("Quel est le plafond en 2031 ?", ps)
    assert missing_anchors("Que dit l'article R761-1 ?", ps) == []
    assert ("code_article", "l999-9") in missing_anchors("Que dit l'article L999-9 ?", ps)


def test_coverage_is_low_for_off_topic_questions():
    ps = [passage(R761_1, "R761-1"), passage(L761_2, "L761-2", 1)]
    on = assess("durée maximale du détachement d'un travailleur à l'étranger", ps).score
    off = assess("Comment contester une amende de stationnement ?", ps).score
    assert on > 0.6 > off


def test_verify_accepts_grounded_answer_and_rejects_invented_numbers_and_citations(tmp_path):
    ctx = _ctx("durée maximale du détachement ?", [passage(R761_1, "R761-1"), passage(L761_2, "L761-2", 1)], tmp_path)
    pairs = verify("La durée maximale est de trois ans, renouvelable une fois [1]. L'employeur paie les cotisations [2].", ctx)
    assert [p for p, _ in pairs] == [0, 1]
    with pytest.raises(VerificationError, match="number"):
        verify("La durée maximale est de 5 ans [1].", ctx)
    with pytest.raises(VerificationError, match="points to no passage"):
        verify("La durée maximale est de trois ans [7].", ctx)
    with pytest.raises(VerificationError, match="no citation"):
        verify("La durée maximale est de trois ans.", ctx)
    with pytest.raises(VerificationError):
        verify("NON_TROUVE", ctx)


def test_llm_engine_falls_back_to_extractive_when_output_fails_verification(tmp_path):
    ctx = _ctx("durée maximale du détachement ?", [passage(R761_1, "R761-1")], tmp_path)
    bad = FakeListChatModel(responses=["La durée maximale est de 24 mois [1]."])
    draft = llm_answer(ctx, chat_model=bad)
    assert draft.engine == "extractive" and "24" in draft.info["fallback"]
    good = FakeListChatModel(responses=["Le maintien dure au plus trois ans, renouvelable une fois [1]."])
    draft = llm_answer(ctx, chat_model=good)
    assert draft.engine == "llm" and draft.text.startswith("Le maintien dure au plus trois ans")
    assert draft.cited[0].quotes[0].startswith("Les travailleurs détachés temporairement")
