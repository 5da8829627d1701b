"""Content-addressed cache of passage vectors (SQLite), shared by every data directory on a machine.

Re-indexing the same texts (a new data dir, a switch to a Chroma server, a rebuilt collection, the
test suite) then costs no model time. Only passages (document texts) are cached, never queries, so
what users type is not kept. Keys include the model id, so two models never share vectors.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

from ingest.embeddings import VectorEmbeddings


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._conn().execute("CREATE TABLE IF NOT EXISTS vectors(key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @staticmethod
    def key(model_id: str, text: str) -> str:
        return hashlib.sha256(f"{model_id}\x1f{text}".encode()).hexdigest()[:40]

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            q = ",".join("?" * len(part))
            for k, blob in self._conn().execute(f"SELECT key, vector FROM vectors WHERE key IN ({q})", part):
                out[k] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        conn = self._conn()
        conn.execute("BEGIN")
        conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                         [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])
        conn.execute("COMMIT")


class CachedEmbeddings(VectorEmbeddings):
    """Wraps a backend: passages come from the cache when known; queries always go to the model."""

    def __init__(self, inner: VectorEmbeddings, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.hits = 0
        self.misses = 0

    def token_counts(self, texts: list[str], is_query: bool = False) -> list[int]:
        return self.inner.token_counts(texts, is_query=is_query)

    def embed_matrix(self, texts: list[str], is_query: bool = False, cacheable: bool = False) -> np.ndarray:
        """`cacheable` marks query-side texts that come from documents (unit titles), not from users."""
        if not texts or (is_query and not cacheable):
            return self.inner.embed_matrix(texts, is_query=is_query)
        side = "q" if is_query else "p"
        keys = [EmbeddingCache.key(f"{self.model_id}/{side}", t) for t in texts]
        found = self.cache.get_many(keys)
        todo = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            fresh = self.inner.embed_matrix([texts[i] for i in todo], is_query=is_query)
            new = {keys[i]: fresh[j] for j, i in enumerate(todo)}
            self.cache.put_many(new)
            found.update(new)
        return np.stack([found[k] for k in keys]).astype(np.float32)
