"""Usage events: every translation (text request, file, job, CLI run) is one row. They feed the
per-key daily character quotas of the API and the desk's statistics (`translation.activity`)."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select, text, update

from liaison.db import session_scope
from translation.errors import QuotaExceeded
from translation.models import UsageEvent

_lock = threading.Lock()


def daily_limit(principal, settings) -> int | None:
    """Characters per day for this caller (None = unlimited)."""
    if principal is None or principal.is_anonymous:
        return settings.translation_anonymous_char_limit
    if principal.char_limit is not None:
        return principal.char_limit
    return settings.translation_default_char_limit


def _today() -> date:
    return datetime.now(UTC).date()


def _used(session, principal, client: str, day: date) -> int:
    query = select(func.coalesce(func.sum(UsageEvent.chars), 0)).where(UsageEvent.day == day,
                                                                       UsageEvent.channel != "cli")
    if principal is None or principal.is_anonymous:
        query = query.where(UsageEvent.account_id.is_(None), UsageEvent.client == client)
    else:
        query = query.where(UsageEvent.account_id == principal.id)
    return int(session.scalar(query) or 0)


def used_today(db_url: str, principal, client: str = "") -> int:
    with session_scope(db_url) as s:
        return _used(s, principal, client, _today())


def reserve(db_url: str, settings, principal, *, client: str, channel: str, source: str, target: str,
            chars: int) -> int:
    """Check the caller's daily quota and count `chars` against it before translating (atomically,
    so concurrent requests cannot both pass). Returns the event id (see `complete`, `refund`)."""
    limit = daily_limit(principal, settings)
    anonymous = principal is None or principal.is_anonymous
    with _lock, session_scope(db_url) as s:
        if db_url.startswith("postgresql"):
            # Serialise quota checks of the same caller across processes.
            key = f"translation-quota:{'ip:' + client if anonymous else principal.id}"
            s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})
        day = _today()
        used = _used(s, principal, client, day)
        if limit is not None and used + chars > limit:
            remaining = max(0, limit - used)
            raise QuotaExceeded(f"daily character limit reached: {used} of {limit} used today, this request needs "
                                f"{chars} (remaining {remaining}); try again tomorrow or ask for a higher limit")
        event = UsageEvent(at=datetime.now(UTC), day=day, account_id=None if anonymous else principal.id,
                           principal="anonymous" if anonymous else principal.username, client=client[:64],
                           channel=channel, source_lang=source[:8], target_lang=target[:8], documents=0,
                           segments=0, words=0, chars=chars)
        s.add(event)
        s.flush()
        return event.id


def complete(db_url: str, event_id: int, *, source: str | None = None, documents: int = 0, segments: int = 0,
             words: int = 0, chars: int | None = None) -> None:
    values = {"documents": documents, "segments": segments, "words": words}
    if source:
        values["source_lang"] = source[:8]
    if chars is not None:
        values["chars"] = chars
    with session_scope(db_url) as s:
        s.execute(update(UsageEvent).where(UsageEvent.id == event_id).values(**values))


def refund(db_url: str, event_id: int) -> None:
    with session_scope(db_url) as s:
        s.execute(delete(UsageEvent).where(UsageEvent.id == event_id))


def record(db_url: str, *, principal_name: str, channel: str, source: str, target: str, documents: int = 0,
           segments: int = 0, words: int = 0, chars: int = 0, account_id: int | None = None) -> None:
    with session_scope(db_url) as s:
        s.add(UsageEvent(at=datetime.now(UTC), day=_today(), account_id=account_id, principal=principal_name[:120],
                         client="", channel=channel, source_lang=source[:8], target_lang=target[:8],
                         documents=documents, segments=segments, words=words, chars=chars))
