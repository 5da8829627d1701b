"""The annual report: round trip from the template, byte-for-byte reproducibility (across processes and
database backends), the centre's activity sections, numbering and text alternatives."""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reports.demo import run_demo
from reports.render import build_report, render_html, render_pdf
from reports.report import NoReportData, build_model
from reports.returns import import_return
from reports.templates import build_template
from tests.reports.helpers import pdf_text

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def _fill_template(branch: str, year: int, values: dict[tuple[str, str], tuple[str, object]]) -> bytes:
    """Fill the CSV template as an institution would: one copy of a template line per partner."""
    template = list(csv.reader(io.StringIO(build_template(branch, year, "csv").decode("utf-8"))))
    header, lines = template[0], template[1:]
    out = [header]
    filled = set()
    for line in lines:
        record = dict(zip(header, line, strict=True))
        for (indicator, direction), (partner, value) in values.items():
            if record["indicator"] == indicator and record["direction"] == direction and \
                    (indicator, direction) not in filled:  # the first line (first breakdown value) only
                filled.add((indicator, direction))
                out.append([*line[:3], partner, line[4], line[5], str(value), *line[7:]])
    out += lines  # the untouched template lines stay in the file (ignored at import)
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(out)
    return buf.getvalue().encode("utf-8")


def test_round_trip_template_to_report(settings, sqlite_url):
    content = _fill_template("health", 2025, {
        ("persons_registered_healthcare", "FR_COMPETENT"): ("DE", 48213),
        ("healthcare_claims_amount", "FR_STAY_RESIDENCE"): ("ES", "7654321.09"),
        ("healthcare_claims", "FR_STAY_RESIDENCE"): ("ES", 3141),
    })
    result = import_return(settings, sqlite_url, content, filename="cpam-health-2025.csv", institution="CPAM <Nord>",
                           year=2025, branch="health")
    assert (result.status, result.line_count, result.skipped_lines) == ("current", 3, 14)

    html_path = build_report(settings, sqlite_url, 2025, "html")
    html = html_path.read_text(encoding="utf-8")
    for expected in ("48\u202f213", "7,7", "3\u202f141", "Espagne (ES)", "cpam-health-2025.csv", "validé, utilisé",
                     "CPAM &lt;Nord&gt;"):
        assert expected in html
    assert "SYNTHÉTIQUES" not in html and "<Nord>" not in html  # text from returns is escaped
    english = build_report(settings, sqlite_url, 2025, "html", lang="en").read_text(encoding="utf-8")
    for expected in ("48,213", "7.7", "3,141", "Spain (ES)", "validated, used"):
        assert expected in english

    pdf_path = build_report(settings, sqlite_url, 2025, "pdf")
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    text = pdf_text(pdf_path)
    for expected in ("Rapport annuel 2025", "Méthodes et sources", "Tableau 1. Chiffres clés"):
        assert expected in text
    assert re.search(r"48\s213", text)


def test_no_validated_return_means_no_report(settings, sqlite_url):
    with pytest.raises(NoReportData, match="no validated return for 2031"):
        build_model(sqlite_url, 2031)


def test_figures_and_tables_are_numbered_with_text_alternatives(demo_env):
    settings, url = demo_env
    for lang, table_word, figure_word, pointer, warning in (
            ("fr", "Tableau", "Graphique", r"Toutes les valeurs figurent dans le tableau (\d+)",
             "DONNÉES DE DÉMONSTRATION SYNTHÉTIQUES"),
            ("en", "Table", "Figure", r"All values are in Table (\d+)", "SYNTHETIC DEMONSTRATION DATA")):
        html = render_html(build_model(url, 2025, lang=lang))
        tables = [int(n) for n in re.findall(rf'<caption id="table-\d+-caption">{table_word} (\d+)\.', html)]
        figures = [int(n) for n in re.findall(rf"<figcaption>{figure_word} (\d+)\.", html)]
        assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 30
        assert figures == list(range(1, len(figures) + 1)) and len(figures) >= 10  # at least one per section
        alts = re.findall(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]*)"', html)
        assert len(alts) == len(figures) and all(len(a) > 80 for a in alts)
        # Each alternative text points to the table holding the chart's numbers, and that table exists.
        for alt in alts:
            assert int(re.search(pointer, alt).group(1)) in tables
        assert warning in html and f'lang="{lang}"' in html


