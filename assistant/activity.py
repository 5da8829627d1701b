"""Activity figures of the assistant for the statistics capability (annual report)."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from assistant.models import Feedback, Inquiry, QuestionLog
from liaison.db import migrate, session_scope


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return lo, hi


def activity_summary(db_url: str, start: dt.date, end: dt.date) -> dict:
    """Counts over [start, end] (both days included, UTC): questions, abstentions, handovers (inquiries
    created), feedback, and questions by language and by topic."""
    lo, hi = _bounds(start, end)
    migrate(db_url)
    with session_scope(db_url) as s:
        in_range = (QuestionLog.created_at >= lo) & (QuestionLog.created_at < hi)
        questions = s.scalar(select(func.count()).select_from(QuestionLog).where(in_range)) or 0
        abstentions = s.scalar(select(func.count()).select_from(QuestionLog).where(in_range, QuestionLog.abstained.is_(True))) or 0
        handovers = s.scalar(select(func.count()).select_from(Inquiry).where(Inquiry.created_at >= lo, Inquiry.created_at < hi)) or 0
        fb = Counter()
        for useful, n in s.execute(select(Feedback.useful, func.count()).where(Feedback.created_at >= lo, Feedback.created_at < hi)
                                   .group_by(Feedback.useful)):
            fb[bool(useful)] = n
        by_language = {lang: n for lang, n in s.execute(
            select(QuestionLog.language, func.count()).where(in_range).group_by(QuestionLog.language))}
        by_topic = {topic: n for topic, n in s.execute(
            select(QuestionLog.topic, func.count()).where(in_range).group_by(QuestionLog.topic))}
    return {
        "questions": int(questions), "abstentions": int(abstentions), "handovers": int(handovers),
        "feedback_useful": int(fb[True]), "feedback_not_useful": int(fb[False]),
        "by_language": dict(sorted(by_language.items())), "by_topic": dict(sorted(by_topic.items())),
    }
