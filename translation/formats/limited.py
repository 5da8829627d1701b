"""Reading an uploaded document under resource limits (liaison.sandbox): format, damage, pages and
characters are checked in a separate process limited in CPU time, memory and wall clock, before the
upload is accepted and again before a job parses it, so a decompression bomb costs at most the limits
(LIAISON_PARSE_CPU_SECONDS, LIAISON_PARSE_MEMORY_MB, LIAISON_PARSE_WALL_SECONDS) and never a server worker."""
from __future__ import annotations

from pathlib import Path

from liaison.sandbox import Limits, ResourceLimitExceeded, run_limited
from translation.errors import DocumentError, TranslationError


# Leading bytes of formats that must not hide in a text file, and the zip end-of-directory record.
_BINARY_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\x7fELF", b"MZ", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"Rar!", b"7z\xbc\xaf")
_ZIP_END = b"PK\x05\x06"


def check_content(path: str) -> None:
    """The content matches the extension and is one format only (polyglots are refused: a PDF that is also
    a zip, a text file that starts as an executable or an archive)."""
    from translation.formats import format_of

    fmt = format_of(Path(path).name)
    with open(path, "rb") as fh:
        head = fh.read(1024)
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65_536))
        tail = fh.read()
    name = Path(path).name
    # Content that is not the format at all is left to the readers (their messages say what to do, e.g.
    # for an old Word 97-2003 file); here only files that are two formats at once are refused.
    if fmt == "pdf":
        if _ZIP_END in tail or b"PK\x03\x04" in head:
            raise DocumentError(f"{name}: a PDF that is also a zip archive (polyglot file) is refused")
    elif fmt == "docx":
        if b"%PDF-" in head or b"%PDF-" in tail:
            raise DocumentError(f"{name}: a DOCX that also holds a PDF header (polyglot file) is refused")
    elif head.lstrip().startswith(_BINARY_MAGIC) or _ZIP_END in tail:
        raise DocumentError(f"{name}: binary content (an archive, PDF, image or program) in a {fmt} file")


def char_count(path: str, max_pages: int | None, max_chars: int | None) -> int:
    """(Runs in the limited process.) Check the content, open the document fully, return its characters."""
    from translation.formats import open_document

    check_content(path)
    return open_document(path, max_pages=max_pages, max_chars=max_chars).char_count


def inspect_limited(path: Path, settings) -> int:
    """Characters of the document at `path`, read in the limited process; format and limit errors are
    raised as the readers raise them, a limit reached as a DocumentError (422) naming the setting."""
    try:
        return run_limited("translation.formats.limited:char_count", str(path), settings.translation_max_pages,
                           settings.translation_max_file_chars, limits=Limits.from_settings(settings),
                           label=Path(path).name)
    except ResourceLimitExceeded as exc:
        raise DocumentError(str(exc)) from None
    except TranslationError:
        raise
    except Exception as exc:  # noqa: BLE001  (a reader's own error on a damaged file: bad CRC, truncated zip...)
        raise DocumentError(f"{Path(path).name}: damaged or unreadable file ({type(exc).__name__})") from None
