"""Fixtures of the parser tests: settings and the whole shared corpus parsed once per session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.types import ParseError


@pytest.fixture(scope="session")
def parser_settings(tmp_path_factory):
    from liaison.settings import Settings

    return Settings(data_dir=tmp_path_factory.mktemp("parser-data"))


@pytest.fixture(scope="session")
def corpus_chunks(shared_corpus, parser_settings) -> dict[str, list]:
    """{relative path: chunks} for every supported file of ../shared/corpus (PDF/DOCX excluded: none there)."""
    from ingest.parsers import SUPPORTED_SUFFIXES, parse_file

    out: dict[str, list] = {}
    errors: dict[str, str] = {}
    for file in sorted(shared_corpus.rglob("*")):
        if not file.is_file() or file.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        rel = file.relative_to(shared_corpus).as_posix()
        try:
            out[rel] = parse_file(file, shared_corpus, source="shared", settings=parser_settings)
        except ParseError as exc:
            errors[rel] = str(exc)
    assert not errors, f"corpus files that failed to parse: {errors}"
    return out


@pytest.fixture(scope="session")
def gold_items(shared_dir) -> list[dict]:
    path = shared_dir / "evals" / "liaison_domain" / "dev.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def units_of(chunks) -> list[tuple[str, str]]:
    """(ref, unit_hash) of each unit, in order."""
    seen: list[tuple[str, str]] = []
    for chunk in chunks:
        key = (chunk.metadata["ref"], chunk.metadata["unit_hash"])
        if key not in seen:
            seen.append(key)
    return seen


def chunks_of(chunks, ref: str) -> list:
    return [c for c in chunks if c.metadata["ref"] == ref]


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path
