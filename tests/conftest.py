"""Shared fixtures: the read-only shared data, a fresh data directory, and real PostgreSQL databases."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

import liaison  # noqa: F401  (offline defaults before anything heavy)

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LIAISON_SHARED_DIR", REPO.parent / "shared")).resolve()
PG_ADMIN_URL = os.environ.get("LIAISON_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared data not found at {SHARED} (set LIAISON_SHARED_DIR)")
    return SHARED


@pytest.fixture(scope="session")
def shared_corpus(shared_dir) -> Path:
    return shared_dir / "corpus"


@pytest.fixture
def settings(tmp_path):
    """Settings on a fresh data directory with embedded defaults (SQLite, embedded Chroma)."""
    from liaison.settings import Settings

    return Settings(data_dir=tmp_path / "data").ensure_dirs()


def _create_pg_database() -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    name = f"liaison_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(name: str) -> None:
    from sqlalchemy import create_engine, text

    from liaison import db

    for url, engine in list(db._engines.items()):
        if url.endswith("/" + name):
            engine.dispose()
            db._engines.pop(url, None)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database on the local server, dropped afterwards."""
    name, url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Runs a storage test on both SQLite and PostgreSQL, schema migrated."""
    from liaison.db import migrate

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'liaison.db'}"
        migrate(url)
        yield url
    else:
        name, url = _create_pg_database()
        try:
            migrate(url)
            yield url
        finally:
            _drop_pg_database(name)
