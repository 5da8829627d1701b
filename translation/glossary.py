"""Glossaries per language pair: do-not-translate terms (form codes, institution names) and forced
term pairs (détachement -> posting), loaded from TSV or TBX, and applied around the engine.

TSV format (UTF-8, one entry per line, `#` starts a comment line):

    source <TAB> target [<TAB> note]

`=` as target means "do not translate" (the term must come out unchanged). A header line naming the
columns enables the optional columns `accept` (other acceptable target forms) and `avoid` (wrong
translations that are replaced by the target), values separated by `|`:

    source <TAB> target <TAB> accept <TAB> avoid <TAB> note

A source starting with `re:` is a regular expression of do-not-translate codes (e.g. SED codes).

Around the engine: `protect` rewrites the engine's input (the forced target term is put in place of
the source term for engines that copy unknown words, such as Argos); `enforce` replaces "avoid"
variants, restores do-not-translate terms an engine re-cased or re-spaced, and reports every term
still missing, which the quality checks turn into `glossary_not_applied` flags.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from translation.errors import GlossaryError

GLOSSARY_DIR = Path(__file__).resolve().parent / "glossaries"
_MAX_TERM = 200
_COLUMNS = ("source", "target", "accept", "avoid", "note")


@dataclass(frozen=True)
class GlossaryTerm:
    source: str
    target: str
    dnt: bool = False
    accept: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    note: str = ""
    origin: str = ""
    pattern: bool = False  # source is a regular expression of do-not-translate codes

    @property
    def case_sensitive(self) -> bool:
        return self.dnt or any(ch.isdigit() for ch in self.source) or (self.source.isupper() and len(self.source) > 1)

    def to_public(self) -> dict:
        return {"source": self.source, "target": self.target, "do_not_translate": self.dnt,
                "accept": list(self.accept), "avoid": list(self.avoid), "note": self.note, "origin": self.origin}


@dataclass(frozen=True)
class TermMatch:
    term: GlossaryTerm
    start: int
    end: int
    text: str  # as written in the source

    @property
    def plural(self) -> bool:
        return not self.term.dnt and not self.term.pattern and len(self.text) > len(self.term.source) \
            and self.text[-1:].lower() in ("s", "x")

    @property
    def expected(self) -> str:
        return self.text if self.term.dnt else plural_form(self.term, self.plural)


def plural_form(term: GlossaryTerm, plural: bool) -> str:
    """The target term, in the plural when the source was (from the `accept` forms when given)."""
    if not plural:
        return term.target
    for form in term.accept:
        if form.lower().startswith(term.target.lower()[:-1]) and form[-1:].lower() in ("s", "x"):
            return form
    if term.target[-1:].lower() in ("s", "x"):
        return term.target
    return term.target + "s"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _term_regex(term: str, *, plural: bool) -> str:
    parts = []
    for ch in term:
        if ch in "'’":
            parts.append("['’]")
        elif ch.isspace():
            parts.append(r"\s+")
        elif ch in "-‐‑":
            parts.append(r"[-‐‑\s]?")
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    if plural and term[-1:].isalpha():
        body += "(?:s|x|es)?"
    return r"(?<![\w-])" + body + r"(?![\w])"


@dataclass
class Glossary:
    source_lang: str
    target_lang: str
    terms: dict[str, GlossaryTerm] = field(default_factory=dict)  # key: casefolded source
    _compiled: list | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.terms)

    def add(self, term: GlossaryTerm) -> None:
        self.terms[term.source.casefold()] = term
        self._compiled = None

    def merge(self, other: "Glossary") -> "Glossary":
        merged = Glossary(self.source_lang, self.target_lang, dict(self.terms))
        for term in other.terms.values():
            merged.add(term)
        return merged

    def _patterns(self) -> list[tuple[re.Pattern, list[GlossaryTerm]]]:
        """Two combined regexes (case-sensitive, case-insensitive), one alternative per term, so a
        sentence is scanned once per mode whatever the size of the glossary."""
        if self._compiled is None:
            groups: dict[int, tuple[list[str], list[GlossaryTerm]]] = {0: ([], []), re.IGNORECASE: ([], [])}
            for term in sorted(self.terms.values(), key=lambda t: -len(t.source)):
                if term.pattern:
                    regex, flags = r"(?<![\w-])(?:" + term.source + r")(?![\w])", 0
                else:
                    regex = _term_regex(term.source, plural=not term.dnt)
                    flags = 0 if term.case_sensitive else re.IGNORECASE
                alternatives, terms = groups[flags]
                alternatives.append(f"(?P<t{len(terms)}>{regex})")
                terms.append(term)
            self._compiled = [(re.compile("|".join(alts), flags), terms)
                              for flags, (alts, terms) in groups.items() if alts]
        return self._compiled

    def find(self, text: str) -> list[TermMatch]:
        """Non-overlapping glossary terms in `text`, the longest first where they overlap."""
        candidates: list[TermMatch] = []
        for regex, terms in self._patterns():
            for m in regex.finditer(text):
                term = terms[int(m.lastgroup[1:])]
                candidates.append(TermMatch(term, m.start(), m.end(), m.group(0)))
        candidates.sort(key=lambda tm: (-(tm.end - tm.start), tm.start))
        taken: list[tuple[int, int]] = []
        found: list[TermMatch] = []
        for match in candidates:
            if any(match.start < b and match.end > a for a, b in taken):
                continue
            taken.append((match.start, match.end))
            found.append(match)
        found.sort(key=lambda tm: tm.start)
        return found

    # -- around the engine -------------------------------------------------------------------------

    def protect(self, text: str, matches: list[TermMatch]) -> str:
        """Engine input with forced target terms written in place of their source terms."""
        out, pos = [], 0
        for match in matches:
            out.append(text[pos:match.start])
            out.append(match.text if match.term.dnt else _match_case(match.text, match.expected))
            pos = match.end
        out.append(text[pos:])
        return "".join(out)

    def enforce(self, target: str, matches: list[TermMatch]) -> tuple[str, list[TermMatch]]:
        """Repair the engine output where a term is recognisable; returns the text and the terms still missing."""
        missing: list[TermMatch] = []
        for match in matches:
            term = match.term
            if term.dnt:
                if match.text in target:
                    continue
                loose = r"\s*".join(re.escape(ch) for ch in re.sub(r"[\s-]", "", match.text))
                m = re.search(r"(?<![\w])" + loose + r"(?![\w])", target, re.IGNORECASE)
                if m:
                    target = target[:m.start()] + match.text + target[m.end():]
                else:
                    missing.append(match)
                continue
            if _contains(target, term.target) or any(_contains(target, alt) for alt in term.accept):
                continue
            repaired = False
            for wrong in term.avoid:
                regex = re.compile(_term_regex(wrong, plural=True), re.IGNORECASE)
                m = regex.search(target)
                if m:
                    was_plural = len(m.group(0)) > len(wrong) and m.group(0)[-1:].lower() in ("s", "x")
                    target = target[:m.start()] + _match_case(m.group(0), plural_form(term, was_plural)) + target[m.end():]
                    repaired = True
                    break
            if not repaired:
                missing.append(match)
        return target, missing

    def hints(self, matches: list[TermMatch]) -> list[tuple[str, str]]:
        """(source term, required target) pairs for prompt-following engines."""
        seen, pairs = set(), []
        for match in matches:
            pair = (match.text, match.expected)
            if pair not in seen:
                seen.add(pair)
                pairs.append(pair)
        return pairs


def _contains(text: str, term: str) -> bool:
    if not term:
        return True
    flags = 0 if (any(ch.isdigit() for ch in term) or term.isupper()) else re.IGNORECASE
    return re.search(_term_regex(term, plural=True), text, flags) is not None


def _match_case(original: str, replacement: str) -> str:
    if original[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# -- loading ---------------------------------------------------------------------------------------

def _split_list(value: str) -> tuple[str, ...]:
    return tuple(_nfc(v) for v in value.split("|") if v.strip())


def parse_tsv(text: str, source_lang: str, target_lang: str, *, origin: str = "glossary.tsv") -> Glossary:
    """Parse a TSV glossary; every bad line is reported (file, line, problem, fix) in one GlossaryError."""
    glossary = Glossary(source_lang, target_lang)
    problems: list[str] = []
    columns = ["source", "target", "note"]
    first_entry_line = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if first_entry_line and cells[0].lower() == "source":
            first_entry_line = False
            unknown = [c for c in cells if c.lower() not in _COLUMNS]
            if unknown or "target" not in [c.lower() for c in cells]:
                problems.append(f"{origin}, line {number}: header has unknown column(s) {unknown or ['(no target)']}; "
                                f"allowed columns: {', '.join(_COLUMNS)} (source and target required)")
            else:
                columns = [c.lower() for c in cells]
            continue
        first_entry_line = False
        where = f"{origin}, line {number}"
        if len(cells) < 2:
            hint = " (columns seem separated by spaces)" if "  " in line or " " in line.strip() else ""
            problems.append(f"{where}: expected `source<TAB>target`, found one column{hint}: {line.strip()[:80]!r}; "
                            "separate the source and target terms with a TAB character")
            continue
        if len(cells) > len(columns):
            problems.append(f"{where}: {len(cells)} columns but the header allows {len(columns)} "
                            f"({', '.join(columns)}); remove the extra TABs")
            continue
        row = dict(zip(columns, cells))
        source, target = _nfc(row.get("source", "")), _nfc(row.get("target", ""))
        if not source:
            problems.append(f"{where}: the source term is empty; write the term before the TAB")
            continue
        if not target:
            problems.append(f"{where}: no target for {source!r}; write the translation, or `=` to keep the term untranslated")
            continue
        if len(source) > _MAX_TERM or len(target) > _MAX_TERM:
            problems.append(f"{where}: term longer than {_MAX_TERM} characters; glossaries hold terms, not sentences")
            continue
        is_pattern = source.startswith("re:")
        if is_pattern:
            source = source[3:].strip()
            try:
                re.compile(source)
            except re.error as exc:
                problems.append(f"{where}: invalid regular expression {source!r} ({exc}); fix it or remove the `re:` prefix")
                continue
            if target != "=":
                problems.append(f"{where}: a `re:` pattern can only be a do-not-translate entry (target `=`)")
                continue
        dnt = target == "=" or target == source
        key = source.casefold()
        existing = glossary.terms.get(key)
        if existing and existing.target != (source if dnt else target):
            problems.append(f"{where}: {source!r} is already defined as {existing.target!r} ({existing.origin}); "
                            "keep one translation per term (use the `accept` column for variants)")
            continue
        glossary.add(GlossaryTerm(
            source=source, target=source if dnt else target, dnt=dnt, accept=_split_list(row.get("accept", "")),
            avoid=_split_list(row.get("avoid", "")), note=row.get("note", ""), origin=f"{origin}:{number}",
            pattern=is_pattern))
    if problems:
        raise GlossaryError(f"glossary {origin} has {len(problems)} bad line(s):\n  " + "\n  ".join(problems[:50]),
                            problems)
    return glossary


def parse_tbx(data: bytes, source_lang: str, target_lang: str, *, origin: str = "glossary.tbx") -> Glossary:
    """TBX (v2 TBX-Basic `termEntry/langSet/tig/term`, or v3 `conceptEntry/langSec/termSec/term`).
    A deprecated/superseded target term becomes an `avoid` variant; a term identical in both languages,
    or marked `doNotTranslate`, is a do-not-translate entry."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise GlossaryError(f"{origin}, line {exc.lineno}: not well-formed XML ({exc.msg}); "
                            "export the termbase again as TBX") from exc
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"

    def local(el) -> str:
        return etree.QName(el).localname if isinstance(el.tag, str) else ""

    def lang_of(el) -> str:
        value = el.get(xml_lang) or el.get("lang") or ""
        return value.split("-")[0].split("_")[0].lower()

    glossary = Glossary(source_lang, target_lang)
    problems: list[str] = []
    entries = [el for el in root.iter() if local(el) in ("termEntry", "conceptEntry")]
    if not entries:
        raise GlossaryError(f"{origin}: no termEntry/conceptEntry found; is this a TBX file?")
    for entry in entries:
        by_lang: dict[str, list[tuple[str, str]]] = {}
        entry_dnt = False
        for el in entry.iter():
            if local(el) in ("descrip", "termNote", "note") and (el.text or "").strip().lower() in (
                    "donottranslate", "do not translate", "dnt"):
                entry_dnt = True
            if local(el) in ("descrip", "termNote") and (el.get("type") or "").lower() in ("donottranslate", "x-donottranslate"):
                entry_dnt = entry_dnt or (el.text or "").strip().lower() in ("yes", "true", "1", "")
        for lang_set in (el for el in entry.iter() if local(el) in ("langSet", "langSec")):
            lang = lang_of(lang_set)
            for term_el in (el for el in lang_set.iter() if local(el) == "term"):
                text = _nfc("".join(term_el.itertext()))
                if not text:
                    continue
                status = ""
                container = term_el.getparent()
                for sib in container.iter():
                    if local(sib) == "termNote" and (sib.get("type") or "") in ("administrativeStatus", "normativeAuthorization"):
                        status = (sib.text or "").strip().lower()
                by_lang.setdefault(lang, []).append((text, status))
        line = entry.sourceline
        sources = [t for t, s in by_lang.get(source_lang, []) if "deprecated" not in s and "superseded" not in s]
        targets = by_lang.get(target_lang, [])
        if not sources:
            continue  # entry for other languages
        good = [t for t, s in targets if not any(x in s for x in ("deprecated", "superseded", "forbidden"))]
        bad = [t for t, s in targets if any(x in s for x in ("deprecated", "superseded", "forbidden"))]
        if not good and not entry_dnt:
            problems.append(f"{origin}, line {line}: entry {sources[0]!r} has no usable {target_lang} term; "
                            f"add a <langSet xml:lang=\"{target_lang}\"> term or mark it doNotTranslate")
            continue
        for source in sources:
            dnt = entry_dnt or (good and good[0] == source)
            glossary.add(GlossaryTerm(
                source=source, target=source if dnt else good[0], dnt=bool(dnt), accept=tuple(good[1:]),
                avoid=tuple(bad), origin=f"{origin}:{line}"))
    if problems:
        raise GlossaryError(f"glossary {origin} has {len(problems)} bad entr(ies):\n  " + "\n  ".join(problems[:50]),
                            problems)
    return glossary


def load_glossary_file(path: str | Path, source_lang: str, target_lang: str) -> Glossary:
    path = Path(path)
    if not path.is_file():
        raise GlossaryError(f"glossary file {path} not found")
    data = path.read_bytes()
    if path.suffix.lower() in (".tbx", ".xml"):
        return parse_tbx(data, source_lang, target_lang, origin=path.name)
    if path.suffix.lower() not in (".tsv", ".txt", ".tab"):
        raise GlossaryError(f"glossary {path.name}: unsupported format {path.suffix!r}; use .tsv (TAB-separated) or .tbx")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise GlossaryError(f"{path.name}, line {line}: not UTF-8 text; save the glossary as UTF-8 and retry") from exc
    return parse_tsv(text, source_lang, target_lang, origin=path.name)


def starter_glossary(source_lang: str, target_lang: str) -> Glossary:
    """The glossary shipped with Liaison for this pair (empty when there is none)."""
    path = GLOSSARY_DIR / f"{source_lang}-{target_lang}.tsv"
    if not path.is_file():
        return Glossary(source_lang, target_lang)
    return parse_tsv(path.read_text("utf-8"), source_lang, target_lang, origin=f"starter:{path.name}")
