"""The catalogue in the knowledge base: one unit per row, found by its code."""
from __future__ import annotations

import pytest

from ingest.parsers import parse_file


@pytest.mark.unit
def test_one_unit_per_row(settings, catalogue, catalogue_file):
    chunks = parse_file(catalogue_file, catalogue_file.parent.parent, source="corpus", settings=settings)
    refs = {c.metadata["ref"] for c in chunks}
    assert refs == set(catalogue.bucs) | set(catalogue.seds) | set(catalogue.documents)
    a001 = next(c for c in chunks if c.metadata["ref"] == "A001")
    assert "Request for Exception" in a001.text and "CH-A001: https://" in a001.text
    assert a001.metadata["catalogue_version"] == catalogue.version
    da001 = next(c for c in chunks if c.metadata["ref"] == "DA001")
    assert "No English name seen" in da001.text


@pytest.mark.integration
def test_search_finds_rows(small_catalogue_kb):
    _settings, kb = small_catalogue_kb
    assert kb.search("A001", k=3)[0].ref == "A001"
    assert kb.search("What replaced the E112 form?", k=5)[0].ref == "S2"
    unit = kb.get_unit("facts/eessi-buc-sed-catalogue.md", "LA_BUC_01")
    assert unit and {h.ref for h in unit} == {"LA_BUC_01"}
    assert not kb.get_unit("facts/eessi-buc-sed-catalogue.md", "P_BUC_01")
