"""Line-level checks of a parsed return: codes, units, values, duplicates and control totals.

Every problem is reported with its line and column; a return with any error is refused whole.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from liaison.csvsafe import formula_like
from reports import catalogue as cat
from reports.errors import ReturnIssue
from reports.parsing import ParsedFile, RawRow

MAX_ABS_VALUE = Decimal(10) ** 13
MAX_BREAKDOWN = 80
_DIRECTION_ALIASES = {
    "FR_COMPETENT": cat.FR_COMPETENT, "COMPETENT": cat.FR_COMPETENT,
    "FR_STAY_RESIDENCE": cat.FR_STAY_RESIDENCE, "STAY_RESIDENCE": cat.FR_STAY_RESIDENCE,
    "RESIDENCE": cat.FR_STAY_RESIDENCE, "STAY": cat.FR_STAY_RESIDENCE,
}
_THOUSANDS_SPACES = re.compile(r"[ \u00a0\u202f\u2009']")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


@dataclass(frozen=True, slots=True)
class ReturnLine:
    instrument: str
    partner: str
    direction: str
    indicator: str
    breakdown: str
    value: Decimal
    unit: str
    line: int


@dataclass
class ValidationResult:
    lines: list[ReturnLine]
    errors: list[ReturnIssue]
    warnings: list[ReturnIssue]
    skipped_lines: int = 0
    control_totals: int = 0
    sheet: str | None = None
    file_format: str = "csv"

    @property
    def ok(self) -> bool:
        return not self.errors


class _NotANumber(ValueError):
    pass


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _is_formula(raw: Any) -> bool:
    if raw is None:
        return False
    if isinstance(raw, str):
        # = + - @ tab CR: what a spreadsheet would evaluate when the data is exported again (liaison.csvsafe)
        return formula_like(raw) and len(raw.strip()) > 1
    # reports.xlsx.Formula (and openpyxl's formula objects, should a caller pass them)
    return type(raw).__name__ in ("Formula", "ArrayFormula", "DataTableFormula")


def parse_number(raw: Any) -> Decimal:
    """A plain number from a cell: 1234, 1234.5, '1 234,56', '1.234,56' or '1,234.56'."""
    if isinstance(raw, bool):
        raise _NotANumber(f"{str(raw).upper()} is not a number")
    if isinstance(raw, (datetime, date, time)):
        raise _NotANumber(f"a date ({raw}) is not a number: format the cell as a number")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _NotANumber(f"{raw} is not a number")
        exact = Decimal(repr(raw))
        rounded = exact.quantize(Decimal("0.01")) if abs(exact) < MAX_ABS_VALUE else exact
        # Spreadsheet arithmetic leaves binary noise (0.30000000000000004): keep the intended cents.
        return rounded if abs(exact - rounded) < Decimal("1e-6") else exact
    text = _THOUSANDS_SPACES.sub("", str(raw).strip())
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_sep == "," else ",", "").replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        raise _NotANumber(f"{str(raw).strip()!r} is not a plain number (put the unit in the unit column)")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise _NotANumber(f"{str(raw).strip()!r} is not a number") from None


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


@dataclass
class _Context:
    year: int
    branch: str
    sheet: str | None
    errors: list[ReturnIssue] = field(default_factory=list)

    def error(self, code: str, message: str, line: int, column: str | None = None) -> None:
        self.errors.append(ReturnIssue(code, message, line, self.sheet, column))


def _check_row(ctx: _Context, row: RawRow, wrong_years: dict[int, int]) -> tuple | None:
    """Validate one row; returns (instrument, partner, direction, indicator, breakdown, value, unit) or None."""
    cells, line = row.cells, row.line
    before = len(ctx.errors)
    for column, raw in cells.items():
        if column != "__extra__" and _is_formula(raw):
            shown = raw if isinstance(raw, str) else getattr(raw, "text", "formula")
            ctx.error("formula", f"formula {str(shown)[:60]!r} instead of a value: paste values only", line, column)
    if len(ctx.errors) > before:
        return None
    if cells.get("__extra__"):
        ctx.error("extra_cells", "values beyond the last column of the header", line)

    year_text = _text(cells.get("year"))
    try:
        row_year = int(parse_number(year_text)) if year_text else None
    except _NotANumber:
        row_year = None
    if row_year is None:
        ctx.error("invalid_year", f"year {year_text!r} is not a year (expected {ctx.year})", line, "year")
    elif row_year != ctx.year:
        wrong_years[line] = row_year

    branch = _text(cells.get("branch")).lower()
    if branch not in cat.BRANCHES:
        ctx.error("unknown_branch", f"unknown branch {branch!r} (allowed: {', '.join(cat.BRANCHES)})", line, "branch")
    elif branch != ctx.branch:
        ctx.error("wrong_branch", f"branch {branch!r}, but this return is for branch {ctx.branch!r}", line, "branch")

    code = _text(cells.get("indicator")).lower()
    indicator = cat.INDICATORS.get(code)
    if indicator is None:
        allowed = ", ".join(i.code for i in cat.indicators_for(ctx.branch))
        ctx.error("unknown_indicator", f"unknown indicator {code!r} (allowed for {ctx.branch}: {allowed})",
                  line, "indicator")
    elif indicator.branch != ctx.branch:
        ctx.error("wrong_branch", f"indicator {code!r} belongs to branch {indicator.branch!r}, "
                  f"not {ctx.branch!r}", line, "indicator")
        indicator = None

    raw_direction = _text(cells.get("direction"))
    direction = _DIRECTION_ALIASES.get(raw_direction.upper().replace(" ", "_").replace("-", "_"))
    if direction is None:
        ctx.error("unknown_direction", f"unknown direction {raw_direction!r} (allowed: {', '.join(cat.DIRECTIONS)})",
                  line, "direction")

    raw_instrument = _text(cells.get("instrument")).upper()
    instrument = cat.INSTRUMENTS.get(raw_instrument.replace("_", "-").replace(" ", ""))
    if instrument is None:
        ctx.error("unknown_instrument", f"unknown instrument {raw_instrument!r} (allowed: EU, UK, BA-<code> for a "
                  "bilateral agreement, TA-<code> for a French territory, NOAGR for a state without agreement; see "
                  "the Codes sheet of the template)",
                  line, "instrument")

    raw_partner = _text(cells.get("partner"))
    partner = cat.normalise_partner(raw_partner)
    if partner == cat.TOTAL_PARTNER:
        pass
    elif not partner:
        ctx.error("missing_partner", "partner country or territory missing", line, "partner")
    elif partner == "FR":
        ctx.error("invalid_partner", "the partner cannot be France: give the other state or territory", line, "partner")
    elif partner not in cat.countries():
        ctx.error("unknown_country", f"unknown country or territory code {raw_partner!r} (use ISO 3166-1 alpha-2 "
                  "codes such as DE or ES, CA-QC for Quebec)", line, "partner")
    elif instrument is not None and partner not in instrument.partners:
        ctx.error("partner_not_covered", f"partner {partner} is not covered by instrument {instrument.code} "
                  f"(it covers {instrument.coverage})", line, "partner")

    raw_unit = _text(cells.get("unit"))
    unit = None
    if indicator is not None:
        unit, why = cat.normalise_unit(raw_unit) if raw_unit else (None, "unit missing")
        expected = "euros (EUR)" if indicator.unit == cat.EUR else "count"
        if unit is None:
            ctx.error("wrong_unit", f"{why}: indicator {code!r} is reported in {expected}", line, "unit")
        elif unit != indicator.unit:
            ctx.error("wrong_unit", f"unit {raw_unit!r}, but indicator {code!r} is reported in {expected}", line, "unit")
            unit = None

    value = None
    raw_value = cells.get("value")
    if raw_value is None or _text(raw_value) == "":
        ctx.error("missing_value", "value missing (write 0 for none)", line, "value")
    else:
        try:
            value = parse_number(raw_value)
        except _NotANumber as exc:
            ctx.error("not_a_number", str(exc), line, "value")
        if value is not None and indicator is not None:
            if abs(value) >= MAX_ABS_VALUE:
                ctx.error("too_large_value", f"value {_fmt(value)} is too large", line, "value")
                value = None
            elif indicator.unit == cat.COUNT:
                if value < 0:
                    ctx.error("negative_count", f"negative count {_fmt(value)}: counts are whole numbers of 0 or more",
                              line, "value")
                    value = None
                elif value != value.to_integral_value():
                    ctx.error("not_whole", f"count {_fmt(value)} is not a whole number", line, "value")
                    value = None
            else:
                if value < 0:
                    ctx.error("negative_amount", f"negative amount {_fmt(value)}: amounts are 0 or more", line, "value")
                    value = None
                elif value != value.quantize(Decimal("0.01")):
                    ctx.error("too_many_decimals", f"amount {_fmt(value)} has more than 2 decimals", line, "value")
                    value = None

    breakdown = _text(cells.get("breakdown"))
    if len(breakdown) > MAX_BREAKDOWN:
        ctx.error("breakdown_too_long", f"breakdown longer than {MAX_BREAKDOWN} characters", line, "breakdown")
    elif indicator is not None:
        breakdown = _check_breakdown(ctx, indicator, breakdown, line)

    if len(ctx.errors) > before or indicator is None or value is None or unit is None:
        return None
    return instrument.code, partner, direction, indicator.code, breakdown, value, unit


def _check_breakdown(ctx: _Context, indicator: cat.Indicator, breakdown: str, line: int) -> str:
    """Free text is kept as written; a structured breakdown ('sector=construction;status=employee') must use
    the indicator's dimensions and known values, and is stored in a canonical order."""
    parts = cat.parse_breakdown(breakdown)
    if parts is None:
        return breakdown
    ok = True
    if not indicator.dimensions:
        ctx.error("unknown_breakdown", f"indicator {indicator.code!r} has no breakdown dimensions: write free text "
                  "without '=' or leave the breakdown empty", line, "breakdown")
        return breakdown
    for dimension, value in parts.items():
        if dimension not in indicator.dimensions:
            ctx.error("unknown_breakdown", f"breakdown dimension {dimension!r} is not used for indicator "
                      f"{indicator.code!r} (allowed: {', '.join(indicator.dimensions)})", line, "breakdown")
            ok = False
        elif value not in cat.DIMENSIONS[dimension]:
            ctx.error("unknown_breakdown", f"unknown {dimension} {value!r} (allowed: "
                      f"{', '.join(cat.DIMENSIONS[dimension])})", line, "breakdown")
            ok = False
    if breakdown.replace(",", ";").count("=") != len(parts):
        ctx.error("unknown_breakdown", "a breakdown dimension appears twice", line, "breakdown")
        ok = False
    return cat.format_breakdown(parts) if ok else breakdown


