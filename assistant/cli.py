"""`liaison ask`: one question, or a batch file of questions (JSON Lines)."""
from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    ask = sub.add_parser("ask", help="ask the assistant (grounded, cited answers)",
                         description="Answer a question from the knowledge base, citing article and document. "
                         "With --batch, read {\"qid\",\"question\"} lines and write one JSON answer per line.")
    ask.add_argument("question", nargs="?", help="the question (omit with --batch)")
    ask.add_argument("--batch", metavar="FILE.jsonl", help="questions, one JSON object per line ({\"qid\",\"question\"})")
    ask.add_argument("--engine", choices=("extractive", "llm"), help="answer engine (default: settings, extractive)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--language", help="language hint (ISO 639-1) when the question is too short to tell")
    ask.add_argument("--as-of", help="only texts in force on this date (YYYY-MM-DD)")
    ask.add_argument("--session", help="session id: follow-up questions are resolved against it")
    ask.add_argument("--data-dir")
    ask.set_defaults(func=_ask)


def _request(question: str, args, session_id: str | None = None):
    from pydantic import ValidationError

    from assistant.schemas import AskRequest
    from liaison.cli import CliError

    try:
        return AskRequest(question=question, engine=args.engine, language=args.language, as_of=args.as_of,
                          session_id=session_id)
    except ValidationError as exc:
        raise CliError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from exc


def _batch_line(response) -> dict:
    return {
        "qid": None, "answer": response.answer, "abstained": response.abstained, "language": response.language,
        "citations": [{"path": c.path, "ref": c.ref, "title": c.title, "quote": c.quote} for c in response.citations],
    }


def _ask(args) -> int:
    from assistant.service import AskError, AssistantService
    from liaison.admin_cli import database_url, settings_from_args
    from liaison.cli import CliError

    if bool(args.batch) == bool(args.question):
        raise CliError("give either a QUESTION or --batch FILE.jsonl")
    settings = settings_from_args(args)
    service = AssistantService(settings, db_url=database_url(args))
    if args.batch:
        return _run_batch(service, args)
    try:
        result = service.ask(_request(args.question, args, args.session), channel="cli")
    except AskError as exc:
        raise CliError(str(exc)) from exc
    response = result.response
    if args.json:
        print(json.dumps(response.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    print(response.answer)
    if response.notice:
        print(f"\n{response.notice}")
    for c in response.citations:
        print(f"\n[{c.n}] {c.title} ({c.path} # {c.ref})\n    « {c.quote[:300]} »")
    return 0


def _run_batch(service, args) -> int:
    from pathlib import Path

    from assistant.service import AskError
    from liaison.cli import CliError

    path = Path(args.batch)
    if not path.is_file():
        raise CliError(f"batch file not found: {path}")
    failures = 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                question = item["question"]
                qid = item.get("qid", str(lineno))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                print(f"line {lineno}: skipped: {exc}", file=sys.stderr)
                failures += 1
                continue
            try:
                result = service.ask(_request(str(question), args), channel="cli")
                out = _batch_line(result.response)
            except (AskError, CliError) as exc:
                out = {"qid": qid, "error": str(exc), "answer": "", "abstained": True, "language": None, "citations": []}
                failures += 1
            out["qid"] = qid
            if args.json:
                print(json.dumps(out, ensure_ascii=False), flush=True)
            else:
                print(f"{qid}: {out['answer']}\n", flush=True)
    return 1 if failures else 0
