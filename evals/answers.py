"""Answer metrics of the assistant on liaison_domain dev, per engine.

    python -m evals.answers --data-dir /tmp/liaison-full [--ingest] [--engines extractive,llm] [--calibrate]

Metrics (answerable = items with gold sources, unanswerable = the others):
- gold@5 retrieval: a gold unit among the first 5 retrieved passages (README matching rule: same path,
  and same ref unless the gold ref is the file itself: fiches, decree article files, HTML pages).
- gold cited: a gold unit among the answer's citations (answerable items).
- key facts: share of the item's key facts found in the answer text (+ notice). Normalised matching:
  accents/case folded, number words turned into digits, thousands separators and currency signs
  unified; a fact is found when every number it holds appears in the answer and at least 60% of its
  other content terms (5-character stems, stop words removed) do too. Approximate by construction:
  it misses paraphrases across languages (a French quote for an English fact) and is reported as such.
- abstention: share of unanswerable items abstained on (refusals count); false abstention: share of
  answerable items abstained on.
- citation validity: each citation names a unit that exists in the index, its quote is verbatim in
  that unit, and every [n] marker in the answer points to a listed citation.
- latency per question (in process, no HTTP), and for the llm engine: fallbacks to extractive, time
  to first token and tokens/s.

`--calibrate` sweeps the abstention threshold on the evidence score with the dev answerable items as
positives and, as off-domain negatives, the dev questions of service_public_qr (those whose fiche is
not in the CLEISS corpus) and cnil_faq: the chosen threshold is the highest one on a 0.05 grid that keeps false
abstentions on liaison_domain answerable items at or below 4% (1 in 25); it is written to
evals/results/answers_calibration.json and goes into `AssistantSettings.abstention_threshold`.
"""
from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from evals.common import RESULTS, SHARED, read_jsonl, save_json

_NUMBER_WORDS = {"un": "1", "une": "1", "one": "1", "deux": "2", "two": "2", "trois": "3", "three": "3", "quatre": "4",
                 "four": "4", "cinq": "5", "five": "5", "six": "6", "sept": "7", "huit": "8", "neuf": "9", "dix": "10",
                 "douze": "12", "twelve": "12", "vingt": "20", "trente": "30", "thirty": "30", "soixante": "60",
                 "dos": "2", "tres": "3", "cuatro": "4", "duas": "2", "dois": "2", "premier": "1", "first": "1"}


def _normalise(text: str) -> str:
    from assistant.text import fold

    text = fold(text)
    text = re.sub(r"(?<=\d)[ \u202f.,](?=\d{3}\b)", "", text)   # 20 000 / 20,000 -> 20000
    text = text.replace("€", " euros ").replace("eur ", " euros ")
    return re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", lambda m: _NUMBER_WORDS[m.group(1)], text)


def fact_found(fact: str, answer: str) -> bool:
    from assistant.terms import term_set

    fact_n, answer_n = _normalise(fact), _normalise(answer)
    numbers = set(re.findall(r"\d+(?:[.,]\d+)?", fact_n))
    if any(not re.search(rf"(?<!\d){re.escape(n)}(?!\d)", answer_n) for n in numbers):
        return False
    words = {t for t in term_set(fact_n) if not t[0].isdigit()}
    if not words:
        return True
    return len(words & term_set(answer_n)) / len(words) >= 0.6


_FACTS_PREFIX = "corpus/facts/"  # gold paths of the project's own sheets (indexed relative to corpus/facts)


def gold_match(path: str, ref: str, gold: list[dict]) -> bool:
    for g in gold:
        gold_path = g["path"]
        if gold_path.startswith(_FACTS_PREFIX):
            if path == gold_path[len(_FACTS_PREFIX):] and ref == g.get("ref"):
                return True
            continue
        if gold_path != path:
            continue
        if g.get("ref") in (None, "", ref) or g["ref"] == Path(g["path"]).name:
            return True
        if ref.lower().replace("article premier", "article 1") == g["ref"].lower().replace("article premier", "article 1"):
            return True
    return False


def citation_valid(citation, answer: str, kb, cache: dict) -> bool:
    from assistant.lookup import unit_text
    from assistant.text import normalise_space

    key = (citation.path, citation.ref)
    if key not in cache:
        chunks = kb.get_unit(citation.path, citation.ref)
        cache[key] = normalise_space(unit_text(chunks) + " " + " ".join(c.text for c in chunks)) if chunks else None
    text = cache[key]
    if text is None:
        return False
    quotes = [q.strip().strip("…").strip() for q in citation.quote.split(" … ")]
    return all(normalise_space(q) in text for q in quotes if q) and f"[{citation.n}]" in answer


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[index]


