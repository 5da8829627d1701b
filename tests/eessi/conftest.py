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


@pytest.fixture(scope="session")
def small_catalogue_kb(tmp_path_factory, catalogue_file):
    """A real knowledge base holding the real catalogue file cut to a few rows per table (LA sector, A1, S1,
    S2 and the E112-era health rows): embedding all 374 rows would take minutes on a shared machine, and
    the parser is the same. Yields (settings, kb)."""
    from ingest.kb import KnowledgeBase
    from liaison.db import migrate
    from liaison.settings import Settings

    base = tmp_path_factory.mktemp("eessi-kb")
    root = base / "corpus" / "facts"
    root.mkdir(parents=True)
    keep = ("| LA", "| A0", "| S1 ", "| S2 ", "| A1 ")
    lines = [ln for ln in catalogue_file.read_text(encoding="utf-8").splitlines()
             if not ln.startswith("| ") or ln.startswith(keep) or ln.startswith(("| Sector", "| Code", "| Document"))
             or set(ln) <= set("|-: ")]
    (root / "eessi-buc-sed-catalogue.md").write_text("\n".join(lines), encoding="utf-8")
    settings = Settings(data_dir=base / "data", eessi_catalogue_path=catalogue_file).ensure_dirs()
    migrate(settings.resolved_database_url)
    kb = KnowledgeBase(settings)
    kb.ingest([base / "corpus"])
    try:
        yield settings, kb
    finally:
        kb.close()
