"""Background jobs: run, progress, cancel, time limit, recovery after a crash, retention; and the
activity summary used by the statistics module."""
import datetime
import time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from liaison.db import session_scope
from translation.activity import activity_summary
from translation.errors import LimitExceeded
from translation.jobs import (JobRunner, UploadedFile, create_job, file_segments, job_public, jobs_root, purge_expired,
                              request_cancel)
from translation.models import Job, JobSegment
from translation.usage import complete, record, reserve

pytestmark = pytest.mark.integration


def upload(tmp_path: Path, name: str, text: str) -> UploadedFile:
    path = tmp_path / "uploads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, "utf-8")
    return UploadedFile(name, path)


def long_text(lines: int) -> str:
    return "\n".join(f"Le dossier numéro {i} de la caisse régionale est transmis à l'organisme compétent." for i in range(lines))


@pytest.fixture
def db(tsettings):
    from liaison.db import migrate

    url = tsettings.resolved_database_url
    migrate(url)
    return url


def run_to_end(tsettings, db, job_id) -> dict:
    runner = JobRunner(tsettings, db)
    try:
        runner.submit(job_id)
        return wait(runner, db, job_id)
    finally:
        runner.shutdown()


def wait(runner, db, job_id, timeout=180):
    assert runner.wait(job_id, timeout), "job did not finish"
    return job_public(db, job_id)


def test_job_runs_with_progress_and_keeps_failed_files_apart(tsettings, db, tmp_path):
    files = [upload(tmp_path, "a.txt", "Le travailleur détaché reste affilié."),
             upload(tmp_path, "b.txt", "The posted worker remains insured.")]  # already English: nothing to do
    job_id = create_job(tsettings, db, owner_id=None, owner="cli", files=files, target="en", source="auto")
    job = run_to_end(tsettings, db, job_id)
    assert job["status"] == "partial" and job["progress"] == 1.0
    first, second = job["files"]
    assert first["status"] == "done" and first["output_name"] == "a.en.txt" and first["detected_language"] == "fr"
    assert second["status"] == "failed" and "already in en" in second["error"]
    assert file_segments(db, job_id)[0]["file"] == "a.txt"
    with pytest.raises(LimitExceeded, match="above the limit of 20 per job"):
        create_job(tsettings, db, owner_id=None, owner="x", target="en",
                   files=[upload(tmp_path, f"{i}.txt", "x") for i in range(21)])


def test_cancel_a_running_job_and_time_limit(tsettings, db, tmp_path):
    job_id = create_job(tsettings, db, owner_id=None, owner="cli", files=[upload(tmp_path, "long.txt", long_text(1500))],
                        target="en", source="fr")
    runner = JobRunner(tsettings, db)
    try:
        runner.submit(job_id)
        deadline = time.monotonic() + 120
        while job_public(db, job_id)["progress"] == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert request_cancel(db, job_id)
        job = wait(runner, db, job_id)
        assert job["status"] == "cancelled" and job["files"][0]["status"] == "cancelled"
        assert not job["files"][0]["output_url"]
        limited = tsettings.model_copy(update={"translation_job_timeout_s": 1})
        slow = create_job(limited, db, owner_id=None, owner="cli", files=[upload(tmp_path, "long2.txt", long_text(1200))],
                          target="en", source="fr")
        limited_runner = JobRunner(limited, db)
        limited_runner.submit(slow)
        job = wait(limited_runner, db, slow)
        limited_runner.shutdown()
        assert job["status"] == "partial" and "time limit" in job["files"][0]["error"]
        output = Path(jobs_root(tsettings) / slow / "out" / job["files"][0]["output_name"])
        assert output.read_text("utf-8").count("\n") == 1199  # every line is there, translated or not
        assert any(s["origin"] == "not-translated" for s in file_segments(db, slow))
    finally:
        runner.shutdown()


def test_jobs_left_running_by_a_killed_process_are_resumed(tsettings, db, tmp_path):
    job_id = create_job(tsettings, db, owner_id=None, owner="cli", files=[upload(tmp_path, "a.txt", long_text(5))],
                        target="en", source="fr")
    with session_scope(db) as s:  # as if the process died mid-way
        s.execute(update(Job).where(Job.id == job_id).values(status="running", progress_done=400))
    runner = JobRunner(tsettings, db)
    try:
        assert runner.recover() == [job_id]
        assert wait(runner, db, job_id)["status"] == "done"
    finally:
        runner.shutdown()


def test_retention_deletes_sources_outputs_and_segments(tsettings, db, tmp_path):
    short = tsettings.model_copy(update={"translation_retention_hours": 0.0001})
    job_id = create_job(short, db, owner_id=None, owner="cli", files=[upload(tmp_path, "a.txt", "Bonjour madame.")],
                        target="en", source="fr")
    runner = JobRunner(short, db)
    try:
        runner.submit(job_id)
        assert wait(runner, db, job_id)["status"] == "done"
    finally:
        runner.shutdown()
    folder = jobs_root(short) / job_id
    assert any(folder.rglob("a.en.txt"))
    time.sleep(0.5)
    assert purge_expired(short, db) == 1
    assert not folder.exists()
    job = job_public(db, job_id)
    assert job["status"] == "expired" and job["files"][0]["output_url"] is None
    with session_scope(db) as s:
        assert s.scalars(select(JobSegment)).all() == []


def test_activity_summary(db_url):
    from liaison.accounts import create_account

    principal, _ = create_account(db_url, "marie", "translator", char_limit=1000)
    from liaison.settings import Settings

    settings = Settings()
    event = reserve(db_url, settings, principal, client="1.2.3.4", channel="text", source="auto", target="en", chars=120)
    complete(db_url, event, source="fr", segments=3, words=20)
    record(db_url, principal_name="cli:paul", channel="cli", source="en", target="fr", documents=1, segments=40,
           words=500, chars=3000)
    record(db_url, principal_name="marie", account_id=principal.id, channel="job-file", source="fr", target="en",
           documents=1, segments=10, words=100)
    today = datetime.datetime.now(datetime.UTC).date()
    assert activity_summary(db_url, today, today) == {
        "documents": 2, "segments": 53, "words": 620, "pairs": {"en-fr": 500, "fr-en": 120}}
    assert activity_summary(db_url, today - datetime.timedelta(days=9), today - datetime.timedelta(days=1)) == {
        "documents": 0, "segments": 0, "words": 0, "pairs": {}}
    with pytest.raises(ValueError):
        activity_summary(db_url, today, today - datetime.timedelta(days=1))


def test_uploaded_documents_are_kept_encrypted_and_still_translate(tsettings, db, tmp_path):
    """Issue 16, item 2: the stored upload holds no clear text (mode 0600); the job decrypts it only into
    its work folder."""
    import stat

    secret = "Le travailleur Ygraine Quarmby reste affilié."
    job_id = create_job(tsettings, db, owner_id=None, owner="cli", files=[upload(tmp_path, "a.txt", secret)],
                        target="en", source="fr")
    [stored] = (jobs_root(tsettings) / job_id / "in").iterdir()
    assert b"Quarmby" not in stored.read_bytes() and stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert job_public(db, job_id)["files"][0]["size"] == len(secret.encode())
    job = run_to_end(tsettings, db, job_id)
    assert job["files"][0]["status"] == "done", job
    assert not list((jobs_root(tsettings) / job_id / "out").glob(".*"))  # the clear work copy is gone
