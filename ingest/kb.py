"""KnowledgeBase: incremental, crash-safe ingestion and hybrid search over legal units.

Stores (all under settings.data_dir unless a Chroma server is configured):
- catalog.sqlite: files, chunks, BM25 (FTS5) index: the source of truth;
- chroma/: dense vectors (or the Chroma server at LIAISON_CHROMA_URL).

Write order for a changed file: vectors are upserted into Chroma first (idempotent, ids from content),
then the catalog transaction swaps the file's chunks, then stale vectors are deleted. A process killed
anywhere leaves at worst vectors the catalog does not know (deleted by `reconcile`) or a file whose
catalog state is still the old one (re-done by the next run, re-using vectors already in Chroma).
"""
from __future__ import annotations

import fcntl
import fnmatch
import hashlib
import logging
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ingest.analysis import legal_tokens
from ingest.index.catalog import Catalog, check_filters, file_key
from ingest.index.dense import DenseStore, chroma_where
from ingest.types import OPEN_ENDED, Chunk, Hit, ParseError

log = logging.getLogger("liaison.kb")

METHODS = ("hybrid", "bm25", "dense")
MAX_QUERY_CHARS = 4000


@dataclass
class FileOutcome:
    path: str
    status: str  # added | updated | unchanged | deleted | failed | skipped
    chunks: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> dict[str, Any]:
        return {
            "added": self.count("added"), "updated": self.count("updated"), "unchanged": self.count("unchanged"),
            "deleted": self.count("deleted"), "failed": self.count("failed"), "skipped": self.count("skipped"),
            "chunks_added": self.chunks_added, "chunks_removed": self.chunks_removed,
            "chunks_embedded": self.chunks_embedded, "seconds": round(self.seconds, 2),
            "failures": [{"path": o.path, "reason": o.reason} for o in self.failed],
        }


def _count(report: IngestReport) -> None:
    from liaison import metrics

    for outcome in report.outcomes:
        metrics.INGEST_FILES.labels(outcome.status).inc()
    metrics.INGEST_CHUNKS.inc(report.chunks_embedded)
    metrics.TASK_DURATION.labels("ingest").observe(report.seconds)


class IngestBusyError(RuntimeError):
    pass


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class _Pending:
    key: str
    source: str
    root: str
    rel: str
    file_hash: str
    size: int
    chunks: list[Chunk]
    existed: bool


def _not_regular(path: Path) -> bool:
    try:
        return not stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return True


