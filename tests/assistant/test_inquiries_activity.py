"""Inquiries (handover) and activity figures on SQLite and PostgreSQL."""
import datetime as dt
import json

import pytest

from assistant.activity import activity_summary
from assistant.feedback import UnknownAnswer, record_feedback
from assistant.inquiries import (InquiryNotFound, InquiryStateError, answer_inquiry, close_inquiry, create_inquiry,
                                 get_inquiry, list_inquiries)
from assistant.models import QuestionLog
from assistant.schemas import FeedbackCreate
from liaison import audit
from liaison.accounts import create_account
from liaison.db import session_scope

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def test_inquiry_lifecycle_masking_and_audit(db_url):
    officer, _ = create_account(db_url, "officer-1", "officer")
    created = create_inquiry(db_url, name="Marie Martin", email="marie.martin@example.org", phone="+33 6 12 34 56 78",
                             message="Mon NIR est 1 85 05 78 006 084 36, appelez-moi au 06 12 34 56 78",
                             transcript=[{"role": "user", "content": "écrivez à marie.martin@example.org"}],
                             language="fr")
    year = dt.datetime.now(dt.UTC).year
    assert created.reference == f"INQ-{year}-{created.id:06d}" and created.status == "open"
    masked = get_inquiry(db_url, created.reference)
    assert masked.email == "m***@example.org" and masked.name == "M. M." and masked.phone == "*** 78"
    assert "[nir]" in masked.message and "06 12" not in masked.message
    assert json.dumps(masked.transcript).count("[email]") == 1
    assert [i.reference for i in list_inquiries(db_url, "open")] == [created.reference]

    with pytest.raises(PermissionError):
        get_inquiry(db_url, created.reference, reveal=True)
    revealed = get_inquiry(db_url, created.reference, reveal=True, actor=officer, source_ip="10.0.0.1")
    assert revealed.email == "marie.martin@example.org" and "85 05 78" in revealed.message
    reads = audit.entries(db_url, object_type="inquiry", object_id=created.reference, actor="officer-1")
    assert [e.action for e in reads] == ["inquiry.read_personal"]

    answered = answer_inquiry(db_url, created.reference, "Bonjour, voici la réponse.", officer)
    assert answered.status == "answered" and answered.replies[0]["by"] == "officer-1"
    closed = close_inquiry(db_url, created.reference, "réponse envoyée", officer)
    assert closed.status == "closed"
    with pytest.raises(InquiryStateError):
        answer_inquiry(db_url, created.reference, "encore", officer)
    with pytest.raises(InquiryNotFound):
        get_inquiry(db_url, "INQ-1999-000001")
    with pytest.raises(ValueError, match="allowed: open, answered, closed"):
        list_inquiries(db_url, "pending")


def test_inquiry_needs_something_to_hand_over(db_url):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="at least a message"):
        create_inquiry(db_url, email="a@example.org")
    with pytest.raises(ValidationError, match="valid e-mail"):
        create_inquiry(db_url, message="x", email="not-an-email")


def test_inquiry_from_session_takes_the_masked_transcript(db_url, settings):
    from assistant.ids import new_session_id, session_secret

    issued = new_session_id(session_secret(settings))  # only ids the server issued attach a conversation
    with session_scope(db_url) as s:
        s.add(QuestionLog(id="a1", session_id=issued, turn=0, question="mon mail est [email]", resolved_query="q",
                          answer="réponse", language="fr"))
        s.add(QuestionLog(id="a2", session_id="sess-1", turn=0, question="victim", resolved_query="q",
                          answer="réponse", language="fr"))
    created = create_inquiry(db_url, session_id=issued, email="x@example.org", settings=settings)
    assert get_inquiry(db_url, created.reference, settings=settings).transcript == [
        {"role": "user", "content": "mon mail est [email]"}, {"role": "assistant", "content": "réponse"}]
    # A chosen or guessed id (here one stored by an older version) attaches nothing.
    guessed = create_inquiry(db_url, session_id="sess-1", email="x@example.org", settings=settings)
    public = get_inquiry(db_url, guessed.reference, settings=settings)
    assert public.transcript == [] and public.session_id is None


def test_activity_summary_counts(db_url):
    now = dt.datetime.now(dt.UTC)
    with session_scope(db_url) as s:
        s.add_all([
            QuestionLog(id="q1", session_id="s", turn=0, question="a", resolved_query="a", answer="x", language="fr",
                        topic="posting", created_at=now),
            QuestionLog(id="q2", session_id="s", turn=1, question="b", resolved_query="b", answer="x", language="en",
                        topic="posting", abstained=True, created_at=now),
            QuestionLog(id="q3", session_id="s", turn=2, question="c", resolved_query="c", answer="x", language="fr",
                        topic="other", created_at=now - dt.timedelta(days=400)),
        ])
    record_feedback(db_url, FeedbackCreate(answer_id="q1", useful=True))
    record_feedback(db_url, FeedbackCreate(answer_id="q2", useful=False, reason="no_source", comment="tel 0612345678"))
    with pytest.raises(UnknownAnswer):
        record_feedback(db_url, FeedbackCreate(answer_id="nope", useful=True))
    create_inquiry(db_url, message="help")
    today = now.date()
    assert activity_summary(db_url, today - dt.timedelta(days=1), today) == {
        "questions": 2, "abstentions": 1, "handovers": 1, "feedback_useful": 1, "feedback_not_useful": 1,
        "by_language": {"en": 1, "fr": 1}, "by_topic": {"posting": 2}}
    with pytest.raises(ValueError):
        activity_summary(db_url, today, today - dt.timedelta(days=1))