def _history(item: dict, by_qid: dict[str, dict]) -> list[dict] | None:
    """The user turns a follow-up item leans on (`follows` = the previous question's qid), oldest first."""
    turns: list[dict] = []
    parent = by_qid.get(item.get("follows") or "")
    while parent is not None and len(turns) < 10:
        turns.insert(0, {"role": "user", "content": parent["question"]})
        parent = by_qid.get(parent.get("follows") or "")
    return turns or None


def evaluate(service, items: list[dict], engine: str, all_items: list[dict] | None = None) -> dict:
    from assistant.schemas import AskRequest

    cache: dict = {}
    rows = []
    by_qid = {i["qid"]: i for i in (all_items or items)}
    for item in items:
        started = time.perf_counter()
        result = service.ask(AskRequest(question=item["question"], engine=engine, history=_history(item, by_qid)),
                             log_question=False)
        seconds = time.perf_counter() - started
        r = result.response
        answerable = bool(item["answerable"])
        retrieved = [(p.path, p.ref) for p in result.passages[:5]]
        text = r.answer + " " + (r.notice or "")
        rows.append({
            "qid": item["qid"], "language": item["language"], "audience": item["audience"], "answerable": answerable,
            "situation": item.get("situation"), "split": item.get("split"), "answer": r.answer,
            "abstained": r.abstained, "evidence": r.evidence, "engine_used": r.engine,
            "gold_at5": answerable and any(gold_match(p, f, item["gold"]) for p, f in retrieved),
            "gold_cited": answerable and any(gold_match(c.path, c.ref, item["gold"]) for c in r.citations),
            "facts": [fact_found(f, text) for f in item.get("key_facts", [])],
            "citations_valid": all(citation_valid(c, r.answer, service.kb, cache) for c in r.citations),
            "n_citations": len(r.citations), "language_ok": r.language == item["language"],
            "seconds": round(seconds, 3), "info": {k: v for k, v in result.draft.info.items() if k != "raw"},
            "missing": result.evidence.missing if result.evidence else [],
        })
    return {"summary": summarise(rows, engine), "items": rows}


def summarise(rows: list[dict], engine: str = "extractive") -> dict:
    """The metrics of a list of evaluated rows (see the module docstring)."""
    ans = [x for x in rows if x["answerable"]]
    una = [x for x in rows if not x["answerable"]]
    facts = [f for x in ans for f in x["facts"]]
    cited_rows = [x for x in rows if x["n_citations"]]
    llm_rows = [x["info"] for x in rows if "ttft_s" in x["info"]]
    summary = {
        "engine": engine, "items": len(rows), "answerable": len(ans), "unanswerable": len(una),
        "gold_at5": round(sum(x["gold_at5"] for x in ans) / max(1, len(ans)), 3),
        "gold_cited": round(sum(x["gold_cited"] for x in ans) / max(1, len(ans)), 3),
        "key_facts": round(sum(facts) / max(1, len(facts)), 3),
        "abstention_unanswerable": round(sum(x["abstained"] for x in una) / max(1, len(una)), 3),
        "false_abstention": round(sum(x["abstained"] for x in ans) / max(1, len(ans)), 3),
        "citation_validity": round(sum(x["citations_valid"] for x in cited_rows) / max(1, len(cited_rows)), 3),
        "language_match": round(sum(x["language_ok"] for x in rows) / max(1, len(rows)), 3),
        "latency_p50_s": round(_percentile([x["seconds"] for x in rows], 50), 3),
        "latency_p95_s": round(_percentile([x["seconds"] for x in rows], 95), 3),
    }
    if engine == "llm":
        summary["llm_fallbacks"] = sum(1 for x in rows if "fallback" in x["info"])
        summary["llm_answers"] = sum(1 for x in rows if x["engine_used"] == "llm")
        if llm_rows:
            summary["ttft_s_median"] = round(statistics.median(r["ttft_s"] for r in llm_rows), 2)
            summary["tokens_per_s_median"] = round(statistics.median(r["tokens_per_s"] for r in llm_rows), 2)
    return summary


def _negatives(limit: int | None = None) -> list[str]:
    corpus_fiches = {p.stem for p in (SHARED / "corpus" / "faq").rglob("F*.json")}
    out = [q["question"] for q in read_jsonl(SHARED / "evals" / "service_public_qr" / "dev" / "questions.jsonl")
           if not set(q.get("relevant_doc_ids", [])) & corpus_fiches]
    out += [q["question"] for q in read_jsonl(SHARED / "evals" / "cnil_faq" / "dev" / "queries.jsonl")]
    if limit and limit < len(out):  # an even spread over both sets, deterministic
        step = len(out) / limit
        out = [out[int(i * step)] for i in range(limit)]
    return out


