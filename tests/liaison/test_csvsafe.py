"""CSV injection (issue 16, item 4): formula-like cells are escaped in every export (audit CSV, open data)
and refused, line by line, on the statistics import."""
from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.reports.helpers import csv_bytes, row
from tests.reports.test_validation import check

pytestmark = pytest.mark.unit

HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+HYPERLINK(\"http://x\")", "-1+1|cmd",
           "\t=1+1", "\r=1+1"]


def test_writer_escapes_formula_like_text_and_keeps_numbers():
    from liaison import csvsafe

    buf = io.StringIO()
    csvsafe.writer(buf).writerows([[value, -5, 2.5, "plain"] for value in HOSTILE])
    for line, value in zip(csv.reader(io.StringIO(buf.getvalue())), HOSTILE):
        assert line[0] == "'" + value and line[1:] == ["-5", "2.5", "plain"]


def test_audit_csv_export_escapes_a_hostile_memory_file_name(tmp_path):
    from api.app import create_app
    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings

    settings = Settings(data_dir=tmp_path / "data").ensure_dirs()
    migrate(settings.resolved_database_url)
    admin = {"Authorization": "Bearer " + create_account(settings.resolved_database_url, "root", "admin")[1]}
    client = TestClient(create_app(settings))
    tmx = (b'<?xml version="1.0"?><tmx version="1.4"><header srclang="fr" datatype="plaintext" segtype="sentence" '
           b'adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="t"/><body><tu><tuv xml:lang="fr"><seg>'
           b'Bonjour</seg></tuv><tuv xml:lang="en"><seg>Hello</seg></tuv></tu></body></tmx>')
    imported = client.post("/v1/translation/memory/import", headers=admin,
                           files={"file": ("=cmd|' /C calc'!A0", tmx, "application/xml")})
    assert imported.status_code == 200, imported.text
    export = client.get("/v1/intake/audit/export?object_type=translation_memory&format=csv", headers=admin)
    assert export.status_code == 200
    cells = [cell for line in csv.reader(io.StringIO(export.text)) for cell in line]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)


@pytest.mark.parametrize("value", ["@SUM(1+1)", "+HYPERLINK(\"http://x\")", "-1+1|cmd", "\t=1+1"])
def test_statistics_import_refuses_formula_like_cells_line_by_line(value):
    _, errors = check(csv_bytes([row("DE", 100), row("BE", 5, breakdown=value)]))
    assert len(errors) == 1 and errors[0].startswith("line 3, column breakdown: formula"), errors


def test_signed_plain_numbers_are_still_numbers_not_formulas():
    _, errors = check(csv_bytes([row("DE", "+100")]))
    assert not any("formula" in e for e in errors), errors
