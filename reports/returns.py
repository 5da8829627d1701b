"""Service for statistical returns: import (validate, keep the file, replace the previous version in
one transaction), history and look-ups.

Imports are idempotent: the same bytes for the same institution/year/branch change nothing. A
resubmission supersedes the current version atomically (readers see the old or the new figures, never
a mix); every version and its lines stay in the database as history.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from liaison import audit
from liaison.db import session_scope
from reports import catalogue as cat
from reports.errors import ReturnFileError, ReturnIssue, ReturnTooLarge, too_large_issue
from reports.models import CURRENT, REJECTED, SUPERSEDED, StatLine, StatSubmission
from reports.schemas import ReturnPublic
from reports.validation import ReturnLine, ValidationResult, validate

log = logging.getLogger("liaison.reports")
INSERT_BATCH = 5000
_RETRIES = 4


@dataclass(frozen=True)
class Submitter:
    username: str
    role: str
    source_ip: str = ""


CLI_SUBMITTER = Submitter("cli", "admin")


def check_size(size_bytes: int, limit_mb: float) -> None:
    if size_bytes > limit_mb * 1_000_000:
        raise ReturnTooLarge([too_large_issue(size_bytes, limit_mb)])


def read_return_file(path: Path, limit_mb: float) -> bytes:
    """The file's bytes, refused by size before anything is read."""
    check_size(path.stat().st_size, limit_mb)
    return path.read_bytes()


