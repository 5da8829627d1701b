"""Dense store: a Chroma collection of chunk vectors (embedded PersistentClient by default, a Chroma
server when LIAISON_CHROMA_URL is set). Vectors are always computed by our own embedding backend:
Chroma's default embedding function (which downloads a model) is never used."""
from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

# Metadata copied to Chroma (what dense-side filters need); the catalog keeps everything else.
CHROMA_KEYS = ("source", "path", "ref", "instrument_type", "language", "audience", "valid_from", "valid_to")


_client_lock = threading.Lock()


class IndexMismatchError(RuntimeError):
    pass


def chroma_client(chroma_url: str | None, persist_dir: Path):
    """A Chroma client: the server at `chroma_url`, else the embedded store in `persist_dir`."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        u = urlparse(chroma_url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise ValueError(f"LIAISON_CHROMA_URL must look like http://host:port, got {chroma_url!r}")
        return chromadb.HttpClient(host=u.hostname, port=u.port or (443 if u.scheme == "https" else 8000),
                                   ssl=u.scheme == "https", settings=chroma_settings)
    persist_dir.mkdir(parents=True, exist_ok=True)
    # chromadb keeps one shared system per path in a process-wide cache that is not safe to fill from
    # two threads at once ("Could not connect to tenant default_tenant"): task workers open the index
    # from several threads.
    with _client_lock:
        return chromadb.PersistentClient(path=str(persist_dir), settings=chroma_settings)


class DenseStore:
    def __init__(self, *, chroma_url: str | None, persist_dir: Path, collection: str, model_id: str, dim: int) -> None:
        if not 3 <= len(collection) <= 512:
            raise ValueError("collection name must be 3-512 characters")
        self.client = chroma_client(chroma_url, persist_dir)
        self.model_id = model_id
        self.collection = self.client.get_or_create_collection(
            name=collection,
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "embedding_model": model_id, "embedding_dim": dim},
        )
        stored = (self.collection.metadata or {}).get("embedding_model")
        if stored and stored != model_id:
            raise IndexMismatchError(
                f"the index collection {collection!r} was built with embedding model {stored!r}, but the configured "
                f"model is {model_id!r}. Use the same LIAISON_EMBEDDING_BACKEND/LIAISON_EMBEDDING_MODEL, or another "
                f"LIAISON_COLLECTION / --data-dir to build a new index."
            )

    def count(self) -> int:
        return self.collection.count()

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        offset, page = 0, 5000
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            ids.update(got)
            if len(got) < page:
                return ids
            offset += page

    def existing(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 1000):
            found.update(self.collection.get(ids=list(ids[i : i + 1000]), include=[])["ids"])
        return found

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str], metadatas: Sequence[dict[str, Any]]) -> None:
        for i in range(0, len(ids), 1000):
            self.collection.upsert(
                ids=list(ids[i : i + 1000]),
                embeddings=vectors[i : i + 1000],
                documents=list(texts[i : i + 1000]),
                metadatas=[_chroma_metadata(m) for m in metadatas[i : i + 1000]],
            )

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), 1000):
            self.collection.delete(ids=ids[i : i + 1000])

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        # No count() first (a round trip per query): Chroma returns fewer results when it holds fewer.
        res = self.collection.query(query_embeddings=[vector], n_results=k, where=where or None,
                                    include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0])]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        res = self.collection.get(ids=list(ids), include=["embeddings"])
        return {cid: np.asarray(vec, dtype=np.float32) for cid, vec in zip(res["ids"], res["embeddings"])}


def _chroma_metadata(m: dict[str, Any]) -> dict[str, Any]:
    out = {k: m[k] for k in CHROMA_KEYS if k in m and m[k] is not None}
    for key, value in m.items():
        if key.startswith("country_") and value:
            out[key] = True
    return out


def chroma_where(filters: dict[str, str], as_of: int | None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    for key, value in filters.items():
        if key == "country":
            clauses.append({f"country_{value.upper()}": True})
        else:
            clauses.append({key: value})
    if as_of:
        clauses += [{"valid_from": {"$lte": as_of}}, {"valid_to": {"$gt": as_of}}]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
