import datetime as dt
import json

import pytest

from tests.intake.conftest import PDF, continuation

pytestmark = pytest.mark.integration


def test_cases_list_export_purge(tmp_path, capsys, monkeypatch):
    from intake.models import Case
    from intake.service import Actor, IntakeService, NewAttachment
    from liaison.accounts import create_account
    from liaison.cli import main
    from liaison.db import migrate, session_scope
    from liaison.settings import Settings

    monkeypatch.delenv("LIAISON_DATABASE_URL", raising=False)
    data = tmp_path / "data"
    settings = Settings(data_dir=data).ensure_dirs()
    url = settings.resolved_database_url
    migrate(url)
    applicant, _ = create_account(url, "app", "applicant")
    officer, _ = create_account(url, "off", "officer")
    svc = IntakeService(settings, url)
    view, _, _ = svc.create_case(Actor(applicant), "continuation", continuation(), submit=True,
                                 attachments=[NewAttachment("posting_letter", "l.pdf", PDF)])
    svc.act(Actor(officer), view["reference"], "withdraw", version=view["version"], message="cancelled")
    with session_scope(url) as s:
        s.query(Case).update({Case.closed_at: dt.datetime.now(dt.UTC) - dt.timedelta(days=3000)})

    assert main(["cases", "list", "--data-dir", str(data), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] == 1 and listed["items"][0]["applicant_label"] == "C. M***"
    out = tmp_path / "export.jsonl"
    assert main(["cases", "export", "--data-dir", str(data), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["reference"] for r in rows] == [view["reference"]] and "form" not in rows[0]
    assert "284037512345640" not in out.read_text()
    assert main(["cases", "purge", "--dry-run", "--data-dir", str(data)]) == 0
    assert "would purge 1 case(s)" in capsys.readouterr().out
    assert main(["cases", "list", "--data-dir", str(data), "--json", "--status", "withdrawn"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 1
    assert main(["cases", "purge", "--data-dir", str(data)]) == 0
    assert "purged 1 case(s)" in capsys.readouterr().out
    assert main(["cases", "list", "--data-dir", str(data), "--json", "--status", "withdrawn"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0
    assert main(["cases", "remind", "--data-dir", str(data)]) == 0
