"""Background document-translation jobs: stored uploads, progress, cancel, limits and retention.

A job holds one or more files under `<data_dir>/translation/jobs/<job id>/` and runs as a background
task (`liaison.tasks`: `liaison worker` processes, or threads of the API process by default). Progress
and the cancel request live in the database, so any API worker sees them. Limits: size and count of
files at upload, pages and characters per file when read, wall-clock time per job (what was
translated before the limit is written out and kept). Sources, outputs and per-segment data are
deleted after `translation_retention_hours`. The job of a worker that was killed is resumed once its
task lease expires: the memory already holds what it had translated, so the re-run is quick.
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select, update

from liaison.db import session_scope
from translation.errors import Cancelled, LimitExceeded, TranslationError
from translation.models import Job, JobFile, JobSegment

log = logging.getLogger("liaison.translation.jobs")
ACTIVE = ("queued", "running")
FINAL = ("done", "partial", "failed", "cancelled", "expired")


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def safe_name(name: str) -> str:
    base = Path(name or "file").name
    base = re.sub(r"[^\w.\- ()]+", "_", base, flags=re.UNICODE).strip(" .") or "file"
    return base[-120:]


def jobs_root(settings) -> Path:
    return Path(settings.data_dir) / "translation" / "jobs"


@dataclass
class UploadedFile:
    name: str
    path: Path  # a temporary file the job takes over (moved)


def create_job(settings, db_url: str, *, owner_id: int | None, owner: str, files: list[UploadedFile], target: str,
               source: str = "auto", engine: str = "auto", glossary: Path | None = None, xliff: bool = False,
               chars: int = 0) -> str:
    """Store the uploads and queue the job (the files were validated by the caller)."""
    if not files:
        raise TranslationError("no file to translate")
    if len(files) > settings.translation_max_files_per_job:
        raise LimitExceeded(f"{len(files)} files, above the limit of {settings.translation_max_files_per_job} per job")
    job_id = secrets.token_hex(16)
    folder = jobs_root(settings) / job_id
    (folder / "in").mkdir(parents=True)
    (folder / "out").mkdir()
    options = {"xliff": xliff}
    if glossary is not None:
        kept = folder / ("glossary" + glossary.suffix.lower())
        shutil.move(str(glossary), kept)
        options["glossary"] = str(kept)
    now = _now()
    with session_scope(db_url) as s:
        job = Job(id=job_id, owner_id=owner_id, owner=owner[:120], status="queued", source_lang=source,
                  target_lang=target, engine=engine, options=json.dumps(options), progress_done=0,
                  progress_total=1000, cancel_requested=False, chars=chars, created_at=now,
                  expires_at=now + timedelta(hours=settings.translation_retention_hours))
        s.add(job)
        s.flush()
        for position, upload in enumerate(files):
            name = safe_name(upload.name)
            kept = folder / "in" / f"{position:02d}-{name}"
            shutil.move(str(upload.path), kept)
            from liaison.sealed_files import seal
            from translation.formats import format_of

            size = seal(settings, kept)  # the uploaded document is kept encrypted (personal data)
            s.add(JobFile(job_id=job_id, position=position, name=name, fmt=format_of(name), size_bytes=size,
                          status="queued", input_path=str(kept), flag_counts="{}"))
    return job_id


def job_public(db_url: str, job_id: str, *, base_url: str = "") -> dict | None:
    with session_scope(db_url) as s:
        job = s.get(Job, job_id)
        if job is None:
            return None
        files = s.scalars(select(JobFile).where(JobFile.job_id == job_id).order_by(JobFile.position)).all()
        return _public(job, files, base_url)


def _public(job: Job, files: list[JobFile], base_url: str) -> dict:
    def url(f: JobFile, kind: str) -> str | None:
        path = {"output": f.output_path, "report": f.report_path, "xliff": f.xliff_path}[kind]
        if not path or job.status == "expired":
            return None
        return f"{base_url}/v1/translation/jobs/{job.id}/files/{f.id}/{kind}"

    return {
        "id": job.id, "status": job.status, "owner": job.owner, "source": job.source_lang, "target": job.target_lang,
        "engine": job.engine, "progress": round(job.progress_done / max(1, job.progress_total), 3),
        "error": job.error, "chars": job.chars, "cancel_requested": job.cancel_requested,
        "created_at": _aware(job.created_at).isoformat(),
        "started_at": _aware(job.started_at).isoformat() if job.started_at else None,
        "finished_at": _aware(job.finished_at).isoformat() if job.finished_at else None,
        "expires_at": _aware(job.expires_at).isoformat(),
        "files": [{
            "id": f.id, "name": f.name, "format": f.fmt, "size": f.size_bytes, "status": f.status, "error": f.error,
            "detected_language": f.detected_lang, "detected_confidence": f.detected_confidence,
            "segments": f.segments, "words": f.words, "pages": f.pages, "flags": json.loads(f.flag_counts or "{}"),
            "output_name": f.output_name, "output_url": url(f, "output"), "report_url": url(f, "report"),
            "xliff_url": url(f, "xliff"),
        } for f in files],
    }


def list_jobs(db_url: str, owner_id: int | None = None, *, limit: int = 50) -> list[dict]:
    with session_scope(db_url) as s:
        query = select(Job).order_by(Job.created_at.desc()).limit(limit)
        if owner_id is not None:
            query = query.where(Job.owner_id == owner_id)
        jobs = s.scalars(query).all()
        result = []
        for job in jobs:
            files = s.scalars(select(JobFile).where(JobFile.job_id == job.id).order_by(JobFile.position)).all()
            result.append(_public(job, files, ""))
        return result


def request_cancel(db_url: str, job_id: str) -> bool:
    with session_scope(db_url) as s:
        job = s.get(Job, job_id)
        if job is None or job.status in FINAL:
            return False
        job.cancel_requested = True
        if job.status == "queued":
            job.status, job.finished_at = "cancelled", _now()
        return True


def delete_job_files(settings, db_url: str, job_id: str, *, status: str = "expired") -> None:
    """Remove the uploads, outputs and per-segment data of a job (keeps the job row for statistics)."""
    shutil.rmtree(jobs_root(settings) / job_id, ignore_errors=True)
    with session_scope(db_url) as s:
        file_ids = list(s.scalars(select(JobFile.id).where(JobFile.job_id == job_id)))
        if file_ids:
            s.execute(delete(JobSegment).where(JobSegment.file_id.in_(file_ids)))
        s.execute(update(JobFile).where(JobFile.job_id == job_id).values(
            input_path="", output_path=None, report_path=None, xliff_path=None))
        job = s.get(Job, job_id)
        if job is not None:
            job.status = status if job.status not in ACTIVE else job.status


def purge_expired(settings, db_url: str) -> int:
    """Delete the data of jobs past their retention time; returns how many jobs were purged."""
    now = _now()
    with session_scope(db_url) as s:
        expired = list(s.scalars(select(Job.id).where(Job.expires_at < now, Job.status.in_(("done", "partial", "failed",
                                                                                             "cancelled")))))
    for job_id in expired:
        delete_job_files(settings, db_url, job_id)
    from translation.pipeline import purge_machine_memory

    purge_machine_memory(settings, db_url)
    return len(expired)


def file_segments(db_url: str, job_id: str, *, flag: str | None = None, file_id: int | None = None) -> list[dict]:
    with session_scope(db_url) as s:
        query = (select(JobSegment, JobFile.name).join(JobFile, JobFile.id == JobSegment.file_id)
                 .where(JobFile.job_id == job_id).order_by(JobFile.position, JobSegment.position))
        if file_id is not None:
            query = query.where(JobFile.id == file_id)
        rows = s.execute(query).all()
    out = []
    for segment, name in rows:
        flags = json.loads(segment.flags or "[]")
        if flag and not any(f["code"] == flag for f in flags):
            continue
        out.append({"file": name, "file_id": segment.file_id, "id": segment.segment_id, "source": segment.source_text,
                    "target": segment.target_text, "source_lang": segment.source_lang, "origin": segment.origin,
                    "score": segment.score, "draft": segment.draft, "flags": flags})
    return out


class JobRunner:
    """Queues jobs as background tasks (`liaison.tasks`): on `liaison worker` processes when a broker is
    configured, else in threads of this process. Each job runs under a lease, so several API workers
    never run one job twice, and the job of a killed process is resumed once its lease expires."""

    def __init__(self, settings, db_url: str, *, chat_model=None):
        from liaison.tasks import get_queue

        self.settings = settings
        self.db_url = db_url
        self.queue = get_queue(settings, db_url, context={"chat_model": chat_model} if chat_model else None)
        self._stop = threading.Event()
        self._janitor = threading.Thread(target=self._janitor_loop, name="translate-retention", daemon=True)
        self._janitor.start()

    def submit(self, job_id: str) -> None:
        from liaison.tasks import enqueue
        from translation.tasks import task_id

        enqueue(self.queue, self.db_url, "translation.job", task_id(job_id), {"job_id": job_id})

    def wait(self, job_id: str, timeout: float) -> bool:
        """True once the job reached a final state (read from the database: any process may run it)."""
        deadline = time.monotonic() + timeout
        delay = 0.05
        while True:
            with session_scope(self.db_url) as s:
                if s.scalar(select(Job.status).where(Job.id == job_id)) in FINAL:
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(0.5, delay * 1.5)

    def recover(self) -> list[str]:
        """Queue the jobs left queued or running with no live task: those of an older version (no task
        row). Jobs whose task exists are resumed by the lease sweep, never started twice."""
        from liaison.tasks import store
        from translation.tasks import task_id

        with session_scope(self.db_url) as s:
            ids = list(s.scalars(select(Job.id).where(Job.status.in_(ACTIVE)).order_by(Job.created_at)))
        orphans = [job_id for job_id in ids if store.get(self.db_url, task_id(job_id)) is None]
        for job_id in orphans:
            self.submit(job_id)
        return orphans

    def shutdown(self) -> None:
        self._stop.set()
        self.queue.close()

    def _janitor_loop(self) -> None:
        while not self._stop.wait(600):
            try:
                purge_expired(self.settings, self.db_url)
            except Exception:  # keep the loop alive; the next pass retries
                log.exception("retention purge failed")


def fail_job(db_url: str, job_id: str, error: str) -> None:
    """Mark a job that can no longer run as failed (its files keep what they had)."""
    with session_scope(db_url) as s:
        job = s.get(Job, job_id)
        if job is not None and job.status in ACTIVE:
            job.status, job.error, job.finished_at = "failed", error[:2000], _now()


def _save_segments(db_url: str, file_id: int, result) -> None:
    with session_scope(db_url) as s:
        s.execute(delete(JobSegment).where(JobSegment.file_id == file_id))
        for position, segment in enumerate(result.segments):
            s.add(JobSegment(file_id=file_id, position=position, segment_id=segment.id,
                             source_lang=segment.source_lang or result.source_lang, source_text=segment.source,
                             target_text=segment.target, origin=segment.origin[:24], score=segment.score,
                             draft=segment.draft, flags=json.dumps([f.to_public() for f in segment.flags],
                                                                   ensure_ascii=False)))


def run_job(settings, db_url: str, job_id: str, *, chat_model=None, overrides: dict | None = None,
            only_file: int | None = None) -> str:
    """Translate every file of a job; returns the final status."""
    from translation.pipeline import Control, Translator
    from translation.usage import record

    with session_scope(db_url) as s:
        job = s.get(Job, job_id)
        if job is None or job.status in FINAL and only_file is None:
            return job.status if job else "missing"
        job.status, job.started_at, job.error = "running", _now(), None
        options = json.loads(job.options or "{}")
        source, target, engine = job.source_lang, job.target_lang, job.engine
        owner, owner_id = job.owner, job.owner_id
        rows = list(s.scalars(select(JobFile).where(JobFile.job_id == job_id).order_by(JobFile.position)))
    if only_file is not None:
        rows = [f for f in rows if f.id == only_file]
    else:
        # A job resumed after its worker died goes on where it stopped: files already written out
        # are neither translated nor counted again.
        rows = [f for f in rows if not (f.status in ("done", "partial") and f.output_path
                                        and Path(f.output_path).exists())]
    files = [(f.id, f.position, f.name, f.input_path) for f in rows]
    translator = Translator(settings, db_url=db_url, chat_model=chat_model)
    job_started = time.monotonic()
    deadline = job_started + settings.translation_job_timeout_s
    last_check = [0.0, False]

    def cancelled() -> bool:
        now = time.monotonic()
        if now - last_check[0] > 1.0:
            last_check[0] = now
            with session_scope(db_url) as s:
                last_check[1] = bool(s.scalar(select(Job.cancel_requested).where(Job.id == job_id)))
        return last_check[1]

    file_limit = settings.translation_file_timeout_s
    glossary_files = (Path(options["glossary"]),) if options.get("glossary") else ()
    out_dir = jobs_root(settings) / job_id / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    last_write = [0.0]
    for index, (file_id, position, name, input_path) in enumerate(files):
        def progress(done: int, total: int, index=index) -> None:
            now = time.monotonic()
            if now - last_write[0] < 0.5 and done < total:
                return
            last_write[0] = now
            value = int(1000 * (index + done / max(1, total)) / len(files))
            with session_scope(db_url) as s:
                s.execute(update(Job).where(Job.id == job_id).values(progress_done=value))

        with session_scope(db_url) as s:
            s.execute(update(JobFile).where(JobFile.id == file_id).values(status="running", error=None))
        try:
            # The input is stored as "<nn>-<name>"; translate it under its original name.
            work = out_dir / f".{position:02d}"
            work.mkdir(exist_ok=True)
            named = work / name
            from liaison.sealed_files import read_sealed

            # Decrypted only into the work folder, removed when the file is done (finally below).
            fd = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(read_sealed(settings, Path(input_path)))
            from translation.formats.limited import inspect_limited

            # Read once under resource limits before the in-process parse: a hostile file is refused here
            # (also for jobs created before the upload check, or recovered after a restart).
            inspect_limited(named, settings)

            # Per-job and per-file wall-clock limits: whichever comes first.
            control = Control(cancelled=cancelled, deadline=min(deadline, time.monotonic() + file_limit))
            result = translator.translate_document(
                named, target, out=None, source=source, engine=engine, glossary_files=glossary_files,
                xliff="both" if options.get("xliff") else None, overrides=overrides, progress=progress,
                control=control)
            final_out = out_dir / result.output.name
            if position:
                final_out = out_dir / f"{position:02d}-{result.output.name}"
            shutil.move(str(result.output), final_out)
            report = final_out.with_suffix(".report.json")
            shutil.move(str(result.report), report)
            shutil.move(str(result.report.with_suffix("").with_suffix(".report.md")), report.with_suffix("").with_suffix(".report.md"))
            xliff_path = None
            if result.xliff:
                from translation.pipeline import XLIFF_SUFFIX

                for suffix in XLIFF_SUFFIX.values():
                    produced = result.output.with_suffix(suffix)
                    if produced.exists():
                        shutil.move(str(produced), final_out.with_suffix(suffix))
                xliff_path = final_out.with_suffix(".xlf")
            named.unlink(missing_ok=True)
            _save_segments(db_url, file_id, result)
            stats = result.stats
            with session_scope(db_url) as s:
                s.execute(update(JobFile).where(JobFile.id == file_id).values(
                    status=result.status, error=result.error, detected_lang=result.source_lang,
                    detected_confidence=result.detected.confidence if result.detected else None,
                    segments=stats["segments"], words=stats["words"], chars=stats["chars"], pages=result.pages,
                    flag_counts=json.dumps(stats["flags"]), output_name=result.output.name,
                    output_path=str(final_out), report_path=str(report),
                    xliff_path=str(xliff_path) if xliff_path else None))
            if overrides is None:
                record(db_url, principal_name=owner, account_id=owner_id, channel="job-file", source=result.source_lang,
                       target=target, documents=1, segments=stats["segments"], words=stats["words"], chars=0)
        except Cancelled as exc:
            with session_scope(db_url) as s:
                s.execute(update(JobFile).where(JobFile.job_id == job_id, JobFile.status.in_(("queued", "running")))
                          .values(status="cancelled", error=str(exc)))
                s.execute(update(Job).where(Job.id == job_id).values(status="cancelled", finished_at=_now(),
                                                                     error=str(exc)))
            _count_job("cancelled", job_started)
            return "cancelled"
        except TranslationError as exc:
            with session_scope(db_url) as s:
                s.execute(update(JobFile).where(JobFile.id == file_id).values(status="failed", error=str(exc)))
        finally:
            shutil.rmtree(out_dir / f".{position:02d}", ignore_errors=True)
    with session_scope(db_url) as s:
        every = list(s.scalars(select(JobFile).where(JobFile.job_id == job_id)))
        statuses = [f.status for f in every]  # all files, also when only one was (re)built
        errors = [f.error for f in every if f.error]
    if all(st == "done" for st in statuses):
        status = "done"
    elif any(st in ("done", "partial") for st in statuses):
        status = "partial"
    else:
        status = "failed"
    with session_scope(db_url) as s:
        s.execute(update(Job).where(Job.id == job_id).values(
            status=status, finished_at=_now(), progress_done=1000,
            error="; ".join(errors)[:2000] if errors else None))
    _count_job(status, job_started)
    return status


def _count_job(status: str, started: float) -> None:
    from liaison import metrics

    metrics.TRANSLATION_JOBS.labels(status).inc()
    metrics.TASK_DURATION.labels("translation").observe(time.monotonic() - started)


__all__ = ["create_job", "job_public", "list_jobs", "request_cancel", "delete_job_files", "purge_expired",
           "file_segments", "JobRunner", "run_job", "fail_job", "UploadedFile"]
