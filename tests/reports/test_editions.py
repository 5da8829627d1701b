"""The two editions of the annual report on the demo data: French formats (numbers, units, dates) from Babel,
every section present with a table and a chart, totals that agree between the summary, the sections and the
stored lines (recomputed here from the database, not from the report code), the counts the Methods text
quotes, and the HTML edition at 320 px in headless Chromium."""
from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from types import SimpleNamespace

import pytest

from reports.i18n import Formatter
from reports.render import render_html, render_pdf
from reports.report import build_model
from reports.sections import SECTIONS
from tests.reports.helpers import pdf_text

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(scope="module")
def editions(demo_env):
    settings, url = demo_env
    models = {lang: build_model(url, 2025, lang=lang) for lang in ("fr", "en")}
    html = {lang: render_html(model) for lang, model in models.items()}
    return SimpleNamespace(settings=settings, url=url, models=models, html=html)


def _number(text: str) -> Decimal:
    """A figure as printed in the French edition ('2 287,1', '−3,0') back to a Decimal."""
    return Decimal(text.replace(NNBSP, "").replace(NBSP, "").replace(",", ".").replace("\u2212", "-"))


def _table(model, caption_start: str):
    matches = [t for t in model.tables if t.caption.startswith(caption_start)]
    assert len(matches) == 1, (caption_start, [t.caption for t in model.tables])
    return matches[0]


def _raw_total(url: str, year: int, indicators, direction: str | None = None) -> Decimal:
    """Straight from the stored lines of the current returns (independent of reports.aggregate)."""
    from sqlalchemy import func, select

    from liaison.db import session_scope
    from reports.models import StatLine, StatSubmission

    indicators = [indicators] if isinstance(indicators, str) else list(indicators)
    q = (select(func.sum(StatLine.value)).join(StatSubmission, StatSubmission.id == StatLine.submission_id)
         .where(StatSubmission.status == "current", StatLine.year == year, StatLine.indicator.in_(indicators)))
    if direction:
        q = q.where(StatLine.direction == direction)
    with session_scope(url) as s:
        return Decimal(s.scalar(q) or 0)


@pytest.mark.unit
def test_formatter_follows_each_locale():
    fr, en = Formatter("fr"), Formatter("en")
    from datetime import date

    assert fr.meur(Decimal("2287051763")) == f"2{NNBSP}287,1" and en.meur(Decimal("2287051763")) == "2,287.1"
    assert fr.meur_text(Decimal("500000000")) == f"500,0{NBSP}M€" and en.meur_text(Decimal("500000000")) == "€500.0m"
    assert fr.count(2287051763) == f"2{NNBSP}287{NNBSP}051{NNBSP}763" and en.count(1234) == "1,234"
    assert fr.change(1042, 1000) == f"+4,2{NBSP}%" and en.change(1042, 1000) == "+4.2%"
    assert fr.change(958, 1000) == f"-4,2{NBSP}%" and fr.change(5, 0) == "nouveau" and fr.change(5, None) == "n.d."
    assert fr.date(date(2026, 3, 31)) == "31 mars 2026" and en.date(date(2026, 3, 31)) == "31 March 2026"
    assert fr.country("DE") == "Allemagne" and fr.country("CA-QC") == "Québec" and en.country("GB") == "United Kingdom"
    assert fr.plural(1, "retour", "retours") == "1 retour" and en.plural(0, "return", "returns") == "0 returns"
    with pytest.raises(ValueError, match="unknown report language 'de'"):
        Formatter("de")


@pytest.mark.unit
def test_demo_prints_the_address_it_is_served_on():
    from liaison.settings import Settings
    from reports.demo import served_base_url

    served = Settings().model_copy(update={"host": "0.0.0.0", "port": 8123})  # as `liaison demo --port 8123` does
    assert served_base_url(served) == "http://127.0.0.1:8123"
    public = Settings(public_base_url="https://liaison.example/").model_copy(update={"port": 8123})
    assert served_base_url(public) == "https://liaison.example"


@pytest.mark.integration
def test_french_edition_formats_numbers_units_and_dates(editions):
    html = editions.html["fr"]
    cells = [unescape(c) for c in re.findall(r'<td class="num">([^<]*)</td>', html)]
    assert cells and not [c for c in cells if re.search(r"\d,\d{3}(?!\d)|\d\.\d", c)], "English number formats"
    assert any(re.fullmatch(rf"\d{{1,3}}(?:{NNBSP}\d{{3}})+", c) for c in cells), "thousands with a narrow nbsp"
    assert any(re.fullmatch(rf"\d{{1,3}}(?:{NNBSP}\d{{3}})+,\d", c) for c in cells), "M€ with a decimal comma"
    assert any(re.fullmatch(rf"[+-]\d+,\d{NBSP}%", c) for c in cells), "changes as '+4,2 %'"
    assert "(M€)" in html and re.search(rf"\d,\d{NBSP}M€", html), "M€ in headers and in the text"
    assert "Données au 31 mars 2026" in html and "du 1 janvier 2025 au 31 décembre 2025" in html
    assert "Allemagne (DE)" in html and "Règlements européens" in html and 'lang="fr"' in html
    english = editions.html["en"]
    assert "Data as of 31 March 2026" in english and "Germany (DE)" in english and "(€ m)" in english
    assert re.search(r'<td class="num">\d{1,3}(,\d{3})+</td>', english)


