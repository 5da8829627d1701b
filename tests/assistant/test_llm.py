"""The shared LLM client layer and the local model installer; one real generation when installed."""
import re

import pytest

from liaison import llm_model
from liaison.llm import LLMUnavailable, get_chat_model, is_local_model_installed
from liaison.settings import Settings


@pytest.mark.unit
def test_missing_or_bad_model_gives_a_clear_error(tmp_path):
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"NOTGGUF" * 10)
    settings = Settings(data_dir=tmp_path, llm_gguf_path=bad)
    assert not is_local_model_installed(settings)
    with pytest.raises(LLMUnavailable, match="make install-llm"):
        get_chat_model(settings)
    assert "bytes, expected" in llm_model.verify(bad)
    assert "does not exist" in llm_model.verify(tmp_path / "none.gguf")


@pytest.mark.unit
def test_endpoint_configuration_builds_an_openai_client(tmp_path, monkeypatch):
    monkeypatch.setenv("LIAISON_LLM_API_KEY", "sk-test")
    settings = Settings(data_dir=tmp_path, llm_url="http://127.0.0.1:9/v1", llm_model="my-model")
    model = get_chat_model(settings)
    assert type(model).__name__ == "ChatOpenAI" and model.model_name == "my-model"
    assert model.openai_api_key.get_secret_value() == "sk-test"


@pytest.mark.integration
@pytest.mark.slow
def test_local_model_answer_is_verified_or_falls_back(tmp_path):
    if not is_local_model_installed():
        pytest.skip("local model not installed (make install-llm)")
    from assistant.answer import AnswerContext
    from assistant.evidence import assess
    from assistant.language import detect_language
    from assistant.llm_engine import llm_answer
    from tests.assistant.helpers import L761_2, R761_1, passage

    q = "Pendant combien de temps au maximum un salarié détaché hors convention reste-t-il au régime français ?"
    ps = [passage(R761_1, "R761-1"), passage(L761_2, "L761-2", 1)]
    ctx = AnswerContext(question=q, query=q, language=detect_language(q), passages=ps, evidence=assess(q, ps),
                        settings=Settings(data_dir=tmp_path, llm_max_tokens=120))
    draft = llm_answer(ctx)
    assert draft.info["ttft_s"] > 0 and draft.info["generated_tokens"] > 0 and draft.info["tokens_per_s"] > 0
    body = draft.text.rsplit("\n", 1)[0]
    sources = " ".join(p.text for p in ps)
    for number in re.findall(r"\d+", re.sub(r"\[\d+\]|L\.? ?\d{3}-\d|R\.? ?\d{3}-\d", "", body)):
        assert number in sources, (number, draft.text)
    assert draft.cited and all(f"[{c.n}]" in draft.text for c in draft.cited)
