"""Plain text: line structure, blank lines, indentation and list markers are kept; hard-wrapped prose
paragraphs are translated as a whole and wrapped again at their original width."""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from translation.errors import DocumentError
from translation.formats.base import Document, decode_text
from translation.segments import Block, Run

_MARKER = re.compile(r"^(\s*(?:[-*•–·]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,3}\))?\s*)")


@dataclass
class _Item:
    raw: str | None = None  # kept as is
    block_id: str | None = None
    prefix: str = ""
    suffix: str = ""
    wrap: int | None = None
    original: list[str] | None = None  # written back as is when the block is not translated


def _looks_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    if any(_MARKER.match(line).group(1).strip() for line in lines[1:]):
        return False
    body = lines[:-1]
    if not all(len(line.rstrip()) >= 40 for line in body) or any(line.rstrip().endswith(":") for line in body):
        return False
    # Hard-wrapped prose breaks lines mid-sentence; one sentence per line is a list of lines.
    open_ended = sum(1 for line in body if not re.search(r"[.!?;»\"”)]\s*$", line))
    return open_ended * 2 >= len(body)


class TextDocument(Document):
    fmt = "txt"

    def __init__(self, path, blocks, items, newline, encoding):
        super().__init__(path, blocks)
        self.items = items
        self.newline = newline
        self.encoding = encoding

    @classmethod
    def read(cls, path: Path, *, max_pages: int | None = None) -> "TextDocument":
        text, encoding = decode_text(path.read_bytes(), path.name)
        if not text.strip():
            raise DocumentError(f"{path.name}: the file is empty")
        newline = "\r\n" if "\r\n" in text else "\n"
        lines = text.replace("\r\n", "\n").split("\n")
        items: list[_Item] = []
        blocks: list[Block] = []
        paragraph: list[str] = []

        def flush() -> None:
            if not paragraph:
                return
            if _looks_wrapped(paragraph):
                indent = re.match(r"\s*", paragraph[0]).group(0)
                joined = " ".join(line.strip() for line in paragraph)
                block_id = f"b{len(blocks)}"
                blocks.append(Block(block_id, [Run(joined)]))
                items.append(_Item(block_id=block_id, prefix=indent, wrap=max(len(line.rstrip()) for line in paragraph),
                                   original=list(paragraph)))
            else:
                for line in paragraph:
                    prefix = _MARKER.match(line).group(1)
                    body = line[len(prefix):]
                    content = body.rstrip()
                    if not content:
                        items.append(_Item(raw=line))
                        continue
                    block_id = f"b{len(blocks)}"
                    blocks.append(Block(block_id, [Run(content)]))
                    items.append(_Item(block_id=block_id, prefix=prefix, suffix=body[len(content):]))
            paragraph.clear()

        for line in lines:
            if line.strip():
                paragraph.append(line)
            else:
                flush()
                items.append(_Item(raw=line))
        flush()
        return cls(path, blocks, items, newline, encoding)

    def write(self, translated: dict[str, list[Run]], out: Path, target_lang: str) -> None:
        originals = {b.id: b.text for b in self.blocks}
        lines: list[str] = []
        for item in self.items:
            if item.raw is not None:
                lines.append(item.raw)
                continue
            runs = translated.get(item.block_id)
            if runs is None and item.original is not None:
                lines.extend(item.original)
                continue
            text = "".join(r.text for r in runs) if runs is not None else originals[item.block_id]
            if item.wrap:
                lines.extend(textwrap.wrap(text, width=item.wrap, initial_indent=item.prefix,
                                           subsequent_indent=item.prefix, break_on_hyphens=False) or [item.prefix])
            else:
                lines.append(item.prefix + text + item.suffix)
        data = self.newline.join(lines)
        encoding = "utf-8" if self.encoding in ("cp1252", "utf-16") else self.encoding
        out.write_bytes(data.encode(encoding))
