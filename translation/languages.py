"""Language codes used across the desk: ISO 639-1 two-letter codes (as LibreTranslate uses), with
normalisation of the other spellings clients send (fra, fr-FR, fr_FR, French)."""
from __future__ import annotations

LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "ga": "Irish", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "mt": "Maltese", "nb": "Norwegian Bokmål",
    "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak",
    "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}

# ISO 639-2/3 and a few legacy spellings -> 639-1.
_ALIASES = {
    "ara": "ar", "bul": "bg", "cat": "ca", "ces": "cs", "cze": "cs", "dan": "da", "deu": "de", "ger": "de",
    "ell": "el", "gre": "el", "eng": "en", "spa": "es", "est": "et", "eus": "eu", "baq": "eu", "fas": "fa",
    "per": "fa", "fin": "fi", "fra": "fr", "fre": "fr", "gle": "ga", "heb": "he", "hin": "hi", "hrv": "hr",
    "hun": "hu", "ind": "id", "isl": "is", "ice": "is", "ita": "it", "jpn": "ja", "kor": "ko", "lit": "lt",
    "lav": "lv", "mlt": "mt", "nob": "nb", "no": "nb", "nor": "nb", "nld": "nl", "dut": "nl", "pol": "pl",
    "por": "pt", "pb": "pt", "ron": "ro", "rum": "ro", "rus": "ru", "slk": "sk", "slo": "sk", "slv": "sl",
    "sqi": "sq", "alb": "sq", "srp": "sr", "swe": "sv", "tha": "th", "tur": "tr", "ukr": "uk", "vie": "vi",
    "zho": "zh", "chi": "zh", "zt": "zh",
}
_BY_NAME = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
_BY_NAME["norwegian"] = "nb"

# Locale written into documents (DOCX w:lang, HTML lang) for the target language.
DOCUMENT_LOCALES = {"fr": "fr-FR", "en": "en-GB", "de": "de-DE", "es": "es-ES", "it": "it-IT", "pt": "pt-PT",
                    "nl": "nl-NL", "pl": "pl-PL", "ro": "ro-RO"}

# Languages whose numbers use a decimal comma (1 234,56) rather than a decimal point (1,234.56).
DECIMAL_COMMA = {"fr", "de", "es", "it", "pt", "nl", "pl", "ro", "cs", "sk", "sl", "hr", "hu", "bg", "da",
                 "sv", "fi", "et", "lv", "lt", "el", "ru", "uk", "tr", "nb", "ca", "eu", "sq", "sr", "id", "is"}


class UnknownLanguage(ValueError):
    pass


def normalize_language(value: str | None, *, allow_auto: bool = False) -> str:
    """'fr', 'FR', 'fra', 'fr-FR', 'fr_FR', 'French' -> 'fr'; 'auto' kept when allowed."""
    raw = (value or "").strip()
    key = raw.lower().replace("_", "-")
    if allow_auto and key in ("auto", ""):
        return "auto"
    if key in LANGUAGE_NAMES:
        return key
    base = key.split("-", 1)[0]
    if base in LANGUAGE_NAMES:
        return base
    if base in _ALIASES:
        return _ALIASES[base]
    if key in _BY_NAME:
        return _BY_NAME[key]
    allowed = ", ".join(sorted(LANGUAGE_NAMES)) + (", auto" if allow_auto else "")
    raise UnknownLanguage(f"unknown language {raw!r}; use an ISO 639-1 code: {allowed}")


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def pair_key(source: str, target: str) -> str:
    return f"{source}-{target}"
