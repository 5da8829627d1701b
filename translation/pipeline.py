"""The translation pipeline:

    format reader -> blocks -> sentence segments (with formatting spans) -> language detection
    -> translation memory (exact, placeable, fuzzy) -> glossary protection -> engine (batched)
    -> glossary enforcement -> quality checks -> spans placed on the translation -> format writer

`Translator.translate_document` does a whole file (with progress, cancel and a deadline: on time-out
or an engine failure the segments done so far are written, flagged, and kept in the memory);
`Translator.translate_texts` serves the LibreTranslate-compatible text endpoint and the CLI.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from translation.detect import Detection, detect_document, detect_one
from translation.engines import Engine, select_engine
from translation.errors import Cancelled, EngineUnavailable, NoEngine, TimeLimitReached, TranslationError
from translation.glossary import Glossary, TermMatch, load_glossary_file, starter_glossary
from translation.languages import normalize_language
from translation.memory import VALIDATED, TranslationMemory
from translation.quality import Flag, check_segment
from translation.segments import (Block, BlockLayout, Run, Segment, Span, assemble_block, has_letters,
                                  layout_block, normalize_text, word_count)
from translation.spans import project_spans

ProgressFn = Callable[[int, int], None]
XLIFF_SUFFIX = {"2.0": ".xlf", "1.2": ".xliff"}  # letter.en.xlf (XLIFF 2.0), letter.en.xliff (XLIFF 1.2)


@dataclass
class Control:
    """Stop conditions checked between engine batches."""

    cancelled: Callable[[], bool] = lambda: False
    deadline: float | None = None  # time.monotonic() value

    def check(self) -> None:
        if self.cancelled():
            raise Cancelled("cancelled on request; segments already translated are kept in the memory")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeLimitReached("time limit reached")


@dataclass
class Override:
    """A translator's own translation for a segment (from a re-imported XLIFF)."""

    target: str
    spans: list | None = None
    source: str | None = None  # the unit's source, checked against the segment before applying
    merged: bool = False  # merged into the previous segment by the translator: no text of its own


@dataclass
class DocumentResult:
    source: Path
    output: Path | None
    report: Path | None
    xliff: Path | None
    source_lang: str
    target_lang: str
    detected: Detection | None
    engine: str
    segments: list[Segment]
    status: str  # done | partial
    error: str | None = None
    pages: int | None = None
    note: str | None = None
    seconds: float = 0.0

    @property
    def stats(self) -> dict:
        origins = Counter(_origin_group(s.origin) for s in self.segments)
        flags = Counter(f.code for s in self.segments for f in s.flags)
        return {
            "segments": len(self.segments),
            "words": sum(word_count(s.source) for s in self.segments),
            "chars": sum(len(s.source) for s in self.segments),
            "origins": dict(origins),
            "flags": dict(flags),
            "flagged_segments": sum(1 for s in self.segments if any(f.severity != "info" for f in s.flags)),
        }

    def to_public(self) -> dict:
        return {
            "file": self.source.name, "output": self.output.name if self.output else None, "status": self.status,
            "error": self.error, "source_lang": self.source_lang, "target_lang": self.target_lang,
            "detected": self.detected.to_libretranslate() if self.detected else None, "engine": self.engine,
            "pages": self.pages, "note": self.note, "seconds": round(self.seconds, 2), "stats": self.stats,
            "segments": [segment_public(s) for s in self.segments],
        }


def _origin_group(origin: str) -> str:
    return origin.split(":", 1)[0] if origin.startswith("engine") else origin


def segment_public(segment: Segment) -> dict:
    return {
        "id": segment.id, "source": segment.source, "target": segment.target,
        "source_lang": segment.source_lang, "origin": segment.origin,
        "score": segment.score, "draft": segment.draft,
        "flags": [f.to_public() for f in segment.flags],
        "suggestions": [m.to_public() for m in segment.suggestions],
    }


