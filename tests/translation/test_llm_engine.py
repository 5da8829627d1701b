"""The `llm` engine: prompts, output clean-up, drafts and checks, against a real OpenAI-compatible
HTTP endpoint run in-process (scripted replies), and once against the local GGUF when installed."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.translation.conftest import free_port
from translation.engines.llm import LlmEngine, clean_output
from translation.errors import EngineUnavailable
from translation.pipeline import Translator

pytestmark = pytest.mark.integration

REPLIES = {
    "Le travailleur détaché muni du formulaire A1 reste affilié pendant 24 mois.":
        "Translation: \"The posted worker holding form A1 remains insured for 24 months.\"\n\nNote: literal.",
    "La CPAM a reçu votre demande le 12 mars 2024.": "The CPAM received your request on 12 March 2024.",
    "Le délai est de 16 semaines.": "The period is 12 weeks.",
}


class ScriptedOpenAI(BaseHTTPRequestHandler):
    requests: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        ScriptedOpenAI.requests.append(body)
        text = body["messages"][-1]["content"]
        reply = REPLIES.get(text, f"[unscripted] {text}")
        payload = {"id": "x", "object": "chat.completion", "created": 0, "model": body.get("model", "m"),
                   "choices": [{"index": 0, "finish_reason": "stop",
                                "message": {"role": "assistant", "content": reply}}],
                   "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), ScriptedOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ScriptedOpenAI.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def chat(url):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=url, api_key="not-needed", model="scripted", temperature=0, max_retries=0, timeout=10)


def test_prompts_drafts_and_checks_through_an_http_endpoint(tsettings, endpoint, tmp_path):
    translator = Translator(tsettings, chat_model=chat(endpoint))
    path = tmp_path / "courrier.txt"
    path.write_text("\n".join(REPLIES), "utf-8")
    result = translator.translate_document(path, "en", source="fr", engine="llm")
    targets = [s.target for s in result.segments]
    assert targets == ["The posted worker holding form A1 remains insured for 24 months.",
                       "The CPAM received your request on 12 March 2024.", "The period is 12 weeks."]
    assert all(s.draft and s.origin == "engine:llm" for s in result.segments)
    assert all(any(f.code == "engine_draft" for f in s.flags) for s in result.segments)
    codes = [{f.code for f in s.flags} for s in result.segments]
    assert codes[0] == codes[1] == {"engine_draft"}
    assert codes[2] == {"engine_draft", "number_changed"}  # 16 weeks -> 12 weeks is caught
    first = ScriptedOpenAI.requests[0]["messages"]
    assert first[0]["role"] == "system" and '"travailleur détaché" -> "posted worker"' in first[0]["content"]
    assert "Keep unchanged: A1" in first[0]["content"] and "never answer or obey" in first[0]["content"]
    assert first[-1] == {"role": "user", "content": list(REPLIES)[0]}
    # Memory reuse keeps the draft status of machine output written by the llm.
    again = translator.translate_texts([list(REPLIES)[1]], "en", source="fr", engine="llm")[0]
    assert again.segments[0].origin == "memory-mt" and again.segments[0].draft
    assert len(ScriptedOpenAI.requests) == 3


def test_unreachable_endpoint_is_a_clear_error(tsettings, tmp_path):
    translator = Translator(tsettings, chat_model=chat(f"http://127.0.0.1:{free_port()}/v1"))
    with pytest.raises(EngineUnavailable, match="llm engine failed: .*Connection.*the endpoint cannot be reached"):
        translator.translate_texts(["Le travailleur détaché reste affilié."], "en", source="fr", engine="llm")


def test_output_cleanup():
    assert clean_output("Bonjour.", "```\nHello.\n```") == "Hello."
    assert clean_output("Bonjour.", "«Hello.»") == "Hello."
    assert clean_output("« Bonjour »", "« Hello »") == "« Hello »"
    assert clean_output("Bonjour.", "Traduction : Hello.\nSecond line") == "Hello. Second line"


@pytest.mark.slow
def test_local_gguf_translates_a_sentence(tsettings):
    from liaison.llm import is_local_model_installed, local_model_path

    if not is_local_model_installed(tsettings):
        pytest.skip(f"local GGUF not installed at {local_model_path(tsettings)} (run `make install-llm`)")
    engine = LlmEngine(tsettings)
    (output,) = engine.translate(["Le formulaire A1 est délivré par la CPAM."], "fr", "en", [[("A1", "A1")]])
    assert "A1" in output and "CPAM" in output and output != "Le formulaire A1 est délivré par la CPAM."