def test_pdf_is_identical_across_processes_and_database_backends(demo_env, pg_url, tmp_path):
    from liaison.db import migrate
    from liaison.settings import Settings

    settings, url = demo_env
    reference = render_pdf(build_model(url, 2025))

    # Same returns received into a PostgreSQL database: same bytes.
    pg_settings = Settings(data_dir=tmp_path / "pg", database_url=pg_url).ensure_dirs()
    migrate(pg_url)
    run_demo(pg_settings, pg_url, [2024, 2025])
    assert render_pdf(build_model(pg_url, 2025)) == reference

    # Built by the command line in another process (another hash seed), without cache: same bytes.
    shutil.rmtree(settings.data_dir / "reports" / "cache", ignore_errors=True)
    out = tmp_path / "report.pdf"
    env = os.environ | {"PYTHONHASHSEED": "12345", "LIAISON_DATA_DIR": str(settings.data_dir)}
    env.pop("LIAISON_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "liaison.cli", "report", "2025", "--format", "pdf", "--out", str(out)],
                   cwd=REPO, env=env, check=True, capture_output=True, timeout=300)
    assert out.read_bytes() == reference


def test_centre_activity_is_shown_or_said_not_available(demo_env, monkeypatch):
    settings, url = demo_env
    calls = []

    def assistant_summary(db_url, start, end):
        calls.append((start, end))
        if start.year == 2025:
            return {"questions": 1234, "abstentions": 56, "handovers": 78, "feedback_useful": 90,
                    "feedback_not_useful": 12, "by_language": {"fr": 1000, "en": 234}, "by_topic": {"pensions": 7}}
        return {"questions": 1000, "abstentions": 50, "handovers": 70, "feedback_useful": 80,
                "feedback_not_useful": 10, "by_language": {"fr": 900}, "by_topic": {}}

    def broken_summary(db_url, start, end):
        raise RuntimeError("database unavailable")

    monkeypatch.setitem(sys.modules, "assistant.activity",
                        types.SimpleNamespace(activity_summary=assistant_summary))
    monkeypatch.setitem(sys.modules, "intake.activity", None)  # not installed
    monkeypatch.setitem(sys.modules, "translation.activity", types.SimpleNamespace(activity_summary=broken_summary))
    html = render_html(build_model(url, 2025, lang="en"))
    from datetime import date

    assert calls == [(date(2025, 1, 1), date(2025, 12, 31)), (date(2024, 1, 1), date(2024, 12, 31))]
    section = html[html.index('id="activity"'):html.index('id="methods"')]
    assert "1,234" in section and "+23.4%" in section and "Not available: module intake.activity is not installed" \
        in section
    assert "Not available: translation.activity.activity_summary() failed (RuntimeError)" in section
    assert "database unavailable" not in html  # internal errors are logged, not published


def test_resubmission_changes_the_report(demo_env, tmp_path):
    """A corrected return replaces the earlier figures in the report (and the fingerprint changes)."""
    from liaison.db import migrate
    from liaison.settings import Settings
    from tests.reports.helpers import csv_bytes, row

    settings = Settings(data_dir=tmp_path / "d").ensure_dirs()
    url = settings.resolved_database_url
    migrate(url)
    first = import_return(settings, url, csv_bytes([row("DE", 4321)]), filename="a.csv", institution="X",
                          year=2025, branch="health", received_at=datetime(2026, 2, 1, tzinfo=UTC))
    before = build_model(url, 2025)
    import_return(settings, url, csv_bytes([row("DE", 8765)]), filename="b.csv", institution="X",
                  year=2025, branch="health", received_at=datetime(2026, 2, 2, tzinfo=UTC))
    after = build_model(url, 2025)
    html = render_html(after)
    assert "8\u202f765" in html and "4\u202f321" not in html and before.fingerprint != after.fingerprint
    assert first.id and ">2<" in html  # two versions listed in the methods table
