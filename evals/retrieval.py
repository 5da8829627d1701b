"""Retrieval evaluation: hit@1/5/10 and MRR@10 for bm25, dense and hybrid, side by side.

Sets (dev halves in ../shared/evals):
- service_public_qr: ingest corpus.jsonl, questions in dev/questions.jsonl (gold doc_id = ref)
- cnil_faq: ingest corpus.jsonl, queries in dev/queries.jsonl
- liaison_domain: ingest ../shared/corpus, answerable items of dev.jsonl, matched on gold path + ref
  (README of the set: a hit is a result from the gold path whose unit is the gold ref).

    python -m evals.retrieval [--sets service_public_qr cnil_faq liaison_domain] [--methods bm25 dense hybrid]
                              [--index-root data/evals] [--out evals/results/retrieval.json]

Indexes are built once per set under --index-root and re-used (ingestion is incremental).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from evals.common import RESULTS, SHARED, read_jsonl, save_json

SETS = ("service_public_qr", "cnil_faq", "liaison_domain")
METHODS = ("bm25", "dense", "hybrid")
KS = (1, 5, 10)


def load_set(name: str) -> tuple[list[Path], list[dict]]:
    """(paths to ingest, items with qid, question, gold=[(path|None, ref)])."""
    base = SHARED / "evals" / name
    if name == "liaison_domain":
        items = [
            {"qid": d["qid"], "question": d["question"], "gold": [(g["path"], g["ref"]) for g in d["gold"]],
             "language": d.get("language", "")}
            for d in read_jsonl(base / "dev.jsonl") if d.get("answerable")
        ]
        return [SHARED / "corpus"], items
    questions = base / "dev" / ("questions.jsonl" if name == "service_public_qr" else "queries.jsonl")
    items = [{"qid": d["qid"], "question": d["question"], "gold": [(None, r) for r in d["relevant_doc_ids"]]}
             for d in read_jsonl(questions)]
    return [base / "corpus.jsonl"], items


def is_hit(hit, gold: list[tuple[str | None, str]]) -> bool:
    return any((path is None or hit.path == path) and hit.ref == ref for path, ref in gold)


def score(kb, items: list[dict], method: str, **search_kwargs) -> dict:
    ranks, latencies = [], []
    for item in items:
        t0 = time.perf_counter()
        hits = kb.search(item["question"], k=10, method=method, **search_kwargs)
        latencies.append(time.perf_counter() - t0)
        rank = next((i for i, h in enumerate(hits, 1) if is_hit(h, item["gold"])), None)
        ranks.append(rank)
    n = len(items)
    out = {f"hit@{k}": round(sum(1 for r in ranks if r and r <= k) / n, 4) for k in KS}
    out["mrr@10"] = round(sum(1 / r for r in ranks if r) / n, 4)
    latencies.sort()
    out["p50_ms"] = round(1000 * latencies[n // 2], 1)
    out["p95_ms"] = round(1000 * latencies[min(n - 1, int(0.95 * n))], 1)
    out["n"] = n
    out["misses"] = [it["qid"] for it, r in zip(items, ranks) if r != 1]
    return out


def run(sets, methods, index_root: Path, settings_overrides: dict | None = None, ingest: bool = True) -> dict:
    from ingest.kb import KnowledgeBase
    from liaison.settings import Settings

    results: dict = {}
    for name in sets:
        paths, items = load_set(name)
        settings = Settings(data_dir=index_root / name, **(settings_overrides or {})).ensure_dirs()
        kb = KnowledgeBase(settings)
        if ingest:
            report = kb.ingest(paths)
            results[name] = {"ingest": {k: v for k, v in report.summary().items() if k != "failures"}}
        else:
            results[name] = {"ingest": {"index_as_found": kb.stats()["units"]}}
        for method in methods:
            results[name][method] = score(kb, items, method)
        kb.close()
    return results


def print_table(results: dict) -> None:
    print(f"{'set':20} {'method':8} {'hit@1':>7} {'hit@5':>7} {'hit@10':>7} {'mrr@10':>7} {'p50 ms':>7} {'n':>4}")
    for name, by_method in results.items():
        for method, r in by_method.items():
            if method == "ingest":
                continue
            print(f"{name:20} {method:8} {r['hit@1']:7.3f} {r['hit@5']:7.3f} {r['hit@10']:7.3f} "
                  f"{r['mrr@10']:7.3f} {r['p50_ms']:7.1f} {r['n']:4}")


def main(argv: list[str] | None = None) -> int:
    import liaison  # noqa: F401  offline defaults

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    p.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    p.add_argument("--index-root", type=Path, default=Path("data/evals"))
    p.add_argument("--out", type=Path, default=RESULTS / "retrieval.json")
    p.add_argument("--no-ingest", action="store_true", help="score the indexes under --index-root as they are")
    args = p.parse_args(argv)
    results = run(args.sets, args.methods, args.index_root, ingest=not args.no_ingest)
    print_table(results)
    save_json(results, args.out)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
