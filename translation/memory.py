"""Translation memory in the project database (SQLite by default, PostgreSQL when configured).

Look-ups, best first: exact match (same normalised sentence), placeable match (only numbers differ:
the stored translation is reused with the new numbers), fuzzy match (similar sentence, score 0-100
from an edit-distance ratio, candidates found through an inverted index of content words).

Entries have an origin: `confirmed` (validated by a translator, with who and when), `imported`
(TMX or XLIFF from a CAT tool) or `machine` (engine output kept so an unchanged document is not
translated twice; only ever reused as an exact match, and purged after a retention period).
A confirmed translation replaced by another is kept in `translation_memory_history`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from liaison.db import get_engine, session_scope
from translation.models import MemoryEntry, MemoryHistory, MemoryToken
from translation.segments import content_hash, normalize_text, word_count

VALIDATED = ("confirmed", "imported")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = {
    "les", "des", "une", "est", "dans", "pour", "par", "sur", "que", "qui", "aux", "avec", "son", "ses", "leur",
    "the", "and", "for", "with", "that", "this", "are", "from", "was", "were", "has", "have", "its", "not",
    "der", "die", "das", "und", "den", "dem", "mit", "von", "del", "los", "las", "por", "con", "para", "una",
    "della", "delle", "per", "dos", "das", "com", "uma",
}


@dataclass(frozen=True)
class MemoryMatch:
    entry_id: int
    source: str
    target: str
    score: float  # 100 exact, 99 placeable, else fuzzy ratio
    kind: str  # exact | placeable | fuzzy
    origin: str
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    engine: str | None = None

    def to_public(self) -> dict:
        return {"source": self.source, "target": self.target, "score": round(self.score, 1), "kind": self.kind,
                "origin": self.origin, "confirmed_by": self.confirmed_by,
                "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None}


@dataclass
class ConfirmResult:
    status: str  # added | updated | unchanged | kept-newer
    entry_id: int


def entry_key(source_lang: str, target_lang: str, source: str) -> str:
    return content_hash(source_lang, target_lang, normalize_text(source), length=64)


def skeleton(text: str) -> str:
    return _NUMBER.sub("#", normalize_text(text))


def skeleton_key(source_lang: str, target_lang: str, source: str) -> str:
    return content_hash(source_lang, target_lang, skeleton(source), length=64)


def index_tokens(text: str) -> list[str]:
    seen: list[str] = []
    for word in _WORD.findall(normalize_text(text).lower()):
        if word not in _STOP and word not in seen:
            seen.append(word[:64])
    return seen[:48]


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _insert(url: str):
    if url.startswith("postgresql"):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.ratio(a, b))


def _format_like(value: str, template: str) -> str:
    """`value` ('12345.6', canonical) written the way `template` writes numbers ('1 234,56' -> '12 345,60')."""
    decimal = re.search(r"([.,])(\d{1,2})$", template)
    integer, _, fraction = value.partition(".")
    if decimal and fraction:
        fraction = fraction.ljust(len(decimal.group(2)), "0")
    group = re.search(r"\d([ \u00a0\u202f.,])\d{3}(?!\d)", template[:decimal.start()] if decimal else template)
    if group and len(integer) > 3:
        head = len(integer) % 3 or 3
        integer = integer[:head] + "".join(group.group(1) + integer[i:i + 3] for i in range(head, len(integer), 3))
    if fraction:
        return integer + (decimal.group(1) if decimal else ".") + fraction
    return integer


def _substitute_numbers(new_source: str, old_source: str, old_target: str, source_lang: str | None = None,
                        target_lang: str | None = None) -> str | None:
    """Reuse a translation whose source differs only by numbers: each old number must occur exactly
    once in the old translation, so it can be swapped for the new one without guessing. A number the
    translation wrote differently (EUR 1.234,56 -> 1 234,56 EUR) is found by its value and the new one
    written the same way."""
    new_numbers = _NUMBER.findall(new_source)
    old_numbers = _NUMBER.findall(old_source)
    if len(new_numbers) != len(old_numbers) or not old_numbers:
        return None
    result = old_target
    replacements = []
    for old, new in zip(old_numbers, new_numbers):
        if old == new:
            continue
        if old_numbers.count(old) != 1:
            return None
        occurrences = [(m.start(), m.end(), new) for m in
                       re.finditer(r"(?<!\d)" + re.escape(old) + r"(?![\d]|[.,]\d)", old_target)]
        if not occurrences and source_lang and target_lang:
            from translation.quality import _canonical_number

            wanted = _canonical_number(old, source_lang)
            occurrences = [(m.start(), m.end(), _format_like(_canonical_number(new, source_lang), m.group(0)))
                           for m in _NUMBER.finditer(old_target)
                           if _canonical_number(m.group(0), target_lang) == wanted]
        if len(occurrences) != 1:
            return None
        replacements.append(occurrences[0])
    for start, end, new in sorted(replacements, reverse=True):
        result = result[:start] + new + result[end:]
    return result


class TranslationMemory:
    def __init__(self, db_url: str, *, fuzzy_min: int = 75):
        self.db_url = db_url
        self.fuzzy_min = fuzzy_min

    # -- look-up ---------------------------------------------------------------------------------

    def lookup_exact(self, source_lang: str, target_lang: str, sources: Iterable[str]) -> dict[str, MemoryMatch]:
        """Exact matches keyed by normalised source."""
        keys = {entry_key(source_lang, target_lang, s): normalize_text(s) for s in sources}
        found: dict[str, MemoryMatch] = {}
        key_list = list(keys)
        with session_scope(self.db_url) as s:
            for i in range(0, len(key_list), 500):
                rows = s.scalars(select(MemoryEntry).where(MemoryEntry.entry_key.in_(key_list[i:i + 500])))
                for row in rows:
                    found[keys[row.entry_key]] = MemoryMatch(
                        row.id, row.source_text, row.target_text, 100.0, "exact", row.origin, row.confirmed_by,
                        _aware(row.confirmed_at), row.engine)
        return found

    def has_validated(self, source_lang: str, target_lang: str) -> bool:
        """Whether any confirmed/imported entry exists for the pair (else fuzzy look-ups are skipped)."""
        with session_scope(self.db_url) as s:
            return s.scalar(select(MemoryEntry.id).where(
                MemoryEntry.source_lang == source_lang, MemoryEntry.target_lang == target_lang,
                MemoryEntry.origin.in_(VALIDATED)).limit(1)) is not None

    def lookup_placeable(self, source_lang: str, target_lang: str, source: str) -> MemoryMatch | None:
        if not _NUMBER.search(source):
            return None
        key = skeleton_key(source_lang, target_lang, source)
        with session_scope(self.db_url) as s:
            rows = s.scalars(select(MemoryEntry).where(MemoryEntry.skeleton_key == key,
                                                       MemoryEntry.origin.in_(VALIDATED)).limit(5)).all()
            for row in rows:
                target = _substitute_numbers(normalize_text(source), normalize_text(row.source_text), row.target_text,
                                             source_lang, target_lang)
                if target is not None:
                    return MemoryMatch(row.id, row.source_text, target, 99.0, "placeable", row.origin,
                                       row.confirmed_by, _aware(row.confirmed_at))
        return None

    def fuzzy(self, source_lang: str, target_lang: str, source: str, *, limit: int = 3,
              min_score: float | None = None) -> list[MemoryMatch]:
        """Validated entries similar to `source`, best first (score 0-100)."""
        return self.fuzzy_batch(source_lang, target_lang, [source], limit=limit, min_score=min_score)[0]

    def fuzzy_batch(self, source_lang: str, target_lang: str, sources: list[str], *, limit: int = 3,
                    min_score: float | None = None, max_candidates: int = 25,
                    common_token_cap: int = 5000) -> list[list[MemoryMatch]]:
        """Fuzzy matches for many sentences with three queries in all (not per sentence): token
        frequencies, then the entries holding the useful tokens, then the candidates' texts."""
        min_score = self.fuzzy_min if min_score is None else min_score
        token_lists = [index_tokens(source) for source in sources]
        all_tokens = sorted({t for tokens in token_lists for t in tokens})
        results: list[list[MemoryMatch]] = [[] for _ in sources]
        if not all_tokens:
            return results
        pair = (MemoryEntry.source_lang == source_lang, MemoryEntry.target_lang == target_lang,
                MemoryEntry.origin.in_(VALIDATED))
        postings: dict[str, list[tuple[int, int]]] = {}
        with session_scope(self.db_url) as s:
            frequency: dict[str, int] = {}
            for i in range(0, len(all_tokens), 500):
                chunk = all_tokens[i:i + 500]
                for token, count in s.execute(
                        select(MemoryToken.token, func.count(MemoryToken.entry_id))
                        .join(MemoryEntry, MemoryEntry.id == MemoryToken.entry_id)
                        .where(MemoryToken.token.in_(chunk), *pair).group_by(MemoryToken.token)):
                    frequency[token] = count
            # Very common words cannot single out a similar sentence; they only cost time.
            useful = [t for t in all_tokens if 0 < frequency.get(t, 0) <= common_token_cap]
            for i in range(0, len(useful), 500):
                chunk = useful[i:i + 500]
                for token, entry_id, words in s.execute(
                        select(MemoryToken.token, MemoryToken.entry_id, MemoryEntry.source_words)
                        .join(MemoryEntry, MemoryEntry.id == MemoryToken.entry_id)
                        .where(MemoryToken.token.in_(chunk), *pair)):
                    postings.setdefault(token, []).append((entry_id, words))
            wanted: dict[int, list[int]] = {}
            for index, (source, tokens) in enumerate(zip(sources, token_lists)):
                usable = [t for t in tokens if t in postings]
                if not usable:
                    continue
                words = max(1, word_count(normalize_text(source)))
                low, high = int(words * 0.5), int(words * 2) + 2
                shared: dict[int, int] = {}
                for token in usable:
                    for entry_id, entry_words in postings[token]:
                        if low <= entry_words <= high:
                            shared[entry_id] = shared.get(entry_id, 0) + 1
                # A sentence >= 75% similar shares most of its content words: demand a good part of them.
                needed = max(1, int(len(tokens) * 0.4))
                best = sorted((e for e, c in shared.items() if c >= needed), key=lambda e: (-shared[e], e))
                for entry_id in best[:max_candidates]:
                    wanted.setdefault(entry_id, []).append(index)
            texts = {}
            ids = sorted(wanted)
            for i in range(0, len(ids), 500):
                for row in s.execute(select(MemoryEntry.id, MemoryEntry.source_text, MemoryEntry.target_text,
                                            MemoryEntry.origin, MemoryEntry.confirmed_by, MemoryEntry.confirmed_at)
                                     .where(MemoryEntry.id.in_(ids[i:i + 500]))):
                    texts[row[0]] = row
        normalized = [normalize_text(source) for source in sources]
        for entry_id, indexes in wanted.items():
            _, source_text, target_text, origin, confirmed_by, confirmed_at = texts[entry_id]
            entry_norm = normalize_text(source_text)
            for index in indexes:
                score = _similarity(normalized[index], entry_norm)
                if score >= min_score:
                    results[index].append(MemoryMatch(entry_id, source_text, target_text, score, "fuzzy", origin,
                                                      confirmed_by, _aware(confirmed_at)))
        for matches in results:
            matches.sort(key=lambda m: (-m.score, m.entry_id))
            del matches[limit:]
        return results

    def mark_used(self, entry_ids: Iterable[int]) -> None:
        ids = sorted(set(entry_ids))
        if not ids:
            return
        now = _now()
        with session_scope(self.db_url) as s:
            for i in range(0, len(ids), 500):
                s.execute(update(MemoryEntry).where(MemoryEntry.id.in_(ids[i:i + 500]))
                          .values(use_count=MemoryEntry.use_count + 1, last_used_at=now))

    # -- writing ---------------------------------------------------------------------------------

    def store_machine(self, source_lang: str, target_lang: str, items: Iterable[tuple[str, str]], engine: str) -> int:
        """Keep engine output (never replaces a validated entry). Returns the number of new entries."""
        rows, seen = [], set()
        now = _now()
        for source, target in items:
            key = entry_key(source_lang, target_lang, source)
            if key in seen or not target.strip():
                continue
            seen.add(key)
            rows.append(dict(entry_key=key, skeleton_key=skeleton_key(source_lang, target_lang, source),
                             source_lang=source_lang, target_lang=target_lang, source_text=normalize_text(source),
                             target_text=target, origin="machine", engine=engine[:40],
                             source_words=word_count(source), created_at=now, updated_at=now, use_count=0))
        if not rows:
            return 0
        insert = _insert(self.db_url)
        added = 0
        with get_engine(self.db_url).begin() as conn:
            for i in range(0, len(rows), 200):
                stmt = insert(MemoryEntry.__table__).values(rows[i:i + 200]).on_conflict_do_nothing(
                    index_elements=["entry_key"]).returning(MemoryEntry.__table__.c.id)
                added += len(conn.execute(stmt).fetchall())
        return added

    def confirm(self, source_lang: str, target_lang: str, source: str, target: str, *, by: str,
                at: datetime | None = None, origin: str = "confirmed", keep_newer: bool = False) -> ConfirmResult:
        """Store a validated translation (translator confirmation, TMX or XLIFF import)."""
        if origin not in VALIDATED:
            raise ValueError(f"origin must be one of {VALIDATED}, got {origin!r}")
        source_norm, target = normalize_text(source), target.strip()
        if not source_norm or not target:
            raise ValueError("source and target must not be empty")
        at = _aware(at) or _now()
        key = entry_key(source_lang, target_lang, source_norm)
        for attempt in range(2):
            try:
                return self._confirm_once(source_lang, target_lang, source_norm, target, by, at, origin, key, keep_newer)
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _confirm_once(self, source_lang, target_lang, source_norm, target, by, at, origin, key, keep_newer):
        now = _now()
        with session_scope(self.db_url) as s:
            row = s.scalar(select(MemoryEntry).where(MemoryEntry.entry_key == key))
            if row is None:
                row = MemoryEntry(entry_key=key, skeleton_key=skeleton_key(source_lang, target_lang, source_norm),
                                  source_lang=source_lang, target_lang=target_lang, source_text=source_norm,
                                  target_text=target, origin=origin, engine=None, source_words=word_count(source_norm),
                                  created_at=now, updated_at=now, confirmed_by=by, confirmed_at=at, use_count=0)
                s.add(row)
                s.flush()
                status = "added"
            else:
                previously_validated = row.origin in VALIDATED
                if previously_validated and row.target_text == target:
                    return ConfirmResult("unchanged", row.id)
                if previously_validated and keep_newer and row.confirmed_at and _aware(row.confirmed_at) > at:
                    return ConfirmResult("kept-newer", row.id)
                if previously_validated:
                    s.add(MemoryHistory(entry_key=key, source_lang=source_lang, target_lang=target_lang,
                                        source_text=row.source_text, target_text=row.target_text, origin=row.origin,
                                        confirmed_by=row.confirmed_by, confirmed_at=row.confirmed_at,
                                        replaced_at=now, replaced_by=by))
                row.target_text, row.origin, row.engine = target, origin, None
                row.confirmed_by, row.confirmed_at, row.updated_at = by, at, now
                status = "updated"
            existing = set(s.scalars(select(MemoryToken.token).where(MemoryToken.entry_id == row.id)))
            for token in index_tokens(source_norm):
                if token not in existing:
                    s.add(MemoryToken(entry_id=row.id, token=token))
            return ConfirmResult(status, row.id)

    def delete_entry(self, entry_id: int) -> bool:
        with session_scope(self.db_url) as s:
            return (s.execute(delete(MemoryEntry).where(MemoryEntry.id == entry_id)).rowcount or 0) > 0

    def purge_machine(self, older_than: timedelta) -> int:
        """Delete unconfirmed machine output not used for `older_than`."""
        cutoff = _now() - older_than
        with session_scope(self.db_url) as s:
            result = s.execute(delete(MemoryEntry).where(
                MemoryEntry.origin == "machine", MemoryEntry.updated_at < cutoff,
                (MemoryEntry.last_used_at.is_(None)) | (MemoryEntry.last_used_at < cutoff)))
            return result.rowcount or 0

    # -- reading ---------------------------------------------------------------------------------

    def entries(self, source_lang: str | None = None, target_lang: str | None = None, *,
                origins: Iterable[str] = VALIDATED, limit: int | None = None, offset: int = 0) -> list[MemoryEntry]:
        with session_scope(self.db_url) as s:
            q = select(MemoryEntry).where(MemoryEntry.origin.in_(list(origins)))
            if source_lang:
                q = q.where(MemoryEntry.source_lang == source_lang)
            if target_lang:
                q = q.where(MemoryEntry.target_lang == target_lang)
            q = q.order_by(MemoryEntry.id).offset(offset)
            if limit:
                q = q.limit(limit)
            return list(s.scalars(q))

    def history(self, source_lang: str, target_lang: str, source: str) -> list[MemoryHistory]:
        key = entry_key(source_lang, target_lang, source)
        with session_scope(self.db_url) as s:
            return list(s.scalars(select(MemoryHistory).where(MemoryHistory.entry_key == key).order_by(MemoryHistory.id)))

    def stats(self) -> dict:
        with session_scope(self.db_url) as s:
            rows = s.execute(select(MemoryEntry.source_lang, MemoryEntry.target_lang, MemoryEntry.origin,
                                    func.count(MemoryEntry.id))
                             .group_by(MemoryEntry.source_lang, MemoryEntry.target_lang, MemoryEntry.origin)).all()
        pairs: dict[str, dict[str, int]] = {}
        for src, tgt, origin, count in rows:
            pairs.setdefault(f"{src}-{tgt}", {})[origin] = count
        return {"pairs": pairs, "total": sum(sum(v.values()) for v in pairs.values())}


def entry_public(row: MemoryEntry) -> dict:
    return {"id": row.id, "source_lang": row.source_lang, "target_lang": row.target_lang, "source": row.source_text,
            "target": row.target_text, "origin": row.origin, "engine": row.engine,
            "confirmed_by": row.confirmed_by,
            "confirmed_at": _aware(row.confirmed_at).isoformat() if row.confirmed_at else None,
            "use_count": row.use_count, "updated_at": _aware(row.updated_at).isoformat()}