def clean_filename(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")) or "return"
    return re.sub(r"[\x00-\x1f\x7f]", "", base)[:255] or "return"


def _utc(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes, PostgreSQL aware ones: the same instant must read the same."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _public(sub: StatSubmission, unchanged: bool = False) -> ReturnPublic:
    return ReturnPublic(
        id=sub.id, institution=sub.institution, year=sub.year, branch=sub.branch, status=sub.status,
        filename=sub.filename, file_format=sub.file_format, sha256=sub.sha256, size_bytes=sub.size_bytes,
        submitted_by=sub.submitted_by, submitted_at=_utc(sub.submitted_at), synthetic=sub.synthetic,
        line_count=sub.line_count, skipped_lines=sub.skipped_lines, control_totals=sub.control_totals,
        error_count=sub.error_count, errors=json.loads(sub.errors or "[]"),
        warnings=json.loads(sub.warnings or "[]"), replaces_id=sub.replaces_id,
        superseded_at=_utc(sub.superseded_at), unchanged=unchanged,
    )


def _key_filter(institution: str, year: int, branch: str):
    return (StatSubmission.institution == institution, StatSubmission.year == year, StatSubmission.branch == branch)


def _already_submitted(db_url: str, institution: str, year: int, branch: str, sha: str) -> ReturnPublic | None:
    with session_scope(db_url) as s:
        current = s.scalar(select(StatSubmission).where(*_key_filter(institution, year, branch),
                                                         StatSubmission.status == CURRENT))
        if current is not None and current.sha256 == sha:
            return _public(current, unchanged=True)
        # The same bytes were refused before: validating them again would give the same errors.
        rejected = s.scalar(select(StatSubmission).where(*_key_filter(institution, year, branch),
                                                          StatSubmission.sha256 == sha,
                                                          StatSubmission.status == REJECTED)
                            .order_by(StatSubmission.id.desc()).limit(1))
        if rejected is not None:
            return _public(rejected, unchanged=True)
    return None


def _keep_original(data_dir: Path, content: bytes, sha: str, file_format: str) -> None:
    """The received file, content-addressed, so each version can be produced again later."""
    target = data_dir / "returns" / sha[:2] / f"{sha}.{file_format}"
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, target)


def original_path(data_dir: Path, sub: ReturnPublic) -> Path:
    return data_dir / "returns" / sub.sha256[:2] / f"{sub.sha256}.{sub.file_format}"


def import_return(
    settings,
    db_url: str,
    content: bytes,
    *,
    filename: str,
    institution: str,
    year: int,
    branch: str,
    submitter: Submitter = CLI_SUBMITTER,
    synthetic: bool = False,
    received_at: datetime | None = None,
) -> ReturnPublic:
    """Validate and store one return. Raises ReturnTooLarge (nothing stored) when the file exceeds the
    size limit; otherwise returns the stored submission: `current` when accepted, `rejected` with its
    errors when not (no figure of a rejected file is imported)."""
    from reports.parsing import parse_file, sniff_format

    branch = branch.strip().lower()
    if branch not in cat.BRANCHES:
        raise ValueError(f"unknown branch {branch!r}; allowed: {', '.join(cat.BRANCHES)}")
    institution = " ".join(institution.split())
    if not institution:
        raise ValueError("institution missing")
    check_size(len(content), settings.reports_max_upload_mb)
    filename = clean_filename(filename)
    sha = hashlib.sha256(content).hexdigest()
    done = _already_submitted(db_url, institution, year, branch, sha)
    if done is not None:
        return done

    try:
        file_format = sniff_format(content)
        if file_format == "xlsx" and not synthetic:
            parsed = _parse_limited(settings, content, year)
        else:  # CSV reads line by line within the upload limit; synthetic returns are ours
            parsed = parse_file(content, year=year, max_unpacked_mb=settings.reports_max_unpacked_mb)
        result = validate(parsed, year=year, branch=branch)
    except ReturnFileError as exc:
        if isinstance(exc, ReturnTooLarge):
            raise
        file_format = "xlsx" if content[:4] == b"PK\x03\x04" else "csv"
        result = ValidationResult([], exc.issues, [], file_format=file_format)
    _keep_original(settings.data_dir, content, sha, result.file_format)
    return _store(db_url, result, institution=institution, year=year, branch=branch, filename=filename,
                  sha=sha, size=len(content), submitter=submitter, synthetic=synthetic,
                  received_at=received_at or datetime.now(UTC), max_errors=settings.reports_max_errors)


def _parse_limited(settings, content: bytes, year: int):
    """An uploaded workbook is read in a separate process limited in CPU, memory and wall clock
    (liaison.sandbox): a crafted XLSX costs at most the limits, never a server worker."""
    from liaison.sandbox import Limits, ResourceLimitExceeded, run_limited

    try:
        return run_limited("reports.parsing:parse_file", content, year=year,
                           max_unpacked_mb=settings.reports_max_unpacked_mb, limits=Limits.from_settings(settings),
                           label="the workbook")
    except ResourceLimitExceeded as exc:
        raise ReturnFileError([ReturnIssue("unsupported_format", str(exc))]) from None


def _issues_json(issues: list[ReturnIssue], limit: int) -> str:
    return json.dumps([i.as_dict() for i in issues[:limit]], ensure_ascii=False)


def _store(db_url: str, result: ValidationResult, *, institution: str, year: int, branch: str, filename: str,
           sha: str, size: int, submitter: Submitter, synthetic: bool, received_at: datetime,
           max_errors: int) -> ReturnPublic:
    for attempt in range(_RETRIES):
        try:
            with session_scope(db_url) as s:
                return _store_once(s, result, institution=institution, year=year, branch=branch,
                                   filename=filename, sha=sha, size=size, submitter=submitter,
                                   synthetic=synthetic, received_at=received_at, max_errors=max_errors)
        except (IntegrityError, OperationalError) as exc:
            # A concurrent resubmission of the same return won the race (unique current version, or
            # SQLite's writer lock): start again from the state it committed.
            if attempt == _RETRIES - 1:
                raise
            log.info("return import retried after a concurrent write: %s", type(exc.orig).__name__)
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _store_once(s, result: ValidationResult, *, institution, year, branch, filename, sha, size, submitter,
                synthetic, received_at, max_errors) -> ReturnPublic:
    sub = StatSubmission(
        institution=institution, year=year, branch=branch, filename=filename, file_format=result.file_format,
        sha256=sha, size_bytes=size, submitted_by=submitter.username[:120], submitted_at=received_at,
        synthetic=synthetic, skipped_lines=result.skipped_lines, control_totals=result.control_totals,
        error_count=len(result.errors), errors=_issues_json(result.errors, max_errors),
        warnings=_issues_json(result.warnings, max_errors), line_count=0,
    )
    if not result.ok:
        sub.status = REJECTED
        s.add(sub)
        s.flush()
        audit.record(s, actor=submitter.username, role=submitter.role, action="stats.return_rejected",
                     object_type="stat_submission", object_id=sub.id, source_ip=submitter.source_ip,
                     detail={"institution": institution, "year": year, "branch": branch,
                             "errors": len(result.errors), "sha256": sha})
        return _public(sub)

    previous = s.scalar(select(StatSubmission).where(*_key_filter(institution, year, branch),
                                                     StatSubmission.status == CURRENT).with_for_update())
    if previous is not None and previous.sha256 == sha:
        return _public(previous, unchanged=True)
    if previous is not None:
        previous.status = SUPERSEDED
        previous.superseded_at = received_at
        s.flush()  # frees the one-current slot before the new version takes it
    sub.status = CURRENT
    sub.line_count = len(result.lines)
    sub.replaces_id = previous.id if previous is not None else None
    s.add(sub)
    s.flush()
    insert_lines(s, sub, result.lines, sheet=result.sheet)
    audit.record(s, actor=submitter.username, role=submitter.role, action="stats.return_accepted",
                 object_type="stat_submission", object_id=sub.id, source_ip=submitter.source_ip,
                 detail={"institution": institution, "year": year, "branch": branch, "lines": len(result.lines),
                         "replaces": sub.replaces_id, "sha256": sha})
    return _public(sub)


def store_lines(db_url: str, lines: list[ReturnLine], *, institution: str, year: int, branch: str,
                filename: str, synthetic: bool = False, received_at: datetime | None = None,
                submitter: Submitter = CLI_SUBMITTER) -> ReturnPublic:
    """Store lines that are already validated (bulk loads, benchmarks) as a new current version."""
    digest = hashlib.sha256()
    for item in lines:
        digest.update(f"{item.instrument}|{item.partner}|{item.direction}|{item.indicator}|{item.breakdown}|"
                      f"{item.value}|{item.unit}|{item.line}\n".encode())
    result = ValidationResult(list(lines), [], [], file_format="csv")
    return _store(db_url, result, institution=institution, year=year, branch=branch, filename=filename,
                  sha=digest.hexdigest(), size=0, submitter=submitter, synthetic=synthetic,
                  received_at=received_at or datetime.now(UTC), max_errors=1)


def insert_lines(s, sub: StatSubmission, lines: Iterable[ReturnLine], *, sheet: str | None) -> int:
    table = StatLine.__table__
    conn = s.connection()
    batch: list[dict] = []
    count = 0
    for item in lines:
        batch.append({
            "submission_id": sub.id, "year": sub.year, "institution": sub.institution, "branch": sub.branch,
            "instrument": item.instrument, "partner": item.partner, "direction": item.direction,
            "indicator": item.indicator, "breakdown": item.breakdown, "value": item.value, "unit": item.unit,
            "source_file": sub.filename, "source_sheet": sheet, "source_line": item.line,
        })
        if len(batch) >= INSERT_BATCH:
            conn.execute(table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
        count += len(batch)
    return count


def list_returns(db_url: str, *, institution: str | None = None, year: int | None = None,
                 branch: str | None = None, status: str | None = None, limit: int = 500) -> list[ReturnPublic]:
    with session_scope(db_url) as s:
        q = select(StatSubmission).order_by(StatSubmission.id.desc()).limit(limit)
        if institution is not None:
            q = q.where(StatSubmission.institution == institution)
        if year is not None:
            q = q.where(StatSubmission.year == year)
        if branch is not None:
            q = q.where(StatSubmission.branch == branch)
        if status is not None:
            q = q.where(StatSubmission.status == status)
        return [_public(sub) for sub in s.scalars(q)]


def get_return(db_url: str, submission_id: int) -> ReturnPublic | None:
    with session_scope(db_url) as s:
        sub = s.get(StatSubmission, submission_id)
        return _public(sub) if sub is not None else None


def return_lines(db_url: str, submission_id: int, limit: int = 100_000) -> list[dict]:
    """The stored figures of one version, with their source line (history stays readable)."""
    with session_scope(db_url) as s:
        q = (select(StatLine).where(StatLine.submission_id == submission_id)
             .order_by(StatLine.source_line).limit(limit))
        return [{
            "instrument": ln.instrument, "partner": ln.partner, "direction": ln.direction,
            "indicator": ln.indicator, "breakdown": ln.breakdown, "value": ln.value, "unit": ln.unit,
            "source_file": ln.source_file, "source_sheet": ln.source_sheet, "source_line": ln.source_line,
        } for ln in s.scalars(q)]


def count_current_lines(db_url: str, year: int) -> int:
    with session_scope(db_url) as s:
        return int(s.scalar(select(func.coalesce(func.sum(StatSubmission.line_count), 0))
                            .where(StatSubmission.year == year, StatSubmission.status == CURRENT)))
