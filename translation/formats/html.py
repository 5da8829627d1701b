"""HTML: only text is translated; every tag, attribute, comment, script and style is written back
exactly as it was in the source (the tokens are kept as raw source slices). Inline elements inside
a paragraph (b, i, a, span ...) become formatting spans and are re-emitted around the translated
words; the only markup change is the `lang` attribute of <html>, set to the target language.

The attributes a reader sees (alt, title, placeholder, aria-label) are translated too, as blocks of
their own (the tag is rewritten with the translated, escaped value; nothing else in it changes).

Not translated: script, style, code/pre, textarea, svg, math, template, elements marked
translate="no" or class="notranslate", and other attribute values.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from translation.errors import DocumentError
from translation.formats.base import Document, decode_text
from translation.languages import DOCUMENT_LOCALES
from translation.segments import Block, Run

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "button", "caption", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hgroup", "html", "label", "legend", "li", "main", "menu", "nav", "ol", "optgroup", "option", "p",
    "section", "select", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
             "track", "wbr"}
SKIP_TAGS = {"script", "style", "pre", "textarea", "svg", "math", "template", "noscript", "code", "kbd", "samp",
             "var", "iframe", "object"}
INLINE_CODE_TAGS = {"code", "kbd", "samp", "var"}  # inside a sentence: kept verbatim, sentence not split
TEXT_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
INLINE_LABELS = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "a": "link", "sub": "sub", "sup": "sup"}


@dataclass
class _Token:
    kind: str  # start end startend text entity other
    tag: str = ""
    attrs: dict = field(default_factory=dict)
    raw: str = ""


class _Tokenizer(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.events: list[tuple[int, str, str, dict]] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        self.events.append((self._offset(), "start", tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.events.append((self._offset(), "startend", tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.events.append((self._offset(), "end", tag, {}))

    def handle_data(self, data):
        self.events.append((self._offset(), "text", "", {}))

    def handle_entityref(self, name):
        self.events.append((self._offset(), "entity", "", {}))

    def handle_charref(self, name):
        self.events.append((self._offset(), "entity", "", {}))

    def handle_comment(self, data):
        self.events.append((self._offset(), "other", "", {}))

    def handle_decl(self, decl):
        self.events.append((self._offset(), "other", "", {}))

    def handle_pi(self, data):
        self.events.append((self._offset(), "other", "", {}))

    def unknown_decl(self, data):
        self.events.append((self._offset(), "other", "", {}))


def tokenize(source: str) -> list[_Token]:
    parser = _Tokenizer(source)
    parser.feed(source)
    parser.close()
    events = parser.events
    tokens: list[_Token] = []
    for i, (start, kind, tag, attrs) in enumerate(events):
        end = events[i + 1][0] if i + 1 < len(events) else len(source)
        raw = source[start:end]
        if tokens and kind == "text" and tokens[-1].kind == "text":
            tokens[-1].raw += raw
            continue
        tokens.append(_Token(kind, tag, attrs, raw))
    covered = sum(len(t.raw) for t in tokens)
    if covered != len(source):  # should not happen; never write a document we could not map exactly
        raise DocumentError("HTML could not be tokenized losslessly")
    return tokens


@dataclass
class _Piece:
    first: int
    last: int
    block_id: str | None
    lead: str
    trail: str


def _translatable_zone(token: _Token) -> bool:
    if token.attrs.get("translate", "").lower() == "no":
        return False
    classes = (token.attrs.get("class") or "").split()
    return "notranslate" not in classes


class HtmlDocument(Document):
    fmt = "html"

    def __init__(self, path, blocks, tokens, pieces, encoding, attributes=None):
        super().__init__(path, blocks)
        self.tokens = tokens
        self.pieces = pieces
        self.encoding = encoding
        self.attributes: list[tuple[int, str, str]] = attributes or []  # (token index, attribute, block id)

    @classmethod
    def read(cls, path: Path, *, max_pages: int | None = None) -> "HtmlDocument":
        data = path.read_bytes()
        declared = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.IGNORECASE)
        text = None
        encoding = None
        if declared:
            encoding = declared.group(1).decode("ascii").lower()
            try:
                text = data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                text = None
        if text is None:
            text, encoding = decode_text(data, path.name)
        if not text.strip():
            raise DocumentError(f"{path.name}: the file is empty")
        return cls.from_text(text, path, encoding)

    @classmethod
    def from_text(cls, text: str, path: Path | None = None, encoding: str = "utf-8") -> "HtmlDocument":
        tokens = tokenize(text)
        blocks: list[Block] = []
        pieces: list[_Piece] = []
        stack: list[tuple[str, bool]] = []  # (tag, translatable)
        current: list[int] = []

        def zone_ok() -> bool:
            return all(ok for _, ok in stack)

        def in_head_only() -> bool:
            tags = [t for t, _ in stack]
            return "head" in tags and "title" not in tags

        def flush() -> None:
            if not current:
                return
            _make_piece(tokens, list(current), blocks, pieces)
            current.clear()

        skip_until = -1
        attribute_texts: list[tuple[int, str, str]] = []  # (token index, attribute, value)
        for index, token in enumerate(tokens):
            if index <= skip_until:
                continue
            if token.kind in ("start", "startend") and zone_ok() and _translatable_zone(token) \
                    and not any(t in SKIP_TAGS for t, _ in stack) and token.tag not in SKIP_TAGS:
                for name in TEXT_ATTRIBUTES:
                    value = token.attrs.get(name)
                    if value and any(ch.isalpha() for ch in value):
                        attribute_texts.append((index, name, html.unescape(value)))
            if token.kind == "start" and token.tag in INLINE_CODE_TAGS and current and zone_ok() \
                    and _translatable_zone(token):
                end = _simple_element_end(tokens, index)
                if end is not None:
                    current.extend(range(index, end + 1))
                    skip_until = end
                    continue
            if token.kind in ("start", "startend", "end"):
                tag = token.tag
                if token.kind == "start" and tag not in VOID_TAGS:
                    ok = tag not in SKIP_TAGS and _translatable_zone(token)
                    if tag in BLOCK_TAGS or not ok:
                        flush()
                    stack.append((tag, ok))
                    if tag not in BLOCK_TAGS and ok and zone_ok():
                        current.append(index)
                    continue
                if token.kind == "end":
                    if any(t == tag for t, _ in stack):
                        while stack:
                            popped, ok = stack.pop()
                            if popped == tag:
                                break
                    if tag in BLOCK_TAGS or tag in SKIP_TAGS:
                        flush()
                    elif zone_ok() and current:
                        current.append(index)
                    continue
                flush()  # void element or <x/>: a boundary kept in place
                continue
            if token.kind in ("text", "entity"):
                if zone_ok() and not in_head_only() and not any(t in SKIP_TAGS for t, _ in stack):
                    current.append(index)
                else:
                    flush()
                continue
            flush()  # comment, doctype, processing instruction
        flush()
        attributes = []
        for index, name, value in attribute_texts:
            block_id = f"a{len(attributes)}"
            blocks.append(Block(block_id, [Run(re.sub(r"\s+", " ", value).strip())], "attribute"))
            attributes.append((index, name, block_id))
        return cls(path or Path("fragment.html"), blocks, tokens, pieces, encoding, attributes)

    def _rewritten_tags(self, translated: dict[str, list[Run]]) -> dict[str, str]:
        """Original raw tag -> the tag with its alt/title/... values translated."""
        rewritten: dict[str, str] = {}
        for index, name, block_id in self.attributes:
            if block_id not in translated:
                continue
            raw = self.tokens[index].raw
            current = rewritten.get(raw, raw)
            value = html.escape("".join(r.text for r in translated[block_id]), quote=True)
            pattern = re.compile(rf"(\s{re.escape(name)}\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
            rewritten[raw] = pattern.sub(lambda m: f'{m.group(1)}"{value}"', current, count=1)
        return rewritten

    def render(self, translated: dict[str, list[Run]], target_lang: str | None = None) -> str:
        out: list[str] = []
        tags = self._rewritten_tags(translated)
        by_first = {p.first: p for p in self.pieces}
        index = 0
        while index < len(self.tokens):
            piece = by_first.get(index)
            if piece is not None:
                if piece.block_id is None or piece.block_id not in translated:
                    out.extend(tags.get(t.raw, t.raw) for t in self.tokens[piece.first:piece.last + 1])
                else:
                    out.append(piece.lead + _render_runs(translated[piece.block_id], tags) + piece.trail)
                index = piece.last + 1
                continue
            token = self.tokens[index]
            raw = tags.get(token.raw, token.raw)
            if target_lang and token.kind == "start" and token.tag == "html":
                raw = _set_lang(raw, DOCUMENT_LOCALES.get(target_lang, target_lang))
            out.append(raw)
            index += 1
        return "".join(out)

    def write(self, translated: dict[str, list[Run]], out: Path, target_lang: str) -> None:
        encoding = self.encoding if self.encoding not in ("utf-16", "cp1252") else "utf-8"
        out.write_bytes(self.render(translated, target_lang).encode(encoding, errors="xmlcharrefreplace"))

    @staticmethod
    def style_label(style) -> str | None:
        if not style:
            return None
        return INLINE_LABELS.get(style[-1][0], style[-1][0])


def _set_lang(raw: str, locale: str) -> str:
    current = re.search(r"\slang\s*=\s*[\"']?([\w-]+)", raw, re.IGNORECASE)
    if current and current.group(1).split("-")[0].lower() == locale.split("-")[0].lower():
        return raw
    if re.search(r"\slang\s*=", raw, re.IGNORECASE):
        return re.sub(r"(\slang\s*=\s*)([\"']?)[^\"'\s>]*\2", lambda m: f'{m.group(1)}{m.group(2) or chr(34)}{locale}{m.group(2) or chr(34)}',
                      raw, count=1, flags=re.IGNORECASE)
    return re.sub(r"^<html", f'<html lang="{locale}"', raw, count=1, flags=re.IGNORECASE)


def _make_piece(tokens: list[_Token], indexes: list[int], blocks: list[Block], pieces: list[_Piece]) -> None:
    """Turn contiguous text/inline tokens into a block; inline tags not closed inside the piece split it."""
    # Pair inline start/end tags inside the piece.
    open_stack: list[int] = []
    paired: set[int] = set()
    for i in indexes:
        token = tokens[i]
        if token.kind == "start":
            open_stack.append(i)
        elif token.kind == "end":
            match = next((j for j in reversed(open_stack) if tokens[j].tag == token.tag), None)
            if match is not None:
                open_stack = open_stack[:open_stack.index(match)]
                paired.update((match, i))
    inline_code: set[int] = set()
    for i in indexes:
        token = tokens[i]
        if token.kind == "start" and token.tag in INLINE_CODE_TAGS and i in paired:
            end = _simple_element_end(tokens, i)
            if end is not None:
                inline_code.update(range(i + 1, end + 1))
    groups: list[list[int]] = [[]]
    for i in indexes:
        if tokens[i].kind in ("start", "end") and i not in paired:
            groups.append([i])  # kept raw, alone
            groups.append([])
        else:
            groups[-1].append(i)
    for group in groups:
        if not group:
            continue
        if len(group) == 1 and tokens[group[0]].kind in ("start", "end") and group[0] not in paired:
            pieces.append(_Piece(group[0], group[0], None, "", ""))
            continue
        runs: list[Run] = []
        styles: list[tuple[str, str]] = []
        for i in group:
            token = tokens[i]
            if i in inline_code:
                continue
            if token.kind == "start" and token.tag in INLINE_CODE_TAGS and i + 1 in inline_code:
                end = _simple_element_end(tokens, i)
                text = html.unescape("".join(t.raw for t in tokens[i + 1:end]))
                runs.append(Run(text, tuple(styles) + ((token.tag, token.raw),), protected=True))
                continue
            if token.kind == "start":
                styles.append((token.tag, token.raw))
            elif token.kind == "end":
                while styles:
                    if styles.pop()[0] == token.tag:
                        break
            else:
                text = html.unescape(token.raw)
                runs.append(Run(text, tuple(styles) or None))
        full = "".join(r.text for r in runs)
        if not full.strip():
            pieces.append(_Piece(group[0], group[-1], None, "", ""))
            continue
        lead = re.match(r"\s*", full).group(0)
        trail = full[len(full.rstrip()):]
        normalized = _normalize_runs(runs, len(lead), len(full) - len(trail))
        block_id = f"h{len(blocks)}"
        blocks.append(Block(block_id, normalized))
        pieces.append(_Piece(group[0], group[-1], block_id, _escape(lead), _escape(trail)))


def _simple_element_end(tokens: list[_Token], start: int) -> int | None:
    """Index of the end tag closing tokens[start] when only text lies between (else None)."""
    for j in range(start + 1, min(len(tokens), start + 50)):
        token = tokens[j]
        if token.kind == "end" and token.tag == tokens[start].tag:
            return j
        if token.kind not in ("text", "entity"):
            return None
    return None


def _normalize_runs(runs: list[Run], start: int, end: int) -> list[Run]:
    """Cut the piece's outer whitespace and collapse inner whitespace (newlines in HTML are spaces)."""
    out: list[Run] = []
    pos = 0
    for run in runs:
        a, b = pos, pos + len(run.text)
        pos = b
        lo, hi = max(a, start), min(b, end)
        if hi <= lo:
            continue
        text = re.sub(r"[ \t\r\n\f]+", " ", run.text[lo - a:hi - a])
        if out and out[-1].style == run.style:
            out[-1] = Run(re.sub(r" {2,}", " ", out[-1].text + text), run.style, run.protected)
        else:
            if out and out[-1].text.endswith(" ") and text.startswith(" "):
                text = text[1:]
            if text:
                out.append(Run(text, run.style, run.protected))
    return out


def _escape(text: str) -> str:
    return html.escape(text, quote=False).replace("\u00a0", "&nbsp;")


def _render_runs(runs: list[Run], tags: dict[str, str] | None = None) -> str:
    tags = tags or {}
    out: list[str] = []
    current: tuple = ()
    for run in runs:
        style = run.style or ()
        common = 0
        while common < len(current) and common < len(style) and current[common] == style[common]:
            common += 1
        for tag, _raw in reversed(current[common:]):
            out.append(f"</{tag}>")
        for _tag, raw in style[common:]:
            out.append(tags.get(raw, raw))
        current = style
        out.append(_escape(run.text))
    for tag, _raw in reversed(current):
        out.append(f"</{tag}>")
    return "".join(out)
