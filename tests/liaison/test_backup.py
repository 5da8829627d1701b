"""Backup and restore drill on SQLite and PostgreSQL: an instance with an index, an encrypted case
and its attachment is backed up while it keeps writing, restored into a new instance, and the new
instance answers the same searches and decrypts the same case."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from ingest.kb import KnowledgeBase
from intake.service import Actor, NewAttachment
from liaison.backup import BackupError, backup, restore, verify
from liaison.db import get_engine
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.ingest.test_kb import DOCS, consistent, write_jsonl
from tests.intake.conftest import NIR, PDF, continuation
from tests.intake.conftest import accounts, intake_settings, service  # noqa: F401  (fixtures reused)

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
REPO = Path(__file__).resolve().parents[2]


def _case(service, accounts):
    applicant = Actor(accounts["applicant"][0], ip="127.0.0.1")
    view, _key, _ = service.create_case(applicant, "continuation", continuation(), submit=True,
                                        attachments=[NewAttachment("posting_letter", "l.pdf", PDF)])
    return view["reference"]


def _read_case(service, accounts, reference):
    return service.get_case(Actor(accounts["officer"][0], ip="127.0.0.1"), reference)


def _target_settings(intake_settings, tmp_path):
    """A second, empty instance of the same kind (new data dir; new PostgreSQL database)."""
    from liaison.settings import Settings

    if intake_settings.resolved_database_url.startswith("sqlite"):
        return Settings(data_dir=tmp_path / "restored"), None
    name, url = _create_pg_database()
    return Settings(data_dir=tmp_path / "restored", database_url=url), name


def test_restore_drill(intake_settings, service, accounts, tmp_path):
    from intake.service import IntakeService

    corpus = tmp_path / "docs"
    write_jsonl(corpus, DOCS)
    kb = KnowledgeBase(intake_settings)
    kb.ingest([corpus])
    reference = _case(service, accounts)
    before_hits = [h.chunk_id for h in kb.search("détachement certificat A1", k=4)]
    assert before_hits

    # The instance keeps writing while it is backed up (online backup).
    stop = threading.Event()

    def keep_writing():
        while not stop.is_set():
            _case(service, accounts)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        report = backup(intake_settings, tmp_path / "backup")
    finally:
        stop.set()
        writer.join()
    summary = report.summary()
    assert summary["catalog_chunks"] == len(kb.catalog.all_chunk_ids())
    assert summary["vectors"]["liaison"] == kb.dense.count()
    backup_dir = tmp_path / "backup"
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in backup_dir.rglob("*") if p.is_file())
    # Personal data stays encrypted inside the backup too.
    blob = b"".join(p.read_bytes() for p in backup_dir.rglob("*") if p.is_file() and p.suffix != ".gz")
    assert NIR.encode() not in blob and b"claire.martin@example.org" not in blob

    target, pg_name = _target_settings(intake_settings, tmp_path)
    try:
        result = restore(target, backup_dir)
        assert result["catalog_chunks"] == summary["catalog_chunks"]
        restored_kb = KnowledgeBase(target)
        consistent(restored_kb)
        assert [h.chunk_id for h in restored_kb.search("détachement certificat A1", k=4)] == before_hits
        restored_case = _read_case(IntakeService(target, target.resolved_database_url), accounts, reference)
        assert restored_case["form"]["person"]["nir"] == NIR
        attachments = list((target.data_dir / "intake_attachments").iterdir())
        assert attachments and all(b"%PDF" not in p.read_bytes() for p in attachments)
        with get_engine(target.resolved_database_url).connect() as conn:
            restored_cases = conn.execute(text("SELECT count(*) FROM intake_cases")).scalar_one()
        assert restored_cases >= 1
        # A second restore into the now non-empty instance is refused unless forced.
        with pytest.raises(BackupError, match="already holds data"):
            restore(target, backup_dir)
    finally:
        if pg_name:
            _drop_pg_database(pg_name)


def test_damaged_backup_is_refused_before_anything_is_written(settings, tmp_path):
    write_jsonl(tmp_path / "docs", DOCS)
    KnowledgeBase(settings).ingest([tmp_path / "docs"])
    backup(settings, tmp_path / "backup")
    catalog = tmp_path / "backup" / "catalog.sqlite"
    data = bytearray(catalog.read_bytes())
    data[-1] ^= 0xFF
    catalog.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="catalog.sqlite: checksum differs"):
        verify(tmp_path / "backup")
    from liaison.settings import Settings

    target = Settings(data_dir=tmp_path / "restored")
    with pytest.raises(BackupError, match="damaged"):
        restore(target, tmp_path / "backup")
    assert not (target.data_dir / "catalog.sqlite").exists()


def test_backup_refuses_a_folder_inside_the_data_dir_and_a_non_empty_one(settings, tmp_path):
    with pytest.raises(BackupError, match="outside the data directory"):
        backup(settings, settings.data_dir / "bk")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(BackupError, match="not empty"):
        backup(settings, tmp_path / "full")


def test_backup_does_not_follow_symlinks(settings, tmp_path):
    secret = tmp_path / "outside.txt"
    secret.write_text("not part of the instance")
    os.symlink(secret, settings.data_dir / "link.txt")
    report = backup(settings, tmp_path / "backup")
    assert not any(f["path"].endswith("link.txt") for f in report.manifest["files"])


def test_cli_backup_and_restore(settings, tmp_path):
    write_jsonl(tmp_path / "docs", DOCS)
    KnowledgeBase(settings).ingest([tmp_path / "docs"])
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cli = [sys.executable, "-m", "liaison.cli"]
    out = subprocess.run([*cli, "backup", str(tmp_path / "bk"), "--data-dir", str(settings.data_dir)],
                         capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout)["catalog_chunks"] > 0
    out = subprocess.run([*cli, "restore", str(tmp_path / "bk"), "--data-dir", str(tmp_path / "new")],
                         capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout)["vectors"]["liaison"] > 0
    refused = subprocess.run([*cli, "restore", str(tmp_path / "bk"), "--data-dir", str(tmp_path / "new")],
                             capture_output=True, text=True, env=env)
    assert refused.returncode == 2 and "--force" in refused.stderr
    forced = subprocess.run([*cli, "restore", str(tmp_path / "bk"), "--data-dir", str(tmp_path / "new"), "--force"],
                            capture_output=True, text=True, env=env)
    assert forced.returncode == 0, forced.stderr
