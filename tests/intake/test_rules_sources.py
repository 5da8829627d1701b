"""Every row of corpus/rules/instruments.toml is read from a text the knowledge base holds: the
source file exists in the shared corpus, the unit (`ref`) exists in it, and it states the duration
the row gives. Checked by parsing the source files directly, then through the knowledge base."""
from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from intake.rules import load_rules

WORDS = {
    "un": 1, "une": 1, "one": 1, "deux": 2, "two": 2, "trois": 3, "three": 3, "quatre": 4, "four": 4,
    "cinq": 5, "five": 5, "six": 6, "sept": 7, "seven": 7, "huit": 8, "eight": 8, "neuf": 9, "nine": 9,
    "dix": 10, "ten": 10, "douze": 12, "twelve": 12, "dix-huit": 18, "eighteen": 18, "vingt-quatre": 24,
}


def duration_months(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+|[a-z\-]+)\s+(years?|yrs?|ans?|années?|months?|mois)\s*", text.lower())
    assert m, f"not a duration phrase: {text!r}"
    n = int(m.group(1)) if m.group(1).isdigit() else WORDS[m.group(1)]
    return n * 12 if m.group(2).startswith(("year", "yr", "an")) else n


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def legi_article(path: Path, num: str) -> str:
    def walk(node):
        if node.get("type") == "article" and node.get("data", {}).get("num") == num:
            return node["data"].get("texte") or ""
        for child in node.get("children", []):
            found = walk(child)
            if found is not None:
                return found
        return None

    text = walk(json.loads(path.read_text(encoding="utf-8")))
    assert text is not None, f"article {num} not found in {path.name}"
    return text


def table_cell(text: str, row_label: str, column: str) -> str:
    lines = [l for l in text.splitlines() if l.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == row_label:
            return cells[header.index(column)]
    raise AssertionError(f"row {row_label!r} not in the table")


def source_unit_text(corpus: Path, src) -> str:
    path = corpus / src.path
    assert path.is_file(), f"source file missing: {src.path}"
    if path.suffix == ".json":
        return legi_article(path, src.ref)
    return path.read_text(encoding="utf-8")


def prune_legi(node: dict, nums: set[str]) -> dict | None:
    if node.get("type") == "article":
        return node if node.get("data", {}).get("num") in nums else None
    kept = [c for c in (prune_legi(child, nums) for child in node.get("children", [])) if c is not None]
    if not kept and node.get("children"):
        return None
    return {**node, "children": kept}


def head_through(path: Path, sources) -> str:
    """The file's text up to the paragraph after the last quoted passage (whole paragraphs)."""
    text = path.read_text(encoding="utf-8")
    end = 0
    for src in sources:
        for phrase in (src.quote, src.duration):
            if phrase:
                at = text.find(phrase)
                assert at >= 0, f"{phrase!r} not in {path.name}"
                end = max(end, at + len(phrase))
    stop = text.find("\n\n", end)
    return text if stop < 0 else text[:stop + 1]


ROWS = load_rules().instruments
SOURCES = [(row, i, src) for row in ROWS for i, src in enumerate(row.sources)]


@pytest.mark.unit
@pytest.mark.parametrize("row,i,src", SOURCES, ids=[f"{r.id}#{i}" for r, i, _ in SOURCES])
def test_source_exists_and_states_the_duration(shared_corpus, row, i, src):
    text = source_unit_text(shared_corpus, src)
    evidence = text
    if src.table_row:
        evidence = table_cell(text, src.table_row, src.column)
    if src.quote:
        assert norm(src.quote) in norm(evidence), f"{row.id}: quote not in {src.path} {src.ref}"
        evidence = src.quote
    if src.duration:
        assert norm(src.duration) in norm(evidence), f"{row.id}: {src.duration!r} not in the evidence"
        months = duration_months(src.duration)
        if src.evidences == "max":
            assert months == row.max_months, f"{row.id}: source says {months} months, row says {row.max_months}"
        elif src.evidences == "extension":
            assert row.extension == "fixed" and months == row.extension_months, row.id
    if src.evidences == "max":
        assert src.duration, f"{row.id}: a 'max' source must give the duration phrase"


@pytest.mark.unit
def test_leave_and_extension_flags_match_the_table(shared_corpus):
    table = "facts/posting-durations-cleiss-2015.md"  # the only source marking leave ("*")
    facts = (shared_corpus / table).read_text(encoding="utf-8")
    for row in ROWS:
        for src in row.sources:
            if src.table_row and src.evidences == "max" and src.path == table:
                cell = table_cell(facts, src.table_row, src.column)
                assert cell.endswith("*") == row.leave_included, row.id


@pytest.mark.integration
@pytest.mark.slow
def test_sources_through_the_knowledge_base(shared_corpus, tmp_path):
    kb_module = pytest.importorskip("ingest.kb", reason="knowledge base module (ingest.kb) not installed")
    from liaison.settings import Settings

    root = tmp_path / "corpus"
    legi_refs: dict[str, set[str]] = {}
    for _, _, s in SOURCES:
        if s.path.endswith(".json"):
            legi_refs.setdefault(s.path, set()).add(s.ref)
    for path in sorted({s.path for _, _, s in SOURCES}):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        if path in legi_refs:  # keep only the cited articles (and their sections): a small index, same paths
            tree = json.loads((shared_corpus / path).read_text(encoding="utf-8"))
            (root / path).write_text(json.dumps(prune_legi(tree, legi_refs[path]), ensure_ascii=False), encoding="utf-8")
        elif path.endswith(".md") and len((shared_corpus / path).read_bytes()) > 20_000:
            # Long multi-article files: keep the text up to the end of the cited article (embedding
            # the whole treaty would make this test take minutes on a busy 2-core machine).
            (root / path).write_text(head_through(shared_corpus / path, [s for _, _, s in SOURCES if s.path == path]),
                                     encoding="utf-8")
        else:
            shutil.copy(shared_corpus / path, root / path)
    kb = kb_module.KnowledgeBase(Settings(data_dir=tmp_path / "data"))
    try:
        kb.ingest([root])
        for row, _, src in SOURCES:
            hits = kb.get_unit(src.path, src.ref)
            assert hits, f"{row.id}: unit {src.path} :: {src.ref} not in the index"
            text = norm(" ".join(h.text for h in hits))
            for phrase in (src.quote, src.duration if not src.table_row else ""):
                if phrase:
                    assert norm(phrase) in text, f"{row.id}: {phrase!r} not in indexed unit {src.ref}"
            if src.table_row:
                assert norm(src.table_row) in text and norm(src.duration or src.quote) in text
    finally:
        kb.close()
