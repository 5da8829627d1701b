"""Answer feedback (useful / not useful + reason), linked to the logged answer."""
from __future__ import annotations

from assistant.ids import new_id
from assistant.models import Feedback, QuestionLog
from assistant.schemas import FeedbackCreate
from liaison.db import session_scope
from liaison.pii import mask_pii


class UnknownAnswer(LookupError):
    pass


def record_feedback(db_url: str, data: FeedbackCreate) -> str:
    """Store one feedback; returns its id. Unknown answer ids are refused (nothing to attach to)."""
    with session_scope(db_url) as s:
        if s.get(QuestionLog, data.answer_id) is None:
            raise UnknownAnswer(f"no answer with id {data.answer_id!r}")
        fid = new_id("feedback", data.answer_id)
        s.add(Feedback(id=fid, answer_id=data.answer_id, useful=data.useful, reason=data.reason,
                       comment=mask_pii(data.comment) if data.comment else None))
        return fid