@pytest.mark.integration
def test_every_section_is_present_with_a_table_and_a_chart_and_no_zero_page(editions):
    for lang, model in editions.models.items():
        html = editions.html[lang]
        assert [s.id for s in model.sections] == ["summary", *SECTIONS]
        for section in model.sections:
            assert f'<section id="{section.id}"' in html and f'href="#{section.id}"' in html
            tables = [b for b in section.blocks if b.__class__.__name__ == "Table"]
            figures = [b for b in section.blocks if b.__class__.__name__ == "Figure"]
            assert tables, section.id
            if section.id != "methods":
                assert figures, section.id
            numbers = [_number(v) for t in tables for row in t.rows for v in row[1:]
                       if lang == "fr" and re.fullmatch(rf"[\d{NNBSP}]+(,\d+)?", v)]
            if lang == "fr":
                assert any(numbers), f"section {section.id} shows only zeros"
        assert 'type="application/pdf"' in html and 'href="/v1/stats/open-data/2025.csv"' in html
    activity = next(s for s in editions.models["fr"].sections if s.id == "activity")
    assert any("synthétiques" in b.text for b in activity.blocks if b.__class__.__name__ == "Paragraph")


@pytest.mark.integration
def test_totals_agree_between_summary_sections_and_stored_lines(editions):
    model, url, f = editions.models["fr"], editions.url, Formatter("fr")
    summary = {row[0]: row for row in _table(model, "Chiffres clés 2025").rows}

    def check(label: str, expected: Decimal, unit: str, section_cell: str) -> None:
        printed = f.value(expected, unit)
        assert summary[label][2] == printed, (label, summary[label][2], printed)
        assert section_cell == printed, (label, section_cell, printed)

    billed_to = _raw_total(url, 2025, "healthcare_claims_amount", "FR_COMPETENT")
    billed_by = _raw_total(url, 2025, "healthcare_claims_amount", "FR_STAY_RESIDENCE")
    by_instrument = _table(model, "Soins de santé facturés et réglés par instrument").rows[-1]
    check("Soins à l'étranger facturés à la France (dettes) (M€)", billed_to, "EUR", by_instrument[1])
    check("Soins en France facturés par la France (créances) (M€)", billed_by, "EUR", by_instrument[5])
    by_country = _table(model, "Soins de santé facturés par instrument et par pays").rows[-1]
    assert by_country[1:3] == [f.meur(billed_to), f.meur(billed_by)]
    pensions = _table(model, "Pensions versées à l'étranger par pays").rows[-1]
    check("Pensions versées à l'étranger (nombre)", _raw_total(url, 2025, "pensions_paid", "FR_COMPETENT"),
          "count", pensions[1])
    check("Pensions versées à l'étranger (montant) (M€)",
          _raw_total(url, 2025, "pensions_paid_amount", "FR_COMPETENT"), "EUR", pensions[2])
    family = _table(model, "Prestations familiales versées par pays").rows[-1]
    check("Prestations familiales versées (France compétente) (M€)",
          _raw_total(url, 2025, "family_benefits_amount", "FR_COMPETENT"), "EUR", family[3])
    postings = _table(model, "Détachements par pays").rows[-1]
    postings_out = _raw_total(url, 2025, ("posted_worker_certificates", "agreement_posting_forms"), "FR_COMPETENT")
    check("Détachements depuis la France (A1 et formulaires des conventions)", postings_out, "count", postings[3])
    for dimension in ("secteur d'activité", "durée", "statut"):
        assert _table(model, f"Détachements par {dimension}").rows[-1][1] == f.count(postings_out)
    exemptions = _table(model, "Exemptions d'affiliation par pays").rows[-1]
    check("Exemptions d'affiliation", _raw_total(url, 2025, "affiliation_exemptions"), "count", exemptions[3])
    flows = _table(model, "Sommes reçues et versées par la France par branche").rows[-1]
    assert summary["Sommes versées par la France, toutes branches (M€)"][2] == flows[2]

    # Rows of the additive tables add up to their total line (amounts to rounding: 0.1 M€ per row).
    for caption, columns in (("Pensions versées à l'étranger par pays", (1, 2)),
                             ("Prestations familiales versées par pays", (1, 2, 3)),
                             ("Détachements par pays", (1, 2, 3, 4)), ("Détachements par secteur", (1, 3)),
                             ("Détachements par durée", (1, 3)), ("Détachements par statut", (1, 3)),
                             ("Exemptions d'affiliation par pays", (1, 2, 3)),
                             ("Soins de santé facturés : frais réels et forfaits", (1, 4))):
        table = _table(model, caption)
        for col in columns:
            parts = sum(_number(row[col]) for row in table.rows[:-1])
            whole = _number(table.rows[-1][col])
            assert abs(parts - whole) <= Decimal("0.1") * len(table.rows), (caption, col, parts, whole)


