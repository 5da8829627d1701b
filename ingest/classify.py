"""Metadata inferred from a file's path and text: instrument type, countries/territories, language,
licence and URL. Parsers call `infer(...)` for what the format itself does not say; values read from
the data (a LEGI article's dates, a fiche's URL, a fact sheet's front matter) always win, and the
pipeline may pass `defaults` to `parse_file` to override these guesses (see `merge_metadata`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ingest.types import INSTRUMENT_TYPES
from liaison.coordination.places import france_dom, french_places, place_name, territory

# ISO 3166-1 alpha-2 codes, plus the ISO codes of French overseas territories that have their own
# social-security regime (they are countries' peers for coordination purposes) and "EU" for acts
# of the Union (reserved in ISO 3166 for that use).
TERRITORIES = {code: place_name(code, "fr") for code in sorted(french_places() - france_dom())
               if territory(code).scheme != "none"}  # the shared registry (liaison.coordination)
_TERRITORY_KEYWORDS = (
    ("NC", ("nouvelle-caledonie", "nouvelle caledonie", "caledonien", "new caledonia")),
    ("PF", ("polynesie", "french polynesia")),
    ("YT", ("mayotte",)),
    ("WF", ("wallis",)),
    ("PM", ("saint-pierre-et-miquelon", "saint pierre et miquelon")),
    ("BL", ("saint-barthelemy",)),
    ("MF", ("saint-martin",)),
)
# Country names (folded) that identify the partner of a bilateral text in a path or title.
_COUNTRY_NAMES = {
    "FR": ("france", "frankrijk", "francais", "french"),
    "NL": ("pays-bas", "nederland", "netherlands", "neerlandais", "nederlandse"),
    "IE": ("ireland", "irlande", "citizensinformation"),
    "BE": ("belgique", "belgium", "belgie"),
    "DE": ("allemagne", "germany", "duitsland"),
    "ES": ("espagne", "spain", "spanje"),
    "IT": ("italie", "italy", "italie"),
    "PT": ("portugal",),
    "LU": ("luxembourg",),
    "CH": ("suisse", "switzerland", "zwitserland"),
    "GB": ("royaume-uni", "united kingdom", "verenigd koninkrijk"),
    "US": ("etats-unis", "united states"),
    "CA": ("canada",),
    "DZ": ("algerie", "algeria"),
    "MA": ("maroc", "morocco"),
    "TN": ("tunisie", "tunisia"),
}
_ISO2 = re.compile(r"^[A-Z]{2}$")
_PAIR_IN_PATH = re.compile(r"(?:^|[/_])([A-Z]{2})-([A-Z]{2})(?=[_/-]|$)")
_PREFIX_IN_PATH = re.compile(r"(?:^|/)([A-Z]{2})_")

_STOP = {
    "fr": "le la les des du de et est une un pour dans que qui sur par au aux ne pas vous sont être ou cette ces "
          "leur il elle sa son ses avec été lorsque sécurité sociale".split(),
    "en": "the of and to in is that for are be with on as by this or from which an it shall not you your "
          "has have will under".split(),
    "nl": "de het een van en in is dat op te zijn voor met die niet aan door als bij of worden wordt ook "
          "deze naar uit".split(),
    "de": "der die das und ist nicht mit von zu den im für auf dem des ein eine sich werden wird bei "
          "oder nach".split(),
    "es": "el la los las de y en que es por para con una un del se su al como más sus lo".split(),
    "it": "il la di e che è per un una del della dei delle con non sono si al nel alla gli le".split(),
    "pt": "o a os as de e que do da em um uma para com não por dos das se no na ao mais".split(),
}
_STOP_SETS = {lang: frozenset(words) for lang, words in _STOP.items()}
_WORD = re.compile(r"[a-zà-ÿœæ]+", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case, accents removed (for keyword matching on paths and titles)."""
    text = text.lower().replace("œ", "oe").replace("’", "'")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOP_SETS.items():
    for _word in _words:
        _WORD_LANGS[_word] = (*_WORD_LANGS.get(_word, ()), _lang)


def detect_language(text: str, default: str = "") -> str:
    """ISO 639-1 code of the dominant language of `text` by stop-word counts (fr en nl de es it pt).
    Cheap and deterministic; returns `default` when the text is too short to tell."""
    words = _WORD.findall(text[:4000].lower())
    if len(words) < 5:
        return default
    scores = dict.fromkeys(_STOP_SETS, 0)
    for word in words:
        for lang in _WORD_LANGS.get(word, ()):
            scores[lang] += 1
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] < 2:
        return default
    return best


def countries_field(codes: list[str] | tuple[str, ...]) -> str:
    """'|FR|NC|' from ['FR', 'NC'] ("" when empty); order kept, duplicates removed."""
    seen: list[str] = []
    for code in codes:
        code = code.strip().upper()
        if code and _ISO2.match(code) and code not in seen:
            seen.append(code)
    return f"|{'|'.join(seen)}|" if seen else ""


def country_flags(countries: str) -> dict[str, bool]:
    """{'country_FR': True, ...} for a '|FR|NC|' field (so Chroma filters work on booleans)."""
    return {f"country_{code}": True for code in countries.strip("|").split("|") if code}


def territories_in(text: str) -> list[str]:
    folded = fold(text)
    return [code for code, words in _TERRITORY_KEYWORDS if any(w in folded for w in words)]


