"""The catalogue in the knowledge base: one unit per row, found by its code."""
from __future__ import annotations

from pathlib import Path

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
def test_search_finds_rows(settings, catalogue_file, tmp_path):
    from ingest.kb import KnowledgeBase

    root = tmp_path / "corpus" / "facts"
    root.mkdir(parents=True)
    # The real file cut to a few rows per table (LA sector, health and A1 documents): embedding all 374
    # rows would take minutes on a shared machine, and the parser is the same.
    keep = ("| LA", "| A0", "| S1 ", "| S2 ", "| A1 ")
    lines = [ln for ln in catalogue_file.read_text(encoding="utf-8").splitlines()
             if not ln.startswith("| ") or ln.startswith(keep) or ln.startswith(("| Sector", "| Code", "| Document"))
             or set(ln) <= set("|-: ")]
    (root / "eessi-buc-sed-catalogue.md").write_text("\n".join(lines), encoding="utf-8")
    kb = KnowledgeBase(settings)
    try:
        kb.ingest([Path(tmp_path / "corpus")])
        assert kb.search("A001", k=3)[0].ref == "A001"
        assert kb.search("What replaced the E112 form?", k=5)[0].ref == "S2"
        assert [h.ref for h in kb.get_unit("facts/eessi-buc-sed-catalogue.md", "LA_BUC_01")] == ["LA_BUC_01"] * len(
            kb.get_unit("facts/eessi-buc-sed-catalogue.md", "LA_BUC_01"))
        assert not kb.get_unit("facts/eessi-buc-sed-catalogue.md", "P_BUC_01")
    finally:
        kb.close()
