"""Extractive engine (default): offline, deterministic, fast. It picks the sentences of the retrieved
passages that best match the question, writes each followed by its citation, and ends with the legal
basis (instrument, article, version date). Nothing is paraphrased, so nothing can be invented."""
from __future__ import annotations

import re
from datetime import date

from langchain_core.runnables import RunnableLambda

from assistant.answer import AnswerContext, Cited, Draft
from assistant.gloss import gloss
from assistant.language import ANSWER_LANGUAGES
from assistant.messages import LANGUAGE_NAMES, QUOTES, msg
from assistant.retrieval import OTHER_DIRECTION, OTHER_PLACE
from assistant.sources import describe
from assistant.evidence import concept_coverage
from assistant.terms import coverage, term_set
from assistant.text import fold, normalise_space, split_sentences

_QUANTITY_Q = re.compile(r"\b(combien|quelle duree|duree|how long|how much|how many|maximum|max|delai|montant|"
                         r"cuanto|cuantos|quanto|quantos|wie lange|wie viel|plafond|limit|taux|rate|jusqu|until|"
                         r"a partir de quel|quel cout|quel montant|valable|valid)\b")
_QUANTITY_S = re.compile(r"\d|\b(un|une|deux|trois|quatre|cinq|six|douze|vingt|trente|soixante|one|two|three)\b\s+"
                         r"(an|ans|annee|mois|jour|jours|semaine|semaines|year|years|month|months|day|days)")
_MAX_PASSAGES = 5
_MAX_PER_PASSAGE = 2
_MIN_CHARS, _MAX_CHARS = 25, 700


def quotable(sentence: str) -> bool:
    """A complete statement: not a fragment (chunk overlap, cut list item), not a heading or a
    question (fiche section titles), not a line announcing a list that is not quoted."""
    s = sentence.strip()
    if not s or s.startswith(("…", "...")) or s[0].islower():
        return False
    if s.endswith(("?", ":")):
        return False
    return s.endswith((".", "!", ";", "»", ")", "…")) or len(s) >= 80


_ITEM = re.compile(r"^(\d+°|[a-z]\)|[IVX]+\.)")


def statements(text: str) -> list[str]:
    """Sentences of a passage, with a line announcing a list (ending with ':') joined to its items
    by ' … ' (each piece stays a verbatim quote): legal texts list bodies, conditions and cases."""
    sentences = split_sentences(text)
    out: list[str] = []
    i = 0
    while i < len(sentences):
        current = sentences[i]
        if current.endswith(":"):
            parts, j = [current], i + 1
            while j < len(sentences) and (sentences[j][0].islower() or _ITEM.match(sentences[j])) \
                    and sum(len(p) for p in parts) < _MAX_CHARS:
                parts.append(sentences[j])
                j += 1
            if len(parts) > 1:
                out.append(" … ".join(parts))
                i = j
                continue
        out.append(current)
        i += 1
    return out


def _candidates(ctx: AnswerContext):
    """(score, passage_index, position, sentence) for sentences of the best passages."""
    q_terms = ctx.evidence.query_terms or term_set(ctx.query)
    weights = ctx.evidence.weights
    asks_quantity = bool(_QUANTITY_Q.search(fold(ctx.query)))
    out = []
    for pi, passage in enumerate(ctx.passages[:_MAX_PASSAGES]):
        heading = fold(passage.title)
        prior = 1.0 / (1.0 + 0.6 * pi)
        mismatched = bool({OTHER_DIRECTION, OTHER_PLACE} & set(passage.routes))
        for pos, sentence in enumerate(statements(passage.text)):
            if len(sentence) < _MIN_CHARS or fold(sentence) == heading or " > " in sentence:
                continue
            if not quotable(sentence):
                continue
            if len(sentence) > _MAX_CHARS:
                sentence = sentence[:_MAX_CHARS].rsplit(" ", 1)[0] + " …"
            s_terms = term_set(sentence)
            if weights is None:
                cov = 0.0
            elif ctx.evidence.concepts:
                cov = concept_coverage(ctx.evidence.concepts, s_terms, weights)
            else:
                cov = coverage(q_terms, s_terms, weights)
            if cov < 0.12:
                continue
            score = 0.7 * cov + 0.3 * prior + (0.1 if ctx.regime_terms and ctx.regime_terms & s_terms else 0.0)
            if mismatched:  # same words, other situation (retrieval's demotion): quote it only if nothing fits better
                score *= 0.7
            if asks_quantity and _QUANTITY_S.search(fold(sentence)):
                score += 0.12
            out.append((score, pi, pos, sentence))
    return out


def _similar(a: str, b: str) -> bool:
    ta, tb = term_set(a), term_set(b)
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) > 0.6


