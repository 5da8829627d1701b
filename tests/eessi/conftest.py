from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def catalogue_file(shared_corpus):
    path = shared_corpus / "facts" / "eessi-buc-sed-catalogue.md"
    if not path.is_file():
        pytest.fail(f"EESSI catalogue not found at {path}")
    return path


@pytest.fixture(scope="session")
def catalogue(catalogue_file):
    from eessi.catalogue import load_catalogue

    return load_catalogue(catalogue_file)


@pytest.fixture
def eessi_settings(settings, catalogue_file):
    return settings.model_copy(update={"eessi_catalogue_path": catalogue_file})
