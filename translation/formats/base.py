"""What every format reader provides."""
from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from translation.errors import DocumentError, LimitExceeded
from translation.segments import Block, Run


class Document(ABC):
    fmt: str = ""
    output_suffix: str = ""  # "" = same as the input
    note: str | None = None  # shown to the user (e.g. "layout approximate" for PDF)

    def __init__(self, path: Path, blocks: list[Block], *, pages: int | None = None):
        self.path = path
        self.blocks = blocks
        self.pages = pages

    @classmethod
    @abstractmethod
    def read(cls, path: Path, *, max_pages: int | None = None) -> "Document":
        ...

    @abstractmethod
    def write(self, translated: dict[str, list[Run]], out: Path, target_lang: str) -> None:
        """Write the document with each block replaced by its translated runs (missing = unchanged)."""

    def output_name(self, target_lang: str) -> str:
        suffix = self.output_suffix or self.path.suffix
        return f"{self.path.stem}.{target_lang}{suffix}"

    @property
    def char_count(self) -> int:
        return sum(len(b.text) for b in self.blocks)

    def check_size(self, max_chars: int) -> None:
        if self.char_count > max_chars:
            raise LimitExceeded(f"{self.path.name}: {self.char_count} characters of text, above the limit of "
                                f"{max_chars} per file; split the document or raise LIAISON_TRANSLATION_MAX_FILE_CHARS")


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Text and the encoding it was read with: BOMs first, then UTF-8, then Windows-1252 (a clear
    error for binary data rather than mojibake)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{name}: broken UTF-16 text at byte {exc.start}; save it again as UTF-8") from exc
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{name}: binary data, not text; check the file type")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            line = data[:exc.start].count(b"\n") + 1
            raise DocumentError(f"{name}, line {line}: not valid UTF-8 or Windows-1252 text; "
                                "save the file as UTF-8 and retry") from exc
        return text, "cp1252"
