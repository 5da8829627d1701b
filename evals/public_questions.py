"""The public-questions set written by the project (`evals/sets/public_questions.jsonl`), both halves.

    python -m evals.public_questions --data-dir D [--split tuning|report|both] [--engines extractive]

The set: questions as members of the public type them (typos, colloquial wording, follow-ups that name
only the new fact, nine languages) from every situation the centre sees, a third of them unanswerable
(amounts and rules of foreign schemes, other fields of law, questions the corpus only half covers). Same
fields as `../shared/evals/liaison_domain/dev.jsonl`, plus `situation`, `style`, `split`, `follows` (qid
of the previous question of the conversation: the item is asked with that question as history) and
`unanswerable_kind`. Gold paths under `corpus/facts/` are the project's own fact sheets.

The split was made once, when the set was written: an item belongs to the tuning half when the first
32 bits of sha1("public_questions:" + qid) are even, otherwise to the report half (`split_of`); the file
stores it and the tests check it. Thresholds and weights are chosen on the tuning half only; both halves
are reported, overall, per language and per situation (the gap between them is the figure to close).

The index must hold `../shared/corpus` and the project's fact sheets (`--ingest` adds both).
"""
from __future__ import annotations

import argparse
import hashlib
from collections import defaultdict
from pathlib import Path

from evals.common import REPO, RESULTS, SHARED, read_jsonl, save_json

SET_PATH = REPO / "evals" / "sets" / "public_questions.jsonl"
FACTS = REPO / "corpus" / "facts"
SPLITS = ("tuning", "report")


def split_of(qid: str) -> str:
    """The half an item belongs to, fixed once by a hash of its id."""
    return "tuning" if int(hashlib.sha1(f"public_questions:{qid}".encode()).hexdigest()[:8], 16) % 2 == 0 else "report"


def load(path: Path = SET_PATH) -> list[dict]:
    return read_jsonl(path)


def breakdown(rows: list[dict], key: str) -> dict[str, dict]:
    """Metrics per value of `key` (language, situation), for the rows of one half."""
    from evals.answers import summarise

    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[str(row.get(key))].append(row)
    return {name: summarise(group) for name, group in sorted(groups.items())}


_KEYS = ("items", "gold_at5", "gold_cited", "key_facts", "abstention_unanswerable", "false_abstention",
         "citation_validity", "language_match", "latency_p50_s", "latency_p95_s")


def table(columns: dict[str, dict], keys=_KEYS) -> str:
    names = list(columns)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(str(columns[n].get(k, "")) for n in names) + " |")
    return "\n".join(lines)


def group_table(groups: dict[str, dict]) -> str:
    keys = ("items", "gold_cited", "key_facts", "abstention_unanswerable", "false_abstention", "language_match")
    lines = ["| group | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
    for name, s in groups.items():
        lines.append(f"| {name} | " + " | ".join(str(s.get(k, "")) for k in keys) + " |")
    return "\n".join(lines)


def run(service, items: list[dict], engine: str, splits: tuple[str, ...]) -> dict:
    from evals.answers import evaluate, summarise

    chosen = [i for i in items if i["split"] in splits]
    result = evaluate(service, chosen, engine, all_items=items)
    out = {"engine": engine, "halves": {}}
    for half in splits:
        rows = [r for r in result["items"] if r["split"] == half]
        out["halves"][half] = {"summary": summarise(rows, engine), "by_language": breakdown(rows, "language"),
                               "by_situation": breakdown(rows, "situation")}
    out["items"] = result["items"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, help="data directory holding the index")
    parser.add_argument("--ingest", action="store_true", help="ingest ../shared/corpus and corpus/facts first")
    parser.add_argument("--set", default=str(SET_PATH))
    parser.add_argument("--split", choices=("tuning", "report", "both"), default="both")
    parser.add_argument("--engines", default="extractive")
    parser.add_argument("--out", default=str(RESULTS / "public_questions.json"))
    args = parser.parse_args(argv)

    from evals.answers import open_service

    service = open_service(Path(args.data_dir), ingest=[SHARED / "corpus", FACTS] if args.ingest else [])
    settings = service.settings
    items = load(Path(args.set))
    splits = SPLITS if args.split == "both" else (args.split,)
    results = {}
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        results[engine] = run(service, items, engine, splits)
        halves = results[engine]["halves"]
        print(f"\n## {engine}\n")
        print(table({h: halves[h]["summary"] for h in splits}))
        for h in splits:
            print(f"\n### {h} half, per language\n\n{group_table(halves[h]['by_language'])}")
            print(f"\n### {h} half, per situation\n\n{group_table(halves[h]['by_situation'])}")
    save_json({"threshold": settings.abstention_threshold, "set": str(args.set), "results": results}, Path(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
