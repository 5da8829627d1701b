"""Activity of the translation desk for the statistics module and the annual report."""
from __future__ import annotations

import datetime

from sqlalchemy import func, select

from liaison.db import session_scope
from translation.models import UsageEvent


def activity_summary(db_url: str, start: datetime.date, end: datetime.date) -> dict:
    """Translations done between `start` and `end` (inclusive, UTC days), all channels (API text
    requests, files, jobs, CLI runs).

    Returns {"documents": int, "segments": int, "words": int, "pairs": {"fr-en": int, ...}} where
    `documents` counts translated files, `segments` the sentences translated (text requests included),
    `words` the source words, and `pairs` the source words per language pair "source-target".
    """
    if end < start:
        raise ValueError(f"end ({end}) is before start ({start})")
    with session_scope(db_url) as s:
        totals = s.execute(select(func.coalesce(func.sum(UsageEvent.documents), 0),
                                  func.coalesce(func.sum(UsageEvent.segments), 0),
                                  func.coalesce(func.sum(UsageEvent.words), 0))
                           .where(UsageEvent.day >= start, UsageEvent.day <= end)).one()
        rows = s.execute(select(UsageEvent.source_lang, UsageEvent.target_lang, func.sum(UsageEvent.words))
                         .where(UsageEvent.day >= start, UsageEvent.day <= end)
                         .group_by(UsageEvent.source_lang, UsageEvent.target_lang)).all()
    pairs = {f"{src}-{tgt}": int(words or 0) for src, tgt, words in rows if src != "auto"}
    return {"documents": int(totals[0]), "segments": int(totals[1]), "words": int(totals[2]),
            "pairs": dict(sorted(pairs.items()))}
