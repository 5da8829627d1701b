"""HTML -> blocks (headings and paragraphs) with the site chrome removed, using lxml.

Chrome = <nav>, <header>, <footer>, <aside>, scripts/styles/forms/buttons, elements whose role is
navigation/banner/contentinfo/search/dialog, and elements whose class or id names a cookie banner,
breadcrumb, menu, sidebar, share bar, modal, skip link or "related pages" box. In-page tables of
contents (lists of '#anchor' links) are dropped too. The main content is the [role=main] element,
else <main>, <article>, #content, else <body>.
"""
from __future__ import annotations

import re

from ingest.parsers.structure import Block
from ingest.types import ParseError

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "button", "input", "select", "textarea",
              "form", "nav", "header", "footer", "aside", "object", "embed", "canvas", "map", "head", "title",
              "meta", "link", "dialog"}
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr",
               "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dl", "dt", "dd", "figure",
               "figcaption", "details", "summary", "body", "html", "address", "hr", "fieldset", "caption", "center",
               "col", "colgroup"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog", "menu", "menubar", "toolbar"}
_CHROME_NAMES = re.compile(
    r"(?:^|[\s_-])(?:cookie\w*|consent|gdpr|banner|breadcrumbs?|navbar|navigation|nav|sub-nav|menu\w*|sidebar|"
    r"share|sharing|social|skip|modal|popup|newsletter|toolbar|pagination|feedback|page_navigation|"
    r"site-header|site-footer|topbar|stickybar|footer\w*|lastupdated|anchorlinks|print|related|fr-card\w*)(?:$|[\s_-])",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2009\u202f]+")
_MAX_DEPTH = 200


_CHARSET = re.compile(rb"""<meta[^>]{0,200}charset\s*=\s*["']?[\w-]+|<\?xml[^>]{0,100}encoding=""", re.IGNORECASE)


def _declares_charset(data: bytes) -> bool:
    return data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or bool(_CHARSET.search(data[:4096]))


def parse_html(data: bytes | str):
    """lxml document root (the charset comes from the BOM / meta tag)."""
    from lxml import etree
    from lxml import html as lxml_html

    if isinstance(data, bytes) and not _declares_charset(data):
        # lxml would assume Latin-1: decode ourselves (UTF-8 first, then Windows-1252).
        from ingest.parsers.base import decode_text

        data = decode_text(data)
    try:
        if isinstance(data, str):
            data = data.encode("utf-8")
            parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
        else:
            parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
        root = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(f"unreadable HTML: {exc}") from exc
    if root is None:
        raise ParseError("unreadable HTML: empty document")
    return root


def is_chrome(el) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag.lower() in _SKIP_TAGS:
        return True
    role = (el.get("role") or "").lower()
    if role in _CHROME_ROLES:
        return True
    if (el.get("aria-hidden") or "").lower() == "true" or el.get("hidden") is not None:
        return True
    if tag.lower() in ("body", "html", "main", "article"):
        return False
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if names.strip() and _CHROME_NAMES.search(names):
        return True
    aria = (el.get("aria-label") or "").lower()
    return "sharing" in aria or "breadcrumb" in aria


def _is_anchor_toc(el) -> bool:
    """A list whose items are only links to anchors of the same page (an in-page table of contents)."""
    items = [c for c in el if isinstance(c.tag, str) and c.tag.lower() == "li"]
    if len(items) < 2:
        return False
    for item in items:
        links = item.findall(".//a")
        if not links or not all((a.get("href") or "").startswith("#") for a in links):
            return False
        if _norm("".join(item.itertext())) != _norm("".join("".join(a.itertext()) for a in links)):
            return False
    return True


