"""View models: API-shaped dicts (documents, search results, inquiries) turned into what templates show.
Nothing internal (scores, engine settings, chunk ids) is passed on."""
from __future__ import annotations

import re
from datetime import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from api.web.highlight import segments
from api.web.snippets import plain_text, snippet
from ingest.gaps import localised_title
from api.web.i18n import INSTRUMENT_LABELS, LANGUAGE_NAMES, translator
from api.web.pages import format_yyyymmdd

OPEN_ENDED = {"99991231", "9999-12-31"}
# Units of one-unit files are named after the file (article-2.md): not worth showing as a reference.
FILE_LIKE = re.compile(r"\.(md|json|html?|xml|txt|pdf|docx?)$", re.IGNORECASE)
LEGAL_REF = re.compile(r"\d")  # L761-2, F3155, Article 12 (a slug like "posting-self-employed" is not one)


def _split(value: Any, sep: str) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split(sep) if part.strip()]


def validity(doc: dict, lang: str) -> str:
    t = translator(lang)
    start = format_yyyymmdd(doc.get("valid_from"), lang)
    end = "" if str(doc.get("valid_to") or "") in OPEN_ENDED else format_yyyymmdd(doc.get("valid_to"), lang)
    if start and end:
        return t("validity_from_to", start=start, end=end)
    if start:
        return t("validity_from", start=start)
    if end:
        return t("validity_to", end=end)
    return t("validity_unknown")


def _common(doc: dict, lang: str) -> dict:
    title, ref = (doc.get("title") or "").strip(), (doc.get("ref") or "").strip()
    heading = title or ref or doc.get("path", "")
    if ref and title and LEGAL_REF.search(ref) and not FILE_LIKE.search(ref) and ref.lower() not in title.lower():
        heading = f"{title} ({ref})"
    url = doc.get("url") or ""
    if url and urlsplit(url).scheme not in ("http", "https"):
        url = ""  # never render javascript: or data: links from ingested metadata
    language = (doc.get("language") or "").strip()
    instrument = doc.get("instrument_type") or ""
    return {
        "path": doc.get("path", ""),
        "ref": ref,
        "display_ref": "" if FILE_LIKE.search(ref) else ref,
        "heading": heading,
        "hierarchy": " › ".join(_split(doc.get("hierarchy"), " > ")),
        "hierarchy_parts": _split(doc.get("hierarchy"), " > "),
        "instrument_label": INSTRUMENT_LABELS[lang].get(instrument, instrument),
        "language": language,
        "language_name": LANGUAGE_NAMES[lang].get(language, language),
        "version": format_yyyymmdd(doc.get("version_date"), lang),
        "validity": validity(doc, lang),
        "url": url,
        "url_host": urlsplit(url).netloc if url else "",
        "cites": _split(doc.get("cites"), "|"),
    }


def _norm(line: str) -> str:
    return re.sub(r"\s*[>›]\s*", " > ", re.sub(r"\s+", " ", line)).strip().lower()


def body_text(doc: dict) -> str:
    """The unit's text without the header lines the index prepends (hierarchy, title), which the
    page already shows as breadcrumb and heading."""
    if (doc.get("body") or "").strip():
        return doc["body"].strip()
    text = (doc.get("text") or "").strip()
    if not text and doc.get("chunks"):
        text = "\n\n".join(c.get("text", "") for c in doc["chunks"]).strip()
    headers = {_norm(h) for h in (doc.get("hierarchy") or "", doc.get("title") or "") if h}
    lines = text.split("\n")
    dropped = 0
    while dropped < min(3, len(lines) - 1) and _norm(lines[dropped]) in headers:
        dropped += 1
    return "\n".join(lines[dropped:]).strip() if dropped else text


def _cite_pattern(cite: str) -> str:
    """A code article as texts write it: "L761-2", "L. 761-2", "L.761-2"; a fiche id as is."""
    m = re.match(r"^([LRDA])(\*?)(\d.*)$", cite)
    if m:
        return re.escape(m.group(1)) + r"\.?\s?" + re.escape(m.group(2)) + r"\s?" + re.escape(m.group(3))
    return re.escape(cite)


