"""JSON Lines document collections: one object per line {doc_id, text, optional title, any other
fields}. One unit per line: ref = doc_id, title = the record's title ("" when absent).

Other scalar fields are kept in the metadata under their own name when it is free, else as
`meta_<name>` (a field called "path" or "ref" can never overwrite the unit's identity). A field
named after a metadata key with a sensible meaning (url, language, audience, licence, countries)
fills that key.

Bad lines: a line that is not valid JSON, not an object, or lacks doc_id/text is skipped, and one
warning lists the skipped line numbers (first 20). The file fails (ParseError) only when no line is
usable; nothing is silently dropped: the warnings are also returned by `parse_file_report`.
"""
from __future__ import annotations

import json
import re
from typing import Any

from ingest.chunking import Segment, Unit
from ingest.classify import countries_field, infer
from ingest.parsers.base import FileContext, units_to_chunks
from ingest.types import METADATA_KEYS, Chunk, ParseError

_ID_KEYS = ("doc_id", "id", "_id", "docid")
_TEXT_KEYS = ("text", "content", "body")
_FILLS = {"url", "language", "audience", "licence", "countries", "status"}
_RESERVED = set(METADATA_KEYS) | {"ref_alias", "locator"}


def _paragraphs(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n", text)]
    out = [p for p in parts if p]
    if len(out) == 1 and "\n" in out[0] and len(out[0]) > 1500:
        out = [line.strip() for line in out[0].split("\n") if line.strip()]
    return out


def record_unit(record: dict, line_no: int) -> Unit | str:
    """A unit from one record, or the reason it cannot be used."""
    doc_id = next((record[k] for k in _ID_KEYS if k in record and str(record[k]).strip()), None)
    if doc_id is None or isinstance(doc_id, (dict, list)):
        return "no doc_id"
    text = next((record[k] for k in _TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
    if text is None:
        return "no text"
    doc_id = str(doc_id).strip()
    title = str(record.get("title") or record.get("question") or "").strip()
    paragraphs = _paragraphs(text)
    unit = Unit(ref=doc_id, title=title, segments=[Segment(paragraphs=paragraphs)])
    meta: dict[str, Any] = {}
    for key, value in record.items():
        if key in _ID_KEYS or key in _TEXT_KEYS or key == "title":
            continue
        if isinstance(value, bool) or isinstance(value, (int, float)) or isinstance(value, str):
            pass
        elif isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
            value = "|".join(str(v) for v in value)
        else:
            continue
        if key == "countries":
            value = countries_field(str(value).strip("|").replace(",", "|").split("|"))
        if key in _FILLS:
            meta[key] = value
        elif key in _RESERVED or key.startswith("country_"):
            meta[f"meta_{key}"] = value
        else:
            meta[key] = value
    meta["record_line"] = line_no
    unit.meta = meta
    return unit


def parse_jsonl(ctx: FileContext, text: str | None = None) -> list[Chunk]:
    text = ctx.text() if text is None else text
    units: list[Unit] = []
    bad: list[str] = []
    seen: set[str] = set()
    duplicates: list[str] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            bad.append(f"{line_no} (invalid JSON: {exc.msg})")
            continue
        if not isinstance(record, dict):
            bad.append(f"{line_no} (not an object)")
            continue
        unit = record_unit(record, line_no)
        if isinstance(unit, str):
            bad.append(f"{line_no} ({unit})")
            continue
        if unit.ref in seen:
            duplicates.append(unit.ref)
        seen.add(unit.ref)
        units.append(unit)
    if not units:
        detail = "; ".join(bad[:5]) or "no non-empty line"
        raise ParseError(f"JSON Lines file has no usable record {{doc_id, text}}: {detail}")
    if bad:
        ctx.warn(f"skipped {len(bad)} bad line(s): {', '.join(bad[:20])}{' ...' if len(bad) > 20 else ''}")
    if duplicates:
        ctx.warn(f"{len(duplicates)} duplicate doc_id(s) kept as separate units: {', '.join(duplicates[:10])}")
    sample = "\n".join(u.text() for u in units[:20])
    inferred = infer(ctx.rel_path, sample)
    if inferred.instrument_type not in ("faq", "fiche", "fact_sheet"):
        titled = [u for u in units if u.title]
        questions = sum(1 for u in titled if u.title.rstrip().endswith("?"))
        inferred.instrument_type = "faq" if titled and questions >= len(titled) / 2 else "document"
    return units_to_chunks(ctx, units, inferred)
