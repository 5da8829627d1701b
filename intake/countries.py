"""Country and territory codes (ISO 3166-1 alpha-2) with French and English names.

French overseas departments and collectivities have their own ISO codes (GP, MQ, GF, RE, YT, NC,
PF, ...); the rules table uses them as territories.
"""
from __future__ import annotations

from functools import lru_cache

EU_EEA_CH = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO CH".split()
)
# Metropolitan France and the overseas departments covered by the general French schemes.
FRANCE_DOM = frozenset({"FR", "GP", "MQ", "GF", "RE"})
FRENCH_TERRITORIES = frozenset({"NC", "PF", "YT", "PM", "WF", "BL", "MF", "TF"})


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, str]]:
    import gettext

    import pycountry

    fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    out: dict[str, tuple[str, str]] = {}
    for c in pycountry.countries:
        en = getattr(c, "common_name", None) or c.name
        out[c.alpha_2] = (en, fr.gettext(c.name))
    return out


def is_country(code: str) -> bool:
    return isinstance(code, str) and code.upper() in _names()


def country_name(code: str, lang: str = "en") -> str:
    names = _names().get((code or "").upper())
    if not names:
        return code
    return names[1] if lang == "fr" else names[0]


def all_countries(lang: str = "en") -> list[tuple[str, str]]:
    """(code, name) sorted by name in the given language."""
    import unicodedata

    def key(item):
        return unicodedata.normalize("NFKD", item[1]).encode("ascii", "ignore").decode().lower()

    return sorted(((c, n[1] if lang == "fr" else n[0]) for c, n in _names().items()), key=key)


def nationality_group(code: str | None) -> str:
    """'fr', 'eu' (EU/EEA/Switzerland) or 'third' (any other state); '' when unknown."""
    if not code:
        return ""
    code = code.upper()
    if code == "FR":
        return "fr"
    return "eu" if code in EU_EEA_CH else "third"
