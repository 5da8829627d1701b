"""View models: API-shaped dicts (documents, search results, inquiries) turned into what templates show.
Nothing internal (scores, engine settings, chunk ids) is passed on."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from api.web.highlight import segments
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
    text = (doc.get("text") or "").strip()
    if not text and doc.get("chunks"):
        text = "\n\n".join(c.get("text", "") for c in doc["chunks"]).strip()
    headers = {_norm(h) for h in (doc.get("hierarchy") or "", doc.get("title") or "") if h}
    lines = text.split("\n")
    dropped = 0
    while dropped < min(3, len(lines) - 1) and _norm(lines[dropped]) in headers:
        dropped += 1
    return "\n".join(lines[dropped:]).strip() if dropped else text


def document_view(doc: dict, lang: str, highlight: str | None) -> dict:
    text = body_text(doc)
    view = _common(doc, lang)
    view["highlight_requested"] = bool(highlight and highlight.strip())
    if (doc.get("instrument_type") or "") == "fact_sheet":  # the project's sheets: headings, lists, links
        from api.web.sheet_render import sheet_blocks

        view["blocks"], view["highlighted"] = sheet_blocks(text, highlight)
        view["segments"] = []
        return view
    pieces = segments(text, highlight)
    view.update({"segments": pieces, "blocks": [], "highlighted": any(marked for _, marked in pieces)})
    return view


def excerpt(text: str, limit: int = 420) -> str:
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " …"


def result_view(result: dict, lang: str, as_of: str | None) -> dict:
    view = _common(result, lang)
    text = body_text(result)
    params = {"path": view["path"], "ref": view["ref"], "lang": lang}
    if as_of:
        params["as_of"] = as_of
    view.update({"text": text, "excerpt": excerpt(text), "console_url": "/console/documents?" + urlencode(params)})
    return view


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
