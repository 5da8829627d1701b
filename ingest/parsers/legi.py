"""LEGI code trees (npm @socialgouv/legi-data): unist nodes `code`/`section`/`article` with `data`.

One unit per article node: ref = data.num ("L761-2"), title "Article L761-2", hierarchy = the
section titles from the code down, dates from dateDebut/dateFin (epoch ms or ISO; 2999 = open),
status = etat, URL of the article version on Légifrance. Several nodes with the same num (versions)
stay separate units with their own dates, so an "as of" date can pick one.
"""
from __future__ import annotations

import ast
import html
import json
import re
from typing import Any

from ingest.chunking import Segment, Unit
from ingest.classify import Inferred
from ingest.parsers.base import FileContext, cites_for, units_to_chunks, yyyymmdd
from ingest.types import OPEN_ENDED, Chunk, ParseError

LEGIFRANCE_ARTICLE = "https://www.legifrance.gouv.fr/codes/article_lc/{id}"
_BLOCK_BREAK = re.compile(r"<\s*(?:/p|p|br|/div|div|/li|li|/tr|tr|/h\d|h\d|/table|table|/ul|ul|/ol|ol)\b[^>]{0,2000}>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]{0,4000}>")
_LINK_TITLE = re.compile(r"""title=["']([^"']{0,300})["']""")
_MAX_DEPTH = 64


def is_legi_tree(data: Any) -> bool:
    return (isinstance(data, dict) and data.get("type") in ("code", "section", "article")
            and isinstance(data.get("data"), dict) and isinstance(data.get("children", []), list))


def html_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of a LEGI texteHtml fragment (<p>, <br/>, list and table breaks)."""
    parts = _BLOCK_BREAK.split(fragment)
    out = []
    for part in parts:
        text = html.unescape(_TAG.sub("", part))
        text = re.sub(r"[ \t\r\n\u00a0]+", " ", text).strip()
        if text:
            out.append(text)
    return out


def _section_title(data: dict) -> str:
    return str(data.get("title") or data.get("titre") or data.get("titreTm") or "").strip()


def _article_units(node: dict, path: list[str], units: list[Unit], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ParseError(f"LEGI tree deeper than {_MAX_DEPTH} levels")
    kind = node.get("type")
    data = node.get("data") or {}
    if not isinstance(data, dict):
        raise ParseError("LEGI node 'data' is not an object")
    if kind == "article":
        units.append(_article(data, path))
        return
    title = _section_title(data)
    here = [*path, title] if title else path
    for child in node.get("children") or []:
        if isinstance(child, dict):
            _article_units(child, here, units, depth + 1)


def _article(data: dict, path: list[str]) -> Unit:
    num = str(data.get("num") or "").strip()
    article_id = str(data.get("id") or data.get("cid") or "").strip()
    ref = num or article_id
    if not ref:
        raise ParseError("LEGI article without 'num' nor 'id'")
    body_html = data.get("texteHtml") or ""
    paragraphs = html_paragraphs(body_html) if body_html else []
    if not paragraphs:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", str(data.get("texte") or "")) if p.strip()]
    segments = [Segment(paragraphs=paragraphs)]
    nota_html = data.get("notaHtml") or ""
    nota = html_paragraphs(nota_html) if nota_html else []
    if not nota and str(data.get("nota") or "").strip():
        nota = [str(data["nota"]).strip()]
    if nota:
        segments.append(Segment(paragraphs=nota, heading="Nota"))
    valid_from = yyyymmdd(data.get("dateDebut"))
    valid_to = yyyymmdd(data.get("dateFin"), end=True) or OPEN_ENDED
    link_titles = _LINK_TITLE.findall(body_html) if isinstance(body_html, str) else []
    links = [str(l.get("title") or l.get("textTitle") or "") for l in (data.get("liens") or []) if isinstance(l, dict)]
    title = f"Article {num}" if num else f"Article {article_id}"
    unit = Unit(ref=ref, title=title, segments=segments, hierarchy=list(path))
    text = unit.text()
    from ingest.legal_refs import extract_references

    linked: list[str] = []
    for item in [*link_titles, *links]:
        linked.extend(extract_references(item))
    unit.meta = {
        "valid_from": valid_from,
        "valid_to": valid_to,
        "version_date": valid_from,
        "status": str(data.get("etat") or ""),
        "url": LEGIFRANCE_ARTICLE.format(id=article_id) if article_id.startswith("LEGIARTI") else "",
        "cites": cites_for(text, linked),
        "legi_id": article_id,
        "legi_cid": str(data.get("cid") or ""),
    }
    versions = legi_versions(data.get("articleVersions"))
    if versions:
        unit.meta["legi_versions"] = json.dumps(versions, separators=(",", ":"))
    return unit


def legi_versions(raw: Any) -> list[dict[str, Any]]:
    """Every version LEGI lists for an article (`articleVersions`: id, state, start and end), oldest
    first, dates as YYYYMMDD. legi-data stores the list as a Python literal string: it is read with
    ast.literal_eval (literals only, size-capped), never evaluated as code."""
    if isinstance(raw, str):
        if not raw.strip() or len(raw) > 200_000:
            return []
        try:
            raw = ast.literal_eval(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return []
    if not isinstance(raw, list):
        return []
    out = []
    for item in raw:
        if not isinstance(item, dict) or not str(item.get("id") or "").startswith("LEGIARTI"):
            continue
        out.append({"id": str(item["id"]), "etat": str(item.get("etat") or ""),
                    "valid_from": yyyymmdd(item.get("dateDebut")),
                    "valid_to": yyyymmdd(item.get("dateFin"), end=True) or OPEN_ENDED})
    return sorted(out, key=lambda v: v["valid_from"])


def parse_legi(ctx: FileContext, tree: dict) -> list[Chunk]:
    units: list[Unit] = []
    _article_units(tree, [], units, 0)
    if not units:
        raise ParseError("LEGI tree has no article node")
    code_title = units[0].hierarchy[0] if units[0].hierarchy else ""
    # Drop a self-citation of the article's own number from `cites`.
    for unit in units:
        cites = [c for c in unit.meta["cites"].strip("|").split("|") if c and c != unit.ref]
        unit.meta["cites"] = f"|{'|'.join(cites)}|" if cites else ""
    inferred = Inferred(
        instrument_type="french_code",
        countries=["FR"],
        language="fr",
        licence="Licence Ouverte 2.0 (LEGI, DILA/Légifrance; extraction @socialgouv/legi-data, Apache-2.0)",
    )
    for unit in units:
        unit.meta["instrument_type"] = "french_code"
        if code_title:
            unit.meta.setdefault("code", code_title)
    return units_to_chunks(ctx, units, inferred)
