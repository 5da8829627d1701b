"""Fixtures of the reports tests: a settings object and a migrated SQLite database in its data dir."""
from __future__ import annotations

import pytest


@pytest.fixture
def sqlite_url(settings):
    from liaison.db import migrate

    url = settings.resolved_database_url
    migrate(url)
    return url


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    """A data directory holding the synthetic demo returns for 2024 and 2025: (settings, database URL)."""
    from liaison.db import migrate
    from liaison.settings import Settings
    from reports.demo import run_demo

    settings = Settings(data_dir=tmp_path_factory.mktemp("demo") / "data").ensure_dirs()
    url = settings.resolved_database_url
    migrate(url)
    run_demo(settings, url, [2024, 2025])
    return settings, url
