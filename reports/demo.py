"""Synthetic demonstration returns, clearly labelled, so the report can be seen on a fresh machine.

Every institution name says "SYNTHETIC", every return is stored with `synthetic=True` (the report then
prints a warning on every page) and the values come from a seeded generator: the same years give the
same files, so running the demo again changes nothing (imports are idempotent).
"""
from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reports import catalogue as cat
from reports.parsing import COLUMNS
from reports.validation import ReturnLine

DEMO_FORMATS = {"health": "xlsx", "old_age": "csv", "family": "csv", "work_accidents": "xlsx",
                "unemployment": "csv", "contributions": "xlsx"}
DEMO_SEED = "liaison-demo-v1"

# Relative weight of each partner in France's cross-border flows (invented, of plausible order).
PARTNER_WEIGHTS: dict[str, float] = {
    "DE": 10, "BE": 9, "CH": 9, "LU": 8, "ES": 7, "IT": 6, "PT": 6, "GB": 6, "NL": 3, "PL": 3, "RO": 3,
    "IE": 1.5, "AT": 1.5, "GR": 1, "SE": 1, "DK": 1, "BG": 0.8, "CZ": 0.8, "FI": 0.6, "HU": 0.6, "NO": 0.5,
    "HR": 0.4, "SK": 0.4, "LT": 0.3, "SI": 0.3, "EE": 0.2, "LV": 0.2, "CY": 0.2, "MT": 0.2, "IS": 0.1, "LI": 0.1,
    "DZ": 5, "MA": 5, "TN": 3, "US": 2, "TR": 1.5, "MC": 1.5, "CA-QC": 1.2, "CA": 1, "SN": 1, "AD": 0.8,
    "NC": 0.8, "PF": 0.8, "IL": 0.6, "JP": 0.5, "CI": 0.5, "ML": 0.5, "RS": 0.5, "BR": 0.4, "CM": 0.4,
    "YT": 0.4, "BA": 0.3, "IN": 0.3, "KR": 0.3, "MG": 0.3, "AR": 0.2, "BJ": 0.2, "CG": 0.2, "CL": 0.2,
    "CV": 0.2, "GA": 0.2, "MR": 0.2, "TG": 0.2, "XK": 0.2, "JE": 0.1, "ME": 0.1, "MK": 0.1, "NE": 0.1,
    "PH": 0.1, "PM": 0.1, "GG": 0.05, "SM": 0.05, "UY": 0.05,
}
# Per indicator: base value per unit of weight (France competent, France stay/residence). Amounts tied to a
# count are that count times an average amount.
_BASE: dict[str, tuple[float, float]] = {
    "persons_registered_healthcare": (4000, 6000), "planned_care_authorisations": (300, 150),
    "healthcare_claims": (12000, 9000), "pension_applications": (2500, 3000), "pensions_paid": (40000, 25000),
    "family_benefit_cases": (1500, 800), "children_covered": (2600, 1400), "accidents_recognised": (300, 120),
    "occupational_diseases_recognised": (40, 15), "u1_documents_issued": (3000, 4000),
    "benefit_exports": (400, 250), "unemployment_reimbursements_amount": (2_500_000, 1_200_000),
    "posted_worker_certificates": (20000, 25000), "multi_state_certificates": (3000, 2000),
    "exceptions_granted": (200, 150), "contributions_recovered_amount": (150_000, 80_000),
}
_AVERAGE_AMOUNT: dict[str, tuple[float, float]] = {
    "healthcare_claims_amount": (850, 620), "pensions_paid_amount": (4800, 3600),
    "family_benefits_amount": (2200, 1900), "work_injury_benefits_amount": (5200, 4100),
}


def institution_name(branch: str) -> str:
    return f"SYNTHETIC {cat.BRANCH_SHORT[branch]} institution (demo data)"


def _instrument_for(partner: str) -> cat.Instrument:
    for instrument in cat.INSTRUMENTS.values():
        if partner in instrument.partners:
            return instrument
    raise KeyError(partner)