@dataclass
class TextResult:
    text: str
    detected: Detection | None
    segments: list[Segment] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)

    @property
    def flags(self) -> list[Flag]:
        return [f for s in self.segments for f in s.flags]


def _same_figures(new_source: str, old_source: str, lang: str) -> bool:
    """A fuzzy match is reused only when its dates, amounts, numbers and references are the new
    sentence's: a date-only change ("12 mars" -> "12 avril") scores high but must not come back with
    the old date (it stays a suggestion)."""
    from translation.quality import extract

    new, old = extract(new_source, lang), extract(old_source, lang)
    return (sorted(d for d, _ in new.dates) == sorted(d for d, _ in old.dates)
            and sorted(a[:2] for a in new.amounts) == sorted(a[:2] for a in old.amounts)
            and sorted(n[0] for n in new.numbers) == sorted(n[0] for n in old.numbers)
            and sorted(r for r, _ in new.articles) == sorted(r for r, _ in old.articles))


def _storable(text: str) -> bool:
    from liaison.pii import mask_pii

    return mask_pii(text) == text


class Translator:
    """One per request/job: holds engines, glossaries and the memory for a database."""

    def __init__(self, settings, *, db_url: str | None = None, chat_model=None, migrate: bool = True):
        self.settings = settings
        self.db_url = db_url or settings.resolved_database_url
        if migrate and db_url is None:
            from liaison.db import migrate as run_migrations

            run_migrations(self.db_url)
        self.memory = TranslationMemory(self.db_url, fuzzy_min=settings.translation_fuzzy_min)
        self.chat_model = chat_model
        self._engines: dict[str, Engine] = {}
        self._glossaries: dict[tuple, Glossary] = {}
        self.detect_languages = tuple(settings.translation_detect_languages)

    # -- building blocks -------------------------------------------------------------------------

    def engine_for(self, engine: str, source: str, target: str) -> Engine:
        return select_engine(engine, self.settings, source, target, chat_model=self.chat_model, cache=self._engines)

    def glossary(self, source: str, target: str, extra_files: tuple = ()) -> Glossary:
        key = (source, target, tuple(str(p) for p in extra_files))
        if key not in self._glossaries:
            from translation.glossary_store import stored_glossary

            from eessi.glossary import eessi_glossary  # EESSI codes: do-not-translate

            glossary = eessi_glossary(self.settings, source, target).merge(starter_glossary(source, target)).merge(
                stored_glossary(self.db_url, source, target))
            for path in extra_files:
                glossary = glossary.merge(load_glossary_file(path, source, target))
            self._glossaries[key] = glossary
        return self._glossaries[key]

    def invalidate_glossaries(self) -> None:
        self._glossaries.clear()

    def detect(self, text: str) -> Detection | None:
        return detect_one(text, self.detect_languages)

    def _detect_pair(self, text: str):
        found = detect_one(text, self.detect_languages)
        return (found.language, found.confidence) if found else None

    # -- segments ----------------------------------------------------------------------------------

    def assign_languages(self, segments: list[Segment], source: str, target: str | None = None) -> Detection | None:
        """Set each segment's source language; returns the document-level detection."""
        document, per_segment = detect_document([s.source for s in segments], self.detect_languages)
        main = source if source != "auto" else (document.language if document else None)
        if main is None:
            raise TranslationError("the source language could not be detected (no text long enough); "
                                   "give it explicitly (--from / source=...)")
        for segment, found in zip(segments, per_segment):
            # An explicit source language is never overridden by detection: a segment may only turn
            # out to be already in the target language (kept as is), nothing else.
            if found and source != "auto" and found.language not in (main, target):
                found = None
            segment.source_lang = found.language if found else main
            if found:
                segment.detected_lang, segment.detected_confidence = found.language, found.confidence
        if source == "auto":
            return document
        return Detection(main, 1.0)  # given by the user

    def translate_segments(self, segments: list[Segment], target: str, *, engine: str = "auto",
                           main_lang: str | None = None, glossary_files: tuple = (),
                           overrides: dict[str, Override] | None = None,
                           progress: ProgressFn | None = None, control: Control | None = None) -> list[str]:
        """Fill each segment's target, origin and flags in place. Returns the engine labels used.
        Raises Cancelled / TimeLimitReached / EngineUnavailable with the finished segments filled."""
        control = control or Control()
        overrides = overrides or {}
        total = len(segments)
        done = 0
        labels: list[str] = []

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(min(done, total), total)

        pending: list[Segment] = []
        for segment in segments:
            if segment.id in overrides and overrides[segment.id].merged:
                segment.target, segment.origin, segment.target_spans = "", "merged", []
                advance(1)
            elif segment.id in overrides:
                override = overrides[segment.id]
                segment.target, segment.origin = override.target, "override"
                if override.spans:
                    segment.target_spans = [
                        Span(start, end, segment.spans[sid - 1].style, segment.spans[sid - 1].protected)
                        for start, end, sid in override.spans if 1 <= sid <= len(segment.spans)]
                self._finish(segment, target, glossary_files, None)
                advance(1)
            elif not has_letters(segment.source) or segment.source_lang == target:
                segment.target, segment.origin = segment.source, "copy"
                segment.target_spans = list(segment.spans)
                if segment.source_lang == target and has_letters(segment.source) and main_lang not in (None, target):
                    segment.flags.append(Flag("language_differs", f"already in {target}: kept as is"))
                advance(1)
            else:
                pending.append(segment)
        by_lang: dict[str, list[Segment]] = {}
        for segment in pending:
            by_lang.setdefault(segment.source_lang, []).append(segment)
        for lang, group in sorted(by_lang.items(), key=lambda kv: kv[0] != main_lang):
            try:
                chosen = self.engine_for(engine, lang, target)
            except NoEngine as exc:
                if lang == main_lang or main_lang is None:
                    raise
                for segment in group:  # a minority language nobody can translate: say so, keep the text
                    segment.target, segment.origin = None, "not-translated"
                    segment.flags.append(Flag("untranslated", f"segment in {lang}: {exc}"))
                advance(len(group))
                continue
            labels.append(chosen.label(lang, target))
            self._translate_group(group, lang, target, chosen, glossary_files, control, advance)
        return labels

    def _translate_group(self, group: list[Segment], source: str, target: str, engine: Engine,
                         glossary_files: tuple, control: Control, advance: Callable[[int], None]) -> None:
        settings = self.settings
        glossary = self.glossary(source, target, glossary_files)
        kept: list[Segment] = []
        for segment in group:
            segment.glossary_terms = glossary.find(segment.source)
            rest = list(segment.source)
            for match in segment.glossary_terms:
                if match.term.dnt:
                    rest[match.start:match.end] = [" "] * (match.end - match.start)
            if not has_letters("".join(rest)):
                # Only codes and names to keep ("A1", "Dupont", "CPAM - URSSAF"): nothing to translate.
                segment.target, segment.origin = segment.source, "copy"
                segment.target_spans = list(segment.spans)
                continue
            kept.append(segment)
        advance(len(group) - len(kept))
        group = kept
        exact = self.memory.lookup_exact(source, target, [s.source for s in group])
        validated = self.memory.has_validated(source, target)
        used: list[int] = []
        to_engine: list[Segment] = []
        misses = [s for s in group if normalize_text(s.source) not in exact]
        fuzzy = dict(zip((id(s) for s in misses),
                         self.memory.fuzzy_batch(source, target, [s.source for s in misses], limit=3)
                         if validated and misses else [[] for _ in misses]))
        for position, segment in enumerate(group):
            if position % 64 == 63:
                control.check()
            match = exact.get(normalize_text(segment.source))
            if match is not None:
                if match.origin in VALIDATED:
                    segment.target, segment.origin, segment.score = match.target, "memory-exact", 100.0
                else:  # earlier raw machine output: reused, but never presented as a memory match
                    segment.target, segment.origin, segment.score = match.target, "memory-mt", None
                segment.draft = match.origin == "machine" and (match.engine or "").startswith("llm")
                segment.memory_origin = match.origin
                used.append(match.entry_id)
                continue
            match = self.memory.lookup_placeable(source, target, segment.source) if validated else None
            if match is None and validated:
                candidates = fuzzy[id(segment)]
                if candidates and candidates[0].score >= settings.translation_fuzzy_reuse \
                        and _same_figures(segment.source, candidates[0].source, source):
                    match = candidates[0]
                segment.suggestions = [c for c in candidates if c is not match]
            if match is not None:
                segment.target, segment.origin, segment.score = match.target, "memory-fuzzy", match.score
                segment.memory_origin, segment.memory_source = match.origin, match.source
                used.append(match.entry_id)
                continue
            to_engine.append(segment)
        self.memory.mark_used(used)
        for segment in group:
            if segment.target is not None:
                self._finish(segment, target, glossary_files, engine)
        advance(len(group) - len(to_engine))
        # Engine, in batches; identical sentences are translated once.
        unique: dict[str, list[Segment]] = {}
        for segment in to_engine:
            unique.setdefault(normalize_text(segment.source), []).append(segment)
        keys = list(unique)
        batch_size = settings.translation_batch_size
        for start in range(0, len(keys), batch_size):
            control.check()
            batch_keys = keys[start:start + batch_size]
            firsts = [unique[k][0] for k in batch_keys]
            outputs = self._engine_call(engine, firsts, source, target, glossary)
            stored = []
            for key, output in zip(batch_keys, outputs):
                first = unique[key][0]
                fixed, _missing = glossary.enforce(output, first.glossary_terms)
                for segment in unique[key]:
                    segment.target, segment.origin = fixed, f"engine:{engine.label(source, target)}"
                    segment.draft = engine.draft
                    self._finish(segment, target, glossary_files, engine)
                if _storable(first.source) and fixed.strip():
                    stored.append((first.source, fixed))
            if settings.translation_store_machine_output and stored:
                self.memory.store_machine(source, target, stored, engine.label(source, target))
            advance(sum(len(unique[k]) for k in batch_keys))

    def _engine_call(self, engine: Engine, segments: list[Segment], source: str, target: str,
                     glossary: Glossary) -> list[str]:
        if engine.glossary_mode == "inline":
            texts = [glossary.protect(s.source, s.glossary_terms) for s in segments]
            return engine.translate(texts, source, target)
        texts = [s.source for s in segments]
        hints = [glossary.hints(s.glossary_terms) + [(p, p) for p in s.protected_texts] for s in segments]
        return engine.translate(texts, source, target, hints)

    def _finish(self, segment: Segment, target: str, glossary_files: tuple, engine: Engine | None) -> None:
        """Glossary verification, quality flags and span placement for a translated segment."""
        source_lang = segment.source_lang or target
        glossary = self.glossary(source_lang, target, glossary_files) if source_lang != target else None
        if segment.glossary_terms is None:
            segment.glossary_terms = glossary.find(segment.source) if glossary else []
        matches: list[TermMatch] = segment.glossary_terms
        missing: list[TermMatch] = []
        validated_exact = segment.origin == "memory-exact" and segment.memory_origin in VALIDATED
        if glossary and matches and segment.origin not in ("override",) and not validated_exact:
            segment.target, missing = glossary.enforce(segment.target or "", matches)
        if not validated_exact:
            segment.flags.extend(check_segment(
                segment.source, segment.target, source_lang, target, missing_terms=missing,
                protected=segment.protected_texts, draft=segment.draft, origin=segment.origin, score=segment.score,
                ratio_range=(self.settings.translation_length_ratio_min, self.settings.translation_length_ratio_max),
                dnt_texts=[m.text for m in matches if m.term.dnt], detect=self._detect_pair))
        if segment.origin != "override" or not segment.target_spans:
            self._place_spans(segment, engine, source_lang, target)

    def _place_spans(self, segment: Segment, engine: Engine | None, source: str, target: str) -> None:
        if not segment.spans or not segment.target:
            segment.target_spans = []
            return
        fragments: dict[int, str] = {}
        wanted = {}
        total = max(1, len(segment.source.strip()))
        for index, span in enumerate(segment.spans):
            text = segment.source[span.start:span.end]
            if span.protected or not has_letters(text) or (span.end - span.start) / total >= 0.9:
                continue
            wanted[index] = text
        if wanted and engine is not None and source != target:
            fragments = self._translate_fragments(wanted, engine, source, target)
        projection = project_spans(segment.source, segment.target, segment.spans, fragments)
        segment.target_spans = projection.spans
        placed_protected = {segment.target[s.start:s.end] for s in projection.spans if s.protected}
        for span in segment.spans:
            text = segment.source[span.start:span.end]
            if span.protected and text not in placed_protected:
                # Never lose code or links: put them back at the end of the sentence (flagged already).
                start = len(segment.target) + 1
                segment.target = segment.target + " " + text
                segment.target_spans.append(type(span)(start, start + len(text), span.style, True))
        if projection.approximate:
            segment.flags.append(Flag("formatting_approximate", "formatting placed by position: check bold/italic/links"))

    def _translate_fragments(self, wanted: dict[int, str], engine: Engine, source: str, target: str) -> dict[int, str]:
        exact = self.memory.lookup_exact(source, target, wanted.values())
        result: dict[int, str] = {}
        missing = {}
        for index, text in wanted.items():
            match = exact.get(normalize_text(text))
            if match:
                result[index] = match.target
            else:
                missing[index] = text
        if missing:
            try:
                outputs = engine.translate(list(missing.values()), source, target)
            except TranslationError:
                return result
            for (index, text), output in zip(missing.items(), outputs):
                result[index] = output
            if self.settings.translation_store_machine_output:
                self.memory.store_machine(source, target, [(t, o) for t, o in zip(missing.values(), outputs)
                                                           if _storable(t)], engine.label(source, target))
        return result

    # -- texts -------------------------------------------------------------------------------------

    def _short_text_language(self, text: str, target: str, engine: str, batch: Detection | None) -> Detection | None:
        """A text too short to classify on its own ("Merci", "Danke"): the language of the request's
        other texts when an engine can take it, else the likeliest candidate an engine can translate."""
        from translation.detect import detect

        candidates = ([batch] if batch else []) + detect(text, self.detect_languages, top=len(self.detect_languages))
        for candidate in candidates:
            if candidate.language == target:
                return candidate
            try:
                self.engine_for(engine, candidate.language, target)
            except NoEngine:
                continue
            return candidate
        return None

    def translate_texts(self, texts: list[str], target: str, *, source: str = "auto", engine: str = "auto",
                        fmt: str = "text", glossary_files: tuple = (), alternatives: int = 0) -> list[TextResult]:
        """`alternatives`: up to that many other translations per text (memory matches, then the
        engine's next-best hypotheses), for one-sentence texts."""
        from translation.detect import MIN_LETTERS, _letters

        target = normalize_language(target)
        source = normalize_language(source, allow_auto=True)
        batch = None
        if source == "auto" and len(texts) > 1:
            joined = " ".join(t for t in texts if _letters(t) >= MIN_LETTERS) or " ".join(texts)
            batch = self.detect(joined)
        results = []
        for text in texts:
            if fmt == "html":
                from translation.formats.html import HtmlDocument

                document = HtmlDocument.from_text(text)
                blocks = document.blocks
            else:
                blocks = [Block(f"l{i}", [Run(line)]) for i, line in enumerate(text.split("\n")) if line.strip()]
            layouts = [layout_block(b, None if source == "auto" else source) for b in blocks]
            segments = [s for layout in layouts for s in layout.segments]
            if not segments:
                results.append(TextResult(text, None, []))
                continue
            short = None
            if source == "auto" and _letters(text) < MIN_LETTERS:
                short = self._short_text_language(text, target, engine, batch)
            detected = self.assign_languages(segments, short.language if short else source, target)
            if short is not None:
                detected = short
            main = source if source != "auto" else (detected.language if detected else None)
            self.translate_segments(segments, target, engine=engine, main_lang=main, glossary_files=glossary_files)
            translated = {layout.block.id: assemble_block(layout) for layout in layouts}
            if fmt == "html":
                output = document.render(translated)
            else:
                lines = text.split("\n")
                out_lines, index = [], 0
                for i, line in enumerate(lines):
                    if line.strip():
                        runs = translated[f"l{i}"]
                        lead = line[:len(line) - len(line.lstrip())]
                        out_lines.append(lead + "".join(r.text for r in runs).strip())
                    else:
                        out_lines.append(line)
                output = "\n".join(out_lines)
            result = TextResult(output, detected, segments)
            if alternatives > 0 and len(segments) == 1 and fmt == "text":
                result.alternatives = self._alternatives(segments[0], target, engine, alternatives, output)
            results.append(result)
        return results

    def _alternatives(self, segment: Segment, target: str, engine: str, count: int, chosen: str) -> list[str]:
        """Other translations of a one-sentence text: memory suggestions, then the engine's n-best."""
        found: list[str] = []
        for match in segment.suggestions:
            found.append(match.target)
        source = segment.source_lang
        if source and source != target and len(found) < count:
            try:
                chosen_engine = self.engine_for(engine, source, target)
                more = getattr(chosen_engine, "alternatives", None)
                if more is not None:
                    found.extend(more(segment.source, source, target, count + 1))
            except TranslationError:
                pass
        unique = []
        for text in found:
            text = text.strip()
            if text and text != chosen.strip() and text not in unique:
                unique.append(text)
        return unique[:count]

    # -- documents ---------------------------------------------------------------------------------

    @staticmethod
    def _checked_overrides(path: Path, segments: list[Segment], overrides: dict[str, Override] | None,
                           xliff_import) -> dict[str, Override] | None:
        """The translator's segments to apply, refused whole when they were made for another document
        or another version of it (unit ids or sources that do not match)."""
        from translation.xliff import XliffMismatch, XliffImport, XliffUnit, check_units, overrides_from

        expected = [(s.id, s.source) for s in segments]
        if xliff_import is not None:
            problems = check_units(xliff_import, expected, original=path.name)
            if problems:
                raise XliffMismatch(path.name, problems)
            overrides = {**overrides_from(xliff_import), **(overrides or {})}
        elif overrides and any(o.source is not None for o in overrides.values()):
            units = [XliffUnit(seg_id, o.source, o.target, None, None, [], True)
                     for seg_id, o in overrides.items() if o.source is not None]
            problems = check_units(XliffImport("-", None, "", "", units), expected)
            if problems:
                raise XliffMismatch(path.name, problems)
        return overrides

    def translate_document(self, path: Path, target: str, *, out: Path | None = None, source: str = "auto",
                           engine: str = "auto", glossary_files: tuple = (), xliff: str | None = None,
                           overrides: dict[str, Override] | None = None, progress: ProgressFn | None = None,
                           control: Control | None = None, report: bool = True,
                           xliff_import=None) -> DocumentResult:
        """`xliff_import`: a parsed post-edited XLIFF (`translation.xliff.parse_xliff`) to apply; it must
        have been exported for this document and this version of it (else XliffMismatch, nothing written)."""
        from translation.formats import open_document

        started = time.monotonic()
        path = Path(path)
        target = normalize_language(target)
        source = normalize_language(source, allow_auto=True)
        document = open_document(path, max_pages=self.settings.translation_max_pages,
                                 max_chars=self.settings.translation_max_file_chars)
        hint = None if source == "auto" else source
        if hint is None:
            sample = " ".join(b.text for b in document.blocks[:200])
            found = self.detect(sample)
            hint = found.language if found else None
        layouts: list[BlockLayout] = [layout_block(block, hint) for block in document.blocks]
        segments = [s for layout in layouts for s in layout.segments]
        if not segments:
            raise TranslationError(f"{path.name}: no text to translate")
        overrides = self._checked_overrides(path, segments, overrides, xliff_import)
        detected = self.assign_languages(segments, source, target)
        main = source if source != "auto" else detected.language
        if main == target and source == "auto":
            raise TranslationError(f"{path.name}: the document is already in {target} "
                                   f"(detected with confidence {detected.confidence:.2f}); give --from if this is wrong")
        status, error, labels = "done", None, []
        try:
            labels = self.translate_segments(segments, target, engine=engine, main_lang=main,
                                             glossary_files=glossary_files, overrides=overrides,
                                             progress=progress, control=control)
        except (TimeLimitReached, EngineUnavailable) as exc:
            if not any(s.target is not None for s in segments if s.origin not in ("copy",)):
                raise
            status, error = "partial", str(exc)
            for segment in segments:
                if segment.target is None:
                    segment.origin = "not-translated"
                    segment.flags.append(Flag("job_stopped", f"not translated: {exc}"))
        out = Path(out) if out else path.with_name(document.output_name(target))
        out.parent.mkdir(parents=True, exist_ok=True)
        translated = {layout.block.id: assemble_block(layout) for layout in layouts}
        document.write(translated, out, target)
        result = DocumentResult(path, out, None, None, main, target, detected, "+".join(dict.fromkeys(labels)) or "memory",
                                segments, status, error, document.pages, document.note)
        if xliff:
            from translation.xliff import export_xliff

            for version in (("2.0", "1.2") if xliff == "both" else (xliff,)):
                path_x = out.with_suffix(XLIFF_SUFFIX[version])
                path_x.write_bytes(export_xliff(result, document, version=version))
                result.xliff = result.xliff or path_x
        result.seconds = time.monotonic() - started
        if report:
            result.report = out.with_suffix(".report.json")
            result.report.write_text(json.dumps(result.to_public(), ensure_ascii=False, indent=1), "utf-8")
            result.report.with_suffix("").with_suffix(".report.md").write_text(report_markdown(result), "utf-8")
        return result


