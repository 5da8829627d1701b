"""`liaison eessi ...`: look-ups in the EESSI catalogue (buc, sed, form, catalogue) and the exchange
counts (import, volumes, demo). Handlers import lazily so `liaison --help` stays fast."""
from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    eessi = sub.add_parser("eessi", help="EESSI catalogue look-ups (BUC, SED, form) and exchange counts")
    eessi_sub = eessi.add_subparsers(dest="eessi_command", metavar="EESSI_COMMAND", required=True)
    for kind, help_text, example in (
            ("buc", "one business use case and its flow", "LA_BUC_01"),
            ("sed", "one SED: name, BUCs, what answers it", "A001"),
            ("form", "a portable document (S1) or an old E-form (E106) and what replaced it", "E106")):
        parser = eessi_sub.add_parser(kind, help=help_text)
        parser.add_argument("code", metavar="CODE", help=f"e.g. {example}")
        parser.add_argument("--json", action="store_true", help="JSON output")
        parser.add_argument("--data-dir")
        parser.set_defaults(func=_lookup, kind=kind)

    catalogue = eessi_sub.add_parser("catalogue", help="the catalogue in use: version, counts, sectors")
    catalogue.add_argument("--json", action="store_true")
    catalogue.add_argument("--data-dir")
    catalogue.set_defaults(func=_catalogue)

    imp = eessi_sub.add_parser("import-counts", help="validate and import exchange counts (CSV or XLSX; "
                               "columns month, buc, sed, partner, direction, count[, answered, "
                               "response_days, open])")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--institution", required=True, help="who sends the counts (e.g. the EESSI access point)")
    imp.add_argument("--data-dir")
    imp.set_defaults(func=_import_counts)

    volumes = eessi_sub.add_parser("volumes", help="exchange volumes, response times and open exchanges")
    volumes.add_argument("--year", type=int)
    volumes.add_argument("--by", choices=("buc", "sed", "partner", "direction", "month"), default="buc")
    volumes.add_argument("--json", action="store_true")
    volumes.add_argument("--data-dir")
    volumes.set_defaults(func=_volumes)

    demo = eessi_sub.add_parser("demo", help="import clearly labelled SYNTHETIC exchange counts for a year")
    demo.add_argument("year", type=int)
    demo.add_argument("--data-dir")
    demo.set_defaults(func=_demo)


def _service(args):
    from eessi.service import EessiService
    from liaison.admin_cli import settings_from_args

    return EessiService(settings_from_args(args))


def _lookup(args) -> int:
    from eessi.catalogue import CatalogueError
    from eessi.service import NotInCatalogue
    from eessi.text import RENDERERS
    from liaison.cli import CliError

    try:
        view = _service(args).lookup(args.kind, args.code)
    except NotInCatalogue as exc:
        if args.json:
            print(json.dumps({"detail": str(exc), "code": exc.code, "kind": exc.kind}, ensure_ascii=False))
        raise CliError(str(exc)) from None
    except CatalogueError as exc:
        raise CliError(str(exc)) from None
    print(json.dumps(view, ensure_ascii=False, indent=2) if args.json else RENDERERS[args.kind](view))
    return 0


def _catalogue(args) -> int:
    from eessi.catalogue import CatalogueError
    from liaison.cli import CliError

    try:
        summary = _service(args).summary()
    except CatalogueError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    c = summary["counts"]
    print(f"EESSI catalogue {summary['path']} (version {summary['version']}; CDM {', '.join(summary['cdm_versions'])})")
    print(f"{c['bucs']} sector BUCs (+{c['administrative_bucs']} administrative), {c['seds']} SEDs "
          f"({c['seds_with_english_name']} with an English name), {c['portable_documents']} portable documents")
    for sector in summary["sectors"]:
        print(f"  {sector['sector']:<3} {sector['name']}: {len(sector['bucs'])} BUCs")
    return 0


def _import_counts(args) -> int:
    from pathlib import Path

    from eessi.counts import CountsRejected, import_counts
    from liaison.admin_cli import database_url, settings_from_args
    from liaison.cli import CliError

    settings = settings_from_args(args)
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    try:
        result = import_counts(settings, database_url(args), path.read_bytes(), filename=path.name,
                               institution=args.institution, submitted_by="cli")
    except CountsRejected as exc:
        for issue in exc.issues[:200]:
            print(str(issue))
        raise CliError(f"{path.name} refused: {len(exc.issues)} problem(s); nothing was imported") from None
    state = "already imported (same file)" if result.duplicate else "imported"
    print(f"{path.name}: {state}, {result.lines} line(s), months {result.first_month}..{result.last_month} "
          f"(import #{result.id})")
    return 0


def _volumes(args) -> int:
    from eessi.monitoring import volumes
    from liaison.admin_cli import database_url

    table = volumes(database_url(args), by=args.by, year=args.year)
    if args.json:
        print(json.dumps(table, ensure_ascii=False, indent=2))
        return 0
    if not table["rows"]:
        print("no exchange counts imported" + (f" for {args.year}" if args.year else ""))
        return 0
    print(f"{args.by:<12} {'sent':>9} {'received':>9} {'answered':>9} {'mean days':>9} {'open':>7}")
    for row in table["rows"]:
        days = "" if row["mean_response_days"] is None else f"{row['mean_response_days']:.1f}"
        print(f"{row['key']:<12} {row['sent']:>9} {row['received']:>9} {row['answered']:>9} {days:>9} {row['open']:>7}")
    return 0


def _demo(args) -> int:
    from eessi.demo import import_demo_counts
    from liaison.admin_cli import database_url, settings_from_args

    print(import_demo_counts(settings_from_args(args), database_url(args), args.year))
    return 0