def _covered(branch: str, instrument: cat.Instrument, partner: str) -> bool:
    """Which partners appear in which branch (the UK protocol and most agreements leave some branches out)."""
    if branch == "unemployment":
        return instrument.kind == "eu"
    if branch == "family":
        return instrument.kind in ("eu", "territorial") or partner in ("DZ", "MA", "TN", "TR")
    return True


def _noise(*key) -> float:
    digest = hashlib.sha256("|".join(map(str, (DEMO_SEED,) + key)).encode()).digest()
    return random.Random(digest).uniform(0.9, 1.1)


def _growth(year: int, branch: str, partner: str) -> float:
    trend = 1.0 + 0.03 * (year - 2024) + (0.04 if branch == "contributions" else 0.0) * (year - 2024)
    return trend * _noise("trend", year, branch, partner)


def _count(base: float, weight: float, year: int, *key) -> int:
    return int(round(base * weight / 10 * _growth(year, key[0], key[1]) * _noise(year, *key)))


def demo_lines(year: int, branch: str) -> list[ReturnLine]:
    lines: list[ReturnLine] = []
    partners = sorted(PARTNER_WEIGHTS, key=lambda p: (-PARTNER_WEIGHTS[p], p))
    indicators = cat.indicators_for(branch)
    for partner in partners:
        instrument = _instrument_for(partner)
        if not _covered(branch, instrument, partner):
            continue
        weight = PARTNER_WEIGHTS[partner]
        for direction_index, direction in enumerate(cat.DIRECTIONS):
            counts: dict[str, int] = {}
            for indicator in indicators:
                if indicator.code in _BASE:
                    base = _BASE[indicator.code][direction_index]
                    if indicator.unit == cat.EUR:
                        value = Decimal(str(round(base * weight / 10 * _growth(year, branch, partner)
                                                  * _noise(year, branch, partner, direction, indicator.code), 2)))
                    else:
                        value = Decimal(_count(base, weight, year, branch, partner, direction, indicator.code))
                        counts[indicator.code] = int(value)
                else:  # an amount that follows its count
                    average = _AVERAGE_AMOUNT[indicator.code][direction_index]
                    n = counts.get(indicator.count_indicator or "", 0)
                    value = Decimal(str(round(n * average * _noise(year, branch, partner, direction, "avg"), 2)))
                value = value.quantize(Decimal("0.01"), ROUND_HALF_UP) if indicator.unit == cat.EUR else value
                lines.append(ReturnLine(instrument.code, partner, direction, indicator.code, "", value,
                                        indicator.unit, 0))
    return lines


def _rows(year: int, branch: str, lines: list[ReturnLine]) -> list[list]:
    rows = []
    for item in lines:
        value = int(item.value) if item.unit == cat.COUNT else float(item.value)
        rows.append([year, branch, item.instrument, item.partner, item.direction, item.indicator, value,
                     item.unit, "", "synthetic demo figure"])
    # Control totals for EU posted-worker certificates, as a real return would carry them.
    for direction in cat.DIRECTIONS:
        total = sum((i.value for i in lines if i.indicator == "posted_worker_certificates"
                     and i.instrument == "EU" and i.direction == direction), Decimal(0))
        if total:
            rows.append([year, branch, "EU", cat.TOTAL_PARTNER, direction, "posted_worker_certificates",
                         int(total), cat.COUNT, "", "control total"])
    return rows


def return_file(year: int, branch: str, fmt: str | None = None, lines: list[ReturnLine] | None = None) -> bytes:
    """A filled return as an institution would send it (CSV UTF-8 or XLSX from the template)."""
    fmt = fmt or DEMO_FORMATS[branch]
    rows = _rows(year, branch, lines if lines is not None else demo_lines(year, branch))
    if fmt == "csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return buf.getvalue().encode("utf-8")
    import openpyxl

    from reports.templates import build_template, stable_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(build_template(branch, year, "xlsx")))
    ws = wb[f"Return {year}"]
    ws.delete_rows(2, ws.max_row)  # the template's empty lines
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return stable_xlsx(buf.getvalue())


