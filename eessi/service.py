"""The EESSI desk's service: the current catalogue (re-read when its file changes) and the three
look-ups every interface uses (CLI, API, console, assistant): a BUC, a SED, a form (portable document
or old E-form). Each answer is a plain dict (JSON-ready) carrying its sources, its gaps and the notes
that concern it, plus the catalogue version it was read from."""
from __future__ import annotations

import threading
from pathlib import Path

from eessi.catalogue import (
    LABEL_LANGUAGES, SECTOR_NAMES, Catalogue, CatalogueError, SourceRef, load_catalogue, notes_path_for,
)
from eessi.codes import DOCUMENT, E_FORM, find_codes, normalise_buc, normalise_form, normalise_sed
from eessi.flow import answered_by, buc_flow, replies_to

KINDS = ("buc", "sed", "form")


class NotInCatalogue(LookupError):
    """The code is not in the catalogue; `hint` says what it is when it is another kind of code."""

    def __init__(self, kind: str, code: str, hint: str = ""):
        self.kind, self.code, self.hint = kind, code, hint
        what = {"buc": "business use case (BUC)", "sed": "SED", "form": "portable document or E-form"}[kind]
        super().__init__(f"{code!r} is not in the catalogue: no {what} with this code" + (f" ({hint})" if hint else ""))


_cache: dict[str, tuple[tuple, Catalogue]] = {}
_lock = threading.Lock()


def catalogue_for(path: Path) -> Catalogue:
    """The parsed catalogue, cached per file until the file or its notes change (a new EESSI release)."""
    path = Path(path)
    notes = notes_path_for(path)

    def stamp(p: Path):
        try:
            st = p.stat()
            return (st.st_mtime_ns, st.st_size)
        except OSError:
            return None

    key = (stamp(path), stamp(notes))
    if key[0] is None:
        raise CatalogueError(f"the EESSI catalogue file {path} does not exist (setting LIAISON_EESSI_CATALOGUE_PATH)")
    with _lock:
        cached = _cache.get(str(path))
        if cached and cached[0] == key:
            return cached[1]
        catalogue = load_catalogue(path)
        _cache[str(path)] = (key, catalogue)
        return catalogue


class EessiService:
    def __init__(self, settings) -> None:
        self.settings = settings

    @property
    def catalogue(self) -> Catalogue:
        return catalogue_for(self.settings.eessi_catalogue_path)

    # ------------------------------------------------------------------------------------ look-ups
    def buc(self, raw: str) -> dict:
        cat = self.catalogue
        code = normalise_buc(cat, raw)
        if code is None:
            raise NotInCatalogue("buc", raw.strip(), self._hint(cat, raw, "buc"))
        return buc_view(cat, code)

    def sed(self, raw: str) -> dict:
        cat = self.catalogue
        code = normalise_sed(cat, raw)
        if code is None:
            raise NotInCatalogue("sed", raw.strip(), self._hint(cat, raw, "sed"))
        return sed_view(cat, code)

    def form(self, raw: str) -> dict:
        cat = self.catalogue
        found = normalise_form(cat, raw)
        if found is None:
            raise NotInCatalogue("form", raw.strip(), self._hint(cat, raw, "form"))
        kind, code = found
        return document_view(cat, code) if kind == DOCUMENT else e_form_view(cat, code)

    def lookup(self, kind: str, raw: str) -> dict:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
        return getattr(self, kind)(raw)

    def summary(self) -> dict:
        cat = self.catalogue
        return {"version": cat.version, "cdm_versions": cat.cdm_versions, "counts": cat.counts(),
                "declared_counts": cat.declared_counts, "path": cat.catalogue_path, "notes_path": cat.notes_path,
                "sectors": [{"sector": s, "name": SECTOR_NAMES.get(s, s),
                             "bucs": [b.id for b in cat.bucs.values() if b.sector == s]}
                            for s in dict.fromkeys(b.sector for b in cat.bucs.values())]}

    @staticmethod
    def _hint(cat: Catalogue, raw: str, asked: str) -> str:
        for f in find_codes(cat, raw.strip(), any_case=True):
            if f.start == 0 and f.end == len(raw.strip()):
                other = {"buc": "buc", "sed": "sed", DOCUMENT: "form", E_FORM: "form"}[f.kind]
                if other != asked:
                    return f"{f.code} is a {'BUC' if other == 'buc' else 'SED' if other == 'sed' else 'form'}: " \
                           f"look it up with `liaison eessi {other} {f.code}`"
        return "the catalogue may predate or miss this code; check the current official EESSI catalogue"


# ---------------------------------------------------------------------------------------- views

def _sources(cat: Catalogue, refs: list[SourceRef]) -> list[dict]:
    out = []
    for ref in refs:
        source = cat.sources.get(ref.key)
        out.append({"key": ref.key, "remark": ref.remark, "description": source.description if source else None,
                    "url": source.url if source else None, "url_derived": source.url_derived if source else False})
    return out


def _notes(cat: Catalogue, *codes: str) -> list[dict]:
    seen, out = set(), []
    for code in codes:
        for note in cat.notes_for(code):
            if note.text not in seen:
                seen.add(note.text)
                out.append({"section": note.section, "heading": note.heading, "text": note.text})
    return out


