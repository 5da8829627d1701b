"""Aggregated figures from the current (validated) returns: one GROUP BY per report, computed in the
database so a year of a million lines stays fast, then shaped in Python."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select

from liaison.db import session_scope
from reports import catalogue as cat
from reports.models import CURRENT, StatLine, StatSubmission


@dataclass(frozen=True, slots=True)
class Cell:
    year: int
    branch: str
    instrument: str
    partner: str
    direction: str
    indicator: str
    unit: str
    value: Decimal
    lines: int
    synthetic: bool


def load_cells(db_url: str, years: Iterable[int]) -> list[Cell]:
    """Sums over institutions and breakdowns, per year/branch/instrument/partner/direction/indicator."""
    years = sorted(set(years))
    dims = (StatLine.year, StatLine.branch, StatLine.instrument, StatLine.partner, StatLine.direction,
            StatLine.indicator, StatLine.unit)
    current_ids = select(StatSubmission.id).where(StatSubmission.status == CURRENT, StatSubmission.year.in_(years))
    synthetic_ids = current_ids.where(StatSubmission.synthetic.is_(True))
    with session_scope(db_url) as s:
        synthetic_subs = sorted(s.scalars(synthetic_ids))
        synthetic = func.max(case((StatLine.submission_id.in_(synthetic_subs), 1), else_=0))
        q = (select(*dims, func.sum(StatLine.value), func.count(), synthetic)
             .where(StatLine.submission_id.in_(current_ids))
             .group_by(*dims).order_by(*dims))
        cells = []
        for year, branch, instrument, partner, direction, indicator, unit, total, n, is_synthetic in s.execute(q):
            cells.append(Cell(year, branch, instrument, partner, direction, indicator, unit,
                              Decimal(total).quantize(Decimal("0.01")), int(n), bool(is_synthetic)))
        return cells


def indicator_totals(cells: Iterable[Cell]) -> dict[tuple[str, str], Decimal]:
    """(indicator, direction) -> total over partners and instruments."""
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for c in cells:
        out[(c.indicator, c.direction)] += c.value
    return out


def flow_of(cell: Cell) -> str | None:
    """'in' or 'out' for an amount in euros, None for a count."""
    if cell.unit != cat.EUR:
        return None
    indicator = cat.INDICATORS.get(cell.indicator)
    flow = indicator.flow if indicator else cat.DEFAULT_FLOW
    return flow.get(cell.direction)


def flows_by(cells: Iterable[Cell], key) -> dict[str, dict[str, Decimal]]:
    """key(cell) -> {'in': amount, 'out': amount}."""
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"in": Decimal(0), "out": Decimal(0)})
    for c in cells:
        flow = flow_of(c)
        if flow:
            out[key(c)][flow] += c.value
    return out


def by_partner(cells: Iterable[Cell], indicator: str, direction: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for c in cells:
        if c.indicator == indicator and c.direction == direction:
            out[c.partner] += c.value
    return out


@dataclass(frozen=True, slots=True)
class BreakdownCell:
    """A sum over institutions of the lines with one structured breakdown ('sector=construction;...')."""

    year: int
    indicator: str
    direction: str
    instrument: str
    partner: str
    parts: tuple[tuple[str, str], ...]
    value: Decimal


def load_cells_and_breakdowns(db_url: str, years: Iterable[int]) -> tuple[list[Cell], list[BreakdownCell]]:
    """The cells of `load_cells` and the structured breakdowns (free-text ones are the institutions' own
    sub-categories, not published), in one pass over the lines: a year of a million lines is scanned once."""
    years = sorted(set(years))
    dims = (StatLine.year, StatLine.branch, StatLine.instrument, StatLine.partner, StatLine.direction,
            StatLine.indicator, StatLine.unit)
    indicators = [i.code for i in cat.INDICATORS.values() if i.dimensions]
    structured = case((StatLine.indicator.in_(indicators) & StatLine.breakdown.contains("="), StatLine.breakdown),
                      else_="")
    current_ids = select(StatSubmission.id).where(StatSubmission.status == CURRENT, StatSubmission.year.in_(years))
    synthetic_ids = current_ids.where(StatSubmission.synthetic.is_(True))
    with session_scope(db_url) as s:
        synthetic_subs = sorted(s.scalars(synthetic_ids))
        synthetic = func.max(case((StatLine.submission_id.in_(synthetic_subs), 1), else_=0))
        q = (select(*dims, structured, func.sum(StatLine.value), func.count(), synthetic)
             .where(StatLine.submission_id.in_(current_ids))
             .group_by(*dims, structured).order_by(*dims, structured))
        cells: list[Cell] = []
        breakdowns: list[BreakdownCell] = []
        key, total, lines, is_synthetic = None, Decimal(0), 0, False
        for year, branch, instrument, partner, direction, indicator, unit, breakdown, value, n, syn in s.execute(q):
            value = Decimal(value).quantize(Decimal("0.01"))
            if breakdown:
                parts = cat.parse_breakdown(breakdown) or {}
                breakdowns.append(BreakdownCell(year, indicator, direction, instrument, partner,
                                                tuple(sorted(parts.items())), value))
            row_key = (year, branch, instrument, partner, direction, indicator, unit)
            if row_key != key:
                if key is not None:
                    cells.append(Cell(*key, total, lines, is_synthetic))
                key, total, lines, is_synthetic = row_key, Decimal(0), 0, False
            total, lines, is_synthetic = total + value, lines + int(n), is_synthetic or bool(syn)
        if key is not None:
            cells.append(Cell(*key, total, lines, is_synthetic))
    breakdowns.sort(key=lambda b: (b.year, b.indicator, b.direction, b.instrument, b.partner, b.parts))
    return cells, breakdowns


def by_dimension(cells: Iterable[BreakdownCell], indicators: Iterable[str], direction: str,
                 dimension: str) -> dict[str, Decimal]:
    """value of `dimension` -> total (lines without that dimension are left out)."""
    wanted = set(indicators)
    out: dict[str, Decimal] = defaultdict(Decimal)
    for c in cells:
        if c.indicator in wanted and c.direction == direction:
            value = dict(c.parts).get(dimension)
            if value is not None:
                out[value] += c.value
    return out
