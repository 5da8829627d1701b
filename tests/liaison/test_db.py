"""Group commit: many threads' inserts share commits, each caller returns once its rows are
committed, and a bad row fails only its own caller."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from assistant.models import QuestionLog
from liaison.db import group_write, session_scope

pytestmark = pytest.mark.integration


def _row(i: int, answer_id: str | None = None) -> QuestionLog:
    return QuestionLog(id=answer_id or f"answer-{i}", session_id=f"session-{i % 7}", turn=i, question=f"q{i}",
                       resolved_query=f"q{i}", answer="a", language="fr", engine="extractive", abstained=False,
                       handover_suggested=False, topic="other", evidence=0.5, citations="[]", latency_ms=1,
                       channel="test")


def test_concurrent_group_writes_are_all_committed_before_returning(db_url):
    def write(i: int) -> int:
        group_write(db_url, [_row(i)])
        with session_scope(db_url) as s:  # visible to a new session as soon as the call returns
            assert s.get(QuestionLog, f"answer-{i}") is not None
        return i

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert sorted(pool.map(write, range(200))) == list(range(200))
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(QuestionLog)) == 200


def test_a_bad_row_fails_only_its_caller(db_url):
    group_write(db_url, [_row(0, "taken")])

    def write(i: int):
        try:
            group_write(db_url, [_row(i, "taken" if i == 5 else None)])
            return None
        except Exception as exc:  # noqa: BLE001 - the duplicate key surfaces here
            return exc

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(write, range(1, 20)))
    failed = [i for i, exc in enumerate(outcomes, 1) if exc is not None]
    assert failed == [5]
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(QuestionLog)) == 19  # "taken" + 18 others


def test_concurrent_migrations_in_one_process_do_not_break_each_other(tmp_path):
    """The first requests of a fresh API worker arrive together; each may trigger the migration."""
    from liaison.db import migrate

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: migrate(url), range(8)))
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(QuestionLog)) == 0