def report_markdown(result: DocumentResult) -> str:
    stats = result.stats
    lines = [f"# Translation report: {result.source.name}", "",
             f"- output: {result.output.name if result.output else '-'} ({result.status})",
             f"- {result.source_lang} -> {result.target_lang}, engine: {result.engine}",
             f"- segments: {stats['segments']}, words: {stats['words']}, from memory: "
             f"{stats['origins'].get('memory-exact', 0)} exact, {stats['origins'].get('memory-fuzzy', 0)} fuzzy; "
             f"earlier machine output: {stats['origins'].get('memory-mt', 0)}",
             f"- segments to review: {stats['flagged_segments']}"]
    if result.note:
        lines.append(f"- note: {result.note}")
    if result.error:
        lines.append(f"- stopped: {result.error}")
    lines += ["", "| segment | flag | message | source | translation |", "|---|---|---|---|---|"]

    def cell(text: str | None) -> str:
        return (text or "").replace("|", "\\|").replace("\n", " ")[:160]

    for segment in result.segments:
        for flag in segment.flags:
            if flag.severity == "info":
                continue
            lines.append(f"| {segment.id} | {flag.code} | {cell(flag.message)} | {cell(segment.source)} | "
                         f"{cell(segment.target)} |")
    return "\n".join(lines) + "\n"


def purge_machine_memory(settings, db_url: str) -> int:
    return TranslationMemory(db_url).purge_machine(timedelta(days=settings.translation_memory_machine_retention_days))


__all__ = ["Translator", "Control", "Override", "DocumentResult", "TextResult", "segment_public", "VALIDATED"]
