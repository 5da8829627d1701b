"""Shared pieces of the parsers: bounded reading, text decoding, archive checks, dates, and the step
that turns parsed units into chunks with merged metadata."""
from __future__ import annotations

import datetime as dt
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.chunking import Unit, build_chunks
from ingest.classify import Inferred, infer, merge_metadata
from ingest.legal_refs import extract_form_codes, extract_references, join_cites
from ingest.types import OPEN_ENDED, Chunk, ParseError

log = logging.getLogger("ingest.parsers")


@dataclass
class FileContext:
    file: Path
    rel_path: str
    source: str
    settings: Any
    data: bytes
    defaults: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def suffix(self) -> str:
        return self.file.suffix.lower()

    def text(self) -> str:
        return decode_text(self.data, self.rel_path)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("%s: %s", self.rel_path, message)


def read_bounded(file: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing (before reading) anything above `max_bytes` or not a regular file."""
    try:
        stat = file.stat()
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or exc}") from exc
    if not file.is_file():
        raise ParseError("not a regular file")
    if stat.st_size > max_bytes:
        raise ParseError(f"file is {stat.st_size} bytes, above the limit max_file_bytes={max_bytes}")
    if stat.st_size == 0:
        raise ParseError("empty file (0 bytes)")
    try:
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:  # grew while we read it
        raise ParseError(f"file is above the limit max_file_bytes={max_bytes}")
    if not data.strip():
        raise ParseError("empty file (only whitespace)")
    return data


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Characters that are neither letters/digits/space nor usual punctuation: many of them = binary junk.
_SYMBOL = re.compile(r"[^\w\s.,;:!?'\"()\[\]{}<>\-–—/\\%€$£&*+=#|@°«»‘’“”…§~^`]")


def _cp1252_table() -> dict[int, str]:
    """Latin-1 code points 0x80-0x9F -> the Windows-1252 characters (€, ’, œ ...); the five bytes
    cp1252 leaves undefined stay as Latin-1, so no byte is ever lost."""
    table = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            pass
    return table


_CP1252_TABLE = _cp1252_table()


def decode_text(data: bytes, label: str = "file") -> str:
    """Text of a file: UTF-8 (with or without BOM), UTF-16/32 with BOM, else Windows-1252/Latin-1
    (the usual legacy encodings of French and English texts). Binary content is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        candidates = ["utf-32"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8"]
    text = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            text = None
    if text is None:
        if b"\x00" in data[:65536]:
            raise ParseError("binary content: not a text file (NUL bytes, not UTF-8/UTF-16)")
        text = data.decode("latin-1").translate(_CP1252_TABLE)
    sample = text[:65536]
    if sample:
        controls = len(_CONTROL.findall(sample))
        if "\x00" in sample or controls > max(8, len(sample) // 100):
            raise ParseError("binary content: not a text file (control characters)")
        symbols = len(_SYMBOL.findall(sample))
        if symbols > len(sample) * 0.3:
            raise ParseError("binary content: not a text file (mostly symbols)")
    return text


def check_zip(file: Path, settings: Any, *, label: str = "archive") -> zipfile.ZipFile:
    """Open a ZIP container (DOCX) after checking its declared sizes against max_unpacked_bytes and
    max_compression_ratio, so a zip bomb is refused before any library inflates it."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(f"corrupt {label}: not a valid ZIP container ({exc})") from exc
    try:
        infos = archive.infolist()
        if len(infos) > 10000:
            raise ParseError(f"{label} has {len(infos)} members (limit 10000)")
        total = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos)
        if total > settings.max_unpacked_bytes:
            raise ParseError(f"{label} would unpack to {total} bytes, above max_unpacked_bytes={settings.max_unpacked_bytes}")
        ratio_limit = settings.max_compression_ratio
        for info in infos:
            if info.file_size > 1_000_000 and info.file_size > ratio_limit * max(info.compress_size, 1):
                raise ParseError(
                    f"{label} member {info.filename!r} inflates {info.file_size / max(info.compress_size, 1):.0f}x "
                    f"(limit max_compression_ratio={ratio_limit:g}): refusing a possible zip bomb")
        if total > 10_000_000 and total > ratio_limit * max(packed, 1):
            raise ParseError(f"{label} inflates {total / max(packed, 1):.0f}x overall (limit {ratio_limit:g})")
    except ParseError:
        archive.close()
        raise
    return archive


# ---------------------------------------------------------------- dates

_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY_SLASH = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_WORD_DATE = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)?\s+([a-zéûA-ZÉÛ]+)\s+(\d{4})\b")
# LEGI writes "2999-01-01" (and its epoch ms) for "no end date".
_OPEN_YEAR = 2999


def yyyymmdd(value: Any, *, end: bool = False) -> int:
    """Int YYYYMMDD from an epoch in ms, an ISO date/datetime, 'dd/mm/yyyy' or '25 novembre 2021'.
    0 when unknown; OPEN_ENDED for LEGI's 2999 'no end' dates."""
    if value is None or value == "":
        return 0
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value <= 0:
                return 0
            day = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=int(value))
            year, month, dom = day.year, day.month, day.day
        else:
            text = str(value).strip()
            if text.isdigit() and len(text) >= 10:
                return yyyymmdd(int(text), end=end)
            if text.isdigit() and len(text) == 8:
                year, month, dom = int(text[:4]), int(text[4:6]), int(text[6:])
            elif m := _ISO_DATE.search(text):
                year, month, dom = int(m.group(1)), int(m.group(2)), int(m.group(3))
            elif m := _DMY_SLASH.match(text):
                year, month, dom = int(m.group(3)), int(m.group(2)), int(m.group(1))
            elif m := _WORD_DATE.search(text):
                month = _MONTHS.get(m.group(2).lower())
                if not month:
                    return 0
                year, dom = int(m.group(3)), int(m.group(1))
            else:
                return 0
        if year >= _OPEN_YEAR:
            return OPEN_ENDED
        dt.date(year, month, dom)  # validates
        return year * 10000 + month * 100 + dom
    except (ValueError, OverflowError):
        return 0


def day_after(value: int) -> int:
    """YYYYMMDD of the next day (for sources whose end dates are inclusive)."""
    if not value or value == OPEN_ENDED:
        return value
    day = dt.date(value // 10000, value // 100 % 100, value % 100) + dt.timedelta(days=1)
    return day.year * 10000 + day.month * 100 + day.day


def find_text_date(text: str) -> int:
    """First 'day month year' date in a text (French or English month names), 0 if none."""
    for m in _WORD_DATE.finditer(text):
        value = yyyymmdd(m.group(0))
        if value:
            return value
    return 0


# ---------------------------------------------------------------- units -> chunks

def cites_for(text: str, *extra: list[str]) -> str:
    return join_cites(*extra, extract_references(text), extract_form_codes(text))


def units_to_chunks(ctx: FileContext, units: list[Unit], inferred: Inferred | None = None) -> list[Chunk]:
    """Merge metadata (inferred < defaults < unit data) and chunk every non-empty unit."""
    if inferred is None:
        sample = "\n".join(u.text() for u in units[:5])
        inferred = infer(ctx.rel_path, sample)
    base_inferred = inferred.as_metadata()
    base_inferred.update({"source": ctx.source, "path": ctx.rel_path, "status": "", "version_date": 0,
                          "valid_from": 0, "valid_to": OPEN_ENDED})
    settings = ctx.settings
    chunks: list[Chunk] = []
    seen_units: set[tuple[str, str]] = set()
    for unit in units:
        if unit.is_empty():
            continue
        identity = (unit.ref, unit.text())
        if identity in seen_units:  # the same heading and text twice in one file: index it once
            continue
        seen_units.add(identity)
        explicit = dict(unit.meta)
        if "cites" not in explicit:
            explicit["cites"] = cites_for(unit.text(), unit.cites)
        merged = merge_metadata(base_inferred, ctx.defaults, explicit)
        merged["source"], merged["path"] = ctx.source, ctx.rel_path
        chunks.extend(build_chunks(unit, merged, settings.chunk_chars, settings.chunk_overlap_chars))
    return chunks
