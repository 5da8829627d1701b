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
    source_lang: str | None = None
    sentence_start: bool = False  # the term opens the sentence (the only place a capital is carried over)

    @property
    def plural(self) -> bool:
        if self.term.dnt or self.term.pattern or self.text.casefold() == self.term.source.casefold():
            return False
        return _looks_plural(self.term.source, self.text, self.source_lang)

    @property
    def expected(self) -> str:
        return self.text if self.term.dnt else plural_form(self.term, self.plural)


# Plural endings of the first word of a term, per source language (the glossary matches inflected
# forms: "Krankenkassen", "desplazamientos", "distacchi").
_PLURAL_ENDINGS = {"de": ("n", "en", "e", "er", "ern"), "es": ("s", "es"), "pt": ("s", "es", "ns"),
                   "nl": ("en", "s", "n"), "fr": ("s", "x"), "en": ("s", "es")}
_INFLECTION = {"de": "(?:n|en|e|er|ern|s|es|ns)?", "es": "(?:s|es)?", "pt": "(?:s|es|ns)?", "nl": "(?:en|s|n|'s)?",
               "fr": "(?:s|x|es)?", "en": "(?:s|es)?"}
_FRENCH_STOPS = {"de", "du", "des", "en", "à", "au", "aux", "la", "le", "les", "sur", "pour", "par", "et"}


def _looks_plural(source: str, text: str, lang: str | None) -> bool:
    first_source, first_text = source.split()[0], text.split()[0]
    if lang == "it":  # Italian changes the final vowel: distacco -> distacchi, lavoratore -> lavoratori
        return first_text[-1:].lower() in ("i", "e") and first_text.lower() != first_source.lower() \
            and first_source[-1:].lower() in ("o", "a", "e")
    extra = first_text[len(first_source):].lower() if first_text.lower().startswith(first_source.lower()) else ""
    if not extra:
        extra = text[len(source):].lower() if text.lower().startswith(source.lower()) else ""
    return bool(extra) and extra in _PLURAL_ENDINGS.get(lang or "fr", ("s", "x"))


def _pluralize_french(target: str) -> str:
    """'caisse d'assurance maladie' -> 'caisses d'assurance maladie', 'institution compétente' ->
    'institutions compétentes': the head noun and its adjectives, up to the first preposition."""
    words = target.split(" ")
    for i, word in enumerate(words):
        if word.lower() in _FRENCH_STOPS or "'" in word or "’" in word or not word[:1].isalpha():
            break
        if word[-1:].lower() in ("s", "x", "z"):
            continue
        words[i] = word[:-2] + "aux" if word.endswith("al") and i > 0 else word + "s"
    return " ".join(words)


def plural_form(term: GlossaryTerm, plural: bool) -> str:
    """The target term, in the plural when the source was (from the `accept` forms when given)."""
    if not plural:
        return term.target
    expected = _pluralize_french(term.target)
    for form in term.accept:
        if form.lower() == expected.lower():
            return form
    for form in term.accept:
        if form.lower().startswith(term.target.lower()[:-1]) and form[-1:].lower() in ("s", "x"):
            return form
    if term.target[-1:].lower() in ("s", "x"):
        return term.target
    return expected


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


_CODE = re.compile(r"([A-Z]{1,3})(\d{1,4})")


def _word_regex(word: str) -> str:
    parts = []
    for ch in word:
        if ch in "'’":
            parts.append("['’]")
        elif ch in "-‐‑":
            parts.append(r"[-‐‑\s]?")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def _inflected(word: str, lang: str | None) -> str:
    body = _word_regex(word)
    if not word[-1:].isalpha():
        return body
    if lang == "it" and word[-1:].lower() in "aeio" and len(word) > 3:
        stem = _word_regex(word[:-1])
        hard = word[-2:-1].lower() in ("c", "g")  # distacco -> distacchi, collega -> colleghi
        return stem + ("(?:h?[ie]|[aeio])" if hard else "[aeio]")
    return body + _INFLECTION.get(lang or "fr", "(?:s|x|es)?")


def _term_regex(term: str, *, plural: bool, lang: str | None = None) -> str:
    code = _CODE.fullmatch(term)
    if code:  # form codes are written "E106", "E 106", "E-106"
        return r"(?<![\w-])" + re.escape(code.group(1)) + r"[\s\u00a0-]?" + re.escape(code.group(2)) + r"(?![\w])"
    words = term.split()
    if not plural:
        body = r"\s+".join(_word_regex(w) for w in words)
    elif lang in (None, "fr", "en"):  # the head noun and the last word take the plural mark
        parts = [_inflected(w, lang) if i in (0, len(words) - 1) else _word_regex(w) for i, w in enumerate(words)]
        body = r"\s+".join(parts)
    else:  # German, Spanish, Italian, Portuguese...: every word of the term may inflect
        body = r"\s+".join(_inflected(w, lang) for w in words)
    return r"(?<![\w-])" + body + r"(?![\w])"


