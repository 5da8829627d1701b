"""Countries and French territories named in questions (several languages) -> ISO / territory codes.
Used to route retrieval (country filter of the knowledge base), to rewrite follow-ups ("et pour la
Polynésie ?") and to check that an answer about a place comes from texts about that place."""
from __future__ import annotations

import re

from assistant.text import fold
from liaison.coordination.places import eu_eea_ch, france_dom, french_places, place_name

# French overseas places other than the overseas departments (own schemes or own status), and the
# states under EU coordination: both from the shared registry (liaison.coordination).
TERRITORIES = set(french_places() - france_dom())
EU_EEA_CH = set(eu_eea_ch())

_NAMES: dict[str, tuple[str, ...]] = {
    "NC": ("nouvelle-caledonie", "nouvelle caledonie", "new caledonia", "caledonie", "caledonien", "caledonienne", "cafat"),
    "PF": ("polynesie", "polynesia", "tahiti", "polynesien"),
    "YT": ("mayotte", "mahorais"),
    "WF": ("wallis", "futuna"),
    "PM": ("saint-pierre-et-miquelon", "saint pierre et miquelon", "miquelon"),
    "BL": ("saint-barthelemy",),
    "MF": ("saint-martin",),
    "FR": ("france", "metropole", "francia", "frankreich", "franca", "paris"),
    "IE": ("irlande", "ireland", "irish", "irlanda", "irland"),
    "NL": ("pays-bas", "pays bas", "netherlands", "holland", "paises bajos", "niederlande", "paesi bassi", "nederland"),
    "IT": ("italie", "italy", "italia", "italien", "italiano"),
    "ES": ("espagne", "spain", "espana", "spanien", "spagna", "espanha", "espanol", "espanola"),
    "PT": ("portugal", "portugais", "portugues", "portuguesa", "portuguese"),
    "DE": ("allemagne", "germany", "alemania", "deutschland", "germania", "alemanha"),
    "BE": ("belgique", "belgium", "belgica", "belgien", "belgio"),
    "LU": ("luxembourg", "luxemburg", "lussemburgo", "luxemburgo"),
    "CH": ("suisse", "switzerland", "suiza", "schweiz", "svizzera", "suica"),
    "SE": ("suede", "sweden", "suecia", "schweden", "svezia"),
    "GB": ("royaume-uni", "royaume uni", "united kingdom", "angleterre", "england", "uk", "grande-bretagne", "britain"),
    "PL": ("pologne", "poland", "polonia", "polen"),
    "RO": ("roumanie", "romania", "rumanien"),
    "AT": ("autriche", "austria", "osterreich"),
    "DK": ("danemark", "denmark"),
    "FI": ("finlande", "finland"),
    "GR": ("grece", "greece"),
    "NO": ("norvege", "norway"),
    "JP": ("japon", "japan", "japon", "giappone", "japao"),
    "US": ("etats-unis", "etats unis", "usa", "united states", "america", "amerique"),
    "CA": ("canada",),
    "QC": ("quebec",),
    "AU": ("australie", "australia"),
    "NZ": ("nouvelle-zelande", "new zealand"),
    "KR": ("coree", "korea"),
    "SG": ("singapour", "singapore"),
    "VN": ("vietnam", "viet nam"),
    "TH": ("thailande", "thailand", "tailandia"),
    "CN": ("chine", "china"),
    "IN": ("inde", "india"),
    "MA": ("maroc", "morocco", "marruecos"),
    "DZ": ("algerie", "algeria"),
    "TN": ("tunisie", "tunisia"),
    "SN": ("senegal",),
    "BR": ("bresil", "brazil", "brasil"),
    "AR": ("argentine", "argentina"),
    "CL": ("chili", "chile"),
    "MX": ("mexique", "mexico"),
    "IL": ("israel",),
    "TR": ("turquie", "turkey", "turkiye"),
    "RU": ("russie", "russia"),
    "UA": ("ukraine",),
    "AE": ("emirats", "dubai", "emirates"),
}
_PATTERNS = [(code, re.compile(r"(?<![a-z])(" + "|".join(re.escape(n) for n in names) + r")(?![a-z])"))
             for code, names in _NAMES.items()]


def places_in(text: str) -> list[str]:
    """Codes of the places named in `text`, in order of first mention, without duplicates."""
    folded = fold(text)
    found: list[tuple[int, str]] = []
    for code, pattern in _PATTERNS:
        m = pattern.search(folded)
        if m:
            found.append((m.start(), code))
    return [code for _, code in sorted(found)]


def place_names(code: str) -> tuple[str, ...]:
    return _NAMES.get(code, ())


def remove_places(text: str) -> str:
    """`text` with every place name removed (used when a follow-up swaps the place). Accents are kept
    when folding preserves positions (the usual case); otherwise the folded text is returned."""
    folded = fold(text)
    base = text if len(folded) == len(text) else folded
    spans = sorted(m.span() for _, pattern in _PATTERNS for m in pattern.finditer(folded))
    out, last = [], 0
    for start, end in spans:
        if start >= last:
            out.append(base[last:start])
            last = end
    out.append(base[last:])
    text = re.sub(r"\s+", " ", " ".join(out)).strip()
    # Prepositions/articles left dangling before punctuation ("détaché en ?" -> "détaché ?").
    dangling = re.compile(r"\s+(?:en|au|aux|à|a|in|to|for|pour|de|du|la|le|les|l'|the|en la|para|nach|em|no|na)\s*(?=[?,.;!]|$)", re.I)
    previous = None
    while previous != text:
        previous, text = text, re.sub(r"\s+", " ", dangling.sub(" ", text)).strip()
    return text


def mentions_place(text: str, code: str) -> bool:
    pattern = next((p for c, p in _PATTERNS if c == code), None)
    return bool(pattern and pattern.search(fold(text)))


def display_name(code: str, language: str = "fr") -> str:
    """Name of a place for an answer (French names for French territories; pycountry otherwise)."""
    if code in TERRITORIES or code == "QC":
        return place_name(code, "fr")
    try:
        import gettext

        import pycountry

        country = pycountry.countries.get(alpha_2=code)
        if country is None:
            return code
        if language == "en":
            return country.name
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True).gettext(country.name)
    except ImportError:
        return code