def calibrate(service, items: list[dict], max_false_abstention: float = 0.04, negatives: int | None = None) -> dict:
    """Evidence scores of positives and negatives; the threshold chosen as documented above."""
    from assistant.schemas import AskRequest

    def score(question: str) -> tuple[float, bool]:
        r = service.ask(AskRequest(question=question), log_question=False).response
        return r.evidence, r.abstained  # with the threshold at 0, any abstention comes from a rule

    original = service.settings.abstention_threshold
    service.settings.abstention_threshold = 0.0
    try:
        positives = [score(i["question"]) for i in items if i["answerable"]]
        unanswerable = [score(i["question"]) for i in items if not i["answerable"]]
        negatives = [score(q) for q in _negatives(negatives)]
    finally:
        service.settings.abstention_threshold = original
    grid = [round(x * 0.05, 2) for x in range(0, 21)]  # coarse on purpose: 25 positives cannot support finer
    table = []
    for t in grid:
        fa = sum(1 for s, rule in positives if rule or s < t) / max(1, len(positives))
        neg = sum(1 for s, rule in negatives if rule or s < t) / max(1, len(negatives))
        un = sum(1 for s, rule in unanswerable if rule or s < t) / max(1, len(unanswerable))
        table.append({"threshold": t, "false_abstention": round(fa, 3), "abstention_offdomain": round(neg, 3),
                      "abstention_unanswerable": round(un, 3)})
    ok = [row for row in table if row["false_abstention"] <= max_false_abstention]
    chosen = max(ok, key=lambda r: r["threshold"]) if ok else table[0]
    return {"chosen": chosen, "positives": sorted(s for s, _ in positives), "negatives_count": len(negatives),
            "table": [r for r in table if round(r["threshold"] * 100) % 5 == 0]}


def open_service(data_dir: Path, ingest: list[Path] = ()):
    """An AssistantService on the index in `data_dir`; `ingest` folders are (re-)ingested first (the
    project's fact sheets under their registry source name)."""
    from assistant.kb_access import get_knowledge_base
    from assistant.service import AssistantService
    from liaison.db import migrate
    from liaison.settings import Settings

    settings = Settings(data_dir=data_dir).ensure_dirs()
    migrate(settings.resolved_database_url)
    kb = get_knowledge_base(settings)
    for folder in ingest:
        source = "project-fact-sheets" if folder.name == "facts" and folder.parent.name == "corpus" else None
        report = kb.ingest([folder], source=source) if source else kb.ingest([folder])
        print("ingest:", report.summary() if hasattr(report, "summary") else report, flush=True)
    return AssistantService(settings, kb=kb)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, help="data directory holding the index of ../shared/corpus")
    parser.add_argument("--ingest", action="store_true", help="ingest ../shared/corpus into --data-dir first")
    parser.add_argument("--dev", default=str(SHARED / "evals" / "liaison_domain" / "dev.jsonl"))
    parser.add_argument("--engines", default="extractive", help="comma-separated: extractive,llm")
    parser.add_argument("--calibrate", action="store_true", help="sweep the abstention threshold (see module doc)")
    parser.add_argument("--negatives", type=int, default=120, help="off-domain questions used by --calibrate")
    parser.add_argument("--llm-limit", type=int, help="evaluate the llm engine on the first N items only (slow on CPU)")
    parser.add_argument("--out", default=str(RESULTS / "answers.json"))
    args = parser.parse_args(argv)

    service = open_service(Path(args.data_dir), ingest=[SHARED / "corpus"] if args.ingest else [])
    settings = service.settings
    items = read_jsonl(Path(args.dev))
    if args.calibrate:
        result = calibrate(service, items, negatives=args.negatives)
        save_json(result, Path(args.out).with_name("answers_calibration.json"))
        print("calibration: chosen", result["chosen"])
        for row in result["table"]:
            print("  ", row)
        return 0
    results = {}
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        subset = items[: args.llm_limit] if engine == "llm" and args.llm_limit else items
        results[engine] = evaluate(service, subset, engine)
        print(engine, results[engine]["summary"], flush=True)
    save_json({"threshold": settings.abstention_threshold, "dev": str(args.dev), "results": results}, Path(args.out))
    print(_table([r["summary"] for r in results.values()]))
    return 0


def _table(summaries: list[dict]) -> str:
    keys = ["gold_at5", "gold_cited", "key_facts", "abstention_unanswerable", "false_abstention", "citation_validity",
            "language_match", "latency_p50_s", "latency_p95_s"]
    lines = ["| metric | " + " | ".join(s["engine"] for s in summaries) + " |",
             "|---|" + "---|" * len(summaries)]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(str(s.get(k, "")) for s in summaries) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
