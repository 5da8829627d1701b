"""/v1/ask (JSON and SSE), feedback, inquiries and bad input, over real HTTP."""
import json

import httpx
import pytest

pytestmark = pytest.mark.integration

ASK_KEYS = {"answer_id", "session_id", "answer", "abstained", "language", "citations", "handover_suggested", "notice"}
CITATION_KEYS = {"n", "path", "ref", "title", "quote", "url", "document_url"}


def sse_events(text: str) -> list[tuple[str, object]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_ask_json_shape_and_followup(agent):
    r = agent.post("/v1/ask", json={"question": "Quel est l'organisme de liaison à Mayotte ?"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert ASK_KEYS <= set(body) and body["abstained"] is False and body["language"] == "fr"
    assert body["citations"] and CITATION_KEYS <= set(body["citations"][0])
    follow = agent.post("/v1/ask", json={"question": "et pour la Polynésie ?", "session_id": body["session_id"]}).json()
    assert follow["session_id"] == body["session_id"]
    assert any(c["ref"] == "article-39.md" for c in follow["citations"])


def test_ask_streams_server_sent_events(agent):
    for kwargs in ({"json": {"question": "Quel est l'organisme de liaison à Mayotte ?", "stream": True}},
                   {"json": {"question": "Quel est l'organisme de liaison à Mayotte ?"},
                    "headers": {"Accept": "text/event-stream"}}):
        r = agent.post("/v1/ask", **kwargs)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r.text)
        names = [e for e, _ in events]
        assert names.count("delta") >= 2 and names[-2:] == ["citations", "done"]
        done = events[-1][1]
        assert ASK_KEYS <= set(done)
        assert "".join(d["text"] for e, d in events if e == "delta").startswith(done["answer"])
        assert events[-2][1] == done["citations"]


@pytest.mark.parametrize("payload,fragment", [
    ({"question": ""}, "question"),
    ({"question": "x" * 20_000}, "at most 4000"),
    ({"question": "\x00\x01\x02binary\xff"}, "binary"),
    ({"question": "bonjour", "language": "klingon"}, "unknown language"),
    ({"question": "bonjour", "filters": {"colour": "blue"}}, "country"),
    ({"question": "bonjour", "engine": "gpt-9"}, "engine"),
    ({"question": "bonjour", "as_of": "31/12/2020"}, "as_of"),
])
def test_bad_input_is_a_clear_4xx(agent, payload, fragment):
    r = agent.post("/v1/ask", json=payload)
    assert r.status_code == 422, r.text
    assert fragment in r.text


def test_malformed_json_and_wrong_types(agent):
    r = agent.post("/v1/ask", content=b'{"question": "abc"', headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.text
    r = agent.post("/v1/ask", content=b"\x89PNG\r\n\x1a\n\x00\x00", headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422) and r.json()["detail"]
    assert agent.post("/v1/ask", json=["question"]).status_code == 422


def test_unknown_language_question_is_answered_in_french_and_english(agent):
    r = agent.post("/v1/ask", json={"question": "马约特的联络机构是哪个？ Mayotte organisme de liaison"}).json()
    assert r["language"] == "zh"
    assert "D'après les textes disponibles" in r["answer"] and "According to the available texts" in r["answer"]
    assert "français et en anglais" in (r["notice"] or "")


def test_feedback(agent):
    answer = agent.post("/v1/ask", json={"question": "Quel est l'organisme de liaison à Mayotte ?"}).json()
    r = agent.post("/v1/feedback", json={"answer_id": answer["answer_id"], "useful": False, "reason": "too_long"})
    assert r.status_code == 201 and r.json()["id"]
    assert agent.post("/v1/feedback", json={"answer_id": "nope", "useful": True}).status_code == 404
    assert agent.post("/v1/feedback", json={"answer_id": answer["answer_id"], "useful": True,
                                            "reason": "boring"}).status_code == 422


def test_handover_and_officer_routes(api_server, anon):
    from liaison import audit

    answer = anon.post("/v1/ask", json={"question": "Organisme de liaison à Wallis-et-Futuna ?"}).json()
    assert answer["abstained"] and answer["handover_suggested"]
    r = anon.post("/v1/inquiries", json={"session_id": answer["session_id"], "email": "paul@example.org",
                                         "name": "Paul Durand", "message": "Pouvez-vous m'aider ?"})
    assert r.status_code == 201, r.text
    created = r.json()
    assert set(created) == {"reference", "id", "status"} and created["status"] == "open"
    assert created["reference"].startswith("INQ-")
    ref = created["reference"]

    assert anon.get("/v1/inquiries").status_code == 401
    officer = {"Authorization": f"Bearer {api_server.tokens['officer']}"}
    agent = {"Authorization": f"Bearer {api_server.tokens['agent']}"}
    listed = anon.get("/v1/inquiries", params={"status": "open"}, headers=officer).json()
    assert ref in [i["reference"] for i in listed]
    masked = anon.get(f"/v1/inquiries/{ref}", headers=officer).json()
    assert masked["email"] == "p***@example.org" and masked["transcript"][0]["role"] == "user"
    assert anon.get(f"/v1/inquiries/{ref}", params={"reveal": "true"}, headers=agent).status_code == 403
    revealed = anon.get(f"/v1/inquiries/{ref}", params={"reveal": "true"}, headers=officer).json()
    assert revealed["email"] == "paul@example.org"
    assert [e.action for e in audit.entries(api_server.db_url, object_id=ref, actor="officer-api")] == [
        "inquiry.read_personal"]
    assert anon.post(f"/v1/inquiries/{ref}/answer", json={"message": "Voici"}, headers=agent).status_code == 403
    assert anon.post(f"/v1/inquiries/{ref}/answer", json={"message": "Voici"}, headers=officer).json()["status"] == "answered"
    assert anon.post(f"/v1/inquiries/{ref}/close", json={"reason": "fait"}, headers=officer).json()["status"] == "closed"
    assert anon.post(f"/v1/inquiries/{ref}/close", json={"reason": "fait"}, headers=officer).status_code == 409
    assert anon.get("/v1/inquiries/INQ-1999-000009", headers=officer).status_code == 404
    assert anon.post("/v1/inquiries", json={"email": "bad"}).status_code == 422


def test_invalid_token_is_refused(anon):
    r = anon.post("/v1/ask", json={"question": "bonjour"}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_zz_anonymous_callers_are_rate_limited(api_server):
    # Runs last in this module: it exhausts the anonymous quota of 127.0.0.1.
    from tests.api.conftest import ANON_LIMIT

    statuses = []
    with httpx.Client(base_url=api_server.base, timeout=30) as client:
        for _ in range(ANON_LIMIT + 5):
            statuses.append(client.post("/v1/feedback", json={"answer_id": "x", "useful": True}).status_code)
            if statuses[-1] == 429:
                break
    assert statuses[-1] == 429 and 500 not in statuses


def test_a_chosen_or_guessed_session_id_never_reads_another_conversation(api_server, agent):
    """Issue 16, item 6: conversation ids are issued (and signed) by the server; any other id starts a new
    conversation under a fresh id and attaches no transcript to an inquiry."""
    from sqlalchemy import func, select

    from assistant.models import QuestionLog
    from liaison.db import session_scope

    victim = agent.post("/v1/ask", json={"question": "Quel est l'organisme de liaison à Mayotte ?"}).json()["session_id"]
    nonce = victim.split(".")[0]
    for forged in ("3f1c2b7a9d", nonce, nonce + "." + "0" * 24, victim + "x"):
        # (an authenticated caller, so the anonymous rate limit of earlier tests does not interfere)
        answer = agent.post("/v1/ask", json={"question": "et pour la Polynésie ?", "session_id": forged})
        assert answer.status_code == 200, answer.text
        assert answer.json()["session_id"] not in (forged, victim)
        created = agent.post("/v1/inquiries", json={"session_id": forged, "message": "aidez-moi"}).json()
        officer = {"Authorization": f"Bearer {api_server.tokens['officer']}"}
        inquiry = agent.get(f"/v1/inquiries/{created['reference']}", headers=officer).json()
        assert inquiry["transcript"] == [] and inquiry["session_id"] is None
    with session_scope(api_server.db_url) as s:
        assert s.scalar(select(func.count()).select_from(QuestionLog).where(QuestionLog.session_id == victim)) == 1
