"""Open-data export: the aggregated tables of a year as CSV or JSON.

Only sums over institutions and breakdowns are published (no institution, no free-text breakdown, no
line). Small counts (1 to threshold-1) and the amounts tied to them are suppressed so that no small group
of persons can be singled out.
"""
from __future__ import annotations

import io
import json
from decimal import Decimal

from liaison import csvsafe
from reports import catalogue as cat
from reports.aggregate import Cell, load_cells
from reports.schemas import OpenDataPublic, OpenDataRow

COLUMNS = ["year", "branch", "instrument", "instrument_kind", "partner", "partner_name", "direction", "indicator",
           "unit", "value", "suppressed", "synthetic"]
LICENCE_NOTE = "Aggregated statistics on the application of the social security coordination instruments."


def _suppressed(cell: Cell, counts: dict[tuple, Decimal], threshold: int) -> bool:
    def small(v: Decimal | None) -> bool:
        return v is not None and 0 < v < threshold

    if cell.unit == cat.COUNT:
        return small(cell.value)
    indicator = cat.INDICATORS.get(cell.indicator)
    if indicator is None or indicator.count_indicator is None:
        return False
    return small(counts.get((cell.branch, cell.instrument, cell.partner, cell.direction, indicator.count_indicator)))


def open_data(db_url: str, year: int, threshold: int) -> OpenDataPublic:
    cells = [c for c in load_cells(db_url, [year]) if c.year == year]
    counts = {(c.branch, c.instrument, c.partner, c.direction, c.indicator): c.value
              for c in cells if c.unit == cat.COUNT}
    rows = []
    for c in cells:
        hidden = _suppressed(c, counts, threshold)
        value = None if hidden else (int(c.value) if c.unit == cat.COUNT else float(c.value))
        instrument = cat.INSTRUMENTS.get(c.instrument)
        rows.append(OpenDataRow(
            year=c.year, branch=c.branch, instrument=c.instrument,
            instrument_kind=instrument.kind if instrument else "other", partner=c.partner,
            partner_name=cat.country_name(c.partner), direction=c.direction, indicator=c.indicator, unit=c.unit,
            value=value, suppressed=hidden, synthetic=c.synthetic))
    synthetic = any(c.synthetic for c in cells)
    notes = [LICENCE_NOTE,
             "value: sum over all reporting institutions; counts are whole numbers, amounts are in euros.",
             f"Counts from 1 to {threshold - 1} and the amounts tied to them are suppressed (value empty, "
             "suppressed true)."]
    if synthetic:
        notes.insert(0, "SYNTHETIC DEMONSTRATION DATA: invented figures, not official statistics.")
    return OpenDataPublic(year=year, title=f"Social security coordination statistics {year}", synthetic=synthetic,
                          suppression_threshold=threshold, notes=notes, columns=COLUMNS, rows=rows)


def export_json(db_url: str, year: int, threshold: int) -> bytes:
    data = open_data(db_url, year, threshold).model_dump()
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def export_csv(db_url: str, year: int, threshold: int) -> bytes:
    data = open_data(db_url, year, threshold)
    buf = io.StringIO(newline="")
    writer = csvsafe.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in data.rows:
        values = row.model_dump()
        writer.writerow(["" if values[c] is None else str(values[c]).lower() if isinstance(values[c], bool)
                         else values[c] for c in COLUMNS])
    return buf.getvalue().encode("utf-8")
