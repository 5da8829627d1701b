"""Versions kept by the catalog when a file changes: the earlier text stays, dated, and `as_of` picks it."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from assistant.lookup import get_document, version_diff
from ingest.index.catalog import Catalog, file_key
from ingest.parsers import parse_file
from tests.ingest.test_verbatim import CatalogOnly

pytestmark = pytest.mark.unit

FIRST = "# Article 3\n\nLe détachement dure au plus vingt-quatre mois.\n"
SECOND = "# Article 3\n\nLe détachement dure au plus douze mois, renouvelable une fois.\n"


def _ingest(catalog: Catalog, root, settings, text: str) -> None:
    file = root / "accord" / "article-3.md"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    chunks = parse_file(file, root, source="t", settings=settings)
    catalog.replace_file(key=file_key("t", "accord/article-3.md"), source="t", root=str(root),
                         path="accord/article-3.md", file_hash=text, size=len(text), chunks=chunks)


def test_a_changed_file_without_dates_keeps_its_previous_version(tmp_path):
    from liaison.settings import Settings

    settings = Settings(data_dir=tmp_path / "data")
    catalog = Catalog(tmp_path / "catalog.sqlite")
    kb = CatalogOnly(catalog)
    _ingest(catalog, tmp_path / "corpus", settings, FIRST)
    _ingest(catalog, tmp_path / "corpus", settings, SECOND)
    _ingest(catalog, tmp_path / "corpus", settings, SECOND)  # unchanged again: nothing new
    versions = catalog.unit_versions("accord/article-3.md", "article-3.md")
    assert [v.current for v in versions] == [True, False]
    today = datetime.now(UTC).date()
    # no date in the source: the new text is in force from the day it was ingested, the old one until then
    assert versions[0].valid_from == versions[1].valid_to == int(today.strftime("%Y%m%d"))
    kb.version_in_force = lambda path, ref, day: (catalog.unit_versions(path, ref),
                                                  next((v for v in catalog.unit_versions(path, ref) if v.in_force(day)), None))
    before = get_document(kb, "accord/article-3.md", "article-3.md", today - timedelta(days=1))
    now = get_document(kb, "accord/article-3.md", "article-3.md", today)
    assert "vingt-quatre mois" in before.body and "douze mois" in now.body
    assert before.chunks == [] and now.chunks, "chunks are the search index's, of the current version only"
    assert [v.held for v in now.versions] == [True, True]
    _, _, ops = version_diff(kb, "accord/article-3.md", "article-3.md", versions[1].id, versions[0].id)
    assert ("-", "vingt-quatre mois.") in ops and any(op == "+" and "douze" in text for op, text in ops)
    assert get_document(kb, "accord/article-3.md", "article-3.md", date(1990, 1, 1)).body == before.body
    catalog.close()
