"""Exchange counts: line-level validation (CSV and XLSX), idempotent import, replacement by month, volumes."""
from __future__ import annotations

import io

import pytest

from eessi.counts import CountsRejected, import_counts, read_table, validate

HEADER = "month,buc,sed,partner,direction,count,answered,response_days,open\n"


@pytest.mark.unit
def test_line_level_issues(catalogue):
    content = (HEADER +
               "2025-01,LA_BUC_01,A001,DE,sent,10,8,21.5,2\n"
               "2025-01,la_buc_01,A002,BE,received,5,,,\n"
               "2025-13,LA_BUC_01,A003,XX,up,-3,,,\n"
               "2025-02,LA_BUC_04,A009,US,sent,4,,,\n"
               "2025-02,S_BUC_24,S040,CH,sent,3,4,,\n"
               "2025-02,S_BUC_24,S040,CH,sent,3,,,\n"
               "2025-02,H_BUC_99,H001,FR,sent,1.5,,,\n"
               "2025-03,LA_BUC_02,X009,IT,envoyé,2,,,\n"
               "2025-03,LA_BUC_02,H001,IT,reçu,2,1,,\n"
               "2025-01,LA_BUC_01,A001,DE,sent,1,,,\n").encode()
    kind, rows = read_table(content)
    lines, issues = validate(catalogue, rows)
    where = {(i.line, i.column, i.code) for i in issues}
    assert kind == "csv"
    assert {(4, "month", "bad_month"), (4, "sed", "sed_not_in_buc"), (4, "partner", "bad_partner"),
            (4, "direction", "bad_direction"), (4, "count", "bad_count")} <= where
    assert (5, "partner", "bad_partner") in where          # the United States do not use EESSI
    assert (6, "answered", "answered_above_count") in where
    assert (8, "buc", "unknown_buc") in where and (8, "partner", "bad_partner") in where
    assert (8, "count", "bad_count") in where
    assert (11, None, "duplicate_line") in where
    assert any(i.code == "duplicate_line" for i in issues if i.line == 7) is False  # line 6 was invalid
    assert [ln.line for ln in lines] == [2, 3, 7, 9, 10]   # X and H SEDs are accepted in any BUC
    assert lines[1].buc == "LA_BUC_01" and lines[3].direction == "sent" and lines[4].direction == "received"


@pytest.mark.unit
def test_missing_column_and_empty(catalogue):
    with pytest.raises(CountsRejected, match="missing column"):
        read_table(b"month,buc,sed,count\n2025-01,LA_BUC_04,A009,3\n")
    with pytest.raises(CountsRejected, match="no header row"):
        read_table(b"a,b\n1,2\n")
    _, rows = read_table(HEADER.encode())
    assert validate(catalogue, rows)[1][0].code == "empty"


@pytest.mark.integration
def test_import_xlsx_idempotent_and_replacing(eessi_settings):
    import openpyxl

    from eessi.monitoring import volumes
    from liaison.db import migrate

    url = eessi_settings.resolved_database_url
    migrate(url)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mois", "BUC", "SED", "Pays", "Sens", "Nombre", "Répondus", "Délai moyen jours", "En cours"])
    sheet.append(["2025-01", "LA_BUC_01", "A001", "DE", "envoyé", 10, 8, 20, 2])
    sheet.append(["2025-01", "LA_BUC_01", "A001", "BE", "envoyé", 5, 4, 10, 1])
    buf = io.BytesIO()
    book.save(buf)
    first = import_counts(eessi_settings, url, buf.getvalue(), filename="jan.xlsx", institution="CNAM", submitted_by="t")
    again = import_counts(eessi_settings, url, buf.getvalue(), filename="jan.xlsx", institution="CNAM", submitted_by="t")
    assert (first.lines, again.duplicate, again.id) == (2, True, first.id)
    table = volumes(url, by="buc", year=2025)
    assert table["total"] == {"sent": 15, "received": 0, "answered": 12, "open": 3,
                              "mean_response_days": round((8 * 20 + 4 * 10) / 12, 2)}
    correction = (HEADER + "2025-01,LA_BUC_01,A001,DE,sent,11,9,20,2\n").encode()
    import_counts(eessi_settings, url, correction, filename="fix.csv", institution="CNAM", submitted_by="t")
    assert volumes(url, by="partner", year=2025)["rows"][0]["sent"] == 11   # January of CNAM replaced whole
    bad = (HEADER + "2025-02,LA_BUC_01,A001,DE,sent,x,,,\n").encode()
    with pytest.raises(CountsRejected):
        import_counts(eessi_settings, url, bad, filename="bad.csv", institution="CNAM", submitted_by="t")
    assert volumes(url, by="month", year=2025)["rows"][0]["key"] == "2025-01"  # nothing of the bad file
