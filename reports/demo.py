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
                "unemployment": "csv", "contributions": "csv"}
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
    # No agreement: care received there and pensions paid to residents
    "TH": 0.6, "CN": 0.5, "MU": 0.4, "VN": 0.3, "AE": 0.3, "AU": 0.3, "MX": 0.2
}
# Per indicator: base value per unit of weight (France competent, France stay/residence). Amounts tied to a
# count are that count times an average amount.
_BASE: dict[str, tuple[float, float]] = {
    "persons_registered_healthcare": (4000, 6000), "planned_care_authorisations": (300, 150),
    "healthcare_claims": (60000, 45000), "pension_applications": (2500, 3000), "pensions_paid": (40000, 25000),
    "family_benefit_cases": (1500, 800), "children_covered": (2600, 1400), "accidents_recognised": (300, 120),
    "occupational_diseases_recognised": (40, 15), "u1_documents_issued": (3000, 4000),
    "benefit_exports": (400, 250), "unemployment_reimbursements_amount": (2_500_000, 1_200_000),
    "posted_worker_certificates": (20000, 25000), "multi_state_certificates": (3000, 2000),
    "exceptions_granted": (200, 150), "contributions_recovered_amount": (150_000, 80_000),
    "agreement_posting_forms": (9000, 6000), "bilateral_derogations": (300, 200),
    "affiliation_exemptions": (250, 400),
}
_AVERAGE_AMOUNT: dict[str, tuple[float, float]] = {
    "healthcare_claims_amount": (1400, 1100), "healthcare_payments_amount": (1300, 1000),
    "pensions_paid_amount": (4800, 3600),
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
    if instrument.kind == "none":
        return branch in ("health", "old_age")  # care abroad, pensions paid to residents; no posting
    if branch == "unemployment":
        return instrument.kind == "eu"
    if branch == "family":
        return instrument.kind in ("eu", "territorial") or partner in ("DZ", "MA", "TN", "TR")
    return True


# Which indicators each kind of instrument has (A1 and art. 16 are EU/UK notions; agreement forms and
# derogations belong to bilateral agreements and coordination decrees).
_ONLY_FOR = {"posted_worker_certificates": ("eu", "uk"), "exceptions_granted": ("eu", "uk"),
             "agreement_posting_forms": ("bilateral", "territorial"), "bilateral_derogations": ("bilateral",)}
# Shares of each breakdown value (invented, of plausible order); noise per partner keeps them uneven.
_SHARES = {
    "sector": {"agriculture": 0.05, "industry": 0.22, "construction": 0.28, "transport": 0.12,
               "trade_hospitality": 0.08, "business_services": 0.14, "public_health_education": 0.06, "other": 0.05},
    "duration": {"lt_1m": 0.30, "1_6m": 0.35, "6_12m": 0.18, "12_24m": 0.14, "gt_24m": 0.03},
    "status": {"employee": 0.86, "self_employed": 0.11, "civil_servant": 0.03},
}


def _noise(*key) -> float:
    digest = hashlib.sha256("|".join(map(str, (DEMO_SEED,) + key)).encode()).digest()
    return random.Random(digest).uniform(0.9, 1.1)


def _growth(year: int, branch: str, partner: str) -> float:
    trend = 1.0 + 0.03 * (year - 2024) + (0.04 if branch == "contributions" else 0.0) * (year - 2024)
    return trend * _noise("trend", year, branch, partner)


def _count(base: float, weight: float, year: int, *key) -> int:
    return int(round(base * weight / 10 * _growth(year, key[0], key[1]) * _noise(year, *key)))


def _lump_share(instrument: cat.Instrument, partner: str, year: int) -> float:
    """Part of the healthcare amounts settled as lump sums (none without an agreement)."""
    if instrument.kind == "none":
        return 0.0
    return (0.28 if instrument.kind in ("eu", "uk") else 0.18) * _noise(year, "lump", partner)


def _split(indicator: cat.Indicator, value: Decimal, instrument: cat.Instrument, partner: str, direction: str,
           year: int) -> list[tuple[str, Decimal]]:
    """(breakdown, value) lines of one figure: the cells of its cross-classification (empty ones left out)."""
    if not indicator.dimensions:
        return [("", value)]
    if indicator.dimensions == ("basis",):
        lump = (value * Decimal(str(round(_lump_share(instrument, partner, year), 4)))).quantize(Decimal("0.01"))
        parts = [("basis=actual_costs", value - lump), ("basis=lump_sums", lump)]
        return [(b, v) for b, v in parts if v]
    cells: list[tuple[dict[str, str], float]] = [({}, 1.0)]
    for dimension in indicator.dimensions:
        shares = {v: s * _noise(year, partner, direction, indicator.code, v) for v, s in _SHARES[dimension].items()}
        whole = sum(shares.values())
        cells = [(parts | {dimension: v}, share * s / whole) for parts, share in cells for v, s in shares.items()]
    out = []
    for parts, share in cells:
        n = Decimal(int(round(float(value) * share)))
        if n:
            out.append((cat.format_breakdown(parts), n))
    return out


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
                if instrument.kind not in _ONLY_FOR.get(indicator.code, (instrument.kind,)):
                    continue
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
                    value = Decimal(str(round(n * average * _noise(year, branch, partner, direction,
                                                                   indicator.code, "avg"), 2)))
                value = value.quantize(Decimal("0.01"), ROUND_HALF_UP) if indicator.unit == cat.EUR else value
                for breakdown, part in _split(indicator, value, instrument, partner, direction, year):
                    lines.append(ReturnLine(instrument.code, partner, direction, indicator.code, breakdown, part,
                                            indicator.unit, 0))
    return lines


def _rows(year: int, branch: str, lines: list[ReturnLine]) -> list[list]:
    rows = []
    for item in lines:
        value = int(item.value) if item.unit == cat.COUNT else float(item.value)
        rows.append([year, branch, item.instrument, item.partner, item.direction, item.indicator, value,
                     item.unit, item.breakdown, "synthetic demo figure"])
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


def demo_activity(name: str, year: int) -> dict:
    """Synthetic activity of one desk for one year (the shape of its `activity_summary`), seeded like the
    returns: shown only in a report made of synthetic returns, for a desk that recorded nothing."""
    def n(base: float, *key) -> int:
        return int(round(base * _growth(year, "activity", name) * _noise(year, "activity", name, *key)))

    if name == "assistant":
        questions = n(48000, "questions")
        return {"questions": questions, "abstentions": n(3100, "abstentions"), "handovers": n(2600, "handovers"),
                "feedback_useful": n(5200, "useful"), "feedback_not_useful": n(900, "not_useful"),
                "by_language": {"fr": n(36000, "fr"), "en": n(7400, "en"), "es": n(2100, "es"), "de": n(1500, "de"),
                                "pt": n(1000, "pt")},
                "by_topic": {"healthcare_abroad": n(13000, "t1"), "pensions": n(11000, "t2"), "posting": n(9500, "t3"),
                             "family_benefits": n(5200, "t4"), "expatriation": n(3100, "t5"),
                             "cross_border_healthcare": n(2000, "t7"), "other": n(4200, "t6")}}
    if name == "intake":
        return {"cases_by_type": {"continuation": n(6200, "continuation"), "exemption": n(1900, "exemption"),
                                  "inquiry": n(2600, "inquiry")},
                "cases_by_outcome": {"accept": n(6900, "accept"), "refuse": n(640, "refuse"),
                                     "withdrawn": n(210, "withdrawn"), "pending": n(380, "pending")},
                "cases_by_country": {p: n(900 * w / 10, "country", p) for p, w in PARTNER_WEIGHTS.items() if w >= 1},
                "processing_days_median": round(18 * _noise(year, "activity", "median"), 1),
                "processing_days_p90": round(44 * _noise(year, "activity", "p90"), 1)}
    if name == "translation":
        pairs = {"de-fr": n(410000, "de"), "es-fr": n(380000, "es"), "it-fr": n(260000, "it"),
                 "pt-fr": n(240000, "pt"), "fr-en": n(520000, "fr-en"), "en-fr": n(330000, "en")}
        return {"documents": n(5400, "documents"), "segments": n(98000, "segments"), "words": sum(pairs.values()),
                "pairs": pairs}
    return {}


DEMO_REPORT_DIR = "reports/demo"


def demo_report_path(settings, fmt: str, lang: str = "fr") -> Path:
    suffix = "" if lang == "fr" else f"-{lang}"
    return settings.data_dir / DEMO_REPORT_DIR / f"demo-annual-report{suffix}.{fmt}"


def demo_links(year: int, lang: str) -> dict[str, str]:
    """Links of the demo report as the API serves it (/reports/demo)."""
    other = "en" if lang == "fr" else "fr"
    return {"pdf": f"/reports/demo.pdf?lang={lang}", "csv": f"/v1/stats/open-data/{year}.csv",
            "other_lang": f"/reports/demo?lang={other}"}


def served_base_url(settings) -> str:
    """The address the demo is served on: the configured public URL if one was set, else host and port."""
    if "public_base_url" in settings.model_fields_set:
        return settings.public_base_url.rstrip("/")
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{host}:{settings.port}"


def prepare(settings) -> str:
    """`liaison demo` step: synthetic returns for the demo years, then the demo report (French and English
    editions, HTML and PDF)."""
    from liaison.db import migrate
    from reports.render import build_report

    db_url = settings.resolved_database_url
    migrate(db_url)
    years = sorted(settings.reports_demo_years)
    summary = run_demo(settings, db_url, years)
    year = years[-1]
    for lang in ("fr", "en"):
        for fmt in ("html", "pdf"):
            build_report(settings, db_url, year, fmt, out=demo_report_path(settings, fmt, lang), lang=lang,
                         links=demo_links(year, lang))
    return (f"{summary.files} synthetic returns for {years[0]}-{year} ({summary.figures:,} figures); demo report "
            f"{year}: {served_base_url(settings)}/reports/demo (English: ?lang=en; PDF: "
            f"{demo_report_path(settings, 'pdf')})")
