"""Storing returns on SQLite and PostgreSQL: no partial import, idempotence, atomic replacement with history,
concurrent resubmissions, refusal by size."""
from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from liaison import audit
from liaison.db import session_scope
from reports.errors import ReturnTooLarge
from reports.models import StatLine, StatSubmission
from reports.returns import get_return, import_return, list_returns, read_return_file, return_lines
from tests.reports.helpers import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.integration

INSTITUTION = "CPAM Test"


def _import(settings, db_url, content, **kw):
    args = dict(filename="health.csv", institution=INSTITUTION, year=2025, branch="health")
    return import_return(settings, db_url, content, **(args | kw))


def _count(db_url, model) -> int:
    with session_scope(db_url) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_accepted_return_keeps_every_figure_with_its_source_line(settings, db_url):
    content = xlsx_bytes([row("DE", 120), row("GB", "2500.75", "healthcare_claims_amount", "EUR", instrument="UK")])
    result = _import(settings, db_url, content, filename="claims.xlsx")
    assert (result.status, result.line_count, result.error_count, result.file_format) == ("current", 2, 0, "xlsx")
    lines = return_lines(db_url, result.id)
    assert [(ln["partner"], ln["value"], ln["source_file"], ln["source_sheet"], ln["source_line"]) for ln in lines] == [
        ("DE", Decimal("120.00"), "claims.xlsx", "Return 2025", 2),
        ("GB", Decimal("2500.75"), "claims.xlsx", "Return 2025", 3)]
    # The received file is kept, content-addressed.
    assert (settings.data_dir / "returns" / result.sha256[:2] / f"{result.sha256}.xlsx").read_bytes() == content
    assert [e.action for e in audit.entries(db_url, object_type="stat_submission")] == ["stats.return_accepted"]


def test_one_bad_line_imports_nothing(settings, db_url):
    rows = [row(p, 5) for p in ("DE", "BE", "ES", "IT", "PT")] + [row("XZ", 1)]
    result = _import(settings, db_url, csv_bytes(rows))
    assert result.status == "rejected" and result.line_count == 0
    assert [e.text for e in result.errors] == [
        "line 7, column partner: unknown country or territory code 'XZ' (use ISO 3166-1 alpha-2 codes such as DE or "
        "ES, CA-QC for Quebec)"]
    assert _count(db_url, StatLine) == 0


def test_same_file_twice_changes_nothing(settings, db_url):
    content = csv_bytes([row("DE", 1), row("BE", 2)])
    first = _import(settings, db_url, content)
    again = _import(settings, db_url, content)
    assert again.unchanged and again.id == first.id and again.status == "current"
    assert (_count(db_url, StatSubmission), _count(db_url, StatLine)) == (1, 2)
    bad = csv_bytes([row("DE", -1)])
    r1, r2 = _import(settings, db_url, bad), _import(settings, db_url, bad)
    assert r1.status == "rejected" and r2.unchanged and r2.id == r1.id
    assert _count(db_url, StatSubmission) == 2


def test_resubmission_replaces_atomically_and_keeps_history(settings, db_url):
    v1 = _import(settings, db_url, csv_bytes([row("DE", 100), row("BE", 50)]), filename="v1.csv")
    rejected = _import(settings, db_url, csv_bytes([row("DE", -100)]), filename="v2-broken.csv")
    assert get_return(db_url, v1.id).status == "current"  # a refused correction leaves the figures in place
    v3 = _import(settings, db_url, csv_bytes([row("DE", 110)]), filename="v3.csv")
    assert (v3.status, v3.replaces_id) == ("current", v1.id)
    old = get_return(db_url, v1.id)
    assert old.status == "superseded" and old.superseded_at is not None
    history = list_returns(db_url, institution=INSTITUTION, year=2025, branch="health")
    assert [(h.filename, h.status) for h in history] == [("v3.csv", "current"), ("v2-broken.csv", "rejected"),
                                                          ("v1.csv", "superseded")]
    assert rejected.id in {h.id for h in history}
    # The old figures are still there (history), but only the new version is current.
    assert [ln["value"] for ln in return_lines(db_url, v1.id)] == [Decimal("100.00"), Decimal("50.00")]
    from reports.aggregate import load_cells

    cells = load_cells(db_url, [2025])
    assert [(c.partner, c.value) for c in cells] == [("DE", Decimal("110.00"))]


def test_other_institutions_and_branches_are_separate_returns(settings, db_url):
    a = _import(settings, db_url, csv_bytes([row("DE", 1)]))
    b = _import(settings, db_url, csv_bytes([row("DE", 1)]), institution="CPAM Other")
    c = _import(settings, db_url, csv_bytes([row("DE", 1, branch="family", indicator="children_covered")]),
                branch="family")
    assert {x.status for x in (a, b, c)} == {"current"} and len({a.id, b.id, c.id}) == 3


def test_concurrent_resubmissions_leave_exactly_one_current_version(settings, db_url):
    contents = [csv_bytes([row("DE", 100 + i)]) for i in range(4)]
    results, failures = [], []
    barrier = threading.Barrier(len(contents))

    def submit(content):
        try:
            barrier.wait()
            results.append(_import(settings, db_url, content))
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=submit, args=(c,)) for c in contents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    history = list_returns(db_url, institution=INSTITUTION, year=2025, branch="health")
    assert sorted(h.status for h in history) == ["current", "superseded", "superseded", "superseded"]
    current = next(h for h in history if h.status == "current")
    # The current version's figures are exactly its own file's.
    from reports.aggregate import load_cells

    assert [c.value for c in load_cells(db_url, [2025])] == [Decimal(return_lines(db_url, current.id)[0]["value"])]


@pytest.mark.unit
def test_a_200_mb_file_is_refused_before_it_is_read(settings, tmp_path):
    big = tmp_path / "huge.xlsx"
    with big.open("wb") as fh:  # sparse: costs no disk and no time
        fh.truncate(200 * 1024 * 1024)
    with pytest.raises(ReturnTooLarge) as info:
        read_return_file(big, settings.reports_max_upload_mb)
    assert str(info.value.issues[0]) == ("the file is 209.7 MB; the limit is 50 MB: split the return or remove "
                                         "unused sheets")


def test_received_time_is_kept(settings, db_url):
    when = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    result = _import(settings, db_url, csv_bytes([row("DE", 1)]), received_at=when)
    assert get_return(db_url, result.id).submitted_at == when


def test_migration_matches_the_models(db_url):
    from sqlalchemy import inspect

    from liaison.db import get_engine

    inspector = inspect(get_engine(db_url))
    for model in (StatSubmission, StatLine):
        table = model.__table__
        migrated = {c["name"]: c["nullable"] for c in inspector.get_columns(table.name)}
        assert migrated == {c.name: c.nullable for c in table.columns}, table.name
    indexes = {ix["name"]: ix for ix in inspector.get_indexes("stat_submissions")}
    assert indexes["uq_stat_submissions_current"]["unique"]
