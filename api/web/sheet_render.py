"""The project's fact sheets shown as formatted text in the document viewer: section headings, paragraphs,
bulleted and numbered lists, and web addresses as links, with the cited passage still highlighted.

The index keeps a sheet's structure in its text (a section heading on its own line at the start of a
block, blocks separated by blank lines, list items starting with "- " or "1. "), so the page is built
from that text: no HTML is ever taken from a file. The template escapes every piece; links are made only
from http(s) addresses."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from api.web.highlight import find_passages

_BULLET = re.compile(r"^\s*[-•*]\s+")
_NUMBER = re.compile(r"^\s*\d+[.)]\s+")
_URL = re.compile(r"https?://[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]")


@dataclass
class Run:
    text: str
    marked: bool = False
    href: str = ""
    first_mark: bool = False


@dataclass
class Block:
    tag: str                                   # h2, p, ul, ol
    items: list[list[Run]] = field(default_factory=list)


def _is_heading(line: str, rest: list[str]) -> bool:
    """A section heading: a short line without closing punctuation that opens a block."""
    s = line.strip()
    return (0 < len(s) <= 90 and not s.endswith((".", ";", ":", ",", "!", "?", ")")) and not _BULLET.match(s)
            and not _NUMBER.match(s) and "http" not in s and (bool(rest) or len(s.split()) <= 8))


def _runs(text: str, start: int, ranges: list[tuple[int, int]], state: dict) -> list[Run]:
    """`text` (found at offset `start` of the sheet) cut into marked / unmarked / link runs."""
    cuts = {0, len(text)}
    for a, b in ranges:
        for x in (a - start, b - start):
            if 0 < x < len(text):
                cuts.add(x)
    for m in _URL.finditer(text):
        cuts.update((m.start(), m.end()))
    links = {(m.start(), m.end()): m.group(0) for m in _URL.finditer(text)}
    out: list[Run] = []
    points = sorted(cuts)
    for a, b in zip(points, points[1:]):
        piece = text[a:b]
        marked = any(ra <= start + a and start + b <= rb for ra, rb in ranges)
        href = next((url for (la, lb), url in links.items() if la <= a and b <= lb), "")
        run = Run(piece, marked, href)
        if marked and not state.get("marked"):
            run.first_mark = state["marked"] = True
        if out and out[-1].marked == run.marked and out[-1].href == run.href == "":
            out[-1].text += piece
        else:
            out.append(run)
    return out


def sheet_blocks(text: str, highlight: str | None) -> tuple[list[Block], bool]:
    """The sheet's blocks and whether the highlighted passage was found."""
    ranges = find_passages(text, highlight) if highlight and highlight.strip() else []
    state: dict = {}
    blocks: list[Block] = []
    offset = 0
    for raw_block in re.split(r"(\n\s*\n)", text):
        if not raw_block.strip() or raw_block.isspace():
            offset += len(raw_block)
            continue
        lines, positions, pos = [], [], offset
        for line in raw_block.split("\n"):
            lines.append(line)
            positions.append(pos)
            pos += len(line) + 1
        offset += len(raw_block)
        i = 0
        if _is_heading(lines[0], lines[1:]):
            blocks.append(Block("h2", [_runs(lines[0].strip(), positions[0] + len(lines[0]) - len(lines[0].lstrip()),
                                             ranges, state)]))
            i = 1
        paragraph: list[tuple[str, int]] = []
        listing: Block | None = None
        for line, start in zip(lines[i:], positions[i:]):
            marker = _BULLET.match(line) or _NUMBER.match(line)
            if marker:
                if paragraph:
                    blocks.append(_paragraph(paragraph, ranges, state))
                    paragraph = []
                tag = "ol" if _NUMBER.match(line) else "ul"
                if listing is None or listing.tag != tag:
                    listing = Block(tag)
                    blocks.append(listing)
                listing.items.append(_runs(line[marker.end():], start + marker.end(), ranges, state))
            elif listing is not None and line.strip():  # a list item wrapped onto the next line
                listing.items[-1].append(Run(" "))
                listing.items[-1].extend(_runs(line.strip(), start + len(line) - len(line.lstrip()), ranges, state))
            elif line.strip():
                paragraph.append((line, start))
        if paragraph:
            blocks.append(_paragraph(paragraph, ranges, state))
    return blocks, bool(state.get("marked"))


def _paragraph(lines: list[tuple[str, int]], ranges, state) -> Block:
    runs: list[Run] = []
    for n, (line, start) in enumerate(lines):
        if n:
            runs.append(Run(" "))
        runs.extend(_runs(line, start, ranges, state))
    return Block("p", [runs])
