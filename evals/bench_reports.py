"""Benchmark of the statistics capability (issue 7).

1. Import of one return of 100,000 lines (CSV and XLSX): read, parse, validate every line, store, in one
   call of `reports.returns.import_return`, as the API and `liaison stats import` do.
2. Report for a year of 1,000,000 stored lines (plus a previous year for the year-over-year columns): the
   HTML and the PDF, each built from scratch (no cache), as `liaison report YEAR` does.
3. Page 1 of the demo report rendered to PNG with pdftoppm (the closing note shows it).

Goal: each of 1 and 2 under 30 s on this machine. Usage:
    python -m evals.bench_reports [--out evals/results/bench_reports.json] [--db-url postgresql+psycopg://...]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

GOAL_SECONDS = 30.0
ROOT = Path(__file__).resolve().parent.parent


def bench_lines(branch: str, year: int, n: int, seed: int = 0):
    """`n` distinct lines for one branch: every partner/direction/indicator, repeated over breakdowns
    ('claim batch 00001', ...) as a return listing claim batches would be."""
    from reports import catalogue as cat
    from reports.demo import PARTNER_WEIGHTS, _covered, _instrument_for
    from reports.validation import ReturnLine

    combos = []
    for partner in sorted(PARTNER_WEIGHTS):
        instrument = _instrument_for(partner)
        if not _covered(branch, instrument, partner):
            continue
        for direction in cat.DIRECTIONS:
            for indicator in cat.indicators_for(branch):
                combos.append((instrument.code, partner, direction, indicator, round(PARTNER_WEIGHTS[partner] * 100)))
    lines = []
    for i in range(n):
        instrument, partner, direction, indicator, weight = combos[i % len(combos)]
        batch = i // len(combos) + 1
        raw = (weight * 97 + batch * 13 + seed * 7 + i % 89) % 5000 + 1
        value = Decimal(raw) if indicator.unit == cat.COUNT else Decimal(raw * 731) / 100
        lines.append(ReturnLine(instrument, partner, direction, indicator.code, f"claim batch {batch:05d}", value,
                                indicator.unit, i + 2))
    return lines


def _rows(year: int, branch: str, lines) -> list[list]:
    return [[year, branch, x.instrument, x.partner, x.direction, x.indicator,
             int(x.value) if x.unit == "count" else float(x.value), x.unit, x.breakdown, ""] for x in lines]


def csv_return(year: int, branch: str, lines) -> bytes:
    from reports.parsing import COLUMNS

    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_rows(year, branch, lines))
    return buf.getvalue().encode("utf-8")


def xlsx_return(year: int, branch: str, lines) -> bytes:
    from openpyxl import Workbook

    from reports.parsing import COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"Return {year}")
    ws.append(list(COLUMNS))
    for r in _rows(year, branch, lines):
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, round(time.perf_counter() - start, 2)


def bench_import(settings, db_url: str, n: int) -> dict:
    from reports.returns import import_return

    lines = bench_lines("health", 2025, n)
    out = {"lines": n}
    for fmt, make in (("csv", csv_return), ("xlsx", xlsx_return)):
        content = make(2025, "health", lines)
        result, seconds = _timed(import_return, settings, db_url, content, filename=f"bench.{fmt}",
                                 institution=f"Bench import {fmt}", year=2025, branch="health")
        assert result.status == "current" and result.line_count == n, (result.status, result.errors[:3])
        out[fmt] = {"seconds": seconds, "file_mb": round(len(content) / 1e6, 1), "stored_lines": result.line_count,
                    "lines_per_second": int(n / seconds) if seconds else None}
        print(f"import {fmt}: {n:,} lines ({len(content) / 1e6:.1f} MB) in {seconds:.2f} s", flush=True)
    return out


def populate(db_url: str, year: int, total: int, per_return: int = 100_000) -> dict:
    """`total` stored lines for `year`, spread over returns of `per_return` lines across the six branches."""
    from reports import catalogue as cat
    from reports.returns import store_lines

    branches = list(cat.BRANCHES)
    start = time.perf_counter()
    done, k = 0, 0
    while done < total:
        n = min(per_return, total - done)
        branch = branches[k % len(branches)]
        store_lines(db_url, bench_lines(branch, year, n, seed=k), institution=f"Bench institution {k:02d}", year=year,
                    branch=branch, filename=f"bench-{k:02d}.csv")
        done += n
        k += 1
    return {"year": year, "lines": total, "returns": k, "seconds": round(time.perf_counter() - start, 1)}


def bench_report(settings, db_url: str, n: int) -> dict:
    from reports.render import report_bytes
    from reports.report import load_inputs

    year = 2030
    setup = [populate(db_url, year, n), populate(db_url, year - 1, max(n // 10, 1))]
    print(f"setup: {setup}", flush=True)
    _, query_seconds = _timed(load_inputs, db_url, year)
    out = {"year": year, "lines": n, "setup": setup, "aggregate_query_seconds": query_seconds}
    for fmt in ("html", "pdf"):
        shutil.rmtree(settings.data_dir / "reports" / "cache", ignore_errors=True)
        (data, _), seconds = _timed(report_bytes, settings, db_url, year, fmt)
        out[fmt] = {"seconds": seconds, "bytes": len(data)}
        print(f"report {fmt}: year of {n:,} lines in {seconds:.2f} s", flush=True)
    return out


def demo_page_png(work: Path, png: Path) -> dict:
    from liaison.settings import Settings
    from reports.demo import demo_report_path, prepare

    settings = Settings(data_dir=work / "demo").ensure_dirs()
    message, seconds = _timed(prepare, settings)
    pdf = demo_report_path(settings, "pdf")
    tool = shutil.which("pdftoppm")
    if not tool:
        return {"error": "pdftoppm missing (make install-system)", "pdf": str(pdf)}
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([tool, "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(png.with_suffix(""))], check=True)
    return {"message": message, "prepare_seconds": seconds, "png": str(png)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "evals" / "results" / "bench_reports.json"))
    parser.add_argument("--import-lines", type=int, default=100_000)
    parser.add_argument("--report-lines", type=int, default=1_000_000)
    parser.add_argument("--db-url", help="database (default: SQLite file in a temporary data dir)")
    parser.add_argument("--png", default=str(ROOT / "evals" / "results" / "report_page1.png"))
    parser.add_argument("--skip-png", action="store_true")
    args = parser.parse_args(argv)

    from liaison.db import migrate
    from liaison.settings import Settings

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        work = Path(tmp)
        settings = Settings(data_dir=work / "data", database_url=args.db_url).ensure_dirs()
        db_url = settings.resolved_database_url
        migrate(db_url)
        load_before = os.getloadavg()
        imported = bench_import(settings, db_url, args.import_lines)
        report = bench_report(settings, db_url, args.report_lines)
        load_after = os.getloadavg()
        page = None if args.skip_png else demo_page_png(work, Path(args.png))
    result = {
        "benchmark": "reports (issue 7)",
        "command": "python -m evals.bench_reports " + " ".join(argv if argv is not None else sys.argv[1:]),
        "database": db_url.split("://", 1)[0] if args.db_url else "sqlite (file)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in load_after],
                    "note": "machine shared with other developers: timings are noisy"},
        "goal_seconds": GOAL_SECONDS,
        "import": imported,
        "report": report,
        "goal_met": {"import_csv": imported["csv"]["seconds"] < GOAL_SECONDS,
                     "import_xlsx": imported["xlsx"]["seconds"] < GOAL_SECONDS,
                     "report_html": report["html"]["seconds"] < GOAL_SECONDS,
                     "report_pdf": report["pdf"]["seconds"] < GOAL_SECONDS},
        "demo_page": page,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({"import": {k: v["seconds"] for k, v in imported.items() if isinstance(v, dict)},
                      "report": {k: report[k]["seconds"] for k in ("html", "pdf")},
                      "goal_met": result["goal_met"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
