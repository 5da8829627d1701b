"""XLIFF 2.0 and 1.2 export of a pre-translated document, and re-import of the post-edited file.

XLIFF 2.0: one unit per paragraph (block) with one segment per sentence (segment id = Liaison's
segment id, stable for the same source document), so a post-edited file can rebuild the translated
document and sentences merged in the CAT tool are understood; XLIFF 1.2: one trans-unit per sentence. Inline formatting is exported as <pc>
(2.0) / <g> (1.2); the quality flags as notes; the machine proposal as a match (mtc:match /
alt-trans) so the re-import can tell which segments the translator changed. Re-import stores those
(and those marked reviewed/final/signed-off) in the memory as confirmed, with who and when.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from translation.errors import TranslationError
from translation.languages import UnknownLanguage, normalize_language
from translation.segments import Segment, Span, normalize_text

CODE_CHAR = "\ue000"  # the placeholder of an inline code in a segment's text (formats.docx)
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
NS12 = "urn:oasis:names:tc:xliff:document:1.2"
MTC = "urn:oasis:names:tc:xliff:matches:2.0"
VERSIONS = ("2.0", "1.2")
_SUBTYPE = {"b": "xlf:b", "i": "xlf:i", "u": "xlf:u"}
_CTYPE = {"b": "bold", "i": "italic", "u": "underlined", "link": "link"}
DONE_STATES_20 = {"translated", "reviewed", "final"}
DONE_STATES_12 = {"translated", "final", "signed-off"}


def _state(segment: Segment, version: str) -> tuple[str, str | None]:
    validated = segment.origin == "memory-exact" and segment.memory_origin in ("confirmed", "imported")
    if version == "2.0":
        if validated or segment.origin == "override":
            return "final", None
        return "initial", None
    if validated or segment.origin == "override":
        return "final", "exact-match"
    if segment.origin == "memory-fuzzy":
        return "needs-review-translation", "fuzzy-match"
    if segment.origin == "copy":
        return "translated", "id-match"
    return "needs-review-translation", "leveraged-mt"


SUGGESTION_ORIGIN = "liaison:memory-suggestion"


def _proposals(segment: Segment) -> list[tuple[str, str, float | None, str, str]]:
    """(origin, type, similarity, source, target) of the matches exported with a unit: first the
    proposal that filled the target (machine output typed "mt" with no similarity; a memory match
    typed "tm" with its score and the STORED source, so the CAT tool shows what differs), then the
    memory suggestions below the reuse threshold as alternatives."""
    out = []
    if segment.target is not None and segment.origin not in ("copy", "override", "merged"):
        memory = segment.origin in ("memory-exact", "memory-fuzzy")
        out.append((f"liaison:{segment.origin}", "tm" if memory else "mt", segment.score if memory else None,
                    segment.memory_source or segment.source if memory else segment.source, segment.target))
    for suggestion in segment.suggestions:
        out.append((SUGGESTION_ORIGIN, "tm", suggestion.score, suggestion.source, suggestion.target))
    return out


def _span_ids(source_spans: list[Span], target_spans: list[Span]) -> list[int]:
    """For each target span, the 1-based id of the source span with the same style (in order)."""
    used: set[int] = set()
    ids = []
    for span in target_spans:
        match = next((i for i, s in enumerate(source_spans)
                      if i not in used and s.style == span.style and s.protected == span.protected), None)
        if match is None:
            ids.append(0)
            continue
        used.add(match)
        ids.append(match + 1)
    return ids


def _fill(element, text: str, spans: list[Span], ids: list[int], version: str, label, prefix: str = "") -> None:
    """Write text with inline <pc>/<g> elements into `element` (2.0: ids "<segment id>-<n>", unique in
    the unit; the number is the source span the target span comes from)."""
    from lxml import etree

    ns = NS20 if version == "2.0" else NS12
    tail_holder = None
    pos = 0

    def add_text(chunk: str) -> None:
        nonlocal tail_holder
        if not chunk:
            return
        if tail_holder is None:
            element.text = (element.text or "") + chunk
        else:
            tail_holder.tail = (tail_holder.tail or "") + chunk

    for span, span_id in sorted(zip(spans, ids), key=lambda pair: pair[0].start):
        if span.start < pos or span_id == 0:
            continue
        add_text(text[pos:span.start])
        kind = label(span.style) if label else None
        if kind == "code":  # an inline code (note reference, field, deletion): a placeholder tag
            if version == "2.0":
                child = etree.SubElement(element, f"{{{ns}}}ph", {"id": f"{prefix}-{span_id}" if prefix
                                                                   else str(span_id), "canDelete": "no"})
            else:
                child = etree.SubElement(element, f"{{{ns}}}x", {"id": str(span_id), "ctype": "x-code"})
            tail_holder = child
            pos = span.end
            continue
        if version == "2.0":
            attrs = {"id": f"{prefix}-{span_id}" if prefix else str(span_id)}
            if kind in _SUBTYPE:
                attrs.update(type="fmt", subType=_SUBTYPE[kind])
            elif kind == "link":
                attrs["type"] = "link"
            elif span.protected:
                attrs.update(type="other", canDelete="no", canCopy="no")
            child = etree.SubElement(element, f"{{{ns}}}pc", attrs)
        else:
            attrs = {"id": str(span_id)}
            attrs["ctype"] = _CTYPE.get(kind, "x-code" if span.protected else "x-format")
            child = etree.SubElement(element, f"{{{ns}}}g", attrs)
        child.text = text[span.start:span.end]
        tail_holder = child
        pos = span.end
    add_text(text[pos:])


def export_xliff(result, document=None, *, version: str = "2.0") -> bytes:
    """XLIFF for a DocumentResult (segments with targets, flags, memory origin)."""
    from lxml import etree

    if version not in VERSIONS:
        raise TranslationError(f"unknown XLIFF version {version!r}; allowed: {', '.join(VERSIONS)}")
    label = getattr(document, "style_label", None) if document is not None else None
    source_lang, target_lang = result.source_lang, result.target_lang
    original = result.source.name
    if version == "2.0":
        root = etree.Element(f"{{{NS20}}}xliff", nsmap={None: NS20, "mtc": MTC},
                             attrib={"version": "2.0", "srcLang": source_lang, "trgLang": target_lang})
        file_el = etree.SubElement(root, f"{{{NS20}}}file", id="f1", original=original)
        notes = etree.SubElement(file_el, f"{{{NS20}}}notes")
        etree.SubElement(notes, f"{{{NS20}}}note", category="liaison").text = (
            f"Pre-translated by Liaison ({result.engine}); output {result.output.name if result.output else '-'}. "
            "Segments in state 'initial' are machine proposals to review.")
        # One unit per paragraph (block) holding its sentences as segments, as CAT tools do: the
        # translator can merge two sentences of a paragraph; the re-import understands it.
        by_block: dict[str, list[Segment]] = {}
        for segment in result.segments:
            by_block.setdefault(segment.block_id, []).append(segment)
        for block_id, segments in by_block.items():
            unit = etree.SubElement(file_el, f"{{{NS20}}}unit", id=block_id)
            proposals = [(segment, p) for segment in segments for p in _proposals(segment)]
            if proposals:
                matches = etree.SubElement(unit, f"{{{MTC}}}matches")
                for segment, (origin, kind, score, source, target) in proposals:
                    attrs = {"ref": f"#{segment.id}", "origin": origin, "type": kind}
                    if score is not None:
                        attrs["similarity"] = f"{score:.0f}"
                    match = etree.SubElement(matches, f"{{{MTC}}}match", attrs)
                    etree.SubElement(match, f"{{{NS20}}}source").text = source
                    etree.SubElement(match, f"{{{NS20}}}target").text = target
            flagged = [(segment, flag) for segment in segments for flag in segment.flags]
            if flagged:
                unit_notes = etree.SubElement(unit, f"{{{NS20}}}notes")
                for segment, flag in flagged:
                    priority = {"error": "1", "warning": "3", "info": "8"}[flag.severity]
                    etree.SubElement(unit_notes, f"{{{NS20}}}note", category=f"liaison-flag:{flag.code}",
                                     priority=priority).text = (f"[{segment.id}] " if len(segments) > 1 else "") \
                        + flag.message
            for segment in segments:
                state, _ = _state(segment, "2.0")
                seg_el = etree.SubElement(unit, f"{{{NS20}}}segment", id=segment.id, state=state)
                source_el = etree.SubElement(seg_el, f"{{{NS20}}}source")
                source_el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                _fill(source_el, segment.source, segment.spans, list(range(1, len(segment.spans) + 1)), "2.0",
                      label, prefix=segment.id)
                if segment.target is not None:
                    target_el = etree.SubElement(seg_el, f"{{{NS20}}}target")
                    target_el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    _fill(target_el, segment.target, segment.target_spans,
                          _span_ids(segment.spans, segment.target_spans), "2.0", label, prefix=segment.id)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    root = etree.Element(f"{{{NS12}}}xliff", nsmap={None: NS12}, attrib={"version": "1.2"})
    file_el = etree.SubElement(root, f"{{{NS12}}}file", attrib={
        "original": original, "source-language": source_lang, "target-language": target_lang,
        "datatype": "plaintext", "tool-id": "liaison"})
    header = etree.SubElement(file_el, f"{{{NS12}}}header")
    etree.SubElement(header, f"{{{NS12}}}tool", attrib={"tool-id": "liaison", "tool-name": "Liaison"})
    etree.SubElement(header, f"{{{NS12}}}note").text = (
        f"Pre-translated by Liaison ({result.engine}). Targets in state needs-review-translation are proposals.")
    body = etree.SubElement(file_el, f"{{{NS12}}}body")
    for segment in result.segments:
        state, qualifier = _state(segment, "1.2")
        unit = etree.SubElement(body, f"{{{NS12}}}trans-unit", id=segment.id,
                                approved="yes" if state == "final" else "no")
        unit.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        _fill(etree.SubElement(unit, f"{{{NS12}}}source"), segment.source, segment.spans,
              list(range(1, len(segment.spans) + 1)), "1.2", label)
        if segment.target is not None:
            target_el = etree.SubElement(unit, f"{{{NS12}}}target", state=state)
            if qualifier:
                target_el.set("state-qualifier", qualifier)
            _fill(target_el, segment.target, segment.target_spans, _span_ids(segment.spans, segment.target_spans),
                  "1.2", label)
        for origin, kind, score, source, target in _proposals(segment):
            attrs = {"origin": origin, "alttranstype": "proposal"}
            if score is not None:
                attrs["match-quality"] = f"{score:.0f}"
            alt = etree.SubElement(unit, f"{{{NS12}}}alt-trans", attrs)
            etree.SubElement(alt, f"{{{NS12}}}source").text = source
            etree.SubElement(alt, f"{{{NS12}}}target").text = target
        for flag in segment.flags:
            priority = {"error": "1", "warning": "3", "info": "8"}[flag.severity]
            etree.SubElement(unit, f"{{{NS12}}}note", priority=priority, attrib={"from": "liaison"}).text = \
                f"{flag.code}: {flag.message}"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- re-import ---------------------------------------------------------------------------------------

@dataclass
class XliffUnit:
    id: str
    source: str
    target: str | None
    state: str | None
    machine: str | None
    spans: list[tuple[int, int, int]]  # (start, end, source span id) in the target
    edited: bool
    merges: list[str] = field(default_factory=list)  # following segments merged into this one (CAT tool)


@dataclass
class XliffImport:
    version: str
    original: str | None
    source_lang: str
    target_lang: str
    units: list[XliffUnit] = field(default_factory=list)
    confirmed: int = 0
    unchanged: int = 0
    not_reviewed: int = 0
    problems: list[str] = field(default_factory=list)

    def to_public(self) -> dict:
        return {"version": self.version, "original": self.original, "source_lang": self.source_lang,
                "target_lang": self.target_lang, "units": len(self.units), "confirmed": self.confirmed,
                "unchanged": self.unchanged, "not_reviewed": self.not_reviewed, "problems": self.problems[:100]}


def _inline_text(element, spans: list | None = None) -> str:
    """Plain text of a source/target with inline elements; records <pc>/<g> spans with their id."""
    from lxml import etree

    out: list[str] = [element.text or ""]
    for child in element:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name in ("pc", "g", "mrk", "sm", "em"):
            start = sum(len(x) for x in out)
            inner = _inline_text(child, spans)
            out.append(inner)
            number = (child.get("id") or "").rsplit("-", 1)[-1]
            if spans is not None and name in ("pc", "g") and number.isdigit():
                spans.append((start, start + len(inner), int(number)))
        elif name in ("ph", "x") and (child.get("id") or "").rsplit("-", 1)[-1].isdigit():
            # Liaison's inline code (note reference, field, deletion): its placeholder character.
            start = sum(len(x) for x in out)
            out.append(CODE_CHAR)
            if spans is not None:
                spans.append((start, start + 1, int(child.get("id").rsplit("-", 1)[-1])))
        elif name in ("ph", "x", "bx", "ex", "sc", "ec", "it", "bpt", "ept"):
            pass  # codes without text
        out.append(child.tail or "")
    return "".join(out)


def parse_xliff(data: bytes, name: str = "file.xlf") -> XliffImport:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise TranslationError(f"{name}, line {exc.lineno}: not well-formed XML ({exc.msg}); nothing was imported. "
                               "Export the file again from your CAT tool") from exc
    namespace = etree.QName(root).namespace
    if etree.QName(root).localname != "xliff" or namespace not in (NS20, NS12):
        raise TranslationError(f"{name}: not an XLIFF 1.2 or 2.0 file (root <{etree.QName(root).localname}> "
                               f"in {namespace or 'no namespace'})")
    version = "2.0" if namespace == NS20 else "1.2"
    ns = namespace
    file_el = root.find(f"{{{ns}}}file")
    if file_el is None:
        raise TranslationError(f"{name}: no <file> element")
    try:
        if version == "2.0":
            source_lang = normalize_language(root.get("srcLang"))
            target_lang = normalize_language(root.get("trgLang"))
        else:
            source_lang = normalize_language(file_el.get("source-language"))
            target_lang = normalize_language(file_el.get("target-language"))
    except UnknownLanguage as exc:
        raise TranslationError(f"{name}: {exc} (file languages)") from None
    result = XliffImport(version, file_el.get("original"), source_lang, target_lang)
    if version == "2.0":
        for unit in root.iter(f"{{{ns}}}unit"):
            machines: dict[str, str | None] = {}  # segment id -> the proposal Liaison wrote
            for match in unit.iter(f"{{{MTC}}}match"):
                origin = match.get("origin") or ""
                ref = (match.get("ref") or "").lstrip("#")
                if origin.startswith("liaison:") and origin != SUGGESTION_ORIGIN and ref not in machines:
                    target_el = match.find(f"{{{ns}}}target")
                    machines[ref] = _inline_text(target_el) if target_el is not None else None
            for segment in unit.iter(f"{{{ns}}}segment"):
                machine = machines.get(segment.get("id") or unit.get("id") or "")
                source_el = segment.find(f"{{{ns}}}source")
                target_el = segment.find(f"{{{ns}}}target")
                if source_el is None:
                    result.problems.append(f"line {segment.sourceline}: segment without <source>")
                    continue
                spans: list = []
                target = _inline_text(target_el, spans) if target_el is not None else None
                state = segment.get("state")
                # A confirmation is an explicit state (the export writes "initial" for every proposal)
                # or a changed text; an untouched file confirms nothing.
                edited = target is not None and target.strip() != "" and (
                    state in DONE_STATES_20 or (machine is not None and target.strip() != machine.strip()))
                result.units.append(XliffUnit(segment.get("id") or unit.get("id") or "", _inline_text(source_el),
                                              target, state, machine, spans, edited))
    else:
        for unit in root.iter(f"{{{ns}}}trans-unit"):
            source_el = unit.find(f"{{{ns}}}source")
            target_el = unit.find(f"{{{ns}}}target")
            if source_el is None:
                result.problems.append(f"line {unit.sourceline}: trans-unit without <source>")
                continue
            machine = None
            for alt in unit.findall(f"{{{ns}}}alt-trans"):
                origin = alt.get("origin") or ""
                if origin.startswith("liaison:") and origin != SUGGESTION_ORIGIN and machine is None:
                    alt_target = alt.find(f"{{{ns}}}target")
                    machine = _inline_text(alt_target) if alt_target is not None else None
            spans = []
            target = _inline_text(target_el, spans) if target_el is not None else None
            state = target_el.get("state") if target_el is not None else None
            # The export writes needs-review-translation for every machine or fuzzy proposal: a 1.2
            # file confirms a unit by a done state, approved="yes" or a changed text.
            edited = target is not None and target.strip() != "" and (
                state in DONE_STATES_12 or unit.get("approved") == "yes"
                or (machine is not None and target.strip() != machine.strip()))
            result.units.append(XliffUnit(unit.get("id") or "", _inline_text(source_el), target, state, machine,
                                          spans, edited))
    return result


def import_xliff(memory, data: bytes | None, *, by: str, name: str = "file.xlf",
                 parsed: XliffImport | None = None) -> XliffImport:
    """Parse a post-edited XLIFF (or take `parsed`) and store the translator's segments in the memory
    (confirmed)."""
    parsed = parsed if parsed is not None else parse_xliff(data, name)
    now = datetime.now(UTC)
    for unit in parsed.units:
        if not unit.edited or not unit.source.strip() or normalize_text(unit.target or "") == normalize_text(unit.source):
            parsed.not_reviewed += 1  # copies (codes, names, text already in the target language) teach nothing
            continue
        outcome = memory.confirm(parsed.source_lang, parsed.target_lang, unit.source, unit.target, by=by, at=now)
        if outcome.status == "unchanged":
            parsed.unchanged += 1
        else:
            parsed.confirmed += 1
    return parsed


def overrides_from(parsed: XliffImport) -> dict:
    """Segment id -> Override for rebuilding the document with the translator's text."""
    from translation.pipeline import Override

    overrides = {}
    for unit in parsed.units:
        if not unit.edited or unit.target is None:
            continue
        # A merged unit spans several segments: its source is checked by check_units, not per segment.
        overrides[unit.id] = Override(unit.target, unit.spans, None if unit.merges else unit.source)
        for absorbed in unit.merges:
            overrides[absorbed] = Override("", None, None, merged=True)
    return overrides


