"""Index stores: the SQLite catalog with its BM25 (FTS5) index, and the Chroma dense store."""
