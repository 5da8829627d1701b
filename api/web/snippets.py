"""Search-result snippets: the unit's text as plain text (Markdown markup removed, with markdown-it-py,
the CommonMark parser, rather than regular expressions) cut around the query's terms, which are marked."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"\w[\w'’-]*", re.UNICODE)
# Short or very common words are not highlighted ("de", "la", "the", "article").
_STOP = {"les", "des", "une", "dans", "pour", "par", "sur", "avec", "est", "aux", "que", "qui", "the", "and", "for",
         "with", "from", "that", "this", "are", "article", "articles"}


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def plain_text(text: str) -> str:
    """Text without Markdown markup: emphasis, headings, links (their words kept), tables (cells
    separated by spaces), code marks; one line per block."""
    if not re.search(r"[*_`#\[|>]", text or ""):
        return (text or "").strip()
    lines: list[str] = []
    current: list[str] = []
    for token in _parser().parse(text):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    current.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    current.append(" ")
                elif child.type == "image":
                    current.append(child.content)
            current.append(" ")
        elif token.type in ("paragraph_close", "heading_close", "tr_close", "list_item_close", "blockquote_close"):
            if "".join(current).strip():
                lines.append(re.sub(r"\s+", " ", "".join(current)).strip())
            current = []
        elif token.type in ("code_block", "fence"):
            lines.append(token.content.strip())
    if "".join(current).strip():
        lines.append(re.sub(r"\s+", " ", "".join(current)).strip())
    return "\n".join(line for line in lines if line)


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def query_terms(query: str) -> set[str]:
    """Folded words of the query worth marking (3+ letters, not a stop word); references kept whole."""
    return {_fold(w) for w in _WORD.findall(query or "")
            if (len(w) >= 3 or any(c.isdigit() for c in w)) and _fold(w) not in _STOP}


def snippet(text: str, query: str, limit: int = 420) -> list[tuple[str, bool]]:
    """(piece, is_match) pieces of a plain-text excerpt of about `limit` characters, starting near the
    first matched term, the query's terms marked (accents and case ignored)."""
    plain = re.sub(r"\s+", " ", plain_text(text)).strip()
    terms = query_terms(query)
    matches = [m for m in _WORD.finditer(plain) if _fold(m.group(0)) in terms or
               any(_fold(m.group(0)).startswith(t) and len(t) >= 5 for t in terms)]
    start = 0
    if matches and matches[0].start() > limit // 2:
        start = plain.rfind(" ", 0, matches[0].start() - 60) + 1
    end = start + limit
    if end < len(plain):
        end = plain.rfind(" ", start, end) if plain.rfind(" ", start, end) > start else end
    excerpt_start, excerpt_end = start, min(end, len(plain))
    pieces: list[tuple[str, bool]] = [("… ", False)] if excerpt_start > 0 else []
    position = excerpt_start
    for m in matches:
        if m.start() < excerpt_start or m.end() > excerpt_end:
            continue
        if m.start() > position:
            pieces.append((plain[position:m.start()], False))
        pieces.append((m.group(0), True))
        position = m.end()
    if position < excerpt_end:
        pieces.append((plain[position:excerpt_end], False))
    if excerpt_end < len(plain):
        pieces.append((" …", False))
    return pieces