@pytest.mark.integration
def test_methods_text_quotes_counts_computed_from_the_report(editions):
    from sqlalchemy import distinct, func, select

    from liaison.db import session_scope
    from reports.models import StatLine, StatSubmission

    with session_scope(editions.url) as s:
        current = (StatSubmission.status == "current") & (StatSubmission.year == 2025)
        returns = s.scalar(select(func.count()).select_from(StatSubmission).where(current))
        institutions = s.scalar(select(func.count(distinct(StatSubmission.institution))).where(current))
        partners = s.scalar(select(func.count(distinct(StatLine.partner))).join(
            StatSubmission, StatSubmission.id == StatLine.submission_id).where(current))
    for lang in ("fr", "en"):
        model, html = editions.models[lang], editions.html[lang]
        methods = next(s for s in model.sections if s.id == "methods")
        text = " ".join(b.text for b in methods.blocks if b.__class__.__name__ == "Paragraph")
        def countries(rows) -> int:
            return sum(1 for row in rows if re.search(r"\([A-Z]{2}(-[A-Z]{2})?\)$", row[0]))

        by_instrument = [t for t in model.tables if t.row_classes]  # healthcare: instruments as sub-headings
        assert len(by_instrument) == 1
        groups, current = [], []
        for row, css in zip(by_instrument[0].rows, by_instrument[0].row_classes, strict=True):
            if css == "subhead":
                groups.append(current := [])
            current.append(row)
        per_instrument = max(countries(g) for g in groups)
        country_rows = max(countries(t.rows) for t in model.tables if t not in by_instrument)
        tables = len(re.findall(r"<caption ", html))
        figures = len(re.findall(r"<figcaption>", html))
        if lang == "fr":
            assert f"Ce rapport utilise {returns} retours validés de {institutions} institutions" in text
            assert f"et {partners} pays et territoires partenaires" in text
            assert f"Les tableaux par pays détaillent au plus {country_rows} pays" in text
            assert f"par instrument et par pays au plus {per_instrument} pays par instrument" in text
            assert f"ce rapport de {tables} tableaux et {figures} graphiques" in text
        else:
            assert f"This report uses {returns} validated returns from {institutions} institutions" in text
            assert f"and {partners} partner countries and territories" in text
            assert f"The country tables list at most {country_rows} countries one by one" in text
            assert f"by instrument and country at most {per_instrument} per instrument" in text
            assert f"this report of {tables} tables and {figures} figures" in text
    assert country_rows == 15 and per_instrument == 5 and partners > 15  # more partners than the tables detail


@pytest.mark.integration
def test_both_editions_render_to_pdf(editions, tmp_path):
    for lang, expected in (("fr", ("Rapport annuel 2025", "Sommaire", "Page 1 sur", "Soins de santé", "Détachements",
                                   "Tableau 1. Chiffres clés")),
                           ("en", ("Annual report 2025", "Contents", "Page 1 of", "Healthcare", "Postings",
                                   "Table 1. Key figures"))):
        pdf = tmp_path / f"report-{lang}.pdf"
        pdf.write_bytes(render_pdf(editions.models[lang], editions.html[lang]))
        text = pdf_text(pdf)
        for word in expected:
            assert word in text, (lang, word)


@pytest.mark.browser
def test_html_edition_fits_320_px_and_has_no_accessibility_violation(editions, chrome, axe_source, tmp_path):
    from tests.web.widget_driver import run_axe

    page = tmp_path / "report.html"
    page.write_text(editions.html["fr"], encoding="utf-8")
    chrome.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": True})
    try:
        chrome.get(page.as_uri())
        widths = chrome.execute_script(
            "return [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
        assert widths[2] == 320 and max(widths[:2]) <= 320, widths
        # Wide tables scroll inside their own box; no figure is wider than the screen.
        assert chrome.execute_script(
            "return [...document.querySelectorAll('figure img')].every(i => i.getBoundingClientRect().right <= 320)")
        assert chrome.execute_script("return document.querySelectorAll('.table-scroll').length") >= 30
        assert run_axe(chrome, axe_source) == []
    finally:
        chrome.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# The session fixtures of the browser tests (one headless Chromium, axe-core).
from tests.web.conftest import axe_source, chrome  # noqa: E402, F401
