"""Deliberately broken returns: each one is refused with the exact message, sheet, line and column."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from reports.errors import ReturnFileError
from reports.parsing import parse_file
from reports.validation import parse_number, validate
from tests.reports.helpers import HEADER, csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.unit


def check(content: bytes, *, year: int = 2025, branch: str = "health", max_unpacked_mb: float = 100):
    """(accepted lines, error texts)."""
    try:
        result = validate(parse_file(content, year=year, max_unpacked_mb=max_unpacked_mb), year=year, branch=branch)
    except ReturnFileError as exc:
        return [], [str(i) for i in exc.issues]
    return result.lines, [str(e) for e in result.errors]


def test_a_clean_csv_is_accepted_with_its_line_numbers():
    lines, errors = check(csv_bytes([
        row("DE", 120), row("BE", "1 234", direction="FR_STAY_RESIDENCE"),
        row("GB", "15000,50", "healthcare_claims_amount", "EUR", instrument="UK"),
        row("CA-QC", 7, instrument="BA-CA-QC"),
    ]))
    assert errors == []
    assert [(ln.partner, ln.value, ln.line) for ln in lines] == [
        ("DE", Decimal(120), 2), ("BE", Decimal(1234), 3), ("GB", Decimal("15000.50"), 4), ("CA-QC", Decimal(7), 5)]


def test_unknown_country_code():
    _, errors = check(csv_bytes([row("DE", 1), row("XZ", 5)]))
    assert errors == ["line 3, column partner: unknown country or territory code 'XZ' (use ISO 3166-1 alpha-2 "
                      "codes such as DE or ES, CA-QC for Quebec)"]


def test_partner_outside_the_instrument():
    _, errors = check(csv_bytes([row("US", 5, instrument="EU")]))
    assert errors == ["line 2, column partner: partner US is not covered by instrument EU (it covers the EU member "
                      "states, Iceland, Liechtenstein, Norway and Switzerland)"]


def test_negative_count():
    _, errors = check(csv_bytes([row("DE", -5)]))
    assert errors == ["line 2, column value: negative count -5: counts are whole numbers of 0 or more"]


def test_amount_in_thousands_of_euros_and_in_another_currency():
    _, errors = check(csv_bytes([
        row("DE", 1500, "healthcare_claims_amount", "kEUR"),
        row("BE", 1500, "healthcare_claims_amount", "USD"),
        row("ES", 1500, "healthcare_claims", "EUR"),
    ]))
    assert errors == [
        "line 2, column unit: amount in thousands of euros ('kEUR'): indicator 'healthcare_claims_amount' is "
        "reported in euros (EUR)",
        "line 3, column unit: amount in USD: indicator 'healthcare_claims_amount' is reported in euros (EUR)",
        "line 4, column unit: unit 'EUR', but indicator 'healthcare_claims' is reported in count",
    ]


def test_duplicate_line():
    _, errors = check(csv_bytes([row("DE", 1), row("BE", 2), row("DE", 3)]))
    assert errors == ["line 4: duplicate of line 2 (same instrument, partner, direction, indicator and breakdown)"]


def test_same_key_with_different_breakdowns_is_not_a_duplicate():
    lines, errors = check(csv_bytes([row("DE", 1, breakdown="general scheme"), row("DE", 3, breakdown="farmers")]))
    assert errors == [] and len(lines) == 2


def test_total_that_does_not_match_its_details():
    _, errors = check(csv_bytes([row("DE", 100), row("BE", 150), row("TOTAL", 300)]))
    assert errors == ["line 4, column value: total 300 does not match the sum of its 2 detail lines (250) for "
                      "EU / FR_COMPETENT / persons_registered_healthcare"]


def test_matching_total_is_checked_and_not_stored():
    lines, errors = check(csv_bytes([row("DE", 100), row("BE", 150), row("TOTAL", 250)]))
    assert errors == [] and [ln.partner for ln in lines] == ["DE", "BE"]


def test_formula_instead_of_value_in_xlsx():
    content = xlsx_bytes([row("DE", 100), row("BE", "=G2*2")])
    _, errors = check(content)
    assert errors == ["sheet 'Return 2025', line 3, column value: formula '=G2*2' instead of a value: paste values only"]


def test_formula_in_csv_is_refused_too():
    _, errors = check(csv_bytes([row("DE", "=SUM(G1:G9)")]))
    assert errors == ["line 2, column value: formula '=SUM(G1:G9)' instead of a value: paste values only"]


def test_merged_cells():
    def merge(ws):
        ws.merge_cells("D2:D3")

    _, errors = check(xlsx_bytes([row("DE", 1), row("DE", 2, direction="FR_STAY_RESIDENCE")], edit=merge))
    assert errors == ["sheet 'Return 2025', line 2: merged cells D2:D3: unmerge them and repeat the value on every line"]


def test_wrong_encoding_names_the_line():
    content = csv_bytes([row("DE", 1), row("BE", 2, note="prestations versées")], encoding="cp1252")
    _, errors = check(content)
    assert errors == ["line 3: the file is not UTF-8 (byte 0xE9 at character 87); it looks like Windows-1252/Latin-1: "
                      "save it as 'CSV UTF-8' and upload it again"]


def test_utf16_file():
    _, errors = check(csv_bytes([row("DE", 1)], encoding="utf-16"))
    assert errors == ["line 1: the file is UTF-16 encoded: save it as 'CSV UTF-8' and upload it again"]


def test_sheet_for_another_year():
    content = xlsx_bytes([row("DE", 1, year=2024)], year=2024)
    _, errors = check(content, year=2025)
    assert errors == ["sheet 'Return 2024': this sheet is for year 2024, but this return is for 2025"]


def test_lines_for_another_year_in_an_untitled_sheet():
    content = xlsx_bytes([row("DE", 1, year=2024), row("BE", 1, year=2024)], sheet_title="Return")
    _, errors = check(content, year=2025)
    assert errors == ["sheet 'Return', line 2, column year: the lines are for year 2024, but this return is for 2025"]


def test_single_line_for_another_year():
    _, errors = check(csv_bytes([row("DE", 1), row("BE", 1, year=2024)]))
    assert errors == ["line 3, column year: year 2024, but this return is for 2025"]


def test_several_sheets_with_figures():
    def add_sheet(ws):
        other = ws.parent.create_sheet("Family")
        other.append(HEADER)
        other.append(row("DE", 1, branch="family", indicator="children_covered"))

    _, errors = check(xlsx_bytes([row("DE", 1)], edit=add_sheet))
    assert errors == ["several sheets hold figures ('Return 2025', 'Family'): a return holds one sheet for one year "
                      "and one branch; send the others as separate returns"]


def test_indicator_of_another_branch_and_unknown_codes():
    _, errors = check(csv_bytes([
        row("DE", 1, "pensions_paid"), row("DE", 1, direction="SIDEWAYS"), row("DE", 1, instrument="BA-ZZ"),
    ]))
    assert errors == [
        "line 2, column indicator: indicator 'pensions_paid' belongs to branch 'old_age', not 'health'",
        "line 3, column direction: unknown direction 'SIDEWAYS' (allowed: FR_COMPETENT, FR_STAY_RESIDENCE)",
        "line 4, column instrument: unknown instrument 'BA-ZZ' (allowed: EU, UK, BA-<code> for a bilateral "
        "agreement, TA-<code> for a French territory, NOAGR for a state without agreement; see the "
        "Codes sheet of the template)",
    ]


def test_counts_must_be_whole_and_amounts_have_cents_at_most():
    _, errors = check(csv_bytes([row("DE", "12.5"), row("BE", "10.555", "healthcare_claims_amount", "EUR"),
                                 row("ES", "12 k€", "healthcare_claims_amount", "EUR")]))
    assert errors == [
        "line 2, column value: count 12.5 is not a whole number",
        "line 3, column value: amount 10.555 has more than 2 decimals",
        "line 4, column value: '12 k€' is not a plain number (put the unit in the unit column)",
    ]


def test_missing_column():
    content = csv_bytes([["2025", "health", "EU", "DE", "FR_COMPETENT", "persons_registered_healthcare", "1"]],
                        header=HEADER[:7])
    _, errors = check(content)
    assert errors == ["line 1: missing column(s) unit (expected header: year, branch, instrument, partner, direction, "
                      "indicator, value, unit, breakdown, note)"]


def test_legacy_xls_and_zip_bomb_are_refused():
    _, errors = check(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert errors == ["legacy .xls or password-protected workbook: save it as .xlsx (without password) or as CSV UTF-8"]
    # A workbook whose parts unpack to more than the limit is refused before openpyxl reads it.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * 3_000_000)
    _, errors = check(buf.getvalue(), max_unpacked_mb=2)
    assert errors == ["the workbook unpacks to 3.0 MB; the limit is 2 MB: split the return or remove unused sheets"]


def test_semicolon_csv_with_french_headers_and_decimal_commas():
    header = ["Année", "Branche", "Instrument", "Pays", "Sens", "Indicateur", "Valeur", "Unité"]
    content = csv_bytes([[2025, "health", "EU", "IT", "FR_COMPETENT", "healthcare_claims_amount", "1 234,56", "€"]],
                        header=header, delimiter=";")
    lines, errors = check(content)
    assert errors == [] and lines[0].value == Decimal("1234.56") and lines[0].unit == "EUR"


def test_unfilled_template_lines_are_skipped():
    from reports.templates import build_template

    content = build_template("health", 2025, "csv")
    parsed = parse_file(content, year=2025, max_unpacked_mb=10)
    result = validate(parsed, year=2025, branch="health")
    assert [str(e) for e in result.errors] == ["the return holds no figures"]
    # 5 indicators x 2 directions, the two amounts once per basis (actual costs, lump sums)
    assert result.skipped_lines == 14 == content.decode().count("\r\n") - 1


@pytest.mark.parametrize("raw,expected", [
    (12, Decimal(12)), (0.30000000000000004, Decimal("0.30")), ("1.234,56", Decimal("1234.56")),
    ("1,234.56", Decimal("1234.56")), ("1 234 567", Decimal(1234567)), ("-3", Decimal(-3)),
])
def test_number_formats(raw, expected):
    assert parse_number(raw) == expected


def test_xlsx_cell_types_dates_title_block_and_inline_strings():
    from datetime import datetime

    import openpyxl

    def dated(ws):
        ws["G3"] = datetime(2025, 1, 1)
        ws["G3"].number_format = "yyyy-mm-dd"

    _, errors = check(xlsx_bytes([row("DE", 1), row("BE", 0)], edit=dated))
    assert errors == ["sheet 'Return 2025', line 3, column value: a date (2025-01-01 00:00:00) is not a number: "
                      "format the cell as a number"]

    # A title block above the header, strings written inline (write-only workbooks), a boolean by mistake.
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Figures")
    ws.append(["CPAM Nord: statistical return"])
    ws.append([])
    ws.append(HEADER)
    ws.append(row("DE", 12))
    ws.append(row("BE", True))
    buf = io.BytesIO()
    wb.save(buf)
    lines, errors = check(buf.getvalue())
    assert [(ln.partner, ln.value, ln.line) for ln in lines] == [("DE", Decimal(12), 4)]
    assert errors == ["sheet 'Figures', line 5, column value: TRUE is not a number"]


def _posting(partner, value, breakdown, instrument="EU", indicator="posted_worker_certificates"):
    return row(partner, value, indicator, branch="contributions", instrument=instrument, breakdown=breakdown)


def test_structured_breakdowns_are_checked_and_stored_in_canonical_order():
    lines, errors = check(csv_bytes([
        _posting("DE", 40, "status=employee; sector=construction;duration=6_12m"),
        _posting("DE", 2, "sector=transport;duration=lt_1m;status=self_employed"),
        [2025, "contributions", "EU", "TOTAL", "FR_COMPETENT", "posted_worker_certificates", 42, "count", "", ""],
    ]), branch="contributions")
    assert errors == []
    assert [ln.breakdown for ln in lines] == ["sector=construction;duration=6_12m;status=employee",
                                              "sector=transport;duration=lt_1m;status=self_employed"]
    lines, errors = check(csv_bytes([
        row("US", "1200.50", "healthcare_claims_amount", "EUR", instrument="NOAGR", breakdown="basis=lump_sums"),
        row("US", "99", "healthcare_claims_amount", "EUR", instrument="NOAGR", breakdown="BASIS=Actual_Costs"),
    ]))
    assert errors == [] and [ln.breakdown for ln in lines] == ["basis=lump_sums", "basis=actual_costs"]


def test_new_breakdowns_line_level_errors():
    _, errors = check(csv_bytes([
        _posting("DE", 1, "sector=mining;duration=6_12m;status=employee"),
        _posting("BE", 1, "sector=construction;colour=blue"),
        _posting("ES", 1, "sector=construction;status=employee"),
        _posting("ES", 1, "sector=transport;duration=lt_1m;status=employee"),
        _posting("IT", 1, ""),
        _posting("IT", 1, "sector=construction"),
        row("MA", 1, "exceptions_granted", branch="contributions", instrument="BA-MA", breakdown="basis=lump_sums"),
        row("DE", 1, "benefit_exports", branch="contributions", breakdown="status=employee"),
    ]), branch="contributions")
    assert errors == [
        "line 2, column breakdown: unknown sector 'mining' (allowed: agriculture, industry, construction, transport, "
        "trade_hospitality, business_services, public_health_education, other)",
        "line 3, column breakdown: breakdown dimension 'colour' is not used for indicator "
        "'posted_worker_certificates' (allowed: sector, duration, status)",
        "line 5, column breakdown: breakdown 'sector=transport;duration=lt_1m;status=employee' does not use the "
        "same dimensions as line 4 for the same instrument, partner, direction and indicator (sector, status): "
        "the lines of one figure must add up to its total",
        "line 7, column breakdown: breakdown 'sector=construction' does not use the same dimensions as line 6 for "
        "the same instrument, partner, direction and indicator (no structured breakdown): the lines of one figure "
        "must add up to its total",
        "line 8, column breakdown: breakdown dimension 'basis' is not used for indicator 'exceptions_granted' "
        "(allowed: duration, status)",
        "line 9, column indicator: indicator 'benefit_exports' belongs to branch 'unemployment', not 'contributions'",
    ]


def test_free_text_breakdown_on_an_indicator_without_dimensions_stays_allowed():
    lines, errors = check(csv_bytes([row("DE", 3, breakdown="general scheme"), row("DE", 4, breakdown="farmers")]))
    assert errors == [] and sum(ln.value for ln in lines) == 7
    _, errors = check(csv_bytes([row("DE", 3, breakdown="scheme=general")]))
    assert errors == ["line 2, column breakdown: indicator 'persons_registered_healthcare' has no breakdown "
                      "dimensions: write free text without '=' or leave the breakdown empty"]


def test_templates_carry_the_new_breakdowns():
    import openpyxl

    from reports.templates import build_template

    text = build_template("contributions", 2025, "csv").decode()
    assert "posted_worker_certificates,,count,sector=agriculture;duration=lt_1m;status=employee," in text
    assert "affiliation_exemptions,,count,status=self_employed," in text
    assert "healthcare_payments_amount,,EUR,basis=lump_sums," in build_template("health", 2025, "csv").decode()
    codes = openpyxl.load_workbook(io.BytesIO(build_template("contributions", 2025, "xlsx")))["Codes"]
    listed = {row[15]: row[16] for row in codes.iter_rows(min_row=2, values_only=True) if row[15]}
    assert listed["sector=construction"] == "posted_worker_certificates, agreement_posting_forms, multi_state_certificates"
    assert "status=civil_servant" in listed and "NOAGR" in {row[0] for row in codes.iter_rows(values_only=True)}
    # A filled template line with its example breakdown is accepted as is.
    lines, errors = check(text.replace("posted_worker_certificates,,count", "posted_worker_certificates,12,count", 1)
                          .replace("2025,contributions,EU,,FR_COMPETENT,posted_worker_certificates",
                                   "2025,contributions,EU,DE,FR_COMPETENT,posted_worker_certificates").encode(),
                          branch="contributions")
    assert errors == [] and [(ln.partner, ln.value, ln.breakdown) for ln in lines] == [
        ("DE", 12, "sector=agriculture;duration=lt_1m;status=employee")]
