"""Timing of the agents' legal lookup (assistant.lookup, the code behind POST /v1/search, GET
/v1/documents and the console) on an existing index, in process, no HTTP:

    python -m evals.bench_lookup --data-dir /tmp/liaison-full [--repeat 5]

Queries: exact references (R767-2, L761-2, F3155), a named act the base may not hold (article 12 of
Regulation 883/2004: gap notice), a dated search (as_of) and plain-language questions. The first call
loads the embedding model (reported apart as `first_call_ms`); each query is then timed `--repeat`
times with the per-process query-vector cache cleared, so every call embeds its query (cold query) —
the median and the max are printed per query, then the median with the query's vector cached (a
repeated query, as in production), plus one document fetch (R767-2 with its versions,
cross-references and citing texts).
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date
from pathlib import Path

QUERIES = [
    ("R767-2", None),
    ("L761-2", None),
    ("F3155", None),
    ("article 12 règlement 883/2004", None),
    ("R767-2", date(2020, 6, 1)),
    ("maintien au régime français d'un salarié détaché hors Union européenne, durée", None),
    ("carte européenne d'assurance maladie soins urgents à l'étranger", None),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from assistant.lookup import SearchRequest, get_document, search_units
    from ingest.kb import KnowledgeBase
    from liaison.settings import Settings

    kb = KnowledgeBase(Settings(data_dir=Path(args.data_dir)))
    started = time.perf_counter()
    search_units(kb, SearchRequest(query="warm-up", k=10))
    out: dict = {"index": kb.stats() | {"sources": None}, "first_call_ms": round((time.perf_counter() - started) * 1000, 1),
                 "queries": []}
    for query, as_of in QUERIES:
        times, cached, response = [], [], None
        for _ in range(args.repeat):
            kb._query_vector.cache_clear()
            t0 = time.perf_counter()
            response = search_units(kb, SearchRequest(query=query, k=10, as_of=as_of))
            times.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()  # the same query again: its vector is cached, as in production
            search_units(kb, SearchRequest(query=query, k=10, as_of=as_of))
            cached.append((time.perf_counter() - t0) * 1000)
        out["queries"].append({
            "query": query, "as_of": as_of.isoformat() if as_of else None,
            "median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
            "cached_vector_median_ms": round(statistics.median(cached), 1),
            "first_result": response.results[0].ref if response.results else None,
            "gaps": [g.message for g in response.gaps],
        })
    path = kb.catalog.held_refs(["R767-2"]).get("R767-2", ("", ""))[0]
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        doc = get_document(kb, path, "R767-2")
        times.append((time.perf_counter() - t0) * 1000)
    out["document_R767-2_median_ms"] = round(statistics.median(times), 1)
    out["document_R767-2_first_lines"] = doc.text.splitlines()[:6] if doc else None
    print(json.dumps(out, ensure_ascii=False, indent=2))
    kb.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
