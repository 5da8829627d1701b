"""Relational storage shared by the capabilities: one SQLAlchemy engine per URL, one declarative
`Base`, and Alembic migrations gathered from every capability's `migrations/` folder.

SQLite (embedded default) and PostgreSQL (LIAISON_DATABASE_URL) run the same code. Each capability
keeps its migrations on its own Alembic branch (branch label = capability name), so they can evolve
independently; `migrate()` upgrades all heads.
"""
from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
# Folders holding Alembic revision files, one Alembic branch each.
MIGRATION_DIRS = [
    ROOT / "liaison" / "migrations" / "versions",
    ROOT / "assistant" / "migrations",
    ROOT / "intake" / "migrations",
    ROOT / "translation" / "migrations",
    ROOT / "reports" / "migrations",
    ROOT / "eessi" / "migrations",
]


class Base(DeclarativeBase):
    pass


_engines: dict[str, Engine] = {}


def private_sqlite_file(path: Path) -> None:
    """The database holds personal data: the file exists with mode 0600 before SQLite opens it (SQLite
    gives its -wal and -shm files the database's mode), and a file left readable by others is fixed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_mode & 0o077:
            os.chmod(file, 0o600)
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets several API workers read while one writes; busy_timeout waits instead of failing.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def get_engine(url: str) -> Engine:
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                path = url.split("///", 1)[-1]
                if path and path != ":memory:":
                    private_sqlite_file(Path(path))
                engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
            _engines[url] = engine
        return engine


class _Pending:
    __slots__ = ("objects", "done", "error")

    def __init__(self, objects: list) -> None:
        self.objects, self.done, self.error = objects, threading.Event(), None


class GroupWriter:
    """Group commit: small inserts from many request threads go through one writer thread, which
    commits whatever is queued in one transaction. Each caller still returns only once its rows are
    committed (same durability and visibility as a direct write), but a burst of N answers costs one
    commit (one fsync) instead of N, and SQLite never sees competing writers from this process (its
    busy handler sleeps up to 100 ms at a time: that made the slowest answers under load)."""

    MAX_BATCH = 500

    def __init__(self, url: str) -> None:
        self.url = url
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="liaison-group-writer", daemon=True)
        self._thread.start()

    def write(self, objects: list, timeout: float = 30.0) -> None:
        pending = _Pending(objects)
        self._queue.put(pending)
        if not pending.done.wait(timeout):
            raise TimeoutError(f"database write not committed after {timeout:.0f} s")
        if pending.error is not None:
            raise pending.error

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                with session_scope(self.url) as s:
                    for pending in batch:
                        s.add_all(pending.objects)
            except Exception:  # noqa: BLE001 - retried one by one: a bad row fails only its caller
                for pending in batch:
                    try:
                        with session_scope(self.url) as s:
                            s.add_all(pending.objects)
                    except Exception as exc:  # noqa: BLE001 - handed to the caller
                        pending.error = exc
            for pending in batch:
                pending.done.set()


_writers: dict[str, GroupWriter] = {}


def group_write(url: str, objects: list) -> None:
    """Insert `objects` (new ORM rows) with group commit; returns once they are committed."""
    with _lock:
        writer = _writers.get(url)
        if writer is None:
            writer = _writers[url] = GroupWriter(url)
    writer.write(objects)


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A transaction: committed on success, rolled back on any error (no partial writes)."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "liaison" / "migrations"))
    existing = [str(d) for d in MIGRATION_DIRS if d.is_dir()]
    cfg.set_main_option("version_locations", " ".join(existing))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


_migrate_lock = threading.Lock()


def migrate(url: str) -> None:
    """Bring the schema to the newest revision of every capability branch (idempotent). Serialised
    within the process: Alembic keeps its migration context in module globals."""
    from alembic import command

    with _migrate_lock:
        command.upgrade(alembic_config(url), "heads")
