"""`liaison stats ...` and `liaison report` as an operator uses them (exit codes, messages, files)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from liaison.cli import main
from tests.reports.helpers import csv_bytes, row

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_template_import_and_report(tmp_path, capsys):
    data = ["--data-dir", str(tmp_path / "data")]
    target = tmp_path / "health.xlsx"
    code, out, _ = run(capsys, "stats", "template", "health", "--format", "xlsx", "--year", "2025", "--out", str(target))
    assert code == 0 and target.read_bytes().startswith(b"PK") and "template for health (2025)" in out
    code, _, err = run(capsys, "stats", "template", "pets")
    assert code == 2 and "unknown branch 'pets'" in err

    broken = tmp_path / "broken.csv"
    broken.write_bytes(csv_bytes([row("DE", 1), row("XZ", -2)]))
    code, _, err = run(capsys, "stats", "import", str(broken), "--institution", "CPAM Sud", "--year", "2025",
                       "--branch", "health", *data)
    assert code == 2
    assert err.splitlines() == [
        "broken.csv: line 3, column partner: unknown country or territory code 'XZ' (use ISO 3166-1 alpha-2 codes "
        "such as DE or ES, CA-QC for Quebec)",
        "broken.csv: line 3, column value: negative count -2: counts are whole numbers of 0 or more",
        "liaison stats: error: return rejected: 2 errors, nothing imported (submission #1)"]

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row("DE", 1357), row("TOTAL", 1357)]))
    args = ("stats", "import", str(good), "--institution", "CPAM Sud", "--year", "2025", "--branch", "health", *data)
    code, out, _ = run(capsys, *args)
    assert code == 0 and out.strip() == ("imported return #2: 1 figures, 1 control totals checked, 0 empty template "
                                         "lines skipped")
    code, out, _ = run(capsys, *args)
    assert code == 0 and out.startswith("unchanged: this file is already the current return #2")

    code, out, _ = run(capsys, "stats", "returns", "--year", "2025", *data)
    assert [line.split("\t")[:4] for line in out.splitlines()] == [["#2", "2025", "health", "current"],
                                                                   ["#1", "2025", "health", "rejected"]]
    code, out, _ = run(capsys, "report", "2025", "--format", "html", *data)
    path = Path(out.strip().rsplit(" ", 1)[-1])
    assert code == 0 and path == tmp_path / "data" / "reports" / "annual-report-2025.html"
    assert "1\u202f357" in path.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "report", "2025", "--lang", "en", *data)
    path = Path(out.strip().rsplit(" ", 1)[-1])
    assert code == 0 and path.name == "annual-report-2025-en.html" and "1,357" in path.read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as refused:
        main(["report", "2025", "--lang", "de", *data])
    assert refused.value.code == 2 and "invalid choice: 'de'" in capsys.readouterr().err
    code, _, err = run(capsys, "report", "2031", *data)
    assert code == 2 and "no validated return for 2031" in err

    code, out, _ = run(capsys, "stats", "export", "2025", "--format", "json", *data)
    exported = json.loads(out)
    assert exported["synthetic"] is False
    # 1,357 persons: above the suppression threshold, published.
    assert [(r["partner"], r["value"], r["suppressed"]) for r in exported["rows"]] == [("DE", 1357, False)]


def test_huge_file_is_refused_by_size(tmp_path, capsys):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    code, _, err = run(capsys, "stats", "import", str(huge), "--institution", "X", "--year", "2025", "--branch",
                       "health", "--data-dir", str(tmp_path / "data"))
    assert code == 2
    assert err.strip() == ("liaison stats: error: huge.csv: the file is 209.7 MB; the limit is 50 MB: split the "
                           "return or remove unused sheets")


def test_demo_command_labels_its_data(tmp_path, capsys):
    code, out, _ = run(capsys, "stats", "demo", "2024-2025", "--data-dir", str(tmp_path / "data"))
    assert code == 0 and out.startswith("SYNTHETIC demo returns for 2024, 2025: 13 files (12 imported, 1 rejected")
    code, _, err = run(capsys, "stats", "demo", "twenty", "--data-dir", str(tmp_path / "data"))
    assert code == 2 and "invalid year 'twenty'" in err


@pytest.mark.unit
def test_cli_module_imports_nothing_heavy():
    probe = ("import sys, reports.cli; heavy = [m for m in ('matplotlib', 'openpyxl', 'weasyprint', 'sqlalchemy', "
             "'jinja2') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
