"""Language of a question: lingua (statistical, offline) combined with function-word counts, which
are more reliable on the very short, informal questions typed in a chat widget ("et pour la
Polynésie ?", "c quoi le cleiss"). The UI language hint decides when the text is not conclusive."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from assistant.text import fold

# Languages the answer templates are written in (assistant/messages.py).
ANSWER_LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "pl", "ro", "ar")
DEFAULT_LANGUAGE = "fr"

_FUNCTION_WORDS = {
    "fr": "le la les un une des du de et est je tu il elle nous vous pour dans sur avec pas que qui quoi quel quelle "
          "mon ma mes au aux ce cette c'est suis sont combien comment pourquoi ou faut peut puis ca oui non si "
          "en chez leur j'ai m'a d'un d'une l'",
    "en": "the a an and is are i you he she we they for in on with not that which what how my your to of "
          "can do does did will would should have has from about it this there when where who why",
    "es": "el la los las un una y es soy yo tu usted para en con no que qué cuál como mi mis de del al "
          "puedo tengo qué cuánto cuanto donde empresa trabajo manda hace tiene",
    "de": "der die das ein eine und ist bin ich du sie wir für in mit nicht dass was wie mein meine zu von "
          "kann habe wird werden auch auf bei",
    "it": "il lo la gli le un una e è sono io tu per in con non che cosa come mio mia di del al posso ho "
          "quanto dove lavoro",
    "pt": "o a os as um uma e é sou eu você para em com não que qual como meu minha de do da ao posso tenho "
          "quanto onde trabalho empresa vai preciso",
}
_WORDS = {lang: frozenset(fold(w) for w in words.split()) for lang, words in _FUNCTION_WORDS.items()}
_TOKEN = re.compile(r"[a-z']+")

_detector = None
_lock = threading.Lock()


@dataclass(frozen=True)
class LanguageGuess:
    code: str           # ISO 639-1
    confidence: float   # 0..1
    detected: bool      # False when the hint or the default decided

    @property
    def answerable_in(self) -> bool:
        return self.code in ANSWER_LANGUAGES


def _lingua():
    global _detector
    with _lock:
        if _detector is None:
            from lingua import Language, LanguageDetectorBuilder

            names = ["FRENCH", "ENGLISH", "SPANISH", "GERMAN", "ITALIAN", "PORTUGUESE", "DUTCH", "POLISH",
                     "ROMANIAN", "ARABIC", "TURKISH", "RUSSIAN", "CHINESE", "UKRAINIAN"]
            # Trigram-only ("low accuracy") models, loaded up front by the server's warm-up: 25 MB
            # and < 1 ms a call. The full models cost ~400 MB per worker process (over the 1.5 GB
            # budget with two workers) for 3-7 points on 5-word snippets (FLORES dev, 6 languages);
            # on short questions the function-word counts above carry much of the decision.
            _detector = (LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in names))
                         .with_low_accuracy_mode().with_preloaded_language_models().build())
        return _detector


def detect_language(text: str, hint: str | None = None) -> LanguageGuess:
    # Cached (public questions repeat; LanguageGuess is immutable), except very long inputs.
    return _detect_cached(text, hint) if len(text or "") <= 2000 else _detect(text, hint)


@lru_cache(maxsize=4096)
def _detect_cached(text: str, hint: str | None) -> LanguageGuess:
    return _detect(text, hint)


def _detect(text: str, hint: str | None) -> LanguageGuess:
    scores: dict[str, float] = {}
    tokens = _TOKEN.findall(fold(text))
    for lang, words in _WORDS.items():
        hits = sum(1 for t in tokens if t in words)
        if hits:
            scores[lang] = 0.2 * hits
    try:
        for value in _lingua().compute_language_confidence_values(text)[:3]:
            code = value.language.iso_code_639_1.name.lower()
            scores[code] = scores.get(code, 0.0) + value.value
    except Exception:  # lingua unavailable or odd input: function words alone decide
        pass
    if scores:
        code, score = max(scores.items(), key=lambda kv: kv[1])
        total = sum(scores.values()) or 1.0
        confidence = score / total
        if score >= 0.5 and confidence >= 0.45:
            return LanguageGuess(code, round(confidence, 3), True)
    if hint:
        return LanguageGuess(hint, 0.0, False)
    return LanguageGuess(DEFAULT_LANGUAGE, 0.0, False)
