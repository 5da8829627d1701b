"""`liaison stats ...` (templates, imports, history, demo data, open data) and `liaison report YEAR`.

Handlers import their libraries lazily so `liaison --help` stays fast.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date

BRANCH_CODES = ("health", "old_age", "family", "work_accidents", "unemployment", "contributions")


def register(sub: argparse._SubParsersAction) -> None:
    stats = sub.add_parser("stats", help="statistical returns: templates, import, history, demo data, open data")
    stats_sub = stats.add_subparsers(dest="stats_command", metavar="STATS_COMMAND", required=True)

    template = stats_sub.add_parser("template", help="write the return template of a branch (CSV or XLSX)")
    template.add_argument("branch", metavar="BRANCH", help=f"one of: {', '.join(BRANCH_CODES)}")
    template.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="file format (default csv)")
    template.add_argument("--year", type=int, help="reporting year written in the template (default: last year)")
    template.add_argument("--out", help="output file ('-' for standard output; default: "
                          "liaison-return-BRANCH-YEAR.FORMAT in the current directory)")
    template.set_defaults(func=_template)

    imp = stats_sub.add_parser("import", help="validate and import a return (prints line-level errors)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--institution", required=True, help="the sending institution")
    imp.add_argument("--year", type=int, required=True, help="reporting year of the return")
    imp.add_argument("--branch", required=True, help=f"one of: {', '.join(BRANCH_CODES)}")
    imp.add_argument("--data-dir")
    imp.set_defaults(func=_import)

    returns = stats_sub.add_parser("returns", help="list returns and their versions (history)")
    returns.add_argument("--year", type=int)
    returns.add_argument("--branch")
    returns.add_argument("--institution")
    returns.add_argument("--status", choices=("current", "superseded", "rejected"))
    returns.add_argument("--data-dir")
    returns.set_defaults(func=_returns)

    demo = stats_sub.add_parser("demo", help="create clearly labelled SYNTHETIC returns for the given years")
    demo.add_argument("years", metavar="YEARS", nargs="+", help="e.g. 2024 2025, 2024,2025 or 2024-2025")
    demo.add_argument("--data-dir")
    demo.set_defaults(func=_demo)

    export = stats_sub.add_parser("export", help="open-data export of the aggregated tables (no personal data)")
    export.add_argument("year", metavar="YEAR", type=int)
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--out", help="output file (default: standard output)")
    export.add_argument("--data-dir")
    export.set_defaults(func=_export)

    report = sub.add_parser("report", help="build the annual report of a year (HTML or PDF)")
    report.add_argument("year", metavar="YEAR", type=int)
    report.add_argument("--format", choices=("html", "pdf"), default="html", help="output format (default html)")
    report.add_argument("--lang", choices=("fr", "en"), default="fr",
                        help="edition: fr (default, the centre's published language) or en")
    report.add_argument("--out", help="output file (default: DATA_DIR/reports/annual-report-YEAR.FORMAT, "
                        "annual-report-YEAR-en.FORMAT for the English edition)")
    report.add_argument("--data-dir")
    report.set_defaults(func=_report)


def _settings_and_db(args):
    from liaison.admin_cli import database_url, settings_from_args

    return settings_from_args(args), database_url(args)


def _check_branch(branch: str) -> str:
    from liaison.cli import CliError

    branch = branch.strip().lower()
    if branch not in BRANCH_CODES:
        raise CliError(f"unknown branch {branch!r}; allowed: {', '.join(BRANCH_CODES)}")
    return branch


def _template(args) -> int:
    from pathlib import Path

    from reports.templates import build_template, template_filename

    branch = _check_branch(args.branch)
    year = args.year or date.today().year - 1
    data = build_template(branch, year, args.format)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        return 0
    out = Path(args.out or template_filename(branch, year, args.format))
    out.write_bytes(data)
    print(f"template for {branch} ({year}) written to {out}")
    return 0


def _import(args) -> int:
    from pathlib import Path

    from liaison.cli import CliError
    from reports.errors import ReturnTooLarge
    from reports.returns import Submitter, import_return, read_return_file

    branch = _check_branch(args.branch)
    settings, db_url = _settings_and_db(args)
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    try:
        content = read_return_file(path, settings.reports_max_upload_mb)
        result = import_return(settings, db_url, content, filename=path.name, institution=args.institution,
                               year=args.year, branch=branch, submitter=Submitter("cli", "admin"))
    except ReturnTooLarge as exc:
        raise CliError(f"{path.name}: {exc.issues[0]}") from None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    for warning in result.warnings:
        print(f"warning: {path.name}: {warning.text}", file=sys.stderr)
    if result.status == "rejected":
        for error in result.errors:
            print(f"{path.name}: {error.text}", file=sys.stderr)
        more = result.error_count - len(result.errors)
        if more > 0:
            print(f"{path.name}: ... and {more} more errors", file=sys.stderr)
        plural = "s" if result.error_count != 1 else ""
        raise CliError(f"return rejected: {result.error_count} error{plural}, nothing imported "
                       f"(submission #{result.id})")
    if result.unchanged:
        print(f"unchanged: this file is already the current return #{result.id} ({result.line_count} figures)")
    else:
        replaced = f", replaces #{result.replaces_id}" if result.replaces_id else ""
        print(f"imported return #{result.id}: {result.line_count} figures, {result.control_totals} control totals "
              f"checked, {result.skipped_lines} empty template lines skipped{replaced}")
    return 0


def _returns(args) -> int:
    from reports.returns import list_returns

    _, db_url = _settings_and_db(args)
    branch = _check_branch(args.branch) if args.branch else None
    rows = list_returns(db_url, institution=args.institution, year=args.year, branch=branch, status=args.status)
    for r in rows:
        print(f"#{r.id}\t{r.year}\t{r.branch}\t{r.status}\t{r.line_count}\t{r.error_count}\t"
              f"{r.submitted_at:%Y-%m-%d %H:%M}\t{r.institution}\t{r.filename}")
    if not rows:
        print("no return", file=sys.stderr)
    return 0


def _demo(args) -> int:
    from liaison.cli import CliError
    from reports.demo import parse_years, run_demo

    try:
        years = parse_years(args.years)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    settings, db_url = _settings_and_db(args)
    summary = run_demo(settings, db_url, years)
    print(f"SYNTHETIC demo returns for {', '.join(map(str, years))}: {summary.files} files "
          f"({summary.accepted} imported, {summary.rejected} rejected as planned, {summary.unchanged} unchanged); "
          f"files in {settings.data_dir / 'demo_returns'}")
    print(f"next: liaison report {years[-1]} --format pdf" + (f" --data-dir {args.data_dir}" if args.data_dir else ""))
    return 0


def _export(args) -> int:
    from pathlib import Path

    from reports.opendata import export_csv, export_json

    settings, db_url = _settings_and_db(args)
    data = (export_csv if args.format == "csv" else export_json)(db_url, args.year, settings.reports_open_data_min_count)
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"open data for {args.year} written to {args.out}")
    else:
        sys.stdout.buffer.write(data)
    return 0


def _report(args) -> int:
    from pathlib import Path

    from liaison.cli import CliError
    from reports.render import build_report
    from reports.report import NoReportData

    settings, db_url = _settings_and_db(args)
    try:
        path = build_report(settings, db_url, args.year, args.format, out=Path(args.out) if args.out else None,
                            lang=args.lang)
    except NoReportData as exc:
        raise CliError(str(exc)) from None
    print(f"report {args.year} ({args.format}, {args.lang}) written to {path}")
    return 0
