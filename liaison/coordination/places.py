"""The one registry of places: states (ISO 3166-1 via pycountry, plus XK and QC), groups of states
with the dates membership counts from, and every French territory with the scheme covering it.

Data: `data/places.toml` (a source per row). Everything that needs "is this an EU state", "is this a
French territory", "which scheme covers it" imports from here.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
PLACES_FILE = DATA_DIR / "places.toml"

# Scheme names of the French general schemes (no posting instrument between places sharing it).
GENERAL_SCHEME = "general"


@dataclass(frozen=True)
class Source:
    """Where a fact was read. `held`: a file of the shared corpus (`path`, unit `ref`, table cell
    `table_row`/`column`, exact `quote`, `duration` phrase); otherwise an official publication the
    knowledge base does not hold (`ref`, `url`)."""

    held: bool = True
    root: str = "shared"
    path: str = ""
    ref: str = ""
    article: str = ""
    table_row: str = ""
    column: str = ""
    quote: str = ""
    duration: str = ""
    url: str = ""
    evidences: str = ""


@dataclass(frozen=True)
class Membership:
    code: str
    start: dt.date
    end: dt.date | None = None

    def active(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Group:
    code: str
    name_en: str
    name_fr: str
    members: tuple[Membership, ...]
    source: Source

    def codes(self) -> frozenset[str]:
        return frozenset(m.code for m in self.members)

    def contains(self, code: str, day: dt.date | None = None) -> bool:
        return any(m.code == code and (day is None or m.active(day)) for m in self.members)


@dataclass(frozen=True)
class Territory:
    code: str
    name_en: str
    name_fr: str
    status: str       # metropole | drom | com | sui_generis | taaf
    scheme: str       # "general" or the territory's own scheme
    eu: str           # member | outermost_region | oct
    source: Source
    eu_from: dt.date | None = None
    scheme_body: str = ""
    eu_source: Source | None = None

    def in_eu(self, day: dt.date | None = None) -> bool:
        if self.eu not in ("member", "outermost_region"):
            return False
        return day is None or self.eu_from is None or day >= self.eu_from

    def name(self, lang: str = "en") -> str:
        return self.name_fr if lang == "fr" else self.name_en


@dataclass(frozen=True)
class Registry:
    groups: dict[str, Group]
    territories: dict[str, Territory]
    extra_states: dict[str, dict[str, Any]] = field(default_factory=dict)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _source(raw: dict[str, Any] | None) -> Source | None:
    return Source(**raw) if raw else None


@lru_cache(maxsize=2)
def load_places(path: str | Path | None = None) -> Registry:
    data = tomllib.loads(Path(path or PLACES_FILE).read_text(encoding="utf-8"))
    groups = {}
    for g in data.get("group", []):
        members = []
        for spec in g["members"]:
            code, start, *end = spec.split(":")
            members.append(Membership(code, dt.date.fromisoformat(start), _date(end[0]) if end else None))
        groups[g["code"]] = Group(g["code"], g["name_en"], g["name_fr"], tuple(members), _source(g["source"]))
    territories = {}
    for t in data.get("territory", []):
        t = dict(t)
        src, eu_src = _source(t.pop("source")), _source(t.pop("eu_source", None))
        t["eu_from"] = _date(t.pop("eu_from", None))
        territories[t["code"]] = Territory(**t, source=src, eu_source=eu_src)
    extra = {e["code"]: {**e, "source": _source(e["source"])} for e in data.get("extra_state", [])}
    return Registry(groups, territories, extra)


# ---- names and codes -----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, str]]:
    import gettext

    import pycountry

    fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    out: dict[str, tuple[str, str]] = {}
    for c in pycountry.countries:
        en = getattr(c, "common_name", None) or c.name
        out[c.alpha_2] = (en, fr.gettext(c.name))
    reg = load_places()
    for code, e in reg.extra_states.items():
        out[code] = (e["name_en"], e["name_fr"])
    for code, t in reg.territories.items():
        if code != "FR":  # "France" stays the state's name; the territory row names metropolitan France
            out[code] = (t.name_en, t.name_fr)
    return out


def is_place(code: str) -> bool:
    """A state (ISO 3166-1 alpha-2, XK, QC) or a French territory with its own ISO code."""
    return isinstance(code, str) and code.upper() in _names()


is_country = is_place  # the name the intake desk has always used


def place_name(code: str, lang: str = "en") -> str:
    names = _names().get((code or "").upper())
    if not names:
        return code
    return names[1] if lang == "fr" else names[0]


country_name = place_name


def all_places(lang: str = "en") -> list[tuple[str, str]]:
    """(code, name) sorted by name in the given language."""
    import unicodedata

    def key(item):
        return unicodedata.normalize("NFKD", item[1]).encode("ascii", "ignore").decode().lower()

    return sorted(((c, n[1] if lang == "fr" else n[0]) for c, n in _names().items()), key=key)


all_countries = all_places


# ---- groups and territories ----------------------------------------------------------------------

def group(code: str) -> Group:
    return load_places().groups[code]


def group_members(code: str, day: dt.date | None = None) -> frozenset[str]:
    g = group(code)
    return frozenset(m.code for m in g.members if day is None or m.active(day))


def territory(code: str) -> Territory | None:
    return load_places().territories.get((code or "").upper())


def french_places() -> frozenset[str]:
    """Every place that is France (metropolitan France and all overseas territories)."""
    return frozenset(load_places().territories)


def french_territories() -> frozenset[str]:
    """French overseas territories with their own scheme (not the general French schemes)."""
    return frozenset(c for c, t in load_places().territories.items() if t.scheme != GENERAL_SCHEME)


def france_dom() -> frozenset[str]:
    """Metropolitan France and the overseas departments under the general schemes (FR GP MQ GF RE)."""
    return frozenset(c for c, t in load_places().territories.items()
                     if t.scheme == GENERAL_SCHEME and t.status in ("metropole", "drom"))


def france_general() -> frozenset[str]:
    """Every French place under the general schemes (adds Saint-Martin and Saint-Barthélemy)."""
    return frozenset(c for c, t in load_places().territories.items() if t.scheme == GENERAL_SCHEME)


def france_eu(day: dt.date | None = None) -> frozenset[str]:
    """French places where EU law (hence Regulation 883/2004) applies on `day`."""
    return frozenset(c for c, t in load_places().territories.items() if t.in_eu(day))


def eu_eea_ch(day: dt.date | None = None) -> frozenset[str]:
    """States under EU coordination on `day` (any time when None), France included, UK excluded
    after 2020."""
    codes = group_members("EU", day) | group_members("EEA", day) | group_members("CH", day)
    if day is None:
        codes -= {"GB"}
    return codes


def nationality_group(code: str | None, day: dt.date | None = None) -> str:
    """'fr', 'eu' (EU/EEA/Switzerland) or 'third' (any other state); '' when unknown."""
    if not code:
        return ""
    code = code.upper()
    if code == "FR":
        return "fr"
    return "eu" if code in eu_eea_ch(day) else "third"


def resolve(specs: tuple[str, ...] | list[str], day: dt.date | None = None) -> frozenset[str]:
    """Codes named by a row's `partners`/`french_scope`: ISO codes, "*", or "@GROUP" / "@FR_DOM" /
    "@FR_EU" / "@FR_GENERAL" (membership on `day` when given)."""
    out: set[str] = set()
    for spec in specs:
        if spec == "@FR_DOM":
            out |= france_dom()
        elif spec == "@FR_EU":
            out |= france_eu(day)
        elif spec == "@FR_GENERAL":
            out |= france_general()
        elif spec.startswith("@"):
            out |= group_members(spec[1:], day)
        else:
            out.add(spec)
    return frozenset(out)
