"""The assistant answers SED/BUC/E-form questions from the catalogue, cited; other questions go on."""
from __future__ import annotations

import pytest

from eessi.assist import catalogue_draft, codes_to_answer


@pytest.mark.unit
@pytest.mark.parametrize("question,codes", [
    ("What replaced the E112 form?", ["E112"]),
    ("j'ai un vieux formulaire e 106", ["E106"]),
    ("Qu'est-ce que le SED A001 et qui y répond ?", ["A001"]),
    ("what is la_buc_04", ["LA_BUC_04"]),
    ("What is the S2 form for?", ["S2"]),
    ("Mon S1 est-il valable en Espagne ?", []),          # a legal question about a document: not the catalogue's
    ("Article R767-2 et règlement 883/2004", []),
    ("Je vis au 12 rue A001", ["A001"]),                  # upper-case SED code as written: taken
    ("mon code postal a001 ?", []),                        # lower case without the word SED: not taken
])
def test_which_questions_the_catalogue_answers(catalogue, question, codes):
    assert [f.code for f in codes_to_answer(catalogue, question)] == codes


@pytest.mark.unit
def test_answer_without_an_index_cites_the_rows(eessi_settings):
    draft = catalogue_draft("What replaced the E112 form?", "en", eessi_settings, kb=None)
    assert "replaced by the portable document S2" in draft.text and "[1]" in draft.text
    assert draft.cited[0].passage.ref == "S2" and draft.cited[0].passage.meta["url"].startswith("http")
    assert catalogue_draft("Combien de temps dure un détachement ?", "fr", eessi_settings) is None


@pytest.mark.integration
def test_assistant_service_answers_from_the_catalogue(small_catalogue_kb):
    from assistant.schemas import AskRequest
    from assistant.service import AssistantService

    settings, kb = small_catalogue_kb
    service = AssistantService(settings, kb=kb)
    result = service.ask(AskRequest(question="Qu'est-ce que le SED A001 et qui y répond ?"), log_question=False)
    answer = result.response
    assert not answer.abstained and answer.language == "fr"
    assert "Request for Exception" in answer.answer and "LA_BUC_01" in answer.answer
    assert "A002" in answer.answer and "A011" in answer.answer
    refs = [c.ref for c in answer.citations]
    assert refs[:2] == ["A001", "LA_BUC_01"] and {"A002", "A011"} <= set(refs)
    assert all(c.path == "facts/eessi-buc-sed-catalogue.md" for c in answer.citations)
    assert all(c.document_url.startswith("/documents/view?path=facts%2Feessi-buc-sed-catalogue.md") for c in answer.citations)
    e112 = service.ask(AskRequest(question="What replaced the E112 form?"), log_question=False).response
    assert "S2" in e112.answer and e112.citations[0].ref == "S2"
