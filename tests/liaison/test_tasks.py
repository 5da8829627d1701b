"""Task leases on SQLite and PostgreSQL, and the in-process queue: one claimant wins, an expired lease
is resumed once, failures retry with backoff then land in the dead-letter state."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from liaison.tasks import store
from liaison.tasks.execution import RetryLater, backoff_s, execute
from liaison.tasks.queue import InProcessQueue, enqueue
from liaison.tasks.registry import KINDS, TaskKind

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
CALLS: dict[str, list] = {"flaky": [], "dead": [], "slow": []}


def flaky(settings, db_url, payload, **context):
    CALLS["flaky"].append(time.monotonic())
    if len(CALLS["flaky"]) < payload["succeed_at"]:
        raise OSError("disk busy")
    return {"ok": True}


def always_fails(settings, db_url, payload, **context):
    raise ValueError("bad input in the payload")


def record_dead(settings, db_url, payload, error):
    CALLS["dead"].append(error)


def slow(settings, db_url, payload, **context):
    CALLS["slow"].append(payload["n"])
    time.sleep(payload.get("sleep", 0.2))
    Path(payload["out"]).with_name(f"{payload['n']}-{time.monotonic_ns()}").write_text("x")
    return {"n": payload["n"]}


@pytest.fixture
def test_kinds(monkeypatch):
    for name in CALLS:
        CALLS[name].clear()
    here = __name__
    monkeypatch.setitem(KINDS, "test.flaky", TaskKind(f"{here}:flaky"))
    monkeypatch.setitem(KINDS, "test.fails", TaskKind(f"{here}:always_fails", f"{here}:record_dead"))
    monkeypatch.setitem(KINDS, "test.slow", TaskKind(f"{here}:slow"))


@pytest.fixture
def tset(tmp_path, db_url):
    from liaison.settings import Settings

    return Settings(data_dir=tmp_path / "data", database_url=db_url, task_lease_s=2, task_max_attempts=3,
                    task_min_backoff_s=0.1, task_max_backoff_s=0.4)


def test_one_claimant_wins_a_race(db_url):
    store.record(db_url, "t:race", "test.slow", {})
    barrier = threading.Barrier(8)
    wins = []

    def claim(i):
        barrier.wait()
        wins.append(store.claim(db_url, "t:race", f"owner-{i}", 30))

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1


def test_expired_lease_is_resumed_once_and_the_old_owner_cannot_finish(db_url):
    store.record(db_url, "t:lease", "test.slow", {})
    assert store.claim(db_url, "t:lease", "dead-worker", 0.3)
    assert not store.claim(db_url, "t:lease", "other", 30)  # live lease: not claimable
    time.sleep(0.5)
    assert store.requeue_expired(db_url) == ["t:lease"]
    assert store.requeue_expired(db_url) == []  # handed back once
    assert store.claim(db_url, "t:lease", "new-worker", 30)
    assert not store.renew(db_url, "t:lease", "dead-worker", 30)
    assert not store.finish(db_url, "t:lease", "dead-worker", None)
    assert store.finish(db_url, "t:lease", "new-worker", {"n": 1})
    task = store.get(db_url, "t:lease")
    assert (task.status, task.attempts, task.completions) == ("done", 2, 1)
    assert store.record(db_url, "t:lease", "test.slow", {}) is False  # done stays done
    assert not store.claim(db_url, "t:lease", "late-duplicate", 30)


def test_failures_retry_with_backoff_then_dead_letter(tset, test_kinds, db_url):
    store.record(db_url, "t:fails", "test.fails", {})
    for attempt in (1, 2):
        with pytest.raises(RetryLater, match="bad input"):
            execute(tset, db_url, "t:fails")
        assert store.get(db_url, "t:fails").status == "retrying"
    assert execute(tset, db_url, "t:fails") == "dead"
    task = store.get(db_url, "t:fails")
    assert task.status == "dead" and task.attempts == 3 and "ValueError: bad input" in task.last_error
    assert CALLS["dead"] == ["ValueError: bad input in the payload"]
    assert [t.id for t in store.listing(db_url, status="dead")] == ["t:fails"]
    assert execute(tset, db_url, "t:fails") == "skipped"  # a late duplicate message
    assert store.record(db_url, "t:fails", "test.fails", {}) is True  # an explicit retry revives it
    assert store.get(db_url, "t:fails").status == "queued"
    assert [backoff_s(tset, n) for n in (1, 2, 3, 4)] == [0.1, 0.2, 0.4, 0.4]


def test_in_process_queue_retries_and_runs_each_task_once(tset, test_kinds, db_url, tmp_path):
    queue = InProcessQueue(tset, db_url)
    try:
        enqueue(queue, db_url, "test.flaky", "t:flaky", {"succeed_at": 3})
        for n in range(6):
            enqueue(queue, db_url, "test.slow", f"t:slow-{n}", {"n": n, "out": str(tmp_path / "o"), "sleep": 0.05})
            enqueue(queue, db_url, "test.slow", f"t:slow-{n}", {"n": n, "out": str(tmp_path / "o")})  # duplicate
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if all(store.get(db_url, t).status == "done" for t in ["t:flaky", *[f"t:slow-{n}" for n in range(6)]]):
                break
            time.sleep(0.1)
    finally:
        queue.close()
    flaky_task = store.get(db_url, "t:flaky")
    assert (flaky_task.status, flaky_task.attempts, flaky_task.completions) == ("done", 3, 1)
    gaps = [b - a for a, b in zip(CALLS["flaky"], CALLS["flaky"][1:])]
    assert gaps[0] >= 0.09 and gaps[1] >= 0.19  # exponential backoff between attempts
    assert sorted(CALLS["slow"]) == list(range(6))  # duplicates delivered, each run once
    assert all(store.get(db_url, f"t:slow-{n}").completions == 1 for n in range(6))


def test_in_process_sweeper_resumes_the_task_of_a_dead_process(tset, test_kinds, db_url, tmp_path):
    store.record(db_url, "t:orphan", "test.slow", {"n": 7, "out": str(tmp_path / "o")})
    assert store.claim(db_url, "t:orphan", "killed-process", 0.2)  # its owner died without finishing
    queue = InProcessQueue(tset, db_url)  # lease 2 s: the sweep runs every second
    try:
        deadline = time.monotonic() + 20
        while store.get(db_url, "t:orphan").status != "done" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        queue.close()
    task = store.get(db_url, "t:orphan")
    assert (task.status, task.attempts, task.completions) == ("done", 2, 1)
    assert CALLS["slow"] == [7]


def test_unknown_kind_and_status_are_refused(db_url, tset):
    queue = InProcessQueue(tset, db_url)
    try:
        with pytest.raises(ValueError, match="unknown task kind 'nope'; known:"):
            enqueue(queue, db_url, "nope", "t:x", {})
    finally:
        queue.close()
    with pytest.raises(ValueError, match="status must be one of"):
        store.listing(db_url, status="lost")
