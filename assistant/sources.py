"""How a source is named in an answer's legal basis: instrument, article and version date."""
from __future__ import annotations

import re

from assistant.messages import format_date, msg
from assistant.retrieval import Passage

_ARTICLE_FILE = re.compile(r"^article-(.+)\.md$")


def unit_label(passage: Passage) -> str:
    """'art. L761-2', 'fiche F407', 'article 3', or the title for single-unit pages."""
    ref, kind = passage.ref, passage.meta.get("instrument_type", "")
    m = _ARTICLE_FILE.match(ref)
    if m:
        return "annexe" if m.group(1) == "annexe" else f"art. {m.group(1)}"
    if re.match(r"^[LRD]\d", ref):
        return f"art. {ref}"
    if kind == "fiche" and re.match(r"^F\d+$", ref):
        return f"fiche {ref}"
    if ref.lower().startswith("article"):
        return ref.replace("Article", "art.").replace("article", "art.")
    if ref.endswith((".html", ".md", ".json")):
        return ""
    return ref


def instrument_name(passage: Passage) -> str:
    hierarchy = str(passage.meta.get("hierarchy", "") or "")
    first = hierarchy.split(" > ")[0].strip() if hierarchy else ""
    kind = passage.meta.get("instrument_type", "")
    if kind in ("fiche", "foreign_info", "faq", "fact_sheet", "document") or not first:
        return passage.title.strip() or first or passage.path.rsplit("/", 1)[-1]
    return first


def describe(passage: Passage, language: str) -> str:
    """How a cited passage is named in the legal basis, as people read it: 'Code de la sécurité sociale,
    art. L761-2 (version du …)'; for the project's fact sheets, the instruments and articles the sheet
    states ('Règlement (CE) n° 883/2004, articles 11 et 12'), never the sheet's internal id."""
    references = [r.strip() for r in str(passage.meta.get("references", "") or "").split("|") if r.strip()]
    if passage.meta.get("instrument_type") == "fact_sheet" and references:
        date = format_date(int(passage.meta.get("version_date", 0) or 0), language)
        label = " ; ".join(references) if language == "fr" else "; ".join(references)
        return label + (f" ({msg(language, 'checked', date=date)})" if date else "")
    name, unit = instrument_name(passage), unit_label(passage)
    label = f"{name}, {unit}" if unit and unit.lower() not in name.lower() else name
    date = format_date(int(passage.meta.get("version_date", 0) or 0), language)
    if date:
        label += f" ({msg(language, 'version', date=date)})"
    return label


def document_url(passage: Passage, highlight: str = "") -> str:
    from urllib.parse import urlencode

    params = {"path": passage.path, "ref": passage.ref}
    if highlight:
        params["highlight"] = highlight[:200]
    return "/documents/view?" + urlencode(params)