@dataclass
class Glossary:
    source_lang: str
    target_lang: str
    terms: dict[str, GlossaryTerm] = field(default_factory=dict)  # key: casefolded source
    _compiled: list | None = field(default=None, repr=False)
    warnings: list[str] = field(default_factory=list)  # entries skipped on loading (TBX without this pair)

    def __len__(self) -> int:
        return len(self.terms)

    def add(self, term: GlossaryTerm) -> None:
        self.terms[term.source.casefold()] = term
        self._compiled = None

    def merge(self, other: "Glossary") -> "Glossary":
        merged = Glossary(self.source_lang, self.target_lang, dict(self.terms),
                          warnings=self.warnings + other.warnings)
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
                    regex = _term_regex(term.source, plural=not term.dnt, lang=self.source_lang)
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
                opening = not re.search(r"\w", text[:m.start()]) or bool(re.search(r"[.!?:]\s*$", text[:m.start()]))
                candidates.append(TermMatch(term, m.start(), m.end(), m.group(0), self.source_lang, opening))
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
            out.append(match.text if match.term.dnt else _match_case(match.text, match.expected, match.sentence_start))
            pos = match.end
        out.append(text[pos:])
        return "".join(out)

    def enforce(self, target: str, matches: list[TermMatch]) -> tuple[str, list[TermMatch]]:
        """Repair the engine output where a term is recognisable; returns the text and the terms still missing."""
        missing: list[TermMatch] = []
        for match in matches:
            term = match.term
            if term.dnt:
                if match.text in target or (_CODE.fullmatch(term.source) and re.search(
                        _term_regex(term.source, plural=False), target)):
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
                    replacement = _match_case(m.group(0), plural_form(term, was_plural))
                    target = target[:m.start()] + replacement + target[m.end():]
                    if self.target_lang == "fr":
                        target = fix_french_elision(target, m.start(), replacement)
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


def _match_case(original: str, replacement: str, sentence_start: bool = True) -> str:
    """A capital is carried over only where the sentence starts (German capitalises every noun: a
    French term never takes a capital mid-sentence)."""
    if sentence_start and original[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


_VOWEL_START = re.compile(r"^[aeiouyéèêàâîïôûœæh]", re.IGNORECASE)  # mute h treated as a vowel (l'hôpital)
_FEMININE_END = re.compile(r"(tion|sion|té|ure|ance|ence|ie|ette|ise|ade|ée|elle|aison)$", re.IGNORECASE)


def fix_french_elision(text: str, start: int, word: str) -> str:
    """The article or preposition before a replaced French term agrees with its first letter:
    "l'envoi" -> "le détachement", "de la couverture" -> "de l'assurance", "de le" -> "du"."""
    before, after = text[:start], text[start:]
    vowel = bool(_VOWEL_START.match(word))
    head = word.split()[0] if word.split() else word
    article = "la" if _FEMININE_END.search(head) else "le"

    def cap(original: str, new: str) -> str:
        return new[:1].upper() + new[1:] if original[:1].isupper() else new

    if not vowel:
        m = re.search(r"(?<!\w)([Dd]e |[Àà] )?([Ll])['’]$", before)
        if m:
            prep = (m.group(1) or "").strip().lower()
            if prep and article == "le":
                repl = cap(m.group(1), "du " if prep == "de" else "au ")
            else:
                repl = (m.group(1) or "") + cap(m.group(2), article + " ")
            return before[:m.start()] + repl + after
        m = re.search(r"(?<!\w)([Dd])['’]$", before)
        if m:
            return before[:m.start()] + cap(m.group(1), "de ") + after
        return text
    m = re.search(r"(?<!\w)(le|la|Le|La) $", before)
    if m:
        return before[:m.start()] + cap(m.group(1), "l'") + after
    m = re.search(r"(?<!\w)(du|Du|au|Au) $", before)
    if m:
        return before[:m.start()] + cap(m.group(1), "de l'" if m.group(1).lower() == "du" else "à l'") + after
    m = re.search(r"(?<!\w)(de|De) $", before)
    if m:
        return before[:m.start()] + cap(m.group(1), "d'") + after
    return text


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
    all_langs = {lang_of(el) for el in root.iter() if local(el) in ("langSet", "langSec")}
    multilingual = len(all_langs) > 2
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
            if not targets and multilingual:
                # A multilingual termbase: this entry simply lacks the language; the others are usable.
                glossary.warnings.append(f"{origin}, line {line}: entry {sources[0]!r} has no {target_lang} term; "
                                         "skipped")
                continue
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
