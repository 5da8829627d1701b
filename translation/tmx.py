"""TMX 1.4b import and export of the translation memory (the exchange format of CAT tools).

Import is all-or-nothing: the file is parsed completely first, so a malformed file changes nothing
in the memory; bad translation units are skipped and reported with their line number.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import liaison
from translation.errors import TranslationError
from translation.languages import UnknownLanguage, normalize_language
from translation.memory import VALIDATED, TranslationMemory, _aware

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODE_ELEMENTS = {"bpt", "ept", "ph", "it", "ut"}  # native markup codes inside <seg>: not text


@dataclass
class TmxImportReport:
    units: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_newer: int = 0
    skipped: list[str] = field(default_factory=list)

    def to_public(self) -> dict:
        return {"units": self.units, "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "kept_newer": self.kept_newer, "skipped": len(self.skipped), "problems": self.skipped[:100]}


def _tmx_date(value: datetime | None) -> str | None:
    if value is None:
        return None
    return _aware(value).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    for fmt in ("%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%SZ", "%Y%m%dT%H%M%S"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _seg_text(seg) -> str:
    from lxml import etree

    parts = [seg.text or ""]
    for child in seg:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name not in _CODE_ELEMENTS:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def export_tmx(memory: TranslationMemory, source_lang: str | None = None, target_lang: str | None = None, *,
               include_machine: bool = False) -> bytes:
    from lxml import etree

    origins = VALIDATED + (("machine",) if include_machine else ())
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {
        "creationtool": "Liaison", "creationtoolversion": liaison.__version__, "segtype": "sentence",
        "o-tmf": "liaison", "adminlang": "en", "srclang": source_lang or "*all*", "datatype": "plaintext",
        "creationdate": _tmx_date(datetime.now(UTC))})
    body = etree.SubElement(root, "body")
    offset = 0
    while True:
        rows = memory.entries(source_lang, target_lang, origins=origins, limit=2000, offset=offset)
        if not rows:
            break
        offset += len(rows)
        for row in rows:
            attrs = {"tuid": str(row.id), "creationdate": _tmx_date(row.created_at),
                     "changedate": _tmx_date(row.confirmed_at or row.updated_at), "usagecount": str(row.use_count)}
            if row.confirmed_by:
                attrs["changeid"] = row.confirmed_by
                attrs["creationid"] = row.confirmed_by
            if row.last_used_at:
                attrs["lastusagedate"] = _tmx_date(row.last_used_at)
            tu = etree.SubElement(body, "tu", {k: v for k, v in attrs.items() if v})
            prop = etree.SubElement(tu, "prop", type="x-liaison-origin")
            prop.text = row.origin
            if row.engine:
                prop = etree.SubElement(tu, "prop", type="x-liaison-engine")
                prop.text = row.engine
            for lang, text in ((row.source_lang, row.source_text), (row.target_lang, row.target_text)):
                tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
                etree.SubElement(tuv, "seg").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def import_tmx(memory: TranslationMemory, data: bytes, *, by: str, name: str = "memory.tmx",
               source_lang: str | None = None, target_lang: str | None = None) -> TmxImportReport:
    """Import every unit of a TMX file as validated (`imported`) entries. Direction: from the header's
    srclang (or `source_lang`) to each other language of the unit (or only `target_lang`). Newer
    confirmations already in the memory are kept."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise TranslationError(f"{name}, line {exc.lineno}: not well-formed XML ({exc.msg}); nothing was imported. "
                               "Export the memory again from your CAT tool as TMX 1.4") from exc
    if etree.QName(root).localname != "tmx":
        raise TranslationError(f"{name}: root element is <{etree.QName(root).localname}>, not <tmx>; nothing was imported")
    header = root.find("header")
    header_src = source_lang or (header.get("srclang") if header is not None else None)
    if header_src and header_src != "*all*":
        try:
            header_src = normalize_language(header_src)
        except UnknownLanguage:
            raise TranslationError(f"{name}: unknown srclang {header_src!r} in the header") from None
    else:
        header_src = None
    report = TmxImportReport()
    pending = []
    for tu in root.iter("tu"):
        report.units += 1
        segs: dict[str, str] = {}
        for tuv in tu.iter("tuv"):
            raw_lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
            seg = tuv.find("seg")
            try:
                lang = normalize_language(raw_lang)
            except UnknownLanguage:
                report.skipped.append(f"line {tuv.sourceline}: unknown language {raw_lang!r}")
                continue
            if seg is None:
                report.skipped.append(f"line {tuv.sourceline}: <tuv> without <seg>")
                continue
            text = _seg_text(seg).strip()
            if text:
                segs[lang] = text
        src = header_src if header_src in segs else (next(iter(segs)) if header_src is None and segs else None)
        if src is None or len(segs) < 2:
            report.skipped.append(f"line {tu.sourceline}: unit needs the source language and at least one translation")
            continue
        who = tu.get("changeid") or tu.get("creationid") or by
        when = _parse_date(tu.get("changedate")) or _parse_date(tu.get("creationdate"))
        for lang, text in segs.items():
            if lang == src or (target_lang and lang != target_lang):
                continue
            pending.append((src, lang, segs[src], text, who, when))
    for src, lang, source, target, who, when in pending:
        result = memory.confirm(src, lang, source, target, by=who, at=when, origin="imported", keep_newer=True)
        if result.status == "added":
            report.added += 1
        elif result.status == "updated":
            report.updated += 1
        elif result.status == "kept-newer":
            report.kept_newer += 1
        else:
            report.unchanged += 1
    return report