def _broken_first_version(year: int) -> bytes:
    """The health return as first sent: amounts in thousands of euros (rejected, then corrected)."""
    lines = demo_lines(year, "health")
    rows = _rows(year, "health", lines)
    for row in rows:
        if row[5] == "healthcare_claims_amount" and row[3] in ("DE", "BE"):
            row[7] = "kEUR"
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


@dataclass
class DemoSummary:
    years: list[int]
    files: int
    accepted: int
    rejected: int
    unchanged: int
    figures: int


def _received_at(year: int, branch_index: int, minute: int = 0) -> datetime:
    # Fixed receipt dates (end of March after the reporting year): the demo report is reproducible.
    return datetime(year + 1, 3, 31, 9 + branch_index, minute, tzinfo=UTC)


def iter_demo_files(years: list[int]) -> Iterator[tuple[int, str, str, bytes, datetime]]:
    """(year, branch, filename, content, received_at), in the order they are 'received'."""
    for year in sorted(years):
        for index, branch in enumerate(cat.BRANCHES):
            if branch == "health" and year == max(years):
                yield year, branch, f"synthetic-{branch}-{year}-v1.csv", _broken_first_version(year), \
                    _received_at(year, index)
            fmt = DEMO_FORMATS[branch]
            yield year, branch, f"synthetic-{branch}-{year}.{fmt}", return_file(year, branch), \
                _received_at(year, index, 30)


def run_demo(settings, db_url: str, years: list[int]) -> DemoSummary:
    from reports.returns import Submitter, import_return

    submitter = Submitter("demo", "admin")
    out_dir = settings.data_dir / "demo_returns"
    summary = DemoSummary(sorted(years), 0, 0, 0, 0, 0)
    for year, branch, filename, content, received in iter_demo_files(years):
        path = out_dir / str(year) / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        result = import_return(settings, db_url, content, filename=filename, institution=institution_name(branch),
                               year=year, branch=branch, submitter=submitter, synthetic=True, received_at=received)
        summary.files += 1
        if result.unchanged:
            summary.unchanged += 1
        elif result.status == "rejected":
            summary.rejected += 1
        else:
            summary.accepted += 1
        if result.status == "current":
            summary.figures += result.line_count
    return summary


def parse_years(values: list[str]) -> list[int]:
    """'2024 2025', '2024,2025' or '2024-2025' -> [2024, 2025]."""
    years: set[int] = set()
    for value in values:
        for part in value.replace(",", " ").split():
            if "-" in part:
                a, b = part.split("-", 1)
                if not (a.isdigit() and b.isdigit()) or int(b) < int(a) or int(b) - int(a) > 20:
                    raise ValueError(f"invalid year range {part!r} (e.g. 2024-2025)")
                years.update(range(int(a), int(b) + 1))
            elif part.isdigit() and len(part) == 4:
                years.add(int(part))
            else:
                raise ValueError(f"invalid year {part!r} (e.g. 2024 2025)")
    if not years:
        raise ValueError("give at least one year (e.g. 2024 2025)")
    if any(y < 1990 or y > 2100 for y in years):
        raise ValueError("years must be between 1990 and 2100")
    return sorted(years)


DEMO_REPORT_DIR = "reports/demo"


def demo_report_path(settings, fmt: str) -> Path:
    return settings.data_dir / DEMO_REPORT_DIR / f"demo-annual-report.{fmt}"


def prepare(settings) -> str:
    """`liaison demo` step: synthetic returns for the demo years, then the demo report in HTML and PDF."""
    from liaison.db import migrate
    from reports.render import build_report

    db_url = settings.resolved_database_url
    migrate(db_url)
    years = sorted(settings.reports_demo_years)
    summary = run_demo(settings, db_url, years)
    year = years[-1]
    build_report(settings, db_url, year, "html", out=demo_report_path(settings, "html"))
    pdf = build_report(settings, db_url, year, "pdf", out=demo_report_path(settings, "pdf"))
    return (f"{summary.files} synthetic returns for {years[0]}-{year} ({summary.figures:,} figures); demo report "
            f"{year}: {settings.public_base_url.rstrip('/')}/reports/demo (PDF: {pdf})")
