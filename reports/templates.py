"""Return templates per branch, as CSV (UTF-8) or XLSX (with instructions, code lists and drop-downs).

A template holds the header and one pre-filled line per indicator and direction; lines whose partner and
value are left empty are ignored at import, so institutions copy a line per partner and fill it.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime

from reports import catalogue as cat
from reports.parsing import COLUMNS

TEMPLATE_FORMATS = ("csv", "xlsx")
# Fixed document dates: the same template is the same bytes (cacheable, comparable).
_FIXED_DATE = datetime(2026, 1, 1)

INSTRUCTIONS = (
    "How to fill in this return",
    "",
    "One file per institution, reporting year and branch. Fill the sheet 'Return' only: one line per "
    "instrument, partner, direction and indicator (and breakdown, when you give one).",
    "year: the reporting year (every line the same).",
    "branch: the branch of this template (every line the same).",
    "instrument: EU (Regulations 883/2004 and 987/2009: EU states, Iceland, Liechtenstein, Norway, Switzerland), "
    "UK (EU-UK agreement), BA-<country> for a bilateral agreement (e.g. BA-MA for Morocco, BA-CA-QC for Quebec), "
    "TA-<territory> for a French territory (e.g. TA-NC). See the sheet 'Codes'.",
    "partner: the other state or territory, ISO 3166-1 alpha-2 code (DE, ES, GB; CA-QC for Quebec). "
    "Write TOTAL for a control line: its value must equal the sum of the detail lines with the same "
    "instrument, direction and indicator.",
    "direction: FR_COMPETENT when France is the competent state (France issues, pays or reimburses), "
    "FR_STAY_RESIDENCE when France is the state of stay or residence (France provides, is reimbursed).",
    "indicator and unit: see the sheet 'Codes'. Counts are whole numbers (unit count); amounts are in "
    "euros (unit EUR) with at most 2 decimals, never in thousands.",
    "value: a plain number (no formula, no currency sign). Write 0 for none; leave partner and value empty "
    "on a line you do not use.",
    "breakdown (optional): a sub-category of your own (scheme, office, claim batch); lines with different "
    "breakdowns are added together in the report. Do not put names or personal identifiers here.",
    "Structured breakdowns (sheet 'Codes', column Breakdown): some indicators are published by basis (actual "
    "costs or lump sums), sector, duration or worker status. Write them as dimension=value pairs separated by "
    "';', e.g. 'sector=construction;duration=6_12m;status=employee'. Each line is then one cell of the "
    "cross-classification: all lines of the same instrument, partner, direction and indicator must use the same "
    "dimensions, so that they add up to the total (a TOTAL control line may give that total).",
    "note (optional): free text, not imported.",
    "Do not merge cells, do not add sheets with figures, keep the header in the first lines. CSV files "
    "must be saved as 'CSV UTF-8' (comma or semicolon separated).",
    "Sending the same institution, year and branch again replaces the earlier version (which is kept in "
    "the history).",
)


def _example_breakdowns(indicator: cat.Indicator) -> list[str]:
    """One template line per value of a single dimension; one example cell of a cross-classification."""
    if not indicator.dimensions:
        return [""]
    if len(indicator.dimensions) == 1:
        dimension = indicator.dimensions[0]
        return [f"{dimension}={value}" for value in cat.DIMENSIONS[dimension]]
    return [cat.format_breakdown({d: cat.DIMENSIONS[d][0] for d in indicator.dimensions})]


def _template_rows(branch: str, year: int) -> list[list]:
    rows = []
    for indicator in cat.indicators_for(branch):
        for direction in cat.DIRECTIONS:
            for breakdown in _example_breakdowns(indicator):
                rows.append([year, branch, "EU", "", direction, indicator.code, "", indicator.unit, breakdown, ""])
    return rows



def _check(branch: str, fmt: str) -> None:
    if branch not in cat.BRANCHES:
        raise ValueError(f"unknown branch {branch!r}; allowed: {', '.join(cat.BRANCHES)}")
    if fmt not in TEMPLATE_FORMATS:
        raise ValueError(f"unknown template format {fmt!r}; allowed: {', '.join(TEMPLATE_FORMATS)}")


def build_template(branch: str, year: int, fmt: str = "csv") -> bytes:
    _check(branch, fmt)
    if fmt == "csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(_template_rows(branch, year))
        return buf.getvalue().encode("utf-8")
    return _xlsx(branch, year)


def template_filename(branch: str, year: int, fmt: str) -> str:
    return f"liaison-return-{branch}-{year}.{fmt}"


def _xlsx(branch: str, year: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.properties.creator = "Liaison"
    wb.properties.title = f"Statistical return template: {cat.BRANCHES[branch]}"
    wb.properties.created = wb.properties.modified = _FIXED_DATE
    ws = wb.active
    ws.title = f"Return {year}"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for row in _template_rows(branch, year):
        ws.append(row)
    ws.freeze_panes = "A2"
    widths = dict(zip(COLUMNS, (8, 16, 12, 10, 20, 34, 16, 8, 24, 30), strict=True))
    for i, name in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = widths[name]

    codes = wb.create_sheet("Codes")
    codes.append(["Instrument", "Label", "Partners", "", "Indicator code", "Unit", "Label", "Definition",
                  "", "Direction", "Meaning", "", "Partner code", "Name", "", "Breakdown", "Used by"])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    instruments = list(cat.INSTRUMENTS.values())
    indicators = cat.indicators_for(branch)
    directions = list(cat.DIRECTIONS.items())
    partners = [(cat.TOTAL_PARTNER, "Control total (sum of the detail lines)")] + sorted(
        (c, n) for c, n in cat.countries().items() if c != "FR")
    dimensions = [(f"{d}={v}", ", ".join(i.code for i in indicators if d in i.dimensions))
                  for d, values in cat.DIMENSIONS.items() if any(d in i.dimensions for i in indicators)
                  for v in values]
    for r in range(max(len(instruments), len(indicators), len(directions), len(partners))):
        row = [""] * 17
        if r < len(dimensions):
            row[15:17] = list(dimensions[r])
        if r < len(instruments):
            row[0:3] = [instruments[r].code, instruments[r].label, " ".join(instruments[r].partners)]
        if r < len(indicators):
            ind = indicators[r]
            row[4:8] = [ind.code, ind.unit, ind.label, ind.help]
        if r < len(directions):
            row[9:11] = list(directions[r])
        if r < len(partners):
            row[12:14] = list(partners[r])
        codes.append(row)
    for col, width in zip("ABCDEFGHIJKLMNOPQ", (10, 48, 30, 2, 34, 7, 36, 60, 2, 20, 36, 2, 12, 36, 2, 34, 60),
                          strict=True):
        codes.column_dimensions[col].width = width

    def dropdown(column: str, source: str, count: int) -> None:
        dv = DataValidation(type="list", formula1=f"=Codes!${source}$2:${source}${count + 1}", allow_blank=True,
                            showErrorMessage=True, errorTitle="Unknown code",
                            error="Choose a code from the list (sheet Codes).")
        ws.add_data_validation(dv)
        dv.add(f"{column}2:{column}100000")

    dropdown("C", "A", len(instruments))
    dropdown("D", "M", len(partners))
    dropdown("E", "J", len(directions))
    dropdown("F", "E", len(indicators))
    units = DataValidation(type="list", formula1='"count,EUR"', allow_blank=True)
    ws.add_data_validation(units)
    units.add("H2:H100000")

    info = wb.create_sheet("Instructions")
    info.column_dimensions["A"].width = 120
    info.append([f"Liaison statistical return: {cat.BRANCHES[branch]} ({year})"])
    info["A1"].font = Font(bold=True, size=14)
    for text in INSTRUCTIONS:
        info.append([text])
    for row in info.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return stable_xlsx(buf.getvalue())


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def stable_xlsx(content: bytes) -> bytes:
    """The same workbook as the same bytes: fixed zip entry times and document dates (openpyxl stamps
    the time of saving)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + _FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_DATE.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, data)
    return out.getvalue()
