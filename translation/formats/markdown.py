"""Markdown: structure (headings, lists, quotes, tables, code, front matter, link definitions) kept
verbatim; paragraph text translated with its emphasis, links and inline code carried as spans.
Inline code, images, autolinks and inline HTML are protected: they come out exactly as written."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from translation.errors import DocumentError
from translation.formats.base import Document, decode_text
from translation.segments import Block, Run

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# Front-matter fields a reader sees (scalar values only; lists, blocks and other keys stay as written).
_FRONT_MATTER_TEXT = re.compile(r"^(\s*(?:title|subtitle|description|summary|excerpt)\s*:)(\s*)"
                                r"(?![|>\[{&*!])(\S.*?)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^(\s{0,3}#{1,6}\s+)(.*?)(\s+#+\s*)?$")
_LIST = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)")
_QUOTE = re.compile(r"^(\s{0,3}(?:>\s?)+)")
_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,}|={3,}\s*)$")
_LINKDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HTML_LINE = re.compile(r"^\s*</?[A-Za-z][^>]*>\s*$|^\s*<!--")
_INLINE = re.compile(
    r"(?P<code>`+)(?P<codetext>.+?)(?P=code)"
    r"|(?P<image>!\[[^\]]*\]\([^)]*\))"
    r"|(?P<auto><(?:https?://|mailto:)[^>]+>)"
    r"|(?P<html></?[A-Za-z][^>]*>)"
    r"|\[(?P<linktext>[^\]]+)\](?P<linktarget>\([^)]*\)|\[[^\]]*\])"
    r"|(?P<url>https?://[^\s)>\]]+)"
    r"|(?P<strongem>\*\*\*|___)(?P<setext>.+?)(?P=strongem)"
    r"|(?P<strong>\*\*|__)(?P<stext>.+?)(?P=strong)"
    r"|(?<![\w*])(?P<em>[*_])(?P<etext>[^\s*_](?:.*?[^\s*_])?)(?P=em)(?![\w*])"
    r"|(?P<escape>\\[\\`*_{}\[\]()#+\-.!|<>])"
)


def parse_inline(text: str) -> list[Run]:
    runs: list[Run] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            runs.append(Run(text[pos:m.start()]))
        if m.group("code"):
            runs.append(Run(m.group("codetext"), ("code", m.group("code")), protected=True))
        elif m.group("image") or m.group("auto") or m.group("html") or m.group("url"):
            runs.append(Run(m.group(0), ("raw",), protected=True))
        elif m.group("linktext") is not None:
            runs.append(Run(m.group("linktext"), ("link", m.group("linktarget"))))
        elif m.group("strongem"):
            runs.append(Run(m.group("setext"), ("bi", m.group("strongem"))))
        elif m.group("strong"):
            runs.append(Run(m.group("stext"), ("b", m.group("strong"))))
        elif m.group("em"):
            runs.append(Run(m.group("etext"), ("i", m.group("em"))))
        elif m.group("escape"):
            runs.append(Run(m.group("escape")[1]))
        pos = m.end()
    if pos < len(text):
        runs.append(Run(text[pos:]))
    return [r for r in runs if r.text]


def _escape(text: str) -> str:
    return re.sub(r"([`*\[\]])", r"\\\1", text)


def render_inline(runs: list[Run]) -> str:
    out = []
    for run in runs:
        style = run.style
        if style is None:
            out.append(_escape(run.text))
            continue
        kind = style[0]
        if kind == "raw":
            out.append(run.text)
            continue
        if kind == "code":
            out.append(f"{style[1]}{run.text}{style[1]}")
            continue
        core = run.text.strip()
        lead = run.text[:len(run.text) - len(run.text.lstrip())]
        trail = run.text[len(run.text.rstrip()):]
        if not core:
            out.append(run.text)
            continue
        if kind == "link":
            out.append(f"{lead}[{_escape(core)}]{style[1]}{trail}")
        else:
            marker = style[1] if kind == "i" else style[1]
            out.append(f"{lead}{marker}{_escape(core)}{marker}{trail}")
    return "".join(out)


@dataclass
class _Line:
    raw: str | None = None
    prefix: str = ""
    blocks: list[str] | None = None  # block ids (several for a table row)
    cells: list[tuple[str, str]] | None = None  # table: (leading, trailing) spaces per cell
    suffix: str = ""
    original: list[str] | None = None  # source lines, written back when nothing was translated
    yaml: bool = False  # a front-matter value: written back as a double-quoted YAML string


class MarkdownDocument(Document):
    fmt = "md"

    def __init__(self, path, blocks, lines, newline, encoding):
        super().__init__(path, blocks)
        self.lines = lines
        self.newline = newline
        self.encoding = encoding

    @classmethod
    def read(cls, path: Path, *, max_pages: int | None = None) -> "MarkdownDocument":
        text, encoding = decode_text(path.read_bytes(), path.name)
        if not text.strip():
            raise DocumentError(f"{path.name}: the file is empty")
        newline = "\r\n" if "\r\n" in text else "\n"
        source = text.replace("\r\n", "\n").split("\n")
        blocks: list[Block] = []
        lines: list[_Line] = []

        def new_block(content: str, kind: str = "p") -> str:
            block_id = f"b{len(blocks)}"
            blocks.append(Block(block_id, parse_inline(content), kind))
            return block_id

        i = 0
        if source and source[0].strip() == "---":  # front matter
            end = next((j for j in range(1, len(source)) if source[j].strip() in ("---", "...")), None)
            if end is not None:
                for line in source[:end + 1]:
                    field = _FRONT_MATTER_TEXT.match(line)
                    if field is None:
                        lines.append(_Line(raw=line))
                        continue
                    value = field.group(3).strip()
                    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                        value = value[1:-1].replace("''", "'") if value[0] == "'" else \
                            value[1:-1].replace('\\"', '"')
                    block_id = f"b{len(blocks)}"
                    blocks.append(Block(block_id, [Run(value)], "title"))
                    lines.append(_Line(prefix=field.group(1) + (field.group(2) or " "), blocks=[block_id], original=[line],
                                       yaml=True))
                i = end + 1
        fence = None
        previous_blank = True
        while i < len(source):
            line = source[i]
            i += 1
            if fence:
                lines.append(_Line(raw=line))
                if re.match(rf"^\s{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", line):
                    fence = None
                continue
            m = _FENCE.match(line)
            if m:
                fence = m.group(1)
                lines.append(_Line(raw=line))
                continue
            blank = not line.strip()
            if blank or _RULE.match(line) or _LINKDEF.match(line) or _HTML_LINE.match(line) \
                    or _TABLE_SEP.match(line) or (previous_blank and re.match(r"^( {4}|\t)", line) and not _LIST.match(line)):
                lines.append(_Line(raw=line))
                previous_blank = blank
                continue
            previous_blank = False
            quote = _QUOTE.match(line)
            prefix = quote.group(1) if quote else ""
            body = line[len(prefix):]
            if body.strip().startswith("|") and body.rstrip().endswith("|"):
                cells_raw = re.split(r"(?<!\\)\|", body.strip())[1:-1]
                ids, spacing = [], []
                for cell in cells_raw:
                    content = cell.strip()
                    spacing.append((cell[:len(cell) - len(cell.lstrip())], cell[len(cell.rstrip()):]))
                    ids.append(new_block(content, "cell") if content else "")
                lead = body[:len(body) - len(body.lstrip())]
                lines.append(_Line(prefix=prefix + lead, blocks=ids, cells=spacing, original=[line]))
                continue
            heading = _HEADING.match(body)
            if heading:
                lines.append(_Line(prefix=prefix + heading.group(1), blocks=[new_block(heading.group(2), "heading")],
                                   suffix=heading.group(3) or "", original=[line]))
                continue
            item = _LIST.match(body)
            marker = item.group(1) if item else re.match(r"\s*", body).group(0)
            content = body[len(marker):]
            first_index = i - 1
            # Paragraph continuation lines (not a new block construct) join the same block.
            while i < len(source):
                nxt = source[i]
                nxt_quote = _QUOTE.match(nxt)
                nxt_body = nxt[len(nxt_quote.group(1)):] if nxt_quote else nxt
                if (not nxt.strip() or _FENCE.match(nxt) or _RULE.match(nxt) or _HEADING.match(nxt_body)
                        or _LIST.match(nxt_body) or _LINKDEF.match(nxt) or _HTML_LINE.match(nxt)
                        or nxt_body.strip().startswith("|") or bool(nxt_quote) != bool(quote)
                        or content.endswith(("  ", "\\")) or re.match(r"^\s{0,3}(=+|-+)\s*$", nxt_body)):
                    break
                content = content.rstrip() + " " + nxt_body.strip()
                i += 1
            trailing = content[len(content.rstrip()):]
            lines.append(_Line(prefix=prefix + marker, blocks=[new_block(content.strip(), "item" if item else "p")],
                               suffix=trailing, original=source[first_index:i]))
        return cls(path, blocks, lines, newline, encoding)

    def write(self, translated: dict[str, list[Run]], out: Path, target_lang: str) -> None:
        runs_of = {b.id: b.runs for b in self.blocks}
        output = []
        for line in self.lines:
            if line.raw is not None:
                output.append(line.raw)
                continue
            if line.original is not None and not any(bid in translated for bid in line.blocks if bid):
                output.extend(line.original)
                continue
            if line.yaml:
                text = "".join(r.text for r in translated.get(line.blocks[0], runs_of[line.blocks[0]]))
                output.append(line.prefix + json.dumps(text, ensure_ascii=False))
                continue
            rendered = [render_inline(translated.get(bid, runs_of[bid])) if bid else "" for bid in line.blocks]
            if line.cells is not None:
                cells = [f"{lead}{text}{trail}" if text else f"{lead}{trail}" for text, (lead, trail) in zip(rendered, line.cells)]
                output.append(line.prefix + "|" + "|".join(cells) + "|")
            else:
                output.append(line.prefix + rendered[0] + line.suffix)
        encoding = "utf-8" if self.encoding in ("cp1252", "utf-16") else self.encoding
        out.write_bytes(self.newline.join(output).encode(encoding))

    @staticmethod
    def style_label(style) -> str | None:
        if style is None:
            return None
        return {"b": "b", "i": "i", "bi": "b", "code": "code", "link": "link", "raw": "raw"}.get(style[0])