def link_references(pieces: list[tuple[str, bool]], links: list[dict],
                    url_for: Callable[[dict], str]) -> list[tuple[str, bool, str]]:
    """(text, highlighted, href) pieces: each held article or fiche named in the text links to it."""
    if not links:
        return [(piece, marked, "") for piece, marked in pieces]
    ordered = sorted(links, key=lambda link: len(link["cite"]), reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?P<c{i}>{_cite_pattern(link['cite'])})"
                                                    for i, link in enumerate(ordered)) + r")(?![\w-])")
    out: list[tuple[str, bool, str]] = []
    for piece, marked in pieces:
        position = 0
        for m in pattern.finditer(piece):
            link = ordered[int(m.lastgroup[1:])]
            if m.start() > position:
                out.append((piece[position:m.start()], marked, ""))
            out.append((m.group(0), marked, url_for(link)))
            position = m.end()
        if position < len(piece):
            out.append((piece[position:], marked, ""))
    return out


def document_url(base: str, path: str, ref: str, lang: str, **extra: Any) -> str:
    return f"{base}?" + urlencode({"path": path, "ref": ref, "lang": lang, **{k: v for k, v in extra.items() if v}})


def document_view(doc: dict, lang: str, highlight: str | None, base: str = "/documents/view") -> dict:
    text = body_text(doc)
    pieces = link_references(segments(text, highlight), doc.get("links") or [],
                             lambda link: document_url(base, link["path"], link["ref"], lang))
    view = _common(doc, lang)
    t = translator(lang)
    versions = [{**v, "validity": validity(v, lang), "status_label": t(f"version_status_{v['status']}")
                 if v.get("status") in ("VIGUEUR", "MODIFIE", "ABROGE") else v.get("status", ""),
                 "url_console": document_url(base, view["path"], view["ref"], lang, version=v["version_id"])
                 if v.get("version_id") else "",
                 "shown": v.get("version_id") is not None and v.get("version_id") == doc.get("version_id")}
                for v in doc.get("versions") or []]
    view.update({
        "versions": versions,
        "held_versions": [v for v in versions if v.get("version_id")],
        "cited_by": [{**c, "url": document_url(base, c["path"], c["ref"], lang)} for c in doc.get("cited_by") or []],
        "version_id": doc.get("version_id"),
        "segments": pieces,
        "highlight_requested": bool(highlight and highlight.strip()),
        "highlighted": any(marked for _, marked, _ in pieces),
    })
    if (doc.get("instrument_type") or "") == "fact_sheet":  # the project's sheets: headings, lists, links
        from api.web.sheet_render import sheet_blocks

        view["blocks"], view["highlighted"] = sheet_blocks(text, highlight)
        view["segments"] = []
    else:
        view["blocks"] = []
    return view


def excerpt(text: str, limit: int = 420) -> str:
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " …"


def result_view(result: dict, lang: str, as_of: str | None, query: str = "") -> dict:
    view = _common(result, lang)
    text = body_text(result)
    params = {"path": view["path"], "ref": view["ref"], "lang": lang}
    if as_of:
        params["as_of"] = as_of
    pieces = snippet(text, query)
    view.update({"text": plain_text(text), "excerpt": "".join(piece for piece, _ in pieces), "snippet": pieces,
                 "console_url": "/console/documents?" + urlencode(params)})
    return view


def gap_view(gap: dict, lang: str) -> dict:
    """A text the query names that the base does not hold, said first in the results."""
    t = translator(lang)
    title = localised_title(gap.get("title") or gap.get("cite", ""), lang)
    if gap.get("kind") == "version":
        heading = t("gap_version_h", title=title)
    elif gap.get("kind") == "article" and gap.get("article"):
        heading = t("gap_article_h", article=gap["article"], title=title)
    else:
        heading = t("gap_instrument_h", title=title)
    url = gap.get("url") or ""
    if url and urlsplit(url).scheme not in ("http", "https"):
        url = ""
    return {"heading": heading, "text": t("gap_instrument_p"), "url": url, "fetch_source": gap.get("fetch_source", "")}


def format_datetime(value: Any, lang: str) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return ""
    date = format_yyyymmdd(value.strftime("%Y%m%d"), lang)
    return f"{date} {value.strftime('%H:%M')}"


def status_label(status: str, lang: str) -> str:
    return translator(lang)(f"status_{status}") if status in ("open", "answered", "closed") else status


def inquiry_view(inquiry: Any, lang: str) -> dict:
    data = inquiry.model_dump() if hasattr(inquiry, "model_dump") else dict(inquiry)
    message = data.get("message") or ""
    return {
        **data,
        "created": format_datetime(data.get("created_at"), lang),
        "status_label": status_label(data.get("status", ""), lang),
        "preview": excerpt(message, 140),
        "replies": [{**r, "at": format_datetime(r.get("at"), lang)} for r in data.get("replies") or []],
    }