def _dimensions_of(breakdown: str) -> tuple[str, ...] | None:
    parts = cat.parse_breakdown(breakdown)
    return None if parts is None else tuple(parts)


def _loose_key(cells: dict) -> tuple[str, str | None, str]:
    """(instrument, direction, indicator) of a refused line, normalised like accepted ones."""
    instrument = _text(cells.get("instrument")).upper().replace("_", "-").replace(" ", "")
    direction = _DIRECTION_ALIASES.get(_text(cells.get("direction")).upper().replace(" ", "_").replace("-", "_"))
    return instrument, direction, _text(cells.get("indicator")).lower()


def validate(parsed: ParsedFile, *, year: int, branch: str) -> ValidationResult:
    if branch not in cat.BRANCHES:
        raise ValueError(f"unknown branch {branch!r}; allowed: {', '.join(cat.BRANCHES)}")
    ctx = _Context(year, branch, parsed.sheet)
    lines: list[ReturnLine] = []
    totals: list[ReturnLine] = []
    seen: dict[tuple, int] = {}
    dimension_sets: dict[tuple, tuple[tuple[str, ...] | None, int]] = {}
    bad_keys: set[tuple] = set()  # (instrument, direction, indicator) with a refused detail line
    wrong_years: dict[int, int] = {}
    skipped = 0
    data_rows = 0
    for row in parsed.rows:
        cells = row.cells
        if _text(cells.get("partner")) == "" and _text(cells.get("value")) == "" and not any(
                _is_formula(v) for v in cells.values()):
            skipped += 1  # a template line left unfilled
            continue
        data_rows += 1
        checked = _check_row(ctx, row, wrong_years)
        if checked is None:
            bad_keys.add(_loose_key(cells))
            continue
        instrument, partner, direction, indicator, breakdown, value, unit = checked
        key = (instrument, partner, direction, indicator, breakdown)
        if key in seen:
            ctx.error("duplicate_line", f"duplicate of line {seen[key]} (same instrument, partner, direction, "
                      "indicator and breakdown)", row.line)
            continue
        seen[key] = row.line
        # Structured lines are cells of one cross-classification: mixing dimension sets (or structured and
        # free-text lines) for the same figure would count it twice in the report.
        if partner != cat.TOTAL_PARTNER:
            figure, dims = key[:4], _dimensions_of(breakdown)
            first = dimension_sets.setdefault(figure, (dims, row.line))
            if first[0] != dims:
                ctx.error("mixed_breakdown", f"breakdown {breakdown or '(none)'!r} does not use the same dimensions "
                          f"as line {first[1]} for the same instrument, partner, direction and indicator "
                          f"({', '.join(first[0]) if first[0] else 'no structured breakdown'}): the lines of one "
                          "figure must add up to its total", row.line, "breakdown")
                continue
        item = ReturnLine(instrument, partner, direction, indicator, breakdown, value, unit, row.line)
        (totals if partner == cat.TOTAL_PARTNER else lines).append(item)

    if wrong_years:
        other = set(wrong_years.values())
        if len(wrong_years) == data_rows and len(other) == 1:
            first = min(wrong_years)
            ctx.error("wrong_year", f"the lines are for year {other.pop()}, but this return is for {year}", first, "year")
        else:
            for line, row_year in wrong_years.items():
                ctx.error("wrong_year", f"year {row_year}, but this return is for {year}", line, "year")

    _check_totals(ctx, lines, totals, bad_keys)
    if data_rows == 0 and not ctx.errors:
        ctx.error("empty", "the return holds no figures", None)
    errors = sorted(ctx.errors, key=lambda e: (e.line or 0))
    return ValidationResult(lines, errors, list(parsed.warnings), skipped, len(totals), parsed.sheet, parsed.file_format)


def _check_totals(ctx: _Context, lines: list[ReturnLine], totals: list[ReturnLine], bad_keys: set[tuple]) -> None:
    if not totals:
        return
    sums: dict[tuple, Decimal] = defaultdict(Decimal)
    counts: dict[tuple, int] = defaultdict(int)
    for item in lines:
        for breakdown in ("", item.breakdown) if item.breakdown else ("",):
            key = (item.instrument, item.direction, item.indicator, breakdown)
            sums[key] += item.value
            counts[key] += 1
    for total in totals:
        key = (total.instrument, total.direction, total.indicator, total.breakdown)
        if (total.instrument, total.direction, total.indicator) in bad_keys:
            continue  # a detail line was refused: its own error says why
        label = f"{total.instrument} / {total.direction} / {total.indicator}"
        if counts[key] == 0:
            ctx.error("total_without_details", f"total {_fmt(total.value)} has no detail lines for {label}",
                      total.line, "value")
        elif sums[key] != total.value:
            ctx.error("total_mismatch", f"total {_fmt(total.value)} does not match the sum of its {counts[key]} "
                      f"detail lines ({_fmt(sums[key])}) for {label}", total.line, "value")
