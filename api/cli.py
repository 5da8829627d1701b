"""`liaison serve` and `liaison demo`."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="start the HTTP API, widget and console (uvicorn)")
    _server_args(serve)
    serve.set_defaults(func=_serve)

    demo = sub.add_parser("demo", help="ingest the bundled corpus, build demo data, then serve")
    _server_args(demo)
    demo.add_argument("--no-serve", action="store_true", help="prepare everything, do not start the server")
    demo.set_defaults(func=_demo)


def _server_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", help="data directory (default: LIAISON_DATA_DIR or ./data)")
    p.add_argument("--host", help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8000)")
    p.add_argument("--workers", type=int, help="worker processes sharing one index and one database")


def _serve(args) -> int:
    import uvicorn

    from liaison.admin_cli import settings_from_args
    from liaison.db import migrate

    settings = settings_from_args(args)
    # Workers are separate processes that rebuild settings from the environment.
    os.environ["LIAISON_DATA_DIR"] = str(settings.data_dir.resolve())
    migrate(settings.resolved_database_url)  # once, before workers race for it
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    if workers > 1:
        _shared_metrics_dir(settings)
    print(f"Liaison serving on http://{host}:{port}  (demo page: /demo, console: /console, API docs: /docs)")
    uvicorn.run("api.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level=settings.log_level.lower(), proxy_headers=False)
    return 0


def _shared_metrics_dir(settings) -> None:
    """Workers write their metric samples to files that /metrics merges (prometheus_client's
    multi-process mode); emptied at start so counters of a previous run do not linger."""
    import shutil

    path = (settings.data_dir / "metrics").resolve()
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)


# Demo preparation steps: (label, module, function); each takes the settings. Missing ones are skipped.
DEMO_STEPS = (
    ("knowledge base: bundled fact sheets", "ingest.demo", "prepare"),
    ("accounts: demo users", "liaison.demo_accounts", "prepare"),
    ("statistics: synthetic returns and report", "reports.demo", "prepare"),
)


def _demo(args) -> int:
    import importlib

    from liaison.admin_cli import settings_from_args
    from liaison.db import migrate

    settings = settings_from_args(args)
    migrate(settings.resolved_database_url)
    for label, module_name, func in DEMO_STEPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        print(f"[demo] {label} ...", flush=True)
        message = getattr(module, func)(settings)
        if message:
            print(f"[demo]   {message}", flush=True)
    if args.no_serve:
        return 0
    return _serve(args)