def sed_brief(cat: Catalogue, code: str) -> dict:
    sed = cat.seds.get(code)
    if sed is None:
        return {"code": code, "name": None, "label": "(not in the SED table)", "in_catalogue": False}
    return {"code": code, "name": sed.name, "label": sed.label, "in_catalogue": True}


def _reply_dict(cat: Catalogue, reply, code_key: str) -> dict:
    code = reply.code if code_key == "code" else reply.answers
    return {**sed_brief(cat, code), "basis": reply.basis, "sources": reply.source_keys}


def buc_view(cat: Catalogue, code: str) -> dict:
    buc = cat.bucs[code]
    flow = buc_flow(cat, buc)
    gaps = []
    if buc.purpose_from_label:
        gaps.append(f"purpose paraphrased from a {LABEL_LANGUAGES[buc.purpose_from_label]} label: no English title seen")
    if not buc.first_seds:
        gaps.append("no first SED found in the sources")
    if not buc.seds:
        gaps.append("no SED of this BUC found in any source")
    return {
        "kind": "buc", "id": buc.id, "sector": buc.sector, "sector_name": SECTOR_NAMES.get(buc.sector, buc.sector),
        "purpose": buc.purpose, "purpose_from_label": buc.purpose_from_label,
        "first_seds": [sed_brief(cat, c) for c in buc.first_seds],
        "other_seds": [sed_brief(cat, c) for c in buc.other_seds],
        "flow": {
            "opening": [sed_brief(cat, c) for c in flow.opening],
            "replies": [{**sed_brief(cat, r.code), "answers": r.answers, "basis": r.basis, "sources": r.source_keys}
                        for r in flow.replies],
            "closing": flow.closing,
            "others": [sed_brief(cat, c) for c in flow.others],
        },
        "sources": _sources(cat, buc.sources), "gaps": gaps, "notes": _notes(cat, buc.id),
        "catalogue_version": cat.version, "catalogue_line": buc.line,
    }


def sed_view(cat: Catalogue, code: str) -> dict:
    sed = cat.seds[code]
    gaps = []
    if not sed.name:
        gaps.append("no English name seen in a source")
    if sed.label_languages:
        langs = ", ".join(LABEL_LANGUAGES[x] for x in sed.label_languages)
        gaps.append(f"purpose paraphrased from a {langs} label")
    if not sed.name and not sed.purpose:
        gaps.append("no name or purpose seen: the code appears only in a BUC inventory")
    documents = [d.code for d in cat.documents.values() if code in d.related_seds]
    replaces = [form for form, by in cat.e_forms().items() if any(c == code for c, _ in by)]
    return {
        "kind": "sed", "code": sed.code, "name": sed.name, "purpose": sed.purpose, "label": sed.label,
        "label_languages": sed.label_languages, "sector": sed.sector,
        "sector_name": SECTOR_NAMES.get(sed.sector, sed.sector),
        "bucs": [{"id": b, "purpose": cat.bucs[b].purpose if b in cat.bucs else None,
                  "opens": b in cat.bucs and code in cat.bucs[b].first_seds} for b in sed.bucs],
        "used_across_bucs": sed.used_across_bucs,
        "answered_by": [_reply_dict(cat, r, "code") for r in replies_to(cat, code)],
        "answers": [_reply_dict(cat, r, "answers") for r in answered_by(cat, code)],
        "portable_documents": documents, "replaces_e_forms": replaces,
        "sources": _sources(cat, sed.sources), "gaps": gaps, "notes": _notes(cat, sed.code),
        "catalogue_version": cat.version, "catalogue_line": sed.line,
    }


def document_view(cat: Catalogue, code: str) -> dict:
    doc = cat.documents[code]
    gaps = []
    if not doc.replaced:
        gaps.append("no replaced E-form named in the sources read")
    if not doc.related_seds:
        gaps.append("no SED linked to this document in the sources read")
    return {
        "kind": "document", "code": doc.code, "certifies": doc.certifies,
        "replaced": [{"form": r.form, "attribution": r.attribution} for r in doc.replaced],
        "replaced_text": doc.replaced_text, "related_seds": [sed_brief(cat, c) for c in doc.related_seds],
        "related_text": doc.related_text, "sources": _sources(cat, doc.sources), "gaps": gaps,
        "notes": _notes(cat, doc.code), "catalogue_version": cat.version, "catalogue_line": doc.line,
    }


def e_form_view(cat: Catalogue, code: str) -> dict:
    replaced_by = []
    for new_code, attribution in cat.e_forms().get(code, []):
        if new_code in cat.documents:
            doc = cat.documents[new_code]
            replaced_by.append({"kind": "document", "code": new_code, "label": doc.certifies,
                                "attribution": attribution, "sources": _sources(cat, doc.sources),
                                "catalogue_line": doc.line})
        elif new_code in cat.seds:
            sed = cat.seds[new_code]
            replaced_by.append({"kind": "sed", "code": new_code, "label": sed.label, "attribution": attribution,
                                "sources": _sources(cat, sed.sources), "catalogue_line": sed.line})
    sources, seen = [], set()
    for new in replaced_by:
        for source in new["sources"]:
            if source["key"] not in seen:
                seen.add(source["key"])
                sources.append(source)
    return {"kind": "e_form", "code": code, "replaced_by": replaced_by, "notes": _notes(cat, code),
            "sources": sources, "gaps": [], "catalogue_version": cat.version}
