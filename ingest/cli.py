"""`liaison ingest`, `liaison search`, `liaison sources`."""
from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    ing = sub.add_parser("ingest", help="ingest files or folders into the knowledge base (incremental)")
    ing.add_argument("paths", nargs="+", metavar="PATH")
    ing.add_argument("--data-dir", help="data directory (default: LIAISON_DATA_DIR or ./data)")
    ing.add_argument("--prune", action="store_true", help="delete indexed files that are no longer under PATH")
    ing.add_argument("--source", help="source name recorded on every chunk (default: the folder's name)")
    ing.add_argument("--json", action="store_true", help="print the summary as JSON")
    ing.add_argument("--background", action="store_true",
                     help="queue the run for `liaison worker` (needs LIAISON_BROKER_URL) and print its task id")
    ing.set_defaults(func=_ingest)

    se = sub.add_parser("search", help="hybrid search (BM25 + dense) in the knowledge base")
    se.add_argument("query", nargs="?", help="the query (omit with --batch)")
    se.add_argument("--data-dir")
    se.add_argument("-k", type=int, default=10, help="number of results (default 10)")
    se.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                    help="filter on source, path, ref, instrument_type, language, country, audience (repeatable)")
    se.add_argument("--as-of", help="only versions in force on this date (YYYY-MM-DD)")
    se.add_argument("--method", choices=["hybrid", "bm25", "dense"], default="hybrid")
    se.add_argument("--batch", metavar="FILE.jsonl", help='one query per line: {"qid", "question"}')
    se.add_argument("--json", action="store_true")
    se.set_defaults(func=_search)

    so = sub.add_parser("sources", help="list the source registry and what is indexed")
    so.add_argument("--data-dir")
    so.add_argument("--json", action="store_true")
    so.set_defaults(func=_sources)


def _ingest_in_background(args) -> int:
    from pathlib import Path

    from ingest.tasks import task_id
    from liaison.admin_cli import database_url, settings_from_args
    from liaison.cli import CliError
    from liaison.tasks import enqueue, get_queue

    settings = settings_from_args(args)
    if not settings.broker_url:
        raise CliError("--background needs a task queue: set LIAISON_BROKER_URL (redis://... or amqp://...) and "
                       "run `liaison worker`")
    # Paths as the worker will see them (workers on other machines need the same shared mount).
    paths = [str(Path(p).resolve()) for p in args.paths]
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise CliError(f"no such file or directory: {', '.join(missing)}")
    db_url = database_url(args)
    tid = task_id(paths, prune=args.prune, source=args.source)
    enqueue(get_queue(settings, db_url), db_url, "ingest.run", tid,
            {"paths": paths, "prune": args.prune, "source": args.source})
    print(json.dumps({"task": tid, "status": "queued"}) if args.json else f"queued ingest task {tid} "
          f"(follow it with `liaison tasks show {tid}`)")
    return 0


def _open_kb(args):
    from ingest.index.dense import IndexMismatchError
    from ingest.kb import KnowledgeBase
    from liaison.admin_cli import settings_from_args
    from liaison.cli import CliError

    try:
        return KnowledgeBase(settings_from_args(args))
    except (IndexMismatchError, ValueError) as exc:
        raise CliError(str(exc)) from exc


def _ingest(args) -> int:
    from ingest.kb import IngestBusyError
    from liaison.cli import CliError

    if args.background:
        return _ingest_in_background(args)
    kb = _open_kb(args)
    bar = None
    show_bar = sys.stderr.isatty() and not args.json

    def on_total(n: int) -> None:
        nonlocal bar
        if show_bar:
            from tqdm import tqdm

            bar = tqdm(total=n, unit="file", desc="ingest", file=sys.stderr)

    def progress(rel: str) -> None:
        if bar is not None:
            bar.set_postfix_str(rel[-40:], refresh=False)
            bar.update(1)

    try:
        report = kb.ingest(args.paths, prune=args.prune, source=args.source, progress=progress, on_total=on_total)
    except IngestBusyError as exc:
        raise CliError(str(exc)) from exc
    finally:
        if bar is not None:
            bar.close()
    summary = report.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"added {summary['added']}, updated {summary['updated']}, unchanged {summary['unchanged']}, "
            f"deleted {summary['deleted']}, failed {summary['failed']}, skipped {summary['skipped']} "
            f"({summary['chunks_added']} chunks added, {summary['chunks_removed']} removed, {summary['seconds']} s)"
        )
        for failure in summary["failures"]:
            print(f"  failed: {failure['path']}: {failure['reason']}")
    return 1 if report.failed else 0


def _parse_filters(pairs: list[str]) -> dict[str, str]:
    from liaison.cli import CliError

    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CliError(f"--filter takes KEY=VALUE, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


def parse_as_of(value: str | None) -> int | None:
    """'2024-05-01' -> 20240501 (None when not given); ValueError with a clear message otherwise."""
    if not value:
        return None
    from datetime import date

    try:
        d = date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"as-of date must be YYYY-MM-DD, got {value!r}") from exc
    return d.year * 10000 + d.month * 100 + d.day


def _search(args) -> int:
    from liaison.cli import CliError

    if not args.query and not args.batch:
        raise CliError("give a QUERY or --batch FILE.jsonl")
    filters = _parse_filters(args.filter)
    try:
        as_of = parse_as_of(args.as_of)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    kb = _open_kb(args)
    try:
        if args.batch:
            return _search_batch(kb, args, filters, as_of)
        hits = kb.search(args.query, k=args.k, filters=filters, method=args.method, as_of=as_of)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print(json.dumps({"query": args.query, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
        return 0
    if not hits:
        print("no results")
    for i, h in enumerate(hits, 1):
        m = h.metadata
        dates = ""
        if m.get("valid_from"):
            dates = f"  [in force {m['valid_from']}–{m.get('valid_to', '')}]"
        print(f"{i:2}. {h.ref}  {h.title}  ({h.path}){dates}  score={h.score:.3f}")
        snippet = " ".join(h.text.split())[:240]
        print(f"    {snippet}")
    return 0


def _search_batch(kb, args, filters, as_of) -> int:
    from liaison.cli import CliError

    with open(args.batch, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                qid, question = item["qid"], item["question"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise CliError(f"{args.batch}:{lineno}: expected a JSON object with qid and question ({exc})") from exc
            hits = kb.search(question, k=args.k, filters=filters, method=args.method, as_of=as_of)
            print(json.dumps({"qid": qid, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False), flush=True)
    return 0


def _sources(args) -> int:
    kb = _open_kb(args)
    stats = kb.stats()
    try:
        from ingest.sources import load_registry

        registry = load_registry()
    except ImportError:
        registry = []
    indexed = stats["sources"]
    if args.json:
        print(json.dumps({
            "registry": [getattr(s, "__dict__", {}) for s in registry],
            "indexed": indexed,
            "totals": {k: stats[k] for k in ("files", "failed_files", "chunks", "units", "vectors", "embedding_model")},
        }, ensure_ascii=False, default=str))
        return 0
    print("Registry of official sources:")
    for s in registry:
        print(f"  {s.name:28} {s.connector:16} {getattr(s, 'licence', '')}")
    print("\nIndexed:")
    for name, c in sorted(indexed.items()):
        print(f"  {name:28} {c['files']:5} files {c['chunks']:7} chunks")
    print(f"\nTotal: {stats['units']} units, {stats['chunks']} chunks, {stats['vectors']} vectors ({stats['embedding_model']})")
    return 0
