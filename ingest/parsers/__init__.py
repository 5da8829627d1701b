"""Files -> chunks. The one entry point of the parsing layer:

    parse_file(file, root, *, source, settings, defaults=None) -> list[Chunk]

The format is chosen by sniffing the content (magic bytes, JSON shape, XML vocabulary), the suffix
only breaking ties:
- LEGI code trees (JSON)                     -> legi.py        one unit per article (ref "L761-2")
- service-public.fr fiches (JSON)            -> fiches_vdd.py  one unit per fiche (ref "F3155")
- travail-emploi entries (JSON list)         -> travail_emploi.py  one unit per entry (ref pubId)
- JSON Lines {doc_id, text, ...}             -> jsonl.py       one unit per line (ref doc_id)
- EUR-Lex OJ/consolidated XHTML and Formex   -> eurlex.py      one unit per article ("Article 1")
- Markdown (decrees, conventions, fact sheets with YAML front matter) -> markdown.py
- the EESSI BUC/SED catalogue (Markdown tables)  -> eessi_catalogue.py  one unit per row (ref "A001")
- HTML pages                                 -> html.py        chrome removed, sections by heading
- plain text                                 -> text.py
- PDF, DOCX                                  -> unstructured_backend.py (offline)
Metadata-only sidecars (lex-corpus meta.json, Formex .doc.xml descriptors) return [] (nothing to
index, not an error).

Every failure on bad input is a `ParseError` with a clear reason (size above max_file_bytes, empty,
binary, corrupt, zip bomb, unknown JSON shape ...); sizes are checked before reading.
`parse_file_report` returns the chunks together with the non-fatal warnings (e.g. skipped JSONL
lines).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from ingest.types import Chunk, ParseError

__all__ = ["SUPPORTED_SUFFIXES", "parse_file", "parse_file_report", "ParseReport"]

log = logging.getLogger("ingest.parsers")

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({
    ".json", ".jsonl", ".ndjson", ".xml", ".html", ".htm", ".xhtml", ".md", ".markdown", ".txt", ".pdf", ".docx",
})

_BINARY_MAGIC = {
    b"\xd0\xcf\x11\xe0": "legacy Microsoft Office (OLE) document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\x1f\x8b": "gzip archive",
    b"Rar!": "RAR archive",
    b"7z\xbc\xaf": "7-Zip archive",
    b"\x7fELF": "executable (ELF)",
    b"MZ": "executable (Windows)",
}


class ParseReport:
    """Chunks of one file plus the warnings raised while parsing it."""

    def __init__(self, chunks: list[Chunk], warnings: list[str]):
        self.chunks = chunks
        self.warnings = warnings


def parse_file(file: Path, root: Path, *, source: str, settings: Any,
               defaults: dict[str, Any] | None = None) -> list[Chunk]:
    """Chunks of one file (see the module docstring). `root` is the ingested folder: metadata
    "path" is the file's path relative to it. `defaults` (optional) overrides inferred metadata
    (instrument_type, countries, language, licence, url, audience...); values read from the data
    itself (dates, a fiche's URL, front matter) still win."""
    return parse_file_report(file, root, source=source, settings=settings, defaults=defaults).chunks


def parse_file_report(file: Path, root: Path, *, source: str, settings: Any,
                      defaults: dict[str, Any] | None = None) -> ParseReport:
    from ingest.parsers.base import FileContext, read_bounded

    file = Path(file)
    root = Path(root)
    rel_path = _relative(file, root)
    data = read_bounded(file, settings.max_file_bytes)
    ctx = FileContext(file=file, rel_path=rel_path, source=source, settings=settings, data=data, defaults=defaults)
    try:
        chunks = _dispatch(ctx, root)
    except ParseError:
        raise
    except RecursionError as exc:
        raise ParseError("document nested too deeply to parse") from exc
    except MemoryError as exc:
        raise ParseError("document too large to parse in memory") from exc
    except Exception as exc:  # noqa: BLE001 - bad input must surface as a clear ParseError, never a crash
        log.debug("parser failure on %s", rel_path, exc_info=True)
        raise ParseError(f"cannot parse {rel_path}: {type(exc).__name__}: {str(exc)[:300]}") from exc
    return ParseReport(chunks, ctx.warnings)


def _relative(file: Path, root: Path) -> str:
    try:
        rel = file.resolve().relative_to(root.resolve())
    except ValueError:
        try:
            rel = file.relative_to(root)
        except ValueError:
            return file.name
    return rel.as_posix()


def _dispatch(ctx, root: Path) -> list[Chunk]:
    data = ctx.data
    head = data[:16]
    suffix = ctx.suffix
    if head.startswith(b"%PDF-"):
        from ingest.parsers.unstructured_backend import parse_with_unstructured

        return parse_with_unstructured(ctx, "pdf")
    if suffix == ".pdf":
        raise ParseError("corrupt PDF: the file does not start with %PDF-")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if suffix in (".docx", ".zip", "") or suffix not in SUPPORTED_SUFFIXES - {".docx"}:
            from ingest.parsers.unstructured_backend import parse_with_unstructured

            return parse_with_unstructured(ctx, "docx")
        raise ParseError(f"ZIP container with a {suffix} name: not a text file")
    if suffix == ".docx":
        raise ParseError("corrupt DOCX: not a ZIP container")
    for magic, label in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise ParseError(f"unsupported binary format: {label}")

    text = ctx.text()  # raises ParseError on binary content
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise ParseError("empty file (only whitespace)")

    if suffix in (".jsonl", ".ndjson"):
        from ingest.parsers.jsonl import parse_jsonl

        return parse_jsonl(ctx, text)
    if suffix in (".md", ".markdown"):  # Markdown may start with HTML (statengeneraal's <meta> tag)
        from eessi.catalogue import is_catalogue_text
        from ingest.parsers.markdown import parse_markdown

        if is_catalogue_text(stripped):
            from ingest.parsers.eessi_catalogue import parse_eessi_catalogue

            return parse_eessi_catalogue(ctx, text)

        return parse_markdown(ctx, root, text)
    if stripped[0] in "[{" and suffix in (".json", ""):
        return _parse_json(ctx, text)
    if stripped[0] in "[{" and suffix == ".txt":
        try:
            return _parse_json(ctx, text)
        except ParseError:
            pass  # a text that merely starts with a bracket
    if stripped.startswith("<"):
        return _parse_markup(ctx, root, stripped)
    if suffix == ".json":
        raise ParseError("invalid JSON: the file does not start with '{' or '['")
    if suffix in (".xml", ".html", ".htm", ".xhtml"):
        raise ParseError(f"{suffix} file that does not start with markup")
    from ingest.parsers.text import parse_text

    if stripped.startswith("---\n") or stripped.startswith("---\r\n"):
        from ingest.parsers.markdown import parse_markdown

        return parse_markdown(ctx, root, text)
    return parse_text(ctx, text)


_EXPECTED_JSON = ("a LEGI code tree (object with type code/section/article, data, children), a service-public.fr "
                  "fiche (object whose first child is a Publication element), travail-emploi entries (list of "
                  "objects with pubId and sections), or records with doc_id and text")


def _parse_json(ctx, text: str) -> list[Chunk]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        # Several JSON objects, one per line, in a .json file: JSON Lines.
        if text.lstrip().startswith("{") and "\n{" in text:
            from ingest.parsers.jsonl import parse_jsonl

            return parse_jsonl(ctx, text)
        raise ParseError(f"invalid JSON: {exc}") from exc
    from ingest.parsers.eurlex import is_lex_meta
    from ingest.parsers.fiches_vdd import is_fiche, parse_fiche
    from ingest.parsers.legi import is_legi_tree, parse_legi
    from ingest.parsers.travail_emploi import is_travail_emploi, parse_travail_emploi

    if is_legi_tree(data):
        return parse_legi(ctx, data)
    if is_fiche(data):
        return parse_fiche(ctx, data)
    if is_travail_emploi(data):
        return parse_travail_emploi(ctx, data)
    if is_lex_meta(data):
        return []
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data) and any("doc_id" in r for r in data):
        from ingest.parsers.jsonl import parse_jsonl

        return parse_jsonl(ctx, "\n".join(json.dumps(r, ensure_ascii=False) for r in data))
    shape = type(data).__name__
    keys = ", ".join(list(data)[:8]) if isinstance(data, dict) else ""
    raise ParseError(f"unrecognised JSON shape ({shape}{' with keys ' + keys if keys else ''}): expected "
                     f"{_EXPECTED_JSON}")


def _parse_markup(ctx, root: Path, stripped: str) -> list[Chunk]:
    from ingest.parsers.eurlex import is_eurlex_html, is_formex, parse_eurlex_html, parse_formex

    data = ctx.data
    lower_head = stripped[:3000].lower()
    if is_formex(data):
        return parse_formex(ctx)
    if is_eurlex_html(data):
        return parse_eurlex_html(ctx)
    if "<html" in lower_head or "<!doctype html" in lower_head or "<body" in lower_head or ctx.suffix in (
            ".html", ".htm", ".xhtml"):
        from ingest.parsers.html import parse_html_page

        return parse_html_page(ctx)
    if ctx.suffix == ".txt":
        from ingest.parsers.text import parse_text

        return parse_text(ctx)
    import re

    match = re.search(r"<([A-Za-z_][\w.:-]*)", stripped)
    root_tag = match.group(1) if match else "?"
    raise ParseError(f"unsupported XML vocabulary <{root_tag}>: expected EUR-Lex Formex (CONS.ACT/ACT) or XHTML")