def select_sentences(ctx: AnswerContext, limit: int) -> list[tuple[int, str]]:
    """Up to `limit` (passage_index, sentence): best passage first, text order inside a passage."""
    candidates = sorted(_candidates(ctx), key=lambda c: (-c[0], c[1], c[2]))
    if not candidates:
        return []
    floor = 0.7 * candidates[0][0]
    chosen: list[tuple[float, int, int, str]] = []
    per_passage: dict[int, int] = {}
    for cand in candidates:
        score, pi, _pos, sentence = cand
        if len(chosen) >= limit or score < floor:
            break
        if per_passage.get(pi, 0) >= _MAX_PER_PASSAGE or any(_similar(sentence, c[3]) for c in chosen):
            continue
        chosen.append(cand)
        per_passage[pi] = per_passage.get(pi, 0) + 1
    # Most relevant passage first (by its best sentence); a passage's sentences stay in text order.
    best_of: dict[int, float] = {}
    for score, pi, _pos, _s in chosen:
        best_of[pi] = max(best_of.get(pi, 0.0), score)
    chosen.sort(key=lambda c: (-best_of[c[1]], c[1], c[2]))
    return [(pi, sentence) for _s, pi, _p, sentence in chosen]


def _route_sentences(ctx: AnswerContext) -> list[tuple[str, object, str]]:
    """One sentence per healthcare route (label, passage, sentence) when routes were retrieved."""
    out = []
    for label, passages in ctx.route_passages.items():
        best = None
        route_terms = term_set(label)
        for passage in passages[:3]:
            for sentence in split_sentences(passage.text):
                if _MIN_CHARS <= len(sentence) <= _MAX_CHARS and quotable(sentence):
                    score = len(route_terms & term_set(sentence))
                    if best is None or score > best[0]:
                        best = (score, passage, sentence)
        if best and best[0] >= 3:  # clearly about this route, not a passing mention
            out.append((label, best[1], best[2]))
    return out


def language_notices(ctx: AnswerContext, cited: list[Cited]) -> list[str]:
    lang = ctx.language.code
    notices = []
    if lang not in ANSWER_LANGUAGES:
        name = LANGUAGE_NAMES.get(lang, lang)
        notices.append(msg("fr", "other_language", language=name))
        notices.append(msg("en", "other_language", language=name))
    elif any((c.passage.meta.get("language") or "fr") != lang for c in cited):
        notices.append(msg(lang, "source_language"))
    # Consolidated articles in force (status VIGUEUR) are current whatever their version date; other
    # sources (fiches, pages, old decree exports) are as old as their version date says.
    oldest = min((int(c.passage.meta.get("version_date", 0) or 0) for c in cited
                  if c.passage.meta.get("status") != "VIGUEUR" and int(c.passage.meta.get("version_date", 0) or 0)),
                 default=0)
    if oldest and oldest // 10000 <= date.today().year - 5:
        notices.append(msg(lang if lang in ANSWER_LANGUAGES else "fr", "dated", year=oldest // 10000))
    return notices


def compose(ctx: AnswerContext, picked: list[tuple[object, str]], engine: str = "extractive",
            lead_in: str | None = None) -> Draft:
    """Assemble the answer text from (passage, sentence) pairs: citations numbered in order of use."""
    lang = ctx.language.code
    write_lang = lang if lang in ANSWER_LANGUAGES else "fr"
    numbers: dict[tuple[str, str], Cited] = {}
    segments: list[str] = []
    intro = lead_in if lead_in is not None else (
        msg(write_lang, "intro") if lang in ANSWER_LANGUAGES else f"{msg('fr', 'intro')} / {msg('en', 'intro')}")
    if intro:
        segments.append(intro + "\n")
    for passage, sentence in picked:
        cited = numbers.get(passage.key)
        if cited is None:
            cited = numbers[passage.key] = Cited(n=len(numbers) + 1, passage=passage)
        cited.quotes.append(normalise_space(sentence).rstrip(" …"))  # the quote itself, verbatim
        extra = ""
        text = normalise_space(sentence).replace("**", "")  # the sheets' bold marks are not for display
        source_lang = passage.meta.get("language") or "fr"
        if source_lang != write_lang:  # a quotation in another language is shown as one, then restated
            opening, closing = QUOTES.get(write_lang, QUOTES["en"])
            text = f"{opening}{text}{closing}"
        if lang != "fr" and source_lang == "fr":
            figures = gloss(sentence, lang)
            extra = f" (≈ {figures})" if figures else ""
        segments.append(f"{text}{extra} [{cited.n}]\n")
    cited_list = sorted(numbers.values(), key=lambda c: c.n)
    basis_label = msg(write_lang, "basis") if lang in ANSWER_LANGUAGES else f"{msg('fr', 'basis')} / {msg('en', 'basis')}"
    basis = " ; ".join(f"{describe(c.passage, write_lang)} [{c.n}]" for c in cited_list)
    segments.append(f"{basis_label} : {basis}." if write_lang == "fr" else f"{basis_label}: {basis}.")
    return Draft(text="".join(segments).strip(), cited=cited_list, engine=engine, segments=segments,
                 notices=language_notices(ctx, cited_list))


def extractive_answer(ctx: AnswerContext) -> Draft:
    limit = getattr(ctx.settings, "answer_max_sentences", 4)
    chosen = select_sentences(ctx, limit)
    picked = [(ctx.passages[pi], s) for pi, s in chosen]
    if not picked:  # nothing quotable: the service turns this into an abstention
        return Draft(text="", cited=[], abstained=True, info={"no_sentence": True})
    for _label, passage, sentence in _route_sentences(ctx):
        if all(sentence != s for _, s in picked):
            picked.append((passage, sentence))
    return compose(ctx, picked)


extractive_engine = RunnableLambda(extractive_answer, name="extractive")
