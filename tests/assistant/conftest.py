from __future__ import annotations

import pytest

from tests.assistant import kb_env


@pytest.fixture(scope="session")
def small_kb(tmp_path_factory, shared_corpus):
    return kb_env.build(tmp_path_factory.getbasetemp() / "assistant-kb", shared_corpus)


@pytest.fixture(scope="session")
def service(small_kb, tmp_path_factory):
    """An AssistantService on a private copy of the small index (its own SQLite database)."""
    from assistant.kb_access import forget_knowledge_bases
    from assistant.service import AssistantService
    from liaison.db import migrate
    from liaison.settings import Settings

    data_dir = kb_env.copy_of(small_kb, tmp_path_factory.mktemp("assistant-service") / "data")
    settings = Settings(data_dir=data_dir, abstention_threshold=0.3)
    migrate(settings.resolved_database_url)
    svc = AssistantService(settings)
    yield svc
    forget_knowledge_bases()
