"""The catalogue model read from the shared file: every row, every row's sources, gaps kept as gaps."""
from __future__ import annotations

import re

import pytest

from eessi.catalogue import CatalogueError, parse_catalogue

pytestmark = pytest.mark.unit


def _raw_rows(text: str, table: str) -> list[list[str]]:
    """Data rows of one table, read independently of the parser (header and rule skipped)."""
    rows, inside, header = [], False, False
    for line in text.splitlines():
        if line.startswith("## "):
            inside, header = line.startswith(f"## {table}"), False
            continue
        if inside and line.startswith("|"):
            if not header:
                header = True
            elif not set(line) <= set("|-: "):
                rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def test_counts_match_the_file_and_its_declared_counts(catalogue, catalogue_file):
    text = catalogue_file.read_text(encoding="utf-8")
    assert len(catalogue.bucs) == len(_raw_rows(text, "Table 1"))
    assert len(catalogue.seds) == len(_raw_rows(text, "Table 2"))
    assert len(catalogue.documents) == len(_raw_rows(text, "Table 3"))
    assert catalogue.counts() == catalogue.declared_counts  # 99 (+12), 263 (66 named), 10


def test_every_row_has_sources_and_every_source_resolves(catalogue, catalogue_file):
    text = catalogue_file.read_text(encoding="utf-8")
    rows = {r[1]: r[-1] for r in _raw_rows(text, "Table 1")}
    rows |= {r[0]: r[-1] for t in ("Table 2", "Table 3") for r in _raw_rows(text, t)}
    entries = {**catalogue.bucs, **catalogue.seds, **catalogue.documents}
    assert set(rows) == set(entries)
    for code, source_cell in rows.items():
        entry = entries[code]
        keys = [r.key for r in entry.sources]
        assert keys, code
        assert keys == [part.strip().split(" ")[0] for part in source_cell.split(";") if part.strip()], code
        for key in keys:
            source = catalogue.sources.get(key)
            assert source is not None, f"{code}: source key {key} is not in the source list"
            assert source.description
            if re.search(r"https?://|navikt/[\w-]+: ", source.description):
                assert source.url and source.url.startswith("http"), key


def test_gaps_stay_gaps(catalogue):
    assert catalogue.seds["DA001"].name is None and catalogue.seds["DA001"].purpose is None
    assert catalogue.seds["A011"].name is None and "nb" in catalogue.seds["A011"].label_languages
    assert catalogue.seds["A001"].name == "Request for Exception"
    assert catalogue.bucs["S_BUC_01"].first_seds == []
    assert catalogue.bucs["AW_BUC_04c"].seds == []
    assert catalogue.documents["S3"].replaced == [] and catalogue.documents["U3"].replaced == []
    assert catalogue.sources["RINA"].url is None  # several repositories, no single address: not invented


def test_portable_documents_and_e_forms(catalogue):
    s1 = {r.form: r.attribution for r in catalogue.documents["S1"].replaced}
    assert set(s1) == {"E106", "E109", "E120", "E121"}
    assert s1["E120"] == "YE-FAQ"  # the conflict stays visible: only one source lists E120
    forms = catalogue.e_forms()
    assert forms["E112"] == [("S2", "")]
    assert [c for c, _ in forms["E101"]] == ["A1"] and [c for c, _ in forms["E103"]] == ["A1"]
    assert forms["E001"][0][0] == "F001"
    assert catalogue.documents["S1"].related_seds == ["S073"]


def test_notes_are_attached_to_codes(catalogue):
    assert any("Partial or total refusal" in n.text for n in catalogue.notes_for("A002"))
    assert any(n.section == "What was not found" for n in catalogue.notes)


def test_version_changes_with_the_content(catalogue_file):
    text = catalogue_file.read_text(encoding="utf-8")
    a = parse_catalogue(text)
    b = parse_catalogue(text.replace("| A011 | acceptance of an exception request (nb)", "| A011 | \"Acceptance\""))
    assert a.version != b.version and b.seds["A011"].name == "Acceptance"


def test_a_broken_table_is_a_clear_error(catalogue_file):
    text = catalogue_file.read_text(encoding="utf-8")
    with pytest.raises(CatalogueError, match="line .*6 cells"):
        parse_catalogue(text.replace("| LA | LA_BUC_01 |", "| LA_BUC_01 |", 1))
    with pytest.raises(CatalogueError, match="Portable document"):
        parse_catalogue(text.split("## Table 3")[0])
