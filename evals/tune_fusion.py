"""Choose the hybrid fusion weights on the dev sets (coordinate search), with the production scoring.

    python -m evals.tune_fusion --index-root /tmp/evidx [--sets service_public_qr cnil_faq liaison_domain]
                                [--rounds 2] [--out evals/results/tune_fusion.json]

The indexes are those `evals.retrieval` builds (one data dir per set under --index-root). The expensive
parts of a search (query embedding, vector and BM25 look-ups) are memoised on the first pass, so every
weight combination is then scored by the real `KnowledgeBase.search` code in a few milliseconds per
question: what is tuned is exactly what runs. The objective is the mean over the sets of hit@1 (plus
hit@5 for liaison_domain, whose answers cite the top five), so no single set dominates.
"""
from __future__ import annotations

import argparse
import functools
import json
from pathlib import Path

from evals.common import RESULTS, save_json
from evals.retrieval import SETS, is_hit, load_set

# Searched values per weight (the current setting is always tried too).
GRID = {
    "fusion_dense_weight": (0.3, 0.4, 0.5, 0.6),
    "fusion_bm25_weight": (0.05, 0.1, 0.15, 0.2, 0.3),
    "fusion_title_weight": (0.0, 0.05, 0.1, 0.15, 0.2),
    "fusion_question_title_weight": (0.0, 0.1, 0.2, 0.3, 0.45, 0.6),
    "fusion_second_chunk_weight": (0.0, 0.1, 0.15, 0.25),
    "fusion_first_chunk_prior": (0.0, 0.04, 0.08, 0.12),
    "reference_boost": (0.1, 0.2, 0.3, 0.5, 1.0),
}


def _memoise(obj, name: str) -> None:
    original = getattr(obj, name)
    cache: dict = {}

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        key = json.dumps([_key(a) for a in args] + sorted((k, _key(v)) for k, v in kwargs.items()), default=str)
        if key not in cache:
            cache[key] = original(*args, **kwargs)
        value = cache[key]
        return dict(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value

    setattr(obj, name, wrapper)


def _key(value):
    if hasattr(value, "tobytes"):
        return value.tobytes().hex()[:64]
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, dict):
        return {str(k): _key(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_key(v) for v in value]
    return value


def open_memoised(index_root: Path, name: str):
    from ingest.kb import KnowledgeBase
    from liaison.settings import Settings

    kb = KnowledgeBase(Settings(data_dir=index_root / name))
    _memoise(kb.embeddings, "embed_matrix")
    for part in (kb.dense, kb.titles):
        _memoise(part, "query")
        _memoise(part, "vectors")
    for method in ("bm25", "unit_keys", "first_chunk_ids", "chunks_by_ids", "find_units_by_ref", "allowed_ids"):
        _memoise(kb.catalog, method)
    return kb


def evaluate(kbs: dict, items: dict, weights: dict) -> dict:
    out = {}
    for name, kb in kbs.items():
        for key, value in weights.items():
            setattr(kb.settings, key, value)
        ranks = []
        for item in items[name]:
            hits = kb.search(item["question"], k=10)
            ranks.append(next((i for i, h in enumerate(hits, 1) if is_hit(h, item["gold"])), None))
        n = len(ranks)
        out[name] = {"hit@1": sum(1 for r in ranks if r == 1) / n, "hit@5": sum(1 for r in ranks if r and r <= 5) / n}
    return out


def objective(scores: dict) -> float:
    parts = [s["hit@1"] for s in scores.values()]
    if "liaison_domain" in scores:
        parts.append(scores["liaison_domain"]["hit@5"])
    return sum(parts) / len(parts)


def main(argv: list[str] | None = None) -> int:
    import liaison  # noqa: F401  offline defaults

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index-root", type=Path, required=True)
    p.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--out", type=Path, default=RESULTS / "tune_fusion.json")
    args = p.parse_args(argv)

    kbs = {name: open_memoised(args.index_root, name) for name in args.sets}
    items = {name: load_set(name)[1] for name in args.sets}
    weights = {key: getattr(next(iter(kbs.values())).settings, key) for key in GRID}
    start_scores = evaluate(kbs, items, weights)
    best, best_scores = objective(start_scores), start_scores
    print(f"start {weights} -> {best:.4f} {json.dumps(start_scores)}", flush=True)
    for round_no in range(args.rounds):
        changed = False
        for key, values in GRID.items():
            for value in sorted(set(values) | {weights[key]}):
                trial = {**weights, key: value}
                scores = evaluate(kbs, items, trial)
                value_obj = objective(scores)
                if value_obj > best + 1e-9:
                    best, best_scores, weights, changed = value_obj, scores, trial, True
                    print(f"round {round_no + 1}: {key}={value} -> {best:.4f} {json.dumps(scores)}", flush=True)
        if not changed:
            break
    result = {"start": start_scores, "best_weights": weights, "best": best_scores, "objective": round(best, 4)}
    save_json(result, args.out)
    print(json.dumps(result, indent=1))
    for kb in kbs.values():
        kb.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