def countries_in_name(text: str) -> list[str]:
    folded = fold(text)
    found = []
    for code, names in _COUNTRY_NAMES.items():
        if any(re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", folded) for name in names):
            found.append(code)
    return found


@dataclass
class Inferred:
    instrument_type: str = "document"
    countries: list[str] = field(default_factory=list)
    language: str = ""
    licence: str = ""
    url: str = ""
    audience: str = ""

    def as_metadata(self) -> dict[str, Any]:
        return {
            "instrument_type": self.instrument_type,
            "countries": countries_field(self.countries),
            "language": self.language,
            "licence": self.licence,
            "url": self.url,
            "audience": self.audience,
        }


_BWBV = re.compile(r"\b(BWBV\d{7})\b")


def infer(rel_path: str, text: str = "", *, language_hint: str = "") -> Inferred:
    """Best guess of the metadata a format does not carry, from the '/'-separated relative path and
    a sample of the text. Rules are ordered from the most specific corpus layout to generic ones."""
    path = rel_path.replace("\\", "/")
    folded_path = fold(path)
    sample = text[:20000]
    folded_text = fold(sample[:4000])
    out = Inferred()
    out.language = language_hint or detect_language(sample)

    territories = territories_in(folded_path) or (territories_in(folded_text[:600]) if "/territoires/" in folded_path else [])
    pair = _PAIR_IN_PATH.search(path)
    prefix = _PREFIX_IN_PATH.search(path)

    if "/territoires/" in f"/{folded_path}" or territories and re.search(r"coordination", folded_text[:600]):
        out.instrument_type = "territorial_agreement"
        out.countries = ["FR", *territories]
    elif "multilateral" in folded_path:
        out.instrument_type = "multilateral_convention"
    elif pair:
        out.instrument_type = "bilateral_agreement"
        out.countries = [pair.group(1), pair.group(2)]
    elif re.search(r"(^|/)eu/|eurlex|eur-lex", folded_path):
        out.instrument_type = "eu_regulation" if re.search(r"/3\d{4}r\d{4}", folded_path) or "regulation" in folded_path \
            else "eu_directive"
        out.countries = ["EU"]
    elif re.search(r"(^|/)foreign/", folded_path) or prefix and prefix.group(1) != "FR":
        out.instrument_type = "foreign_info"
        out.countries = [prefix.group(1)] if prefix else countries_in_name(folded_path)
    elif re.search(r"fiches?[-_]", folded_path) or "service-public" in folded_path:
        out.instrument_type = "fiche"
        out.countries = ["FR"]
        out.audience = "public"
    elif re.search(r"textes-non-codifies|(^|/)(decret|arrete|loi|ordonnance)[-_/]", folded_path):
        out.instrument_type = "decree"
        out.countries = ["FR"]
    elif re.search(r"(^|/)code-|code[-_ ]d[eu]", folded_path):
        out.instrument_type = "french_code"
        out.countries = ["FR"]
    elif re.search(r"(^|/)(facts?|fact[-_]sheets?|corpus)/", folded_path):
        out.instrument_type = "fact_sheet"
    elif re.search(r"faq|questions?[-_]|(^|[/_])qr([/_.]|$)", folded_path):
        out.instrument_type = "faq"

    if out.instrument_type in ("document", "fact_sheet", "faq") and not out.countries:
        found = territories_in(folded_text[:400])
        if found:
            out.countries = ["FR", *found]

    if not out.language and out.countries[:1] == ["FR"]:
        out.language = "fr"  # too little text to tell: French law and French public pages are in French
    bwbv = _BWBV.search(path)
    if bwbv:
        out.url = f"https://wetten.overheid.nl/{bwbv.group(1)}"
    out.licence = infer_licence(path, sample)
    return out


def infer_licence(rel_path: str, text: str = "") -> str:
    """Licence stated by the text itself or by its well-known publisher ("" when nothing is stated)."""
    folded_path = fold(rel_path)
    head = text[:200000]
    if re.search(r"creative commons attribution 4\.0|cc[ -]by[ -]4\.0", head, re.IGNORECASE) \
            or "citizensinformation" in folded_path:
        return "CC-BY-4.0"
    if "eurlex" in folded_path or "eur-lex" in folded_path:
        return "© European Union, reuse authorised (Commission Decision 2011/833/EU)"
    if re.search(r"licence ouverte|open licence", head, re.IGNORECASE):
        return "Licence Ouverte / Open Licence (Etalab)"
    return ""


_PROTECTED = frozenset({"source", "path", "ref", "title", "hierarchy", "unit_hash", "chunk_index", "chunk_count"})


def merge_metadata(inferred: dict[str, Any], defaults: dict[str, Any] | None, explicit: dict[str, Any]) -> dict[str, Any]:
    """inferred < pipeline defaults < values read from the data. The identity keys (source, path, ref,
    title, hierarchy, hashes, positions) can never come from defaults. A `countries` default may be
    given as a list or as a '|FR|IE|' string."""
    merged = dict(inferred)
    for key, value in (defaults or {}).items():
        if key in _PROTECTED or value is None:
            continue
        if key == "countries" and isinstance(value, (list, tuple)):
            value = countries_field(list(value))
        if key == "instrument_type" and value not in INSTRUMENT_TYPES:
            raise ValueError(f"instrument_type default {value!r} is not one of {INSTRUMENT_TYPES}")
        merged[key] = value
    for key, value in explicit.items():
        if value in (None, "") and key in merged and merged[key] not in (None, ""):
            continue  # an empty explicit value does not erase a known one
        merged[key] = value
    return merged
