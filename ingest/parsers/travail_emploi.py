"""travail-emploi.gouv.fr pages (npm @socialgouv/fiches-travail-data): a JSON list of entries
{pubId, title, description, intro, sections: [{anchor, title, html, text, references}], url, date}.

One unit per entry: ref = pubId (article375980), one segment per section (heading = section title,
the anchor kept as `locator`). Sections that are only "see also" cards of other pages are skipped.
"""
from __future__ import annotations

from typing import Any

from ingest.chunking import Segment, Unit
from ingest.legal_refs import normalise_code_article
from ingest.classify import Inferred
from ingest.parsers.base import FileContext, cites_for, units_to_chunks, yyyymmdd
from ingest.parsers.htmltext import html_fragment_paragraphs
from ingest.types import Chunk, ParseError


def is_travail_emploi(data: Any) -> bool:
    return (isinstance(data, list) and bool(data) and all(isinstance(e, dict) for e in data)
            and sum(1 for e in data if "pubId" in e and isinstance(e.get("sections"), list)) >= max(1, len(data) // 2))


def _is_card(section: dict) -> bool:
    html = str(section.get("html") or "")
    return "fr-card__desc" in html and len(html) < 2000


def _section_refs(section: dict) -> list[str]:
    out = []
    refs = section.get("references")
    if isinstance(refs, dict):
        for code in refs.values():
            if isinstance(code, dict):
                for art in code.get("articles") or []:
                    if isinstance(art, dict) and art.get("fmt"):
                        out.append(normalise_code_article(str(art["fmt"])) or str(art["fmt"]))
    return out


def parse_travail_emploi(ctx: FileContext, entries: list) -> list[Chunk]:
    units: list[Unit] = []
    for position, entry in enumerate(entries):
        pub_id = str(entry.get("pubId") or "").strip()
        if not pub_id:
            ctx.warn(f"entry {position} has no pubId: skipped")
            continue
        title = str(entry.get("title") or pub_id).strip()
        segments: list[Segment] = []
        intro = html_fragment_paragraphs(str(entry.get("intro") or "")) or (
            [str(entry["description"]).strip()] if entry.get("description") else [])
        if intro:
            segments.append(Segment(paragraphs=intro, heading="Introduction"))
        extra_refs: list[str] = []
        for section in entry.get("sections") or []:
            if not isinstance(section, dict) or _is_card(section):
                continue
            paragraphs = html_fragment_paragraphs(str(section.get("html") or ""))
            if not paragraphs and section.get("text"):
                paragraphs = [str(section["text"]).strip()]
            if not paragraphs:
                continue
            heading = str(section.get("title") or "").strip()
            if heading == title:
                heading = ""
            segments.append(Segment(paragraphs=paragraphs, heading=heading, locator=str(section.get("anchor") or "")))
            extra_refs.extend(_section_refs(section))
        unit = Unit(ref=pub_id, title=title, segments=segments, hierarchy=["travail-emploi.gouv.fr"])
        unit.meta = {
            "instrument_type": "fiche",
            "language": "fr",
            "audience": "public",
            "url": str(entry.get("url") or ""),
            "version_date": yyyymmdd(entry.get("date")),
            "cites": cites_for(unit.text(), extra_refs),
        }
        units.append(unit)
    if not units:
        raise ParseError("travail-emploi JSON: no entry with a pubId")
    inferred = Inferred(instrument_type="fiche", countries=["FR"], language="fr", audience="public",
                        licence="Apache-2.0 (@socialgouv/fiches-travail-data); content travail-emploi.gouv.fr")
    return units_to_chunks(ctx, units, inferred)
