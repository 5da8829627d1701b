"""The annual report as a document model, built from the current returns and the centre's activity figures
by the section builders of `reports.sections`, in one edition (French by default, or English).

Nothing here reads the clock: the report's date is the date of the latest return it uses, so the same
data always gives the same document.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from reports import exchanges_section
from reports.activity import SOURCES, ActivitySummary, _clean, collect_all
from reports.aggregate import BreakdownCell, Cell, load_cells_and_breakdowns
from reports.document import (  # noqa: F401 - re-exported: the report's document model
    Figure, Heading, Numbering, Paragraph, ReportModel, Section, Table,
)
from reports.i18n import DEFAULT_LANG, Formatter, check_lang
from reports.models import CURRENT
from reports.returns import list_returns
from reports.schemas import ReturnPublic
from reports.sections import modules as section_modules
from reports.sections import summary
from reports.sections.base import Context
from reports.sections.methods import RENDERER_VERSION


class NoReportData(LookupError):
    pass


def _fingerprint(year: int, cells: list[Cell], breakdowns: list[BreakdownCell], used: list[ReturnPublic],
                 activity: dict[str, ActivitySummary], top: int) -> str:
    payload = {
        "renderer": RENDERER_VERSION, "year": year, "top": top,
        "cells": [[c.year, c.branch, c.instrument, c.partner, c.direction, c.indicator, c.unit, str(c.value),
                   c.lines, c.synthetic] for c in cells],
        "breakdowns": [[b.year, b.indicator, b.direction, b.instrument, b.partner, b.parts, str(b.value)]
                       for b in breakdowns],
        "returns": [[r.id, r.sha256, r.status, r.institution, r.branch, r.filename, r.submitted_at.isoformat(),
                     r.line_count, r.error_count] for r in used],
        "activity": {k: [a.available, a.reason, a.current, a.previous, a.synthetic]
                     for k, a in sorted(activity.items())},
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


@dataclass
class ReportInputs:
    """Everything the report is made from; its fingerprint identifies the output bytes (with the edition)."""

    year: int
    cells: list[Cell]
    breakdowns: list[BreakdownCell]
    returns: list[ReturnPublic]
    activity: dict[str, ActivitySummary]
    top_countries: int
    fingerprint: str
    exchanges: dict | None = None  # EESSI exchange counts (reports/exchanges_section.py)


def _demo_activity(activity: dict[str, ActivitySummary], year: int) -> dict[str, ActivitySummary]:
    """In a report made only of synthetic returns, a desk that recorded nothing at all (a fresh demo machine)
    is shown with synthetic activity figures, labelled as such, instead of a page of zeros."""
    from reports.demo import demo_activity

    out = {}
    for name, summary in activity.items():
        empty = summary.available and not any(
            v for data in (summary.current, summary.previous or {}) for v in data.values())
        if empty:
            _, scalars, mappings = SOURCES[name]
            current = _clean(demo_activity(name, year), scalars, mappings)
            previous = _clean(demo_activity(name, year - 1), scalars, mappings)
            summary = replace(summary, current=current, previous=previous, synthetic=True)
        out[name] = summary
    return out


def load_inputs(db_url: str, year: int, *, top_countries: int = 15) -> ReportInputs:
    cells, breakdowns = load_cells_and_breakdowns(db_url, [year, year - 1])
    returns = sorted(list_returns(db_url, year=year, limit=100_000), key=lambda r: r.id)
    current = [r for r in returns if r.status == CURRENT]
    if not current:
        raise NoReportData(f"no validated return for {year}: import returns first "
                           f"(liaison stats import) or create demo data (liaison stats demo {year - 1} {year})")
    activity = collect_all(db_url, year)
    if all(r.synthetic for r in current):
        activity = _demo_activity(activity, year)
    fingerprint = _fingerprint(year, cells, breakdowns, returns, activity, top_countries)
    exchanges = exchanges_section.load(db_url, year)
    if exchanges is not None:  # the EESSI exchange figures are part of what the report is made from
        blob = json.dumps(exchanges, sort_keys=True, default=str).encode()
        fingerprint = hashlib.sha256(fingerprint.encode() + blob).hexdigest()
    return ReportInputs(year, cells, breakdowns, returns, activity, top_countries, fingerprint, exchanges)


def build_model(db_url: str, year: int, *, top_countries: int = 15, lang: str = DEFAULT_LANG) -> ReportModel:
    return model_from(load_inputs(db_url, year, top_countries=top_countries), lang=lang)


def model_from(inputs: ReportInputs, *, lang: str = DEFAULT_LANG, links: dict[str, str] | None = None
               ) -> ReportModel:
    lang = check_lang(lang)
    f = Formatter(lang)
    year, cells = inputs.year, inputs.cells
    current_returns = [r for r in inputs.returns if r.status == CURRENT]
    synthetic = any(r.synthetic for r in current_returns) or any(c.synthetic for c in cells)
    as_of = max(r.submitted_at for r in current_returns).date()
    ctx = Context(year=year, lang=lang, f=f, cur=[c for c in cells if c.year == year],
                  prev=[c for c in cells if c.year == year - 1], breakdowns=inputs.breakdowns,
                  returns=inputs.returns, activity=inputs.activity, top_n=inputs.top_countries,
                  fingerprint=inputs.fingerprint, synthetic=synthetic)
    modules = section_modules()
    figures = [k for m in modules if hasattr(m, "key_figures") for k in m.key_figures(ctx)]
    titles = {m.ID: f.t(*m.TITLE) for m in modules}
    sections = [summary.build(ctx, figures, titles)]
    for m in modules:
        if m.ID == "methods":  # built last: it counts every table and figure before it
            exchanges = exchanges_section.section(ctx.num, year, inputs.exchanges)
            if exchanges is not None:
                sections.append(exchanges)
        sections.append(m.build(ctx))
    return ReportModel(
        year=year, lang=lang,
        title=f.t(f"Rapport annuel {year}", f"Annual report {year}"),
        subtitle=f.t("Mobilité internationale — les données de la protection sociale : application des règlements "
                     "européens de coordination, des conventions bilatérales et des décrets de coordination, et "
                     "activité du centre de liaison",
                     "International mobility — social protection data: application of the EU coordination "
                     "regulations, of the bilateral agreements and of the coordination decrees, and activity of "
                     "the liaison centre"),
        data_as_of=as_of, data_as_of_text=f.date(as_of), synthetic=synthetic, sections=sections,
        fingerprint=inputs.fingerprint, lead=_lead(ctx), words=_words(f, synthetic),
        links=api_links(year, lang) if links is None else links)


def api_links(year: int, lang: str) -> dict[str, str]:
    """Where the API serves the other forms of this report (root-relative: valid wherever it is served)."""
    other = "en" if lang == "fr" else "fr"
    return {"pdf": f"/v1/reports/{year}.pdf?lang={lang}", "csv": f"/v1/stats/open-data/{year}.csv",
            "other_lang": f"/v1/reports/{year}.html?lang={other}"}


def _lead(ctx: Context) -> list:
    f, t, year = ctx.f, ctx.t, ctx.year
    returns = ctx.current_returns
    institutions = len({r.institution for r in returns})
    partners = len({c.partner for c in ctx.cur})
    out = []
    if ctx.synthetic:
        out.append(Paragraph(t(
            "Ce rapport est établi à partir de DONNÉES DE DÉMONSTRATION SYNTHÉTIQUES générées par Liaison. Les "
            "chiffres sont inventés et ne sont pas des statistiques officielles.",
            "This report is built from SYNTHETIC DEMONSTRATION DATA generated by Liaison. The figures are invented "
            "and are not official statistics."), "warning"))
    out.append(Paragraph(t(
        f"Ce rapport porte sur l'année {year}. Il est établi à partir de "
        f"{f.plural(len(returns), 'retour statistique validé', 'retours statistiques validés')} envoyés par "
        f"{f.plural(institutions, 'institution', 'institutions')}, couvrant "
        f"{f.plural(partners, 'pays ou territoire partenaire', 'pays et territoires partenaires')}, et des "
        "données d'activité du centre de liaison.",
        f"This report covers {year}. It is built from {len(returns)} validated statistical return"
        f"{'s' if len(returns) != 1 else ''} sent by {institutions} institution{'s' if institutions != 1 else ''}, "
        f"covering {partners} partner countries and territories, and from the liaison centre's own activity "
        "records.")))
    return out


def _words(f: Formatter, synthetic: bool) -> dict[str, str]:
    """The fixed words of the page template in this edition."""
    return {
        "kicker": f.t("Centre des liaisons européennes et internationales de sécurité sociale",
                      "Liaison centre for European and international social security"),
        "as_of": f.t("Données au", "Data as of"),
        "contents": f.t("Sommaire", "Contents"),
        "table": f.t("Tableau", "Table"),
        "figure": f.t("Graphique", "Figure"),
        "page": f.t("Page", "Page"),
        "of": f.t("sur", "of"),
        "synthetic_short": f.t("données synthétiques", "synthetic data"),
        "synthetic_title": f.t("données de démonstration synthétiques", "synthetic demonstration data"),
        "synthetic_banner": f.t("DONNÉES DE DÉMONSTRATION SYNTHÉTIQUES · PAS DES STATISTIQUES OFFICIELLES",
                                "SYNTHETIC DEMONSTRATION DATA · NOT OFFICIAL STATISTICS"),
        "other_forms": f.t("Autres formats", "Other formats"),
        "pdf": f.t("Rapport en PDF", "Report as PDF"),
        "csv": f.t("Données ouvertes (CSV)", "Open data (CSV)"),
        "other_lang": f.t("English edition", "Édition française"),
        "fingerprint": f.t("Empreinte des données\u00a0:", "Data fingerprint:"),
        "keywords": f.t("coordination de la sécurité sociale, statistiques", "social security coordination, statistics"),
        "author": f.t("Centre de liaison", "Liaison centre"),
    }
