"""The catalog: source of truth for what is indexed, and the persisted BM25 index.

One SQLite file holds files (with content hash and state), chunks (text + metadata) and an FTS5
table of pre-analysed tokens (ingest.analysis) scored with FTS5's Okapi BM25. Each file's change is
one transaction, so BM25 and the catalog can never disagree; the Chroma store is reconciled against
the catalog (see KnowledgeBase.reconcile).
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.analysis import analyze, analyze_query
from ingest.types import OPEN_ENDED, Chunk

# 2: the `units` table (verbatim text and every known version of each unit). An index written by
# schema 1 has no unit texts: opening it clears its file hashes so the next ingest re-parses every
# file (chunk ids and vectors are unchanged, so nothing is re-embedded).
SCHEMA_VERSION = "2"
# Title tokens weigh more than body tokens in BM25 (fiche titles, FAQ questions, article headings).
TITLE_WEIGHT, BODY_WEIGHT = 3.0, 1.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    key TEXT PRIMARY KEY, source TEXT NOT NULL, root TEXT NOT NULL, path TEXT NOT NULL,
    file_hash TEXT NOT NULL, size INTEGER NOT NULL, state TEXT NOT NULL, n_chunks INTEGER NOT NULL,
    error TEXT, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS files_source ON files(source);
CREATE TABLE IF NOT EXISTS chunks(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, file_key TEXT NOT NULL, unit_key TEXT NOT NULL,
    source TEXT, path TEXT, ref TEXT, title TEXT, instrument_type TEXT, language TEXT, countries TEXT,
    audience TEXT, valid_from INTEGER, valid_to INTEGER, chunk_index INTEGER, text TEXT NOT NULL,
    metadata TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_file ON chunks(file_key);
CREATE INDEX IF NOT EXISTS chunks_unit ON chunks(path, ref);
CREATE INDEX IF NOT EXISTS chunks_unit_key ON chunks(unit_key);
CREATE TABLE IF NOT EXISTS units(
    id INTEGER PRIMARY KEY, file_key TEXT NOT NULL, unit_key TEXT NOT NULL, path TEXT NOT NULL, ref TEXT NOT NULL,
    unit_hash TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL, version_date INTEGER NOT NULL,
    title TEXT, hierarchy TEXT, text TEXT NOT NULL, metadata TEXT NOT NULL, current INTEGER NOT NULL,
    first_seen TEXT NOT NULL, superseded_at TEXT, UNIQUE(unit_key, unit_hash, valid_from));
CREATE INDEX IF NOT EXISTS units_key ON units(unit_key);
CREATE INDEX IF NOT EXISTS units_ref ON units(ref);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, tokenize = "unicode61 remove_diacritics 0 tokenchars '-/'");
"""

# Filter keys that map to catalog columns (exact match) and their Chroma counterparts.
FILTER_COLUMNS = ("source", "path", "ref", "instrument_type", "language", "audience")
FILTER_KEYS = FILTER_COLUMNS + ("country",)


@dataclass
class FileRecord:
    key: str
    source: str
    root: str
    path: str
    file_hash: str
    size: int
    state: str
    n_chunks: int
    error: str | None


@dataclass
class UnitVersion:
    """One version of one unit, with its text as the source gives it."""

    id: int
    path: str
    ref: str
    unit_hash: str
    valid_from: int
    valid_to: int
    version_date: int
    title: str
    hierarchy: str
    text: str
    metadata: dict[str, Any]
    current: bool
    first_seen: str
    superseded_at: str | None

    def in_force(self, day: int) -> bool:
        return self.valid_from <= day < self.valid_to


_UNIT_COLUMNS = ("id, path, ref, unit_hash, valid_from, valid_to, version_date, title, hierarchy, text, metadata, "
                 "current, first_seen, superseded_at")


def _unit_version(row: tuple) -> UnitVersion:
    values = list(row)
    values[10] = json.loads(values[10])
    values[11] = bool(values[11])
    return UnitVersion(*values)


@dataclass
class StoredChunk:
    rowid: int
    id: str
    unit_key: str
    text: str
    metadata: dict[str, Any]


def file_key(source: str, path: str) -> str:
    return f"{source}\x1f{path}"


def unit_key(metadata: dict[str, Any]) -> str:
    return f"{metadata.get('path', '')}#{metadata.get('ref', '')}"


