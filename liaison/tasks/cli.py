"""`liaison worker` (run tasks from the broker) and `liaison tasks` (list, show, retry)."""
from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    w = sub.add_parser("worker", help="run background tasks from the broker (LIAISON_BROKER_URL)")
    w.add_argument("--threads", type=int, help="tasks run at once (default LIAISON_TASK_THREADS)")
    w.add_argument("--data-dir")
    w.set_defaults(func=_worker)
    t = sub.add_parser("tasks", help="background tasks: list, show, retry a dead one")
    t_sub = t.add_subparsers(dest="tasks_command", required=True)
    ls = t_sub.add_parser("list", help="recent tasks, newest first")
    ls.add_argument("--status", help="queued, running, retrying, done or dead (dead letters)")
    ls.add_argument("--kind")
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--data-dir")
    ls.set_defaults(func=_list)
    show = t_sub.add_parser("show", help="one task as JSON")
    show.add_argument("task_id")
    show.add_argument("--data-dir")
    show.set_defaults(func=_show)
    retry = t_sub.add_parser("retry", help="send a dead task again (attempts start over)")
    retry.add_argument("task_id")
    retry.add_argument("--data-dir")
    retry.set_defaults(func=_retry)


def _worker(args) -> int:
    from liaison.admin_cli import settings_from_args
    from liaison.cli import CliError
    from liaison.tasks.worker import run_worker

    settings = settings_from_args(args)
    try:
        run_worker(settings, threads=args.threads or settings.task_threads)
    except (RuntimeError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    return 0


def _list(args) -> int:
    from liaison.admin_cli import database_url
    from liaison.cli import CliError
    from liaison.tasks import store

    try:
        rows = store.listing(database_url(args), status=args.status, kind=args.kind, limit=args.limit)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False))
        return 0
    for r in rows:
        error = f"  {r.last_error[:80]}" if r.last_error else ""
        print(f"{r.id:<48} {r.kind:<16} {r.status:<9} attempts={r.attempts} {r.created_at}{error}")
    if not rows:
        print("no task")
    return 0


def _show(args) -> int:
    from liaison.admin_cli import database_url
    from liaison.cli import CliError
    from liaison.tasks import store

    task = store.get(database_url(args), args.task_id)
    if task is None:
        raise CliError(f"no task {args.task_id!r}")
    print(json.dumps(task.to_dict(), ensure_ascii=False, indent=1))
    return 0


def _retry(args) -> int:
    from liaison.admin_cli import database_url, settings_from_args
    from liaison.cli import CliError
    from liaison.tasks import store
    from liaison.tasks.queue import get_queue

    db_url = database_url(args)
    task = store.get(db_url, args.task_id)
    if task is None:
        raise CliError(f"no task {args.task_id!r}")
    if task.status != "dead":
        raise CliError(f"task {args.task_id} is {task.status}, not dead: nothing to retry")
    settings = settings_from_args(args)
    if not settings.broker_url:
        raise CliError("retrying from the command line needs the broker (LIAISON_BROKER_URL); without one, "
                       "retry from the console of the running server")
    store.record(db_url, task.id, task.kind, {})  # revives the row; the payload is kept
    get_queue(settings, db_url).send(task.id)
    print(json.dumps({"task": task.id, "status": "queued"}))
    return 0
