"""Task workers as separate processes over a real broker (Redis, RabbitMQ) and PostgreSQL: translation
jobs and ingestion runs complete exactly once while workers are killed (SIGKILL) in the middle of them."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from liaison.db import migrate
from liaison.tasks import store
from tests.translation.conftest import argos_dir, argos_packages, tsettings  # noqa: F401  (fixtures reused)
from translation.jobs import FINAL, JobRunner, UploadedFile, create_job, job_public

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
BROKERS = {"redis": "redis://127.0.0.1:6379/0", "rabbitmq": "amqp://guest:guest@127.0.0.1:5672/%2F"}
SENTENCES = ("Le salarié détaché reste affilié au régime français pendant la durée du détachement. "
             "L'employeur demande le certificat avant le départ. ")


def _env(settings, broker_url: str, queue: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "LIAISON_DATA_DIR": str(settings.data_dir),
            "LIAISON_DATABASE_URL": settings.database_url, "LIAISON_BROKER_URL": broker_url,
            "LIAISON_TASK_QUEUE": queue, "LIAISON_TASK_LEASE_S": str(settings.task_lease_s),
            "LIAISON_TASK_MIN_BACKOFF_S": "0.5", "LIAISON_TRANSLATION_ARGOS_DIR": str(settings.translation_argos_dir),
            "LIAISON_TRANSLATION_LLM_FALLBACK": "false", "LIAISON_TRANSLATION_BATCH_SIZE": "8",
            "LIAISON_TRANSLATION_BEAM_SIZE": "1"}


class Workers:
    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir, self.procs = env, log_dir, []

    def start(self) -> subprocess.Popen:
        log = (self.log_dir / f"worker-{len(self.procs)}.log").open("w")
        proc = subprocess.Popen([sys.executable, "-m", "liaison.cli", "worker", "--threads", "2"], cwd=REPO,
                                env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def alive(self) -> list[subprocess.Popen]:
        return [p for p in self.procs if p.poll() is None]

    def stop(self) -> None:
        for p in self.alive():
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()

    def logs(self) -> str:
        return "\n".join(f.read_text()[-2000:] for f in sorted(self.log_dir.glob("worker-*.log")))


@pytest.fixture
def broker_settings(request, tsettings, pg_url, tmp_path):
    from liaison.settings import Settings

    queue = f"liaison-test-{uuid.uuid4().hex[:8]}"
    settings = Settings(**{**tsettings.model_dump(), "database_url": pg_url, "broker_url": BROKERS[request.param],
                           "task_queue": queue, "task_lease_s": 8.0})
    migrate(pg_url)
    yield settings
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(BROKERS["redis"])
        for key in client.scan_iter(f"{queue}*"):
            client.delete(key)


def _jobs(settings, tmp_path: Path, n: int, paragraphs: int) -> list[str]:
    ids = []
    for i in range(n):
        src = tmp_path / f"upload-{i}.txt"
        src.write_text(f"Lettre {i}.\n\n" + "\n\n".join(SENTENCES * 2 for _ in range(paragraphs)), encoding="utf-8")
        ids.append(create_job(settings, settings.database_url, owner_id=None, owner="test",
                              files=[UploadedFile(src.name, src)], source="fr", target="en", engine="argos"))
    return ids


def _running_pid(db_url: str, pids: set[int]) -> int | None:
    for task in store.listing(db_url, status="running", limit=200):
        pid = int(task.owner.split(":")[1]) if task.owner else None
        if pid in pids:
            return pid
    return None


def _wait_final(db_url: str, job_ids: list[str], timeout: float, workers: Workers) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(job_public(db_url, j)["status"] in FINAL for j in job_ids):
            return
        time.sleep(0.5)
    pending = [j for j in job_ids if job_public(db_url, j)["status"] not in FINAL]
    pytest.fail(f"{len(pending)} jobs unfinished; worker logs:\n{workers.logs()}")


@pytest.mark.parametrize("broker_settings", ["redis"], indirect=True)
def test_jobs_and_ingests_complete_exactly_once_while_a_worker_is_killed_twice(broker_settings, tmp_path):
    settings, db_url = broker_settings, broker_settings.database_url
    workers = Workers(_env(settings, settings.broker_url, settings.task_queue), tmp_path)
    corpora = []
    for c in range(3):
        folder = tmp_path / f"corpus-{c}"
        folder.mkdir()
        for d in range(4):
            (folder / f"doc-{d}.md").write_text(f"# Fiche {c}-{d}\n\n{SENTENCES * (d + 1)}\n", encoding="utf-8")
        corpora.append(folder)
    kills: list[int] = []
    stop_killing = threading.Event()

    def killer() -> None:
        """SIGKILL a worker that holds a running task, twice, replacing it as systemd would."""
        while len(kills) < 2 and not stop_killing.is_set():
            pid = _running_pid(db_url, {p.pid for p in workers.alive()})
            if pid is not None:
                os.kill(pid, signal.SIGKILL)
                kills.append(pid)
                workers.start()
                stop_killing.wait(3)
            stop_killing.wait(0.2)

    try:
        workers.start()
        workers.start()
        job_ids = _jobs(settings, tmp_path, 50, paragraphs=6)
        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        runner = JobRunner(settings, db_url)
        for job_id in job_ids:
            runner.submit(job_id)
        ingest_ids = []
        for folder in corpora:
            out = subprocess.run([sys.executable, "-m", "liaison.cli", "ingest", str(folder), "--background", "--json"],
                                 cwd=REPO, env=workers.env, capture_output=True, text=True, check=True)
            ingest_ids.append(json.loads(out.stdout)["task"])
        _wait_final(db_url, job_ids, 600, workers)
        deadline = time.monotonic() + 300
        while any(store.get(db_url, t).status != "done" for t in ingest_ids) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        stop_killing.set()
        workers.stop()
    assert len(kills) == 2, f"no task seen running to kill: {store.counts(db_url)}"
    assert all(job_public(db_url, j)["status"] == "done" for j in job_ids), workers.logs()
    tasks = [store.get(db_url, f"translation:{j}") for j in job_ids] + [store.get(db_url, t) for t in ingest_ids]
    assert all(t.status == "done" and t.completions == 1 for t in tasks), [t for t in tasks if t.completions != 1]
    resumed = [t for t in tasks if t.attempts > 1]
    assert len(resumed) >= 2  # the killed workers' tasks were taken over
    # Nothing duplicated: each job file has one output and one usage row; the index holds each doc once.
    from sqlalchemy import text

    from liaison.db import get_engine

    with get_engine(db_url).connect() as conn:
        usage = conn.execute(text("SELECT count(*) FROM translation_events WHERE channel = 'job-file'")).scalar_one()
    assert usage == len(job_ids)
    from ingest.kb import KnowledgeBase

    kb = KnowledgeBase(settings)
    assert len(kb.catalog.files()) == 12
    assert kb.dense.count() == len(kb.catalog.all_chunk_ids())


@pytest.mark.parametrize("broker_settings", ["rabbitmq"], indirect=True)
def test_rabbitmq_worker_runs_jobs_and_dead_letters_a_broken_one(broker_settings, tmp_path):
    settings, db_url = broker_settings, broker_settings.database_url
    workers = Workers(_env(settings, settings.broker_url, settings.task_queue), tmp_path)
    try:
        workers.start()
        runner = JobRunner(settings, db_url)
        job_ids = _jobs(settings, tmp_path, 4, paragraphs=1)
        for job_id in job_ids:
            runner.submit(job_id)
        # A task whose payload names a job that cannot run: retried with backoff, then dead-lettered.
        store.record(db_url, "translation:broken", "translation.job", {})
        runner.queue.send("translation:broken")
        _wait_final(db_url, job_ids, 300, workers)
        deadline = time.monotonic() + 60
        while store.get(db_url, "translation:broken").status != "dead" and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        workers.stop()
    assert all(job_public(db_url, j)["status"] == "done" for j in job_ids), workers.logs()
    broken = store.get(db_url, "translation:broken")
    assert broken.status == "dead" and broken.attempts == settings.task_max_attempts, workers.logs()