def _norm(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def _inline_text(el) -> str:
    """Text of an inline element and its descendants (chrome skipped, <br> -> newline)."""
    parts: list[str] = []

    def visit(node, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise ParseError("HTML nested too deeply")
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag and is_chrome(node):
            return
        if tag == "br":
            parts.append("\n")
        elif node.text and tag:
            parts.append(node.text)
        for child in node:
            visit(child, depth + 1)
            if child.tail:
                parts.append(child.tail)

    visit(el, 0)
    return "".join(parts)


class _Walker:
    def __init__(self, keep_headings: bool = True):
        self.blocks: list[Block] = []
        self.keep_headings = keep_headings

    def emit(self, text: str, level: int = 0, prefix: str = "") -> None:
        text = _norm(text.replace("\n", " ") if level else text)
        if text:
            self.blocks.append(Block(prefix + text, level=level if self.keep_headings else 0))

    def walk(self, el, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            raise ParseError("HTML nested too deeply")
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or is_chrome(el):
            return
        if tag in _HEADINGS:
            self.emit(_inline_text(el), level=_HEADINGS[tag])
            return
        if tag in ("ul", "ol") and _is_anchor_toc(el):
            return
        if tag == "tr" and not el.findall(".//tr"):
            cells = [_norm(_inline_text(c)).replace("\n", " ") for c in el if isinstance(c.tag, str)
                     and c.tag.lower() in ("td", "th") and not is_chrome(c)]
            cells = [c for c in cells if c]
            if cells:
                self.emit(" | ".join(cells))
            return
        prefix = "- " if tag == "li" else ""
        buffer: list[str] = [el.text or ""]
        for child in el:
            child_tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if child_tag in _BLOCK_TAGS or child_tag in _HEADINGS:
                self.emit("".join(buffer), prefix=prefix)
                if "".join(buffer).strip():
                    prefix = ""
                buffer = []
                self.walk(child, depth + 1)
            elif child_tag and not is_chrome(child):
                buffer.append(_inline_text(child))
            elif child_tag == "" and False:
                pass
            if child.tail:
                buffer.append(child.tail)
        self.emit("".join(buffer), prefix=prefix)


def html_blocks(el, *, keep_headings: bool = True) -> list[Block]:
    walker = _Walker(keep_headings=keep_headings)
    walker.walk(el)
    # Consecutive list items form one paragraph (one item per line).
    merged: list[Block] = []
    for block in walker.blocks:
        if (merged and not block.is_heading and not merged[-1].is_heading and block.text.startswith("- ")
                and merged[-1].text.split("\n")[-1].startswith("- ")):
            merged[-1] = Block(f"{merged[-1].text}\n{block.text}")
        else:
            merged.append(block)
    return merged


def breadcrumbs(root) -> list[str]:
    """Labels of the page's breadcrumb trail ("Home > Health > EU healthcare > Page"), if any."""
    for el in root.xpath("//*[contains(@class,'breadcrumb') or contains(@id,'breadcrumb') "
                         "or contains(@aria-label,'readcrumb')]"):
        labels = [_norm("".join(a.itertext())) for a in el.xpath(".//a|.//li[not(.//a)]")]
        labels = [label for label in labels if label and label.lower() not in ("home", "accueil")]
        if labels:
            return labels
    return []


def main_content(root):
    """The element holding the page's main content."""
    body = root.find("body") if root.tag != "body" else root
    body = body if body is not None else root
    total = len(_norm("".join(body.itertext())))
    for xpath in ("//*[@role='main']", "//main", "//article", "//*[@id='content']", "//*[@id='main-content']",
                  "//*[@id='main']"):
        for candidate in root.xpath(xpath):
            size = len(_norm("".join(candidate.itertext())))
            if size > 200 and (size > 0.2 * total or size > 2000):
                return candidate
    return body


def html_fragment_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment (headings kept as their own paragraphs)."""
    if not fragment.strip():
        return []
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        text = _norm(re.sub(r"<[^<>]{0,2000}>", " ", fragment))
        return [text] if text else []
    return [b.text for b in html_blocks(root, keep_headings=False)]