class XliffMismatch(TranslationError):
    """The XLIFF was not exported for this document (or this version of it): nothing is applied."""

    def __init__(self, name: str, units: list[dict]):
        self.units = units
        shown = "; ".join(
            (f"unit {u['id']}: " if u.get("id") else "") + {
                "original_differs": f"exported for {u.get('xliff')!r}, not {u.get('document')!r}",
                "unknown_unit": "no such segment in the document",
                "source_differs": f"source {u.get('xliff')!r} is now {u.get('document')!r}",
            }.get(u["problem"], u["problem"]) for u in units[:5])
        more = f" (and {len(units) - 5} more)" if len(units) > 5 else ""
        super().__init__(f"{name}: the XLIFF does not match the document, nothing was applied: {shown}{more}. "
                         "Export the XLIFF again from the current version of the document")


def _merged(unit: XliffUnit, order: list[str], sources: dict[str, str]) -> list[str]:
    """The segments after `unit` (same paragraph) whose sources, joined to its own, make the unit's
    source: sentences the translator merged in the CAT tool."""
    wanted = normalize_text(unit.source)
    start = order.index(unit.id)
    block = unit.id.rsplit(".", 1)[0]
    joined, absorbed = sources[unit.id], []
    for seg_id in order[start + 1:]:
        if seg_id.rsplit(".", 1)[0] != block or len(joined) >= len(wanted):
            break
        joined = normalize_text(joined + " " + sources[seg_id])
        absorbed.append(seg_id)
        if joined == wanted:
            return absorbed
    return []


def check_units(parsed: XliffImport, expected, *, original: str | None = None) -> list[dict]:
    """Per-unit problems of applying `parsed` to a document whose segments are `expected` ((id, source)
    pairs): another document (`original`), unit ids the document does not have, sources that changed."""
    problems: list[dict] = []
    if original is not None and parsed.original is not None and parsed.original != original:
        problems.append({"id": None, "problem": "original_differs", "xliff": parsed.original, "document": original})
    sources = {seg_id: normalize_text(source) for seg_id, source in expected}
    order = [seg_id for seg_id, _ in expected]
    for unit in parsed.units:
        if unit.id not in sources:
            problems.append({"id": unit.id, "problem": "unknown_unit", "xliff": unit.source})
        elif normalize_text(unit.source) != sources[unit.id]:
            unit.merges = _merged(unit, order, sources)
            if unit.merges:
                continue
            problems.append({"id": unit.id, "problem": "source_differs", "xliff": unit.source,
                             "document": dict(expected)[unit.id]})
    return problems