def check_filters(filters: dict[str, Any] | None) -> dict[str, Any]:
    """Validate filter keys (error lists the allowed ones); values are strings."""
    filters = dict(filters or {})
    unknown = sorted(set(filters) - set(FILTER_KEYS))
    if unknown:
        raise ValueError(f"unknown filter key(s) {', '.join(unknown)}; allowed: {', '.join(FILTER_KEYS)}")
    return {k: str(v) for k, v in filters.items() if v not in (None, "")}


class Catalog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        with self._conn() as conn:
            conn.executescript(_SCHEMA)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
            stored = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
            if stored != SCHEMA_VERSION:
                self._upgrade(conn, stored)

    @staticmethod
    def _upgrade(conn: sqlite3.Connection, stored: str) -> None:
        """Schema 1 -> 2: files indexed before unit texts were stored get an empty hash, so the next
        ingest re-parses them and fills `units` (vectors are re-used: chunk ids do not change)."""
        if stored == "1":
            conn.execute("UPDATE files SET file_hash='' WHERE state='done' AND key NOT IN (SELECT file_key FROM units)")
        conn.execute("UPDATE meta SET value=? WHERE key='schema_version'", (SCHEMA_VERSION,))

    # One connection per thread (API workers use threads); WAL lets readers run during an ingest.
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._conn().execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- files ------------------------------------------------------------------------------
    def get_file(self, key: str) -> FileRecord | None:
        row = self._conn().execute(
            "SELECT key, source, root, path, file_hash, size, state, n_chunks, error FROM files WHERE key=?", (key,)
        ).fetchone()
        return FileRecord(*row) if row else None

    def files(self, source: str | None = None) -> list[FileRecord]:
        sql = "SELECT key, source, root, path, file_hash, size, state, n_chunks, error FROM files"
        args: tuple = ()
        if source is not None:
            sql += " WHERE source=?"
            args = (source,)
        return [FileRecord(*r) for r in self._conn().execute(sql + " ORDER BY key", args)]

    def chunk_ids_of_file(self, key: str) -> set[str]:
        return {r[0] for r in self._conn().execute("SELECT id FROM chunks WHERE file_key=?", (key,))}

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self._conn().execute("SELECT id FROM chunks")}

    def replace_file(
        self, *, key: str, source: str, root: str, path: str, file_hash: str, size: int,
        chunks: Sequence[Chunk],
    ) -> tuple[int, int]:
        """Make the file's chunks exactly `chunks` in one transaction; returns (added, removed)."""
        conn = self._conn()
        new_ids = {c.id: c for c in chunks}
        conn.execute("BEGIN IMMEDIATE")
        try:
            old = dict(conn.execute("SELECT id, rowid FROM chunks WHERE file_key=?", (key,)).fetchall())
            removed = [rowid for cid, rowid in old.items() if cid not in new_ids]
            for rowid in removed:
                conn.execute("DELETE FROM fts WHERE rowid=?", (rowid,))
                conn.execute("DELETE FROM chunks WHERE rowid=?", (rowid,))
            added = 0
            for cid, chunk in new_ids.items():
                if cid in old:
                    continue
                self._insert_chunk(conn, key, cid, chunk)
                added += 1
            self._record_units(conn, key, chunks)
            conn.execute(
                "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?)",
                (key, source, root, path, file_hash, size, "done", len(new_ids), None, _now()),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return added, len(removed)

    def _insert_chunk(self, conn: sqlite3.Connection, key: str, cid: str, chunk: Chunk) -> None:
        m = chunk.metadata
        language = str(m.get("language") or "fr")
        cur = conn.execute(
            "INSERT INTO chunks(id, file_key, unit_key, source, path, ref, title, instrument_type, language, "
            "countries, audience, valid_from, valid_to, chunk_index, text, metadata) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (cid, key, unit_key(m), m.get("source", ""), m.get("path", ""), m.get("ref", ""), m.get("title", ""),
             m.get("instrument_type", ""), language, m.get("countries", ""), m.get("audience", ""),
             int(m.get("valid_from") or 0), int(m.get("valid_to") or OPEN_ENDED), int(m.get("chunk_index") or 0),
             chunk.text, json.dumps(m, ensure_ascii=False, sort_keys=True)),
        )
        title_text = " ".join(str(m.get(k, "")) for k in ("title", "ref"))
        conn.execute(
            "INSERT INTO fts(rowid, title, body) VALUES (?,?,?)",
            (cur.lastrowid, " ".join(analyze(title_text, language)), " ".join(analyze(chunk.text, language))),
        )

    def _record_units(self, conn: sqlite3.Connection, key: str, chunks: Sequence[Chunk]) -> None:
        """Store each unit version of the file (verbatim text, dates). A version the file no longer
        carries is kept, marked not current: when the source gave no end date, it ends the day its
        successor was ingested (and a successor with no start date starts that day)."""
        today = _today()
        now = _now()
        fresh: dict[tuple[str, str, int], Chunk] = {}
        for chunk in chunks:
            if chunk.unit_text is None:
                continue
            m = chunk.metadata
            fresh[(unit_key(m), str(m.get("unit_hash", "")), int(m.get("valid_from") or 0))] = chunk
        # matched on the source's own start date (metadata), not the stored one: a dateless version
        # stored as starting on its ingest day is the same version when the file is parsed again
        old = {(r[1], r[2], int(r[3] or 0)): (r[0], r[4], r[5]) for r in conn.execute(
            "SELECT id, unit_key, unit_hash, json_extract(metadata, '$.valid_from'), valid_to, valid_from FROM units "
            "WHERE file_key=? AND current=1", (key,))}
        changed = {ukey for (ukey, uhash, start) in old if (ukey, uhash, start) not in fresh}
        for (ukey, uhash, valid_from), chunk in fresh.items():
            if (ukey, uhash, valid_from) in old:
                continue
            m = chunk.metadata
            start = valid_from or (today if ukey in changed else 0)
            values = (key, ukey, str(m.get("path", "")), str(m.get("ref", "")), uhash, start,
                      int(m.get("valid_to") or OPEN_ENDED), int(m.get("version_date") or 0), str(m.get("title", "")),
                      str(m.get("hierarchy", "")), chunk.unit_text, json.dumps(m, ensure_ascii=False, sort_keys=True), now)
            cur = conn.execute(
                "INSERT OR IGNORE INTO units(file_key, unit_key, path, ref, unit_hash, valid_from, valid_to, version_date, "
                "title, hierarchy, text, metadata, current, first_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?)", values)
            if not cur.rowcount:  # this very version is known already (e.g. restored): current again
                conn.execute("UPDATE units SET current=1, superseded_at=NULL, file_key=?, valid_to=? "
                             "WHERE unit_key=? AND unit_hash=? AND valid_from=?",
                             (key, values[6], ukey, uhash, start))
        for (ukey, uhash, source_from), (row_id, valid_to, valid_from) in old.items():
            if (ukey, uhash, source_from) in fresh:
                continue
            successors = [k[2] or today for k in fresh if k[0] == ukey]
            end = valid_to
            if valid_to == OPEN_ENDED:
                later = [s for s in successors if s > valid_from]
                end = min(later) if later else max(today, valid_from + 1)
            conn.execute("UPDATE units SET current=0, superseded_at=?, valid_to=? WHERE id=?", (now, end, row_id))

    def record_failure(self, *, key: str, source: str, root: str, path: str, size: int, error: str) -> None:
        """Remember a failed file without touching chunks already indexed from an earlier version."""
        conn = self._conn()
        existing = self.get_file(key)
        if existing:
            conn.execute("UPDATE files SET error=?, updated_at=? WHERE key=?", (error, _now(), key))
        else:
            conn.execute(
                "INSERT INTO files VALUES (?,?,?,?,?,?,?,?,?,?)",
                (key, source, root, path, "", size, "failed", 0, error, _now()),
            )

    def delete_file(self, key: str) -> set[str]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows = conn.execute("SELECT id, rowid FROM chunks WHERE file_key=?", (key,)).fetchall()
            for _, rowid in rows:
                conn.execute("DELETE FROM fts WHERE rowid=?", (rowid,))
            conn.execute("DELETE FROM chunks WHERE file_key=?", (key,))
            conn.execute("DELETE FROM units WHERE file_key=?", (key,))
            conn.execute("DELETE FROM files WHERE key=?", (key,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return {cid for cid, _ in rows}

    # -- reads ------------------------------------------------------------------------------
    def chunks_by_ids(self, ids: Iterable[str]) -> dict[str, StoredChunk]:
        ids = list(ids)
        out: dict[str, StoredChunk] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            q = ",".join("?" * len(part))
            for rowid, cid, ukey, text, meta in self._conn().execute(
                f"SELECT rowid, id, unit_key, text, metadata FROM chunks WHERE id IN ({q})", part
            ):
                out[cid] = StoredChunk(rowid, cid, ukey, text, json.loads(meta))
        return out

    def unit_keys(self, ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """{chunk id: (unit_key, chunk_index)}"""
        out: dict[str, tuple[str, int]] = {}
        ids = list(ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            q = ",".join("?" * len(part))
            for cid, ukey, index in self._conn().execute(
                f"SELECT id, unit_key, chunk_index FROM chunks WHERE id IN ({q})", part
            ):
                out[cid] = (ukey, index)
        return out

    def first_chunk_ids(self, unit_keys: Sequence[str]) -> dict[str, str]:
        """{unit_key: id of its first chunk} (latest version when several)."""
        out: dict[str, str] = {}
        keys = list(unit_keys)
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            q = ",".join("?" * len(part))
            for ukey, cid in self._conn().execute(
                f"SELECT unit_key, id FROM chunks WHERE unit_key IN ({q}) AND chunk_index=0 ORDER BY valid_from", part
            ):
                out[ukey] = cid
        return out

    def unit_chunks(self, path: str, ref: str) -> list[StoredChunk]:
        rows = self._conn().execute(
            "SELECT rowid, id, unit_key, text, metadata FROM chunks WHERE path=? AND ref=? "
            "ORDER BY valid_from DESC, chunk_index", (path, ref),
        ).fetchall()
        return [StoredChunk(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def unit_versions(self, path: str, ref: str) -> list[UnitVersion]:
        """Every stored version of one unit, newest first (current ones before superseded ones)."""
        rows = self._conn().execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE path=? AND ref=? ORDER BY valid_from DESC, current DESC, id DESC",
            (path, ref)).fetchall()
        return [_unit_version(r) for r in rows]

    def unit_version(self, version_id: int) -> UnitVersion | None:
        row = self._conn().execute(f"SELECT {_UNIT_COLUMNS} FROM units WHERE id=?", (version_id,)).fetchone()
        return _unit_version(row) if row else None

    def units_citing(self, refs: Sequence[str], limit: int = 50) -> list[tuple[str, str, str]]:
        """(path, ref, title) of current units whose `cites` holds one of `refs`."""
        out: list[tuple[str, str, str]] = []
        seen: set[tuple[str, str]] = set()
        for cited in refs:
            if not cited:
                continue
            for path, ref, title in self._conn().execute(
                "SELECT path, ref, title FROM units WHERE current=1 AND json_extract(metadata, '$.cites') LIKE ? "
                "ORDER BY path, ref LIMIT ?", (f"%|{cited}|%", limit)):
                if (path, ref) not in seen:
                    seen.add((path, ref))
                    out.append((path, ref, title))
        return out[:limit]

    def held_refs(self, refs: Sequence[str]) -> dict[str, tuple[str, str]]:
        """{REF upper: (path, ref)} of current units whose ref is one of `refs` (first by path)."""
        out: dict[str, tuple[str, str]] = {}
        refs = [r for r in refs if r]
        for i in range(0, len(refs), 500):
            part = [r.upper() for r in refs[i : i + 500]]
            q = ",".join("?" * len(part))
            for path, ref in self._conn().execute(
                f"SELECT path, ref FROM units WHERE current=1 AND upper(ref) IN ({q}) ORDER BY path DESC", part):
                out[ref.upper()] = (path, ref)
        return out

    # -- what the base holds (ingest.gaps) -------------------------------------------------------
    def _any(self, where: str, args: Sequence[Any]) -> bool:
        return self._conn().execute(f"SELECT 1 FROM units WHERE current=1 AND {where} LIMIT 1", list(args)).fetchone() is not None

    def holds_celex(self, core: str) -> bool:
        """Units of the EU act whose CELEX contains `core` ("2004R0883": original, consolidated...)."""
        return self._any("json_extract(metadata, '$.celex') LIKE ?", (f"%{core}%",))

    def holds_article_of_celex(self, core: str, article: str) -> bool:
        labels = [f"Article {article}"] + (["Article premier", "Article 1er"] if article == "1" else [])
        q = ",".join("?" * len(labels))
        return self._any(f"json_extract(metadata, '$.celex') LIKE ? AND (ref IN ({q}) OR "
                         f"json_extract(metadata, '$.ref_alias') IN ({q}))", (f"%{core}%", *labels, *labels))

    def holds_act_number(self, number: str) -> bool:
        """An EU act held without a CELEX in its metadata, named in its units' hierarchy (act title)."""
        return self._any("json_extract(metadata, '$.instrument_type') IN ('eu_regulation', 'eu_directive') "
                         "AND hierarchy LIKE ?", (f"%{number}%",))

    def holds_code_section(self, code: str, sections: Sequence[Sequence[str]]) -> bool:
        if not sections:
            return self._any("json_extract(metadata, '$.code') = ?", (code,))
        return any(self._any("json_extract(metadata, '$.code') = ?" + " AND hierarchy LIKE ?" * len(path),
                             (code, *[f"%{part}%" for part in path])) for path in sections)

    def holds_source(self, name: str) -> bool:
        return self._conn().execute("SELECT 1 FROM files WHERE source=? AND state='done' LIMIT 1", (name,)).fetchone() is not None

    def find_units_by_ref(self, refs: Sequence[str], limit: int = 50) -> list[str]:
        """Chunk ids of units whose ref is one of `refs` (case-insensitive), first chunk of each unit."""
        if not refs:
            return []
        q = ",".join("?" * len(refs))
        rows = self._conn().execute(
            f"SELECT id FROM chunks WHERE upper(ref) IN ({q}) AND chunk_index=0 LIMIT ?",
            [r.upper() for r in refs] + [limit],
        ).fetchall()
        return [r[0] for r in rows]

    def _filter_sql(self, filters: dict[str, Any], as_of: int | None) -> tuple[str, list[Any]]:
        clauses, args = [], []
        for key, value in filters.items():
            if key == "country":
                clauses.append("c.countries LIKE ?")
                args.append(f"%|{value.upper()}|%")
            else:
                clauses.append(f"c.{key} = ?")
                args.append(value)
        if as_of:
            clauses.append("c.valid_from <= ? AND c.valid_to > ?")
            args += [as_of, as_of]
        return (" AND " + " AND ".join(clauses)) if clauses else "", args

    def bm25(
        self, query: str, *, limit: int = 100, filters: dict[str, Any] | None = None, as_of: int | None = None,
        restrict_ids: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]:
        """(chunk id, BM25 score >= 0) best first. `restrict_ids` scores only those chunks."""
        terms = analyze_query(query)
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        where, args = self._filter_sql(filters or {}, as_of)
        if restrict_ids is not None:
            if not restrict_ids:
                return []
            where += f" AND c.id IN ({','.join('?' * len(restrict_ids))})"
            args += list(restrict_ids)
        sql = (
            f"SELECT c.id, bm25(fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS s FROM fts JOIN chunks c ON c.rowid = fts.rowid "
            f"WHERE fts MATCH ?{where} ORDER BY s LIMIT ?"
        )
        rows = self._conn().execute(sql, [match, *args, limit]).fetchall()
        return [(cid, -score) for cid, score in rows]

    def allowed_ids(self, filters: dict[str, Any], as_of: int | None) -> set[str] | None:
        """Chunk ids passing the filters (None when there is no filter)."""
        if not filters and not as_of:
            return None
        where, args = self._filter_sql(filters, as_of)
        return {r[0] for r in self._conn().execute(f"SELECT c.id FROM chunks c WHERE 1=1{where}", args)}

    def counts(self) -> dict[str, int]:
        conn = self._conn()
        return {
            "files": conn.execute("SELECT count(*) FROM files WHERE state='done'").fetchone()[0],
            "failed_files": conn.execute("SELECT count(*) FROM files WHERE state='failed'").fetchone()[0],
            "chunks": conn.execute("SELECT count(*) FROM chunks").fetchone()[0],
            "units": conn.execute("SELECT count(DISTINCT unit_key) FROM chunks").fetchone()[0],
        }

    def source_counts(self) -> dict[str, dict[str, int]]:
        rows = self._conn().execute(
            "SELECT f.source, count(DISTINCT f.key), count(c.rowid) FROM files f "
            "LEFT JOIN chunks c ON c.file_key = f.key WHERE f.state='done' GROUP BY f.source"
        ).fetchall()
        return {src: {"files": nf, "chunks": nc} for src, nf, nc in rows}


def _today() -> int:
    day = datetime.now(UTC).date()
    return day.year * 10000 + day.month * 100 + day.day


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
