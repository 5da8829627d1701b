"""EUR-Lex acts: Official Journal XHTML (old 'ti-art' and new 'oj-ti-art' styles, stored as fr.xml /
en.xml), consolidated XHTML ('title-article-norm', fr.html / en.html) and Formex 4 XML (CONS.ACT /
ACT), with the lex-corpus meta.json files beside them for dates, titles and URLs.

Units: "Considérants" / "Recitals" (citations and recitals, split by paragraph), one unit per
article (ref = the heading as written: "Article premier" in French texts, "Article 1" in English;
`ref_alias` = "Article 1" for both), one per annex. Hierarchy = act title > chapter/section.
An article heading quoted inside an amending article ("«Article 5") stays text of that article.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ingest.chunking import Segment, Unit
from ingest.classify import Inferred
from ingest.parsers.base import FileContext, day_after, units_to_chunks, yyyymmdd
from ingest.parsers.htmltext import _inline_text, _norm, parse_html
from ingest.parsers.structure import article_match, article_ref, canonical_article
from ingest.types import OPEN_ENDED, Chunk, ParseError

_EU_HTML_MARKERS = re.compile(rb'class="(?:oj-)?(?:ti-art|doc-ti)"|class="title-article-norm"|class="title-doc-first"')
_LABEL = re.compile(r"^(?:[-–—]?\s?\d{1,3}\s?[a-z]{0,6}\.?|\(?[a-z0-9ivx]{1,5}[).]|\([a-z0-9ivx]{1,5}\)|[—–-])$",
                    re.IGNORECASE)
_OJ_PREFIX = re.compile(r"(?:^|(?<=\s))oj-")
_EMPTY_PARENS = re.compile(r"\s?\(\s*\)")
# Consolidation markers: ►B ►M1 ►C3 ... ◄ ▼M1 (where an amendment starts/ends), not text.
_CONSOLIDATION_MARK = re.compile(r"[►▼◄]\s?(?:[A-Z]\d{0,3}\b)?\s?")
_SPACE_BEFORE_COMMA = re.compile(r"(?<=\S)[ \t\u00a0]([,.])(?=\s|$)")
_SKIP_CLASS = re.compile(
    r"^(?:hd-|arrow|modref|reference$|disclaimer|title-doc-oj-reference|toc-|title-fam-member|note|footnote|"
    r"signatory|final|separator|doc-sep|doc-end|hd-modifiers|super|italic$)"
)
_RECITALS = {"fr": "Considérants", "en": "Recitals"}
_ANNEX = {"fr": "Annexe", "en": "Annex"}


def is_eurlex_html(data: bytes) -> bool:
    return bool(_EU_HTML_MARKERS.search(data[:400000]))


def is_formex(data: bytes) -> bool:
    head = data[:2000].lstrip()
    return bool(re.search(rb"<(?:CONS\.ACT|ACT|DOC)\b[^>]*(?:formex|xsi:noNamespaceSchemaLocation=\"[^\"]*formex)", head)) \
        or bool(re.search(rb"<(?:CONS\.ACT|ACT)\b", head))


# ---------------------------------------------------------------- metadata from lex-corpus meta.json

def _load_json(path: Path, limit: int = 5_000_000) -> dict:
    try:
        if path.is_file() and path.stat().st_size <= limit:
            data = json.loads(path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        pass
    return {}


def is_lex_meta(data: Any) -> bool:
    """A lex-corpus meta.json sidecar (work or version record): metadata only, nothing to index."""
    return isinstance(data, dict) and ("lex_work_id" in data or "lex_id" in data) and "publisher" in data


def _language_of(ctx: FileContext, text_hint: str = "") -> str:
    name = ctx.name.lower()
    m = re.match(r"^([a-z]{2})\.(?:xml|html?|xhtml)$", name) or re.search(r"\b([a-z]{2})\.fmx4/", ctx.rel_path.lower())
    if m:
        return m.group(1)
    m = re.search(r"^CL?\d{4}[A-Z]\d{4}([A-Z]{2})", ctx.file.name)
    if m:
        return m.group(1).lower()
    return text_hint


def _eu_meta(ctx: FileContext, language: str) -> dict[str, Any]:
    """Dates, title, URL, type from the version meta.json (same or parent folder) and the work meta.json."""
    folder = ctx.file.parent
    if folder.name.endswith(".fmx4"):
        folder = folder.parent
    version = _load_json(folder / "meta.json")
    work = _load_json(folder.parent.parent / "meta.json") if folder.parent.name == "versions" else {}
    out: dict[str, Any] = {}
    expression = next((e for e in version.get("expressions") or [] if isinstance(e, dict)
                       and e.get("language") == language), {})
    out["act_title"] = str(expression.get("title") or "").replace("\u00a0", " ")
    out["url"] = str(expression.get("source_uri") or "")
    valid_from = yyyymmdd(expression.get("valid_from") or version.get("valid_from"))
    valid_to = yyyymmdd(expression.get("valid_to") or version.get("valid_to"))
    out["valid_from"] = valid_from
    out["valid_to"] = day_after(valid_to) if valid_to else OPEN_ENDED  # lex-corpus end dates are inclusive
    out["version_date"] = valid_from or yyyymmdd(version.get("publication_date"))
    raw = version.get("raw") if isinstance(version.get("raw"), dict) else {}
    out["status"] = str(raw.get("binding_status") or "")
    out["celex"] = str(raw.get("celex") or "")
    doc_type = str(version.get("document_type") or work.get("document_type") or raw.get("legal_form") or "")
    out["doc_type"] = doc_type
    roles = version.get("document_roles") or []
    out["expression"] = "consolidated" if "consolidated" in roles else ("corrigendum" if "corrigendum" in roles
                                                                        else "original" if roles else "")
    if not out["expression"]:
        out["expression"] = str(raw.get("consolidation_status") or "")
    return out


def _instrument_type(doc_type: str, title: str, rel_path: str) -> str:
    """From the publisher's legal form (DIR/REG), else the title's first word, else the CELEX in the path."""
    if doc_type:
        return "eu_regulation" if doc_type.upper().startswith("REG") else "eu_directive"
    if re.match(r"^\s*(?:r[èe]glement|regulation)\b", title, re.IGNORECASE):
        return "eu_regulation"
    if re.match(r"^\s*directive\b", title, re.IGNORECASE):
        return "eu_directive"
    return "eu_regulation" if re.search(r"/3\d{4}r\d{4}", rel_path.lower()) else "eu_directive"


# ---------------------------------------------------------------- units from (class, text) blocks

class _EuBuilder:
    def __init__(self, language: str, file_name: str):
        self.language = language
        self.file_name = file_name
        self.act_title_parts: list[str] = []
        self.division: list[str] = []
        self.units: list[Unit] = []
        self.unit: Unit | None = None
        self.kind = ""
        self.pending_division_title = False
        self.seen_article = False

    def _open(self, ref: str, title: str, kind: str) -> None:
        self._close()
        self.unit = Unit(ref=ref, title=title, segments=[Segment(paragraphs=[])], hierarchy=list(self.division))
        self.kind = kind

    def _close(self) -> None:
        if self.unit is not None and not self.unit.is_empty():
            self.units.append(self.unit)
        self.unit = None

    def _body(self) -> bool:
        return self.unit is not None and bool(self.unit.segments[0].paragraphs)

    def add(self, cls: str, text: str) -> None:
        cls = _OJ_PREFIX.sub("", cls).strip()
        text = _norm(text).replace("\n", " ") if cls not in ("", "normal", "norm") else _norm(text)
        if not text:
            return
        first = cls.split()[0] if cls else ""
        if first in ("doc-ti", "title-doc-first", "title-doc-last", "title-doc"):
            if not self.seen_article and self.unit is None:
                if text not in self.act_title_parts:
                    self.act_title_parts.append(text)
            elif self.seen_article and first == "doc-ti" and self._body():
                # a document title after the articles (the OJ puts "ANNEX" so): its own unit, never
                # more text of the last article
                self.division = []
                label = text if len(text) < 80 else _ANNEX.get(self.language, "Annex")
                self._open(label, label, "annex")
            return
        if _SKIP_CLASS.match(first):
            return
        if first in ("ti-art", "title-article-norm"):
            m = article_match(text)
            if m and not text.startswith(("«", "‘", '"', "“")):
                ref = article_ref(m)
                self._open(ref, ref, "article")
                self.seen_article = True
                return
        if first in ("sti-art", "stitle-article-norm") and self.unit is not None and self.kind == "article" \
                and not self._body() and self.unit.title == self.unit.ref:
            self.unit.title = f"{self.unit.ref} – {text}"
            return
        if first in ("ti-section-1", "title-division-1", "ti-grseq-1", "title-gr-seq-level-1"):
            if self.unit is None or self.kind != "article" or self._body():
                self._close()
                self.division = [text]
                self.pending_division_title = True
                return
        if first in ("ti-section-2", "title-division-2", "title-gr-seq-level-2") and self.pending_division_title:
            self.division = [f"{self.division[0]} – {text}"] if self.division else [text]
            self.pending_division_title = False
            return
        if first in ("title-annex-1", "ti-annex", "title-annex"):
            self.division = []
            label = text if len(text) < 80 else _ANNEX.get(self.language, "Annex")
            self._open(label, label, "annex")
            return
        if first in ("title-annex-2",) and self.unit is not None and self.kind == "annex" and not self._body():
            self.unit.title = f"{self.unit.title} – {text}"
            return
        self.pending_division_title = False
        if self.unit is None:
            if self.seen_article:
                return  # text after the last article outside any unit (signatures) is left out
            name = _RECITALS.get(self.language, "Recitals")
            self._open(name, name, "preamble")
        assert self.unit is not None
        self.unit.segments[0].paragraphs.append(text)

    def finish(self, act_title: str) -> list[Unit]:
        self._close()
        root = act_title or " ".join(self.act_title_parts)
        for unit in self.units:
            unit.hierarchy = [h for h in [root, *unit.hierarchy] if h]
        return self.units


def _merge_labels(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """'(a)' / '1.' / '—' alone in a block -> prefixed to the next block."""
    out: list[tuple[str, str]] = []
    carry = ""
    for cls, text in blocks:
        stripped = _norm(text).replace("\n", " ")
        if _LABEL.match(stripped) and not _OJ_PREFIX.sub("", cls).startswith(("ti-", "title-", "sti-", "stitle-")):
            carry = f"{carry} {stripped}".strip()
            continue
        if carry:
            text = f"{carry} {text}"
            carry = ""
        out.append((cls, text))
    return out


_HTML_BLOCKS = {"p", "div", "table", "tbody", "thead", "tr", "td", "th", "ul", "ol", "li", "h1", "h2", "h3", "h4",
                "h5", "h6", "section", "article", "body", "hr", "dl", "dt", "dd", "blockquote"}


def _html_class_blocks(root) -> list[tuple[str, str]]:
    # Footnote calls ("(1)" linking to the notes at the end) are removed with their parentheses.
    for anchor in root.xpath("//a[starts-with(@href, '#ntr') or starts-with(@href, '#ntc') or starts-with(@href, '#E0')]"
                             "|//*[contains(@class,'note-tag')]"):
        parent = anchor.getparent()
        if parent is not None:
            tail = anchor.tail or ""
            previous = anchor.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
            parent.remove(anchor)
    out: list[tuple[str, str]] = []

    def first_class(el) -> str:
        for p in el.iter("p"):
            cls = p.get("class") or ""
            if cls and _norm("".join(p.itertext())):
                return cls
        return ""

    def walk(el, depth: int) -> None:
        if depth > 200 or not isinstance(el.tag, str):
            return
        tag = el.tag.lower()
        if tag in ("script", "style", "head", "noscript"):
            return
        cls = el.get("class") or ""
        if tag == "div" and _OJ_PREFIX.sub("", cls).split()[:1] == ["final"]:
            return  # closing formula and signatures ("Done at Brussels ..."): no unit's text (as in Formex)
        if tag == "div" and "grid-container" in cls:
            out.append((first_class(el) or "norm", " ".join(_norm(_inline_text(c)) for c in el if isinstance(c.tag, str))))
            return
        if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6"):
            out.append((cls, _inline_text(el)))
            return
        # Mixed content (consolidated texts put paragraphs in <div class="norm"> with <span> numbers):
        # inline runs between block children become blocks with this element's class.
        buffer = [el.text or ""]
        for child in el:
            child_tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if child_tag in _HTML_BLOCKS:
                out.append((cls, "".join(buffer)))
                buffer = []
                walk(child, depth + 1)
            elif child_tag:
                buffer.append(_inline_text(child))
            if child.tail:
                buffer.append(child.tail)
        out.append((cls, "".join(buffer)))

    body = root.find("body")
    walk(body if body is not None else root, 0)
    cleaned = [(c, _SPACE_BEFORE_COMMA.sub(r"\1", _EMPTY_PARENS.sub("", _CONSOLIDATION_MARK.sub("", t))))
               for c, t in out if _norm(t)]
    return _merge_labels(cleaned)


def parse_eurlex_html(ctx: FileContext) -> list[Chunk]:
    root = parse_html(ctx.data)
    blocks = _html_class_blocks(root)
    lang_attr = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "")[:2].lower()
    language = _language_of(ctx, lang_attr or "")
    return _finish(ctx, blocks, language)


def _finish(ctx: FileContext, blocks: list[tuple[str, str]], language: str) -> list[Chunk]:
    if not language:
        from ingest.classify import detect_language

        language = detect_language(" ".join(t for _, t in blocks[:80]), default="")
    builder = _EuBuilder(language, ctx.name)
    for cls, text in blocks:
        builder.add(cls, text)
    meta = _eu_meta(ctx, language)
    act_title = meta.pop("act_title", "") or ""
    units = builder.finish(act_title)
    if not units:
        raise ParseError("EUR-Lex document without any article or text")
    if not builder.seen_article and len(units) == 1:
        units[0].ref = ctx.name  # a text without articles (corrigendum, notice): one unit named by its file
        units[0].title = act_title or units[0].title
    title = act_title or (units[0].hierarchy[0] if units and units[0].hierarchy else "")
    instrument = _instrument_type(meta.pop("doc_type", ""), title, ctx.rel_path)
    for unit in units:
        unit.meta.update({k: v for k, v in meta.items() if v not in ("", None)})
        unit.meta["language"] = language
        unit.meta["instrument_type"] = instrument
        alias = canonical_article(unit.ref)
        if alias != unit.ref:
            unit.meta["ref_alias"] = alias
    inferred = Inferred(instrument_type=instrument, countries=["EU"], language=language,
                        licence="© European Union, reuse authorised (Commission Decision 2011/833/EU)",
                        url=meta.get("url", ""))
    return units_to_chunks(ctx, units, inferred)


# ---------------------------------------------------------------- Formex 4

_FMX_SKIP = {"NOTE", "BIB.INSTANCE", "INFO.CONSLEG", "INFO.PROD", "FAM.COMP", "FINAL", "SIGNATURE", "PL.DATE",
             "BIB.INSTANCE.CONS", "REF.PHYS", "IMAGE", "TOC"}
_FMX_BLOCKS = {"P", "ALINEA", "PARAG", "NP", "LIST", "ITEM", "TXT", "CONSID", "VISA", "TI.ART", "STI.ART", "TITLE",
               "TI", "STI", "DIVISION", "ARTICLE", "PREAMBLE", "PREAMBLE.INIT", "PREAMBLE.FINAL", "GR.CONSID",
               "GR.VISA", "CONTENTS", "ANNEX", "CONS.ANNEX", "TBL", "ROW", "CELL", "GR.SEQ", "QUOT.S",
               "ENACTING.TERMS", "CONS.DOC", "ACT"}


def _fmx_inline(el, language: str) -> str:
    parts: list[str] = []
    open_q, close_q = ("«", "»") if language == "fr" else ("‘", "’")

    def visit(node, depth: int) -> None:
        if depth > 200:
            raise ParseError("Formex nested too deeply")
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _FMX_SKIP:
            return
        if tag == "QUOT.START":
            parts.append(open_q)
        elif tag == "QUOT.END":
            parts.append(close_q)
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            visit(child, depth + 1)
            if child.tail:
                parts.append(child.tail)

    visit(el, 0)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


_FMX_CONTAINERS = {"CONS.ACT", "CONS.DOC", "ACT", "PREAMBLE", "ENACTING.TERMS", "DIVISION", "ARTICLE", "ANNEX",
                   "CONS.ANNEX", "CONTENTS", "GR.CONSID", "GR.VISA", "GR.SEQ"}


def _fmx_render(el, language: str, depth: int = 0) -> list[str]:
    """Paragraphs of a content element: inline runs between nested block elements."""
    if depth > 200:
        raise ParseError("Formex nested too deeply")
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _FMX_SKIP:
        return []
    if not any(isinstance(c.tag, str) and c.tag in _FMX_BLOCKS for c in el):
        text = _fmx_inline(el, language)
        return [text] if text else []
    out: list[str] = []
    buffer = [el.text or ""]

    def flush() -> None:
        text = re.sub(r"\s+", " ", "".join(buffer)).strip()
        if text:
            out.append(text)
        buffer.clear()

    for child in el:
        if not isinstance(child.tag, str) or child.tag in _FMX_SKIP:
            if child.tail:
                buffer.append(child.tail)
            continue
        if child.tag in _FMX_BLOCKS:
            flush()
            out.extend(_fmx_render(child, language, depth + 1))
        else:
            buffer.append(_fmx_inline(child, language))
        if child.tail:
            buffer.append(child.tail)
    flush()
    return out


def _fmx_blocks(root, language: str) -> list[tuple[str, str]]:
    """(class, text) blocks from Formex, named like the OJ HTML classes so one builder serves both."""
    out: list[tuple[str, str]] = []

    def emit(cls: str, el) -> None:
        text = _fmx_inline(el, language)
        if text:
            out.append((cls, text))

    def walk(el, depth: int) -> None:
        if depth > 200 or not isinstance(el.tag, str) or el.tag in _FMX_SKIP:
            return
        tag = el.tag
        parent = el.getparent()
        parent_tag = parent.tag if parent is not None else ""
        if tag == "TI.ART":
            emit("ti-art", el)
        elif tag == "STI.ART":
            emit("sti-art", el)
        elif tag == "TITLE" and parent_tag in ("CONS.DOC", "ACT"):
            for ti in el.iter("P"):
                emit("doc-ti", ti)
        elif tag == "TITLE" and parent_tag in ("DIVISION", "GR.SEQ", "ANNEX", "CONS.ANNEX"):
            first, second = ("title-annex-1", "title-annex-2") if "ANNEX" in parent_tag else ("ti-section-1", "ti-section-2")
            ti, sti = el.find("TI"), el.find("STI")
            if ti is not None:
                emit(first, ti)
            if sti is not None:
                emit(second, sti)
        elif tag in _FMX_CONTAINERS:
            for child in el:
                walk(child, depth + 1)
        else:
            out.extend(("normal", para) for para in _fmx_render(el, language))

    walk(root, 0)
    return _merge_labels(out)


def parse_formex(ctx: FileContext) -> list[Chunk]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(ctx.data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"invalid Formex XML: {exc}") from exc
    if root.tag == "DOC" and root.find("FMX") is not None:
        return []  # Formex document descriptor: metadata only, the text is in the .0001.xml member
    if root.tag not in ("CONS.ACT", "ACT"):
        raise ParseError(f"unsupported Formex root <{root.tag}> (expected CONS.ACT or ACT)")
    lg = root.find(".//LG.DOC")
    language = _language_of(ctx, (lg.text or "").strip().lower()[:2] if lg is not None and lg.text else "")
    blocks = _fmx_blocks(root, language)
    return _finish(ctx, blocks, language)
