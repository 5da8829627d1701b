"""Web pages (e.g. citizensinformation.ie): site chrome removed, main content split by headings.

One unit per page (ref = file name, title = the page's h1 or <title>), one segment per top-level
section heading; deeper headings stay as lines inside their section. Legal pages with explicit
"Article N" headings get one unit per article (see structure.py)."""
from __future__ import annotations

import re

from ingest.classify import detect_language, infer
from ingest.parsers.base import FileContext, find_text_date, units_to_chunks
from ingest.parsers.htmltext import _norm, breadcrumbs, html_blocks, main_content, parse_html
from ingest.parsers.structure import StructureOptions, build_units, canonical_article, normalise_space
from ingest.types import Chunk, ParseError

_EDITED = re.compile(r"(?:Page edited|Last updated|Updated|Mis à jour le|Mise à jour le|Dernière mise à jour)\s*:?\s*"
                     r"(\d{1,2}(?:er)?\s+\w+\s+\d{4})", re.IGNORECASE)


def parse_html_page(ctx: FileContext) -> list[Chunk]:
    root = parse_html(ctx.data)
    title_el = root.find(".//title")
    page_title = _norm("".join(title_el.itertext())) if title_el is not None else ""
    full_text = _norm("".join(root.itertext()))
    trail = breadcrumbs(root)
    main = main_content(root)
    blocks = html_blocks(main)
    if not blocks:
        raise ParseError("HTML page has no readable text in its main content")
    # The page title (h1) leads the blocks of most pages; fall back to <title>.
    if trail and blocks and normalise_space(blocks[0].text) == trail[-1]:
        trail = trail[:-1]  # the page itself
    units = build_units(blocks, StructureOptions(file_name=ctx.name, unit_title=page_title, implicit_headings=False,
                                                 base_hierarchy=trail))
    language = (root.get("lang") or "")[:2].lower() or detect_language(" ".join(b.text for b in blocks[:80]))
    edited = _EDITED.search(full_text)
    version_date = find_text_date(edited.group(1)) if edited else 0
    canonical = root.xpath("//link[@rel='canonical']/@href") or root.xpath("//meta[@property='og:url']/@content")
    description = root.xpath("//meta[@name='description']/@content")
    sample = " ".join(b.text for b in blocks[:80])
    inferred = infer(ctx.rel_path, f"{page_title}\n{sample}\n{full_text[-3000:]}", language_hint=language)
    if inferred.instrument_type == "document" and inferred.countries:
        inferred.instrument_type = "foreign_info"
    for unit in units:
        unit.meta.setdefault("version_date", version_date)
        unit.meta["language"] = language
        if canonical:
            unit.meta["url"] = str(canonical[0])
        if description:
            unit.meta["description"] = _norm(str(description[0]))[:500]
        alias = canonical_article(unit.ref)
        if alias != unit.ref:
            unit.meta["ref_alias"] = alias
    return units_to_chunks(ctx, units, inferred)
