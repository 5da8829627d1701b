"""Relational storage shared by the capabilities: one SQLAlchemy engine per URL, one declarative
`Base`, and Alembic migrations gathered from every capability's `migrations/` folder.

SQLite (embedded default) and PostgreSQL (LIAISON_DATABASE_URL) run the same code. Each capability
keeps its migrations on its own Alembic branch (branch label = capability name), so they can evolve
independently; `migrate()` upgrades all heads.
"""
from __future__ import annotations

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
]


class Base(DeclarativeBase):
    pass


_engines: dict[str, Engine] = {}
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
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
            _engines[url] = engine
        return engine


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


def migrate(url: str) -> None:
    """Bring the schema to the newest revision of every capability branch (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(url), "heads")
