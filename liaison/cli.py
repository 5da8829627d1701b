"""`liaison` command line. Each capability registers its sub-commands from a light `cli` module;
heavy libraries are imported only inside the handler that runs, so `liaison --help` stays fast."""
from __future__ import annotations

import argparse
import importlib
import sys

import liaison  # noqa: F401  (applies offline defaults first)
from liaison.errors import CliError

# Modules exposing `register(subparsers)`; order = order in --help.
COMMAND_MODULES = (
    "ingest.cli",          # ingest, search, sources
    "ingest.corpus_cli",   # corpus fetch
    "assistant.cli",       # ask
    "api.cli",             # serve, demo
    "translation.cli",     # translate
    "intake.cli",          # applicable, cases
    "reports.cli",         # stats, report
    "liaison.admin_cli",   # users, db
    "liaison.ops_cli",     # backup, restore
    "liaison.tasks.cli",   # worker, tasks
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="liaison",
        description="Liaison: knowledge base, assistant, legal lookup, intake, statistics and translation "
        "for a social-security liaison centre.",
    )
    parser.add_argument("--version", action="version", version=f"liaison {liaison.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # capability not installed in this build
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"liaison {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


__all__ = ["CliError", "build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())