class KnowledgeBase:
    def __init__(self, settings) -> None:
        from ingest.embeddings import get_embeddings

        self.settings = settings
        data_dir = Path(settings.data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(data_dir / "catalog.sqlite")
        self.embeddings = get_embeddings(settings.embedding_backend, settings.embedding_model)
        if settings.embedding_cache:
            from ingest.embedding_cache import CachedEmbeddings, EmbeddingCache

            cache_path = Path(settings.embedding_cache).expanduser()
            self.embeddings = CachedEmbeddings(self.embeddings, EmbeddingCache(cache_path))
        stored_model = self.catalog.get_meta("embedding_model")
        self.dense = DenseStore(
            chroma_url=settings.chroma_url, persist_dir=data_dir / "chroma", collection=settings.collection,
            model_id=self.embeddings.model_id, dim=self.embeddings.dim,
        )
        self.titles = DenseStore(
            chroma_url=settings.chroma_url, persist_dir=data_dir / "chroma", collection=settings.collection + "_titles",
            model_id=self.embeddings.model_id, dim=self.embeddings.dim,
        )
        if stored_model is None:
            self.catalog.set_meta("embedding_model", self.embeddings.model_id)
        self._lock_path = data_dir / "ingest.lock"
        # Query vectors are reused within a process: the assistant searches the same question several
        # times (routes, filters), and public questions repeat. Vectors are read-only.
        self._query_vector = lru_cache(maxsize=settings.query_vector_cache_size)(self._embed_query)

    def _embed_query(self, query: str) -> np.ndarray:
        vector = self.embeddings.embed_matrix([query], is_query=True)[0]
        vector.flags.writeable = False
        return vector

    def close(self) -> None:
        self.catalog.close()

    # ------------------------------------------------------------------------------ ingestion
    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self._lock_path.open("a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise IngestBusyError(f"another ingest is running on {self.settings.data_dir}") from exc
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def reconcile(self, *, delete_orphans: bool = True, add_missing: bool = True) -> dict[str, int]:
        """Make Chroma hold exactly the catalog's chunks (after a crash): embed chunks whose vectors
        are missing, delete vectors the catalog does not know. An ingest adds missing vectors first
        and deletes orphans only at the end, so vectors a killed run computed are re-used."""
        catalog_ids = self.catalog.all_chunk_ids()
        deleted = added = 0
        for store, wants_vector, embed in (
            (self.dense, lambda s: True, self._embed_and_upsert),
            (self.titles, lambda s: bool(title_text(s.metadata)), self._embed_titles),
        ):
            store_ids = store.all_ids()
            if delete_orphans and (orphans := store_ids - catalog_ids):
                store.delete(sorted(orphans))
                deleted += len(orphans)
            if add_missing and (absent := catalog_ids - store_ids):
                stored = [s for s in self.catalog.chunks_by_ids(absent).values() if wants_vector(s)]
                if stored:
                    embed([Chunk(s.text, s.metadata) for s in stored], [s.id for s in stored])
                    added += len(stored)
        if deleted or added:
            log.warning("reconciled index: %d orphan vectors deleted, %d missing vectors added", deleted, added)
        return {"orphans_deleted": deleted, "missing_added": added}

    def _iter_files(self, root: Path) -> Iterator[Path]:
        ignore = self.settings.ingest_ignore
        if root.is_file():
            yield root
            return
        for dirpath, dirnames, filenames in os.walk(root):  # (os.walk never descends into a linked folder)
            # Linked folders are listed with the files, so the run reports them as refused.
            links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in links)
            for name in sorted(filenames + links):
                yield Path(dirpath) / name

    def _ignored(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name, pat) for pat in self.settings.ingest_ignore)

    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        prune: bool = False,
        source: str | None = None,
        progress: Callable[[str], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> IngestReport:
        from ingest.parsers import SUPPORTED_SUFFIXES, parse_file

        report = IngestReport()
        started = time.perf_counter()
        with self._exclusive():
            self.reconcile(delete_orphans=False)
            plan: list[tuple[Path, Path, str]] = []  # (file, root, source)
            for raw in paths:
                given = Path(raw)
                if not given.exists():
                    report.outcomes.append(FileOutcome(str(raw), "failed", reason="no such file or directory"))
                    continue
                resolved = given.resolve()
                root = resolved.parent if resolved.is_file() else resolved
                src = source or root.name
                plan.extend((f, root, src) for f in self._iter_files(resolved))
            if on_total:
                on_total(len(plan))
            seen: dict[str, set[str]] = {}
            batch: list[_Pending] = []
            batch_chunks = 0
            for file, root, src in plan:
                rel = file.relative_to(root).as_posix()
                seen.setdefault(src, set()).add(rel)
                key = file_key(src, rel)
                if progress:
                    progress(rel)
                if _not_regular(file):
                    # lstat: a link to /etc/passwd (or a linked folder) must not be indexed and made searchable.
                    report.outcomes.append(FileOutcome(rel, "skipped", reason="symbolic link or special file "
                                                       "refused: ingest reads regular files inside the folder only"))
                    continue
                if self._ignored(file.name):
                    report.outcomes.append(FileOutcome(rel, "skipped", reason="ignored (metadata or hidden file)"))
                    continue
                if file.suffix.lower() not in SUPPORTED_SUFFIXES:
                    report.outcomes.append(FileOutcome(rel, "skipped", reason=f"unsupported file type {file.suffix or '(none)'}"))
                    continue
                try:
                    size = file.stat().st_size
                    if size > self.settings.max_file_bytes:
                        raise ParseError(f"file too large: {size} bytes > limit {self.settings.max_file_bytes} (LIAISON_MAX_FILE_BYTES)")
                    file_hash = _sha256_file(file)
                    existing = self.catalog.get_file(key)
                    if existing and existing.state == "done" and existing.file_hash == file_hash:
                        report.outcomes.append(FileOutcome(rel, "unchanged", existing.n_chunks))
                        continue
                    chunks = parse_file(file, root, source=src, settings=self.settings)
                except ParseError as exc:
                    self._fail(report, key, src, root, rel, file, str(exc))
                    continue
                except Exception as exc:  # a parser bug must not stop the run
                    log.exception("unexpected error parsing %s", file)
                    self._fail(report, key, src, root, rel, file, f"unexpected error: {type(exc).__name__}: {exc}")
                    continue
                if not chunks:
                    report.outcomes.append(FileOutcome(rel, "skipped", reason="no text units found"))
                    continue
                chunks = _dedupe(chunks)
                batch.append(_Pending(key, src, str(root), rel, file_hash, size, chunks,
                                      existed=bool(existing and existing.state == "done")))
                batch_chunks += len(chunks)
                if batch_chunks >= 4 * self.settings.embedding_batch_size:
                    self._commit_batch(batch, report)
                    batch, batch_chunks = [], 0
            if batch:
                self._commit_batch(batch, report)
            if prune:
                self._prune(seen, report)
            self.reconcile(add_missing=False)
        report.seconds = time.perf_counter() - started
        _count(report)
        return report

    def _fail(self, report: IngestReport, key: str, src: str, root: Path, rel: str, file: Path, reason: str) -> None:
        size = file.stat().st_size if file.exists() else 0
        self.catalog.record_failure(key=key, source=src, root=str(root), path=rel, size=size, error=reason)
        report.outcomes.append(FileOutcome(rel, "failed", reason=reason))

    def _commit_batch(self, batch: list[_Pending], report: IngestReport) -> None:
        # 1) vectors for chunks the catalog does not have yet (and Chroma neither, after a crash)
        new_chunks: dict[str, Chunk] = {}
        for p in batch:
            known = self.catalog.chunk_ids_of_file(p.key)
            for c in p.chunks:
                if c.id not in known:
                    new_chunks[c.id] = c
        ids = list(new_chunks)
        already = self.dense.existing(ids) if ids else set()
        to_embed = [cid for cid in ids if cid not in already]
        self._embed_and_upsert([new_chunks[c] for c in to_embed], to_embed)
        titled = [cid for cid in ids if title_text(new_chunks[cid].metadata)]
        have_title = self.titles.existing(titled) if titled else set()
        titled = [cid for cid in titled if cid not in have_title]
        self._embed_titles([new_chunks[c] for c in titled], titled)
        report.chunks_embedded += len(to_embed)
        # 2) catalog swap per file, 3) stale vectors out
        for p in batch:
            old_ids = self.catalog.chunk_ids_of_file(p.key)
            added, removed = self.catalog.replace_file(
                key=p.key, source=p.source, root=p.root, path=p.rel, file_hash=p.file_hash, size=p.size, chunks=p.chunks)
            stale = old_ids - {c.id for c in p.chunks}
            if stale:
                self.dense.delete(sorted(stale))
                self.titles.delete(sorted(stale))
            report.chunks_added += added
            report.chunks_removed += removed
            report.outcomes.append(FileOutcome(p.rel, "updated" if p.existed else "added", len(p.chunks)))

    def _embed_and_upsert(self, chunks: list[Chunk], ids: list[str]) -> None:
        bs = self.settings.embedding_batch_size
        for i in range(0, len(chunks), bs):
            part = chunks[i : i + bs]
            vectors = self.embeddings.embed_matrix([c.text for c in part])
            self.dense.upsert(ids[i : i + bs], vectors, [c.text for c in part], [c.metadata for c in part])

    def _embed_titles(self, chunks: list[Chunk], ids: list[str]) -> None:
        """One 'query:'-side vector per unit title (its first chunk): questions are matched to titles
        question-to-question, the symmetric use e5 recommends."""
        bs = self.settings.embedding_batch_size
        for i in range(0, len(chunks), bs):
            part = chunks[i : i + bs]
            texts = [title_text(c.metadata) for c in part]
            vectors = self.embeddings.embed_matrix(texts, is_query=True, cacheable=True)
            self.titles.upsert(ids[i : i + bs], vectors, texts, [c.metadata for c in part])

    def _prune(self, seen: dict[str, set[str]], report: IngestReport) -> None:
        for src, rels in seen.items():
            for rec in self.catalog.files(source=src):
                if rec.path not in rels:
                    ids = self.catalog.delete_file(rec.key)
                    self.dense.delete(sorted(ids))
                    self.titles.delete(sorted(ids))
                    report.chunks_removed += len(ids)
                    report.outcomes.append(FileOutcome(rec.path, "deleted", len(ids)))

    # ------------------------------------------------------------------------------ search
    def search(
        self,
        query: str,
        k: int = 10,
        filters: dict[str, Any] | None = None,
        method: str = "hybrid",
        as_of: int | None = None,
    ) -> list[Hit]:
        """Best units for `query`. With `as_of` (YYYYMMDD), each unit is served in the version in force
        that day: units are found by their current text (a superseded version is no longer in the
        search index, only in the catalog's `units`), then a unit with no version in force that day
        is left out and one whose version that day is an older one is given with that version."""
        if not as_of:
            return self._search(query, k, filters, method, None)
        if not 1 <= k <= 200:
            raise ValueError("k must be between 1 and 200")
        hits = self._search(query, min(200, max(3 * k, 50)), filters, method, None)
        out: list[Hit] = []
        for hit in hits:
            dated = self._hit_as_of(hit, as_of)
            if dated is not None:
                out.append(dated)
            if len(out) >= k:
                break
        return out

    def version_in_force(self, path: str, ref: str, as_of: int):
        """(versions known, the stored version in force on `as_of` or None)."""
        versions = self.catalog.unit_versions(path, ref)
        ordered = sorted(versions, key=lambda v: (not v.current, -v.valid_from))
        return versions, next((v for v in ordered if v.in_force(as_of)), None)

    def _hit_as_of(self, hit: Hit, as_of: int) -> Hit | None:
        versions, version = self.version_in_force(hit.path, hit.ref, as_of)
        if not versions:  # an index without unit versions: the chunk's own dates decide
            m = hit.metadata
            return hit if int(m.get("valid_from") or 0) <= as_of < int(m.get("valid_to") or OPEN_ENDED) else None
        if version is None:
            return None
        if version.current and version.unit_hash == hit.metadata.get("unit_hash"):
            return hit
        meta = {**version.metadata, "valid_from": version.valid_from, "valid_to": version.valid_to,
                "version_id": version.id}
        head = "\n".join(dict.fromkeys(x for x in (meta.get("hierarchy"), meta.get("title")) if x))
        return Hit(chunk_id=hit.chunk_id, text=f"{head}\n{version.text}" if head else version.text, score=hit.score,
                   metadata=meta)

    def _search(self, query: str, k: int, filters: dict[str, Any] | None, method: str,
                as_of: int | None) -> list[Hit]:
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; allowed: {', '.join(METHODS)}")
        query = (query or "").strip()
        if not query:
            raise ValueError("empty query")
        if len(query) > MAX_QUERY_CHARS:
            raise ValueError(f"query too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
        if not 1 <= k <= 200:
            raise ValueError("k must be between 1 and 200")
        filters = check_filters(filters)
        n = max(self.settings.candidates, 3 * k)

        dense: dict[str, float] = {}
        lexical: dict[str, float] = {}
        qvec = None
        if method in ("dense", "hybrid"):
            qvec = self._query_vector(query)
            dense = dict(self.dense.query(qvec, n, chroma_where(filters, as_of)))
        if method in ("bm25", "hybrid"):
            lexical = dict(self.catalog.bm25(query, limit=n, filters=filters, as_of=as_of))

        # Exact legal references in the query (R767-2, F3155) pull their own unit up (hybrid only:
        # the single methods stay pure for comparison).
        refs = legal_tokens(query) if method == "hybrid" else []
        ref_ids = self.catalog.find_units_by_ref(refs) if refs else []
        if ref_ids and (filters or as_of):
            allowed = self.catalog.allowed_ids(filters, as_of) or set()
            ref_ids = [cid for cid in ref_ids if cid in allowed]

        title_scores: dict[str, float] = {}
        if method == "hybrid" and (self.settings.fusion_title_weight > 0 or self.settings.fusion_question_title_weight > 0):
            title_scores = dict(self.titles.query(qvec, n, chroma_where(filters, as_of)))
        if method == "dense":
            scores = dense
        elif method == "bm25":
            scores = lexical
        else:
            scores = self._fuse(query, qvec, dense, lexical, extra=[*ref_ids, *title_scores])
        units = self._group_units(scores, hybrid=method == "hybrid")
        if title_scores:
            self._add_title_signal(units, title_scores, qvec)
        if ref_ids:
            top = max((u[1] for u in units.values()), default=1.0) or 1.0
            cited_units = self._units_of(ref_ids)
            for unit, (cid, score) in list(units.items()):
                if unit in cited_units:
                    units[unit] = (cid, score + self.settings.reference_boost * top)
        return self._to_hits(units, k)

    def _group_units(self, scores: dict[str, float], hybrid: bool) -> dict[str, tuple[str, float]]:
        """{unit_key: (best chunk id, unit score)}. Hybrid: the unit's lead chunk gets a small prior
        and its second-best chunk adds a share (a unit that answers in several places ranks higher)."""
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:400]
        keys = self.catalog.unit_keys([cid for cid, _ in ranked])
        prior = self.settings.fusion_first_chunk_prior if hybrid else 0.0
        second_w = self.settings.fusion_second_chunk_weight if hybrid else 0.0
        per_unit: dict[str, list[tuple[float, str]]] = {}
        for cid, score in ranked:
            if cid not in keys:
                continue  # vector without catalog row (mid-crash state): never shown
            unit, index = keys[cid]
            per_unit.setdefault(unit, []).append((score + (prior if index == 0 else 0.0), cid))
        units: dict[str, tuple[str, float]] = {}
        for unit, scored in per_unit.items():
            scored.sort(reverse=True)
            total = scored[0][0] + (second_w * scored[1][0] if len(scored) > 1 else 0.0)
            units[unit] = (scored[0][1], total)
        return units

    def _units_of(self, chunk_ids: Sequence[str]) -> set[str]:
        return {unit for unit, _ in self.catalog.unit_keys(chunk_ids).values()}

    def _add_title_signal(self, units: dict[str, tuple[str, float]], title_scores: dict[str, float], qvec) -> None:
        first_chunks = self.catalog.first_chunk_ids(list(units))
        # only units whose own title is descriptive (an index built by an older version may hold others)
        firsts = self.catalog.chunks_by_ids(first_chunks.values())
        titled = {cid for cid, c in firsts.items() if title_text(c.metadata)}
        missing = [cid for cid in titled if cid not in title_scores]
        for cid, vec in self.titles.vectors(missing).items():
            title_scores[cid] = float(vec @ qvec)
        raw = {u: (title_scores.get(first_chunks[u]) if first_chunks.get(u) in titled else None) for u in units}
        known = [v for v in raw.values() if v is not None]
        if not known:
            return
        # A unit with no descriptive title counts as typical (the median), so mixed corpora (titled
        # fiches beside untitled articles) do not push untitled units down.
        neutral = float(np.median(known))
        norm = _minmax({u: (v if v is not None else neutral) for u, v in raw.items()})
        w = self.settings.fusion_title_weight
        w_question = self.settings.fusion_question_title_weight
        questions = {u for u in units if first_chunks.get(u) in titled
                     and _is_question(title_text(firsts[first_chunks[u]].metadata))}
        for u, (cid, score) in units.items():
            units[u] = (cid, score + (w_question if u in questions else w) * norm[u])

    def _fuse(self, query: str, qvec: np.ndarray, dense: dict[str, float], lexical: dict[str, float],
              extra: Sequence[str] = ()) -> dict[str, float]:
        """Score every candidate with BOTH retrievers (no 'missing = 0' artefact), normalise each
        score list to [0, 1] over the candidate set, and combine with a tuned weight."""
        union = set(dense) | set(lexical) | set(extra)
        if not union:
            return {}
        missing_dense = [cid for cid in union if cid not in dense]
        if missing_dense:
            for cid, vec in self.dense.vectors(missing_dense).items():
                dense[cid] = float(vec @ qvec)
        missing_lex = [cid for cid in union if cid not in lexical]
        if missing_lex:
            lexical.update(self.catalog.bm25(query, limit=len(missing_lex), restrict_ids=missing_lex))
        d = _minmax({cid: dense.get(cid, 0.0) for cid in union})
        b_max = max(lexical.values(), default=0.0)
        w_dense = self.settings.fusion_dense_weight
        w_bm25 = self.settings.fusion_bm25_weight
        return {cid: w_dense * d[cid] + w_bm25 * (lexical.get(cid, 0.0) / b_max if b_max > 0 else 0.0) for cid in union}

    def _to_hits(self, units: dict[str, tuple[str, float]], k: int) -> list[Hit]:
        ranked = sorted(units.values(), key=lambda cs: cs[1], reverse=True)[:k]
        stored = self.catalog.chunks_by_ids([cid for cid, _ in ranked])
        return [Hit(chunk_id=cid, text=stored[cid].text, score=float(score), metadata=stored[cid].metadata)
                for cid, score in ranked if cid in stored]

    def get_unit(self, path: str, ref: str, as_of: int | None = None) -> list[Hit]:
        """All chunks of one unit (article, fiche...), in order. With several versions, the one in
        force at `as_of` (default: the latest version)."""
        chunks = self.catalog.unit_chunks(path, ref)
        if not chunks:
            return []
        if as_of:
            chunks = [c for c in chunks if c.metadata.get("valid_from", 0) <= as_of < c.metadata.get("valid_to", 99991231)]
        if chunks:
            latest = chunks[0].metadata.get("valid_from", 0)
            chunks = sorted((c for c in chunks if c.metadata.get("valid_from", 0) == latest),
                            key=lambda c: c.metadata.get("chunk_index", 0))
        return [Hit(c.id, c.text, 1.0, c.metadata) for c in chunks]

    def gaps(self, query: str, language: str = "en") -> list:
        """Instruments and articles named in `query` that the base does not hold (ingest.gaps)."""
        from ingest.gaps import find_gaps

        return find_gaps(self.catalog, query, self._registry(), language)

    def holdings(self) -> list[dict[str, Any]]:
        """Per registry source: whether the base holds it (ingest.gaps.holdings)."""
        from ingest.gaps import holdings

        return holdings(self.catalog, self._registry())

    def _registry(self) -> list:
        if getattr(self, "_registry_cache", None) is None:
            try:
                from ingest.sources import load_registry

                self._registry_cache = load_registry()
            except (ImportError, ValueError, OSError) as exc:  # a broken registry must not break search
                log.warning("registry of sources unavailable: %s", exc)
                self._registry_cache = []
        return self._registry_cache

    def unit_versions(self, path: str, ref: str) -> list:
        """Every stored version of one unit (verbatim text, dates), newest first; see Catalog.units."""
        return self.catalog.unit_versions(path, ref)

    def stats(self) -> dict[str, Any]:
        return {**self.catalog.counts(), "vectors": self.dense.count(), "embedding_model": self.embeddings.model_id,
                "sources": self.catalog.source_counts()}


_GENERIC_TITLE = re.compile(r"^\s*(article|art\.|annexe|annex|section|chapitre|chapter|titre|title|livre|book)\b[\s\w.\-]{0,12}$", re.I)


def title_text(metadata: dict[str, Any]) -> str:
    """The descriptive title of a unit, embedded for question-to-title matching ("Carte européenne
    d'assurance maladie", an FAQ question), on its first chunk only; "" for generic headings
    ("Article L761-2"). Section headings above a unit are not used: shared by many articles, they
    do not tell them apart and measurably hurt (evals/README.md)."""
    if int(metadata.get("chunk_index") or 0) != 0:
        return ""
    title = str(metadata.get("title") or "").strip()
    if len(title.split()) >= 3 and not _GENERIC_TITLE.match(title):
        return title[:300]
    return ""


def _is_question(title: str) -> bool:
    """FAQ-style title ("Le FCC, c'est quoi ?", "Who pays for my care?")."""
    return title.rstrip().endswith(("?", "？"))


def _minmax(values: dict[str, float]) -> dict[str, float]:
    lo, hi = min(values.values()), max(values.values())
    span = hi - lo
    return {k: ((v - lo) / span if span > 0 else 1.0) for k, v in values.items()}


def _dedupe(chunks: list[Chunk]) -> list[Chunk]:
    """Identical chunks (same id) inside one file are kept once."""
    seen: set[str] = set()
    out = []
    for c in chunks:
        if c.id not in seen:
            seen.add(c.id)
            out.append(c)
    return out
