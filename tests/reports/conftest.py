"""Fixtures of the reports tests: a settings object and a migrated SQLite database in its data dir."""
from __future__ import annotations

import pytest


@pytest.fixture
def sqlite_url(settings):
    from liaison.db import migrate

    url = settings.resolved_database_url
    migrate(url)
    return url
