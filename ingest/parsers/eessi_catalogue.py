"""The EESSI reference catalogue (Markdown with three tables: BUCs, SEDs, portable documents) -> one
unit per row, so a search for "A001" or "E112" finds the row itself, not a slice of a 470-line table.

ref = the code (LA_BUC_01, A001, S1); the unit text spells out the row in sentences (first SED, other
SEDs with their names, replaced E-forms) with its source keys and addresses; gaps stay gaps ("no English
name seen"). Every unit carries the catalogue version (hash of the file and its notes) so a re-ingest of
a new EESSI release replaces exactly the rows that changed. The table model is `eessi.catalogue`'s.
"""
from __future__ import annotations

import re

from ingest.chunking import Segment, Unit
from ingest.classify import infer
from ingest.parsers.base import FileContext, units_to_chunks
from ingest.types import Chunk, ParseError

_TITLE = "EESSI reference catalogue"
_LABEL_MARK = re.compile(r"\s*\((?:nb|da|fr)(?:\s*,\s*(?:nb|da|fr))*\)")


def _source_lines(catalogue, refs) -> str:
    parts = []
    for ref in refs:
        source = catalogue.sources.get(ref.key)
        label = ref.key + (f" ({ref.remark})" if ref.remark else "")
        parts.append(f"{label}: {source.url}" if source and source.url else label)
    return "Sources: " + "; ".join(parts) + "."


def _sed_list(catalogue, codes: list[str]) -> str:
    return ", ".join(f"{c} ({catalogue.seds[c].label})" if c in catalogue.seds else c for c in codes)


def _buc_unit(catalogue, buc) -> Unit:
    from eessi.catalogue import SECTOR_NAMES

    lines = [f"Business use case {buc.id} ({SECTOR_NAMES.get(buc.sector, buc.sector)} sector): {buc.purpose}."]
    if buc.purpose_from_label:
        lines.append("The purpose is paraphrased from a Norwegian label; no English title was seen.")
    lines.append(f"First SED: {_sed_list(catalogue, buc.first_seds)}." if buc.first_seds
                 else "First SED: not found in the sources.")
    if buc.other_seds:
        lines.append(f"Other SEDs in this BUC: {_sed_list(catalogue, buc.other_seds)}.")
    return _unit(catalogue, buc.id, f"{buc.id} — {buc.purpose}", "Business use cases (BUCs)",
                 lines, buc.sources, buc.sector)


def _sed_unit(catalogue, sed) -> Unit:
    lines = [f"SED {sed.code} (structured electronic document, {sed.sector} sector)."]
    lines.append(f"Name: \"{sed.name}\"." if sed.name else "No English name seen in a source.")
    if sed.purpose:
        lines.append(f"Purpose: {sed.purpose}.")
    if sed.used_across_bucs:
        lines.append("Used across business use cases (administrative SED).")
    elif sed.bucs:
        lines.append(f"Business use case(s): {', '.join(sed.bucs)}.")
    # the purpose stands in for a missing name so title matching ("which SED notifies a posting?") has words
    label = sed.name or _LABEL_MARK.sub("", sed.purpose or "")
    title = f"SED {sed.code}" + (f" — {label}" if label else "")
    return _unit(catalogue, sed.code, title, "Structured electronic documents (SEDs)", lines, sed.sources, sed.sector)


def _document_unit(catalogue, doc) -> Unit:
    lines = [f"Portable document {doc.code}: {doc.certifies}."]
    if doc.replaced:
        forms = ", ".join(r.form + (f" ({r.attribution})" if r.attribution else "") for r in doc.replaced)
        lines.append(f"It replaced the E-form(s) {forms}.")
    else:
        lines.append(f"Replaced E-form: {doc.replaced_text or 'not seen'}.")
    lines.append(f"Related SED(s): {doc.related_text}.")
    return _unit(catalogue, doc.code, f"Portable document {doc.code}", "Portable documents", lines, doc.sources, "")


def _unit(catalogue, ref: str, title: str, table: str, lines: list[str], refs, sector: str) -> Unit:
    lines = lines + [_source_lines(catalogue, refs),
                     f"Catalogue version {catalogue.version}; check the current official EESSI catalogue before "
                     "relying on a row."]
    first_url = next((catalogue.sources[r.key].url for r in refs
                      if r.key in catalogue.sources and catalogue.sources[r.key].url), "")
    hierarchy = [_TITLE, table] + ([sector] if sector else [])
    meta = {"url": first_url or "", "language": "en", "catalogue_version": catalogue.version,
            "cites": "|" + "|".join(dict.fromkeys([ref] + [r.key for r in refs])) + "|"}
    return Unit(ref=ref, title=title, segments=[Segment(paragraphs=[" ".join(lines)])], hierarchy=hierarchy, meta=meta)


def parse_eessi_catalogue(ctx: FileContext, text: str) -> list[Chunk]:
    from eessi.catalogue import CatalogueError, notes_path_for, parse_catalogue

    notes = notes_path_for(ctx.file)
    notes_text = notes.read_text(encoding="utf-8") if notes.is_file() else None
    try:
        catalogue = parse_catalogue(text, notes_text, catalogue_path=ctx.rel_path)
    except CatalogueError as exc:
        raise ParseError(f"EESSI catalogue: {exc}") from exc
    units = [_buc_unit(catalogue, b) for b in catalogue.bucs.values()]
    units += [_sed_unit(catalogue, s) for s in catalogue.seds.values()]
    units += [_document_unit(catalogue, d) for d in catalogue.documents.values()]
    inferred = infer(ctx.rel_path, catalogue.preamble)
    inferred.language = "en"
    return units_to_chunks(ctx, units, inferred)
