"""The annual report's exchange section, rendered from the SYNTHETIC demo counts."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def report_env(tmp_path_factory, catalogue_file):
    from liaison.db import migrate
    from liaison.settings import Settings
    from reports.demo import run_demo

    settings = Settings(data_dir=tmp_path_factory.mktemp("eessi-report") / "data",
                        eessi_catalogue_path=catalogue_file).ensure_dirs()
    url = settings.resolved_database_url
    migrate(url)
    run_demo(settings, url, [2025])
    return settings, url


def test_no_counts_no_section(report_env):
    from reports.report import build_model

    _settings, url = report_env
    assert "exchanges" not in [s.id for s in build_model(url, 2025).sections]


def test_section_from_demo_counts(report_env):
    from eessi.demo import import_demo_counts
    from eessi.monitoring import volumes
    from reports.render import render_html
    from reports.report import build_model

    settings, url = report_env
    before = build_model(url, 2025).fingerprint
    import_demo_counts(settings, url, 2024)
    import_demo_counts(settings, url, 2025)
    model = build_model(url, 2025)
    assert model.fingerprint != before  # the counts are part of what the report is made from
    section = next(s for s in model.sections if s.id == "exchanges")
    assert [s.id for s in model.sections][-2:] == ["exchanges", "methods"]
    text = " ".join(getattr(b, "text", "") for b in section.blocks)
    totals = volumes(url, by="buc", year=2025)["total"]
    assert "SYNTHETIC" in text
    assert f"sent {totals['sent']:,} structured electronic documents" in text
    assert f"received {totals['received']:,}" in text
    table = next(b for b in section.blocks if getattr(b, "caption", "").startswith("EESSI exchanges by business use case"))
    assert table.rows[0][0] == "LA_BUC_04" and table.rows[0][1].startswith("Notify a posting")
    assert table.rows[-1][:4] == ["Total", "", f"{totals['sent']:,}", f"{totals['received']:,}"]
    assert any("SEDs exchanged in 2024" in getattr(b, "text", "") for b in section.blocks)
    html = render_html(model)
    assert 'id="exchanges"' in html and "EESSI exchanges by partner state, 2025" in html
    assert build_model(url, 2025).fingerprint == model.fingerprint  # same data, same document
