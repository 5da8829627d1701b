"""Exemptions from affiliation: workers kept in their home scheme while working in the other state."""
from __future__ import annotations

from reports import catalogue as cat
from reports import labels as lbl
from reports.aggregate import by_dimension
from reports.document import Paragraph, Section
from reports.sections.base import (
    BLUE, ORANGE, ZERO, Context, KeyFigure, by, country_table, hbar, key_figure, partner_of, ranked,
)

TITLE = ("Exemptions d'affiliation", "Exemptions from affiliation")
ID = "exemptions"
CODE = "affiliation_exemptions"


def _label(ctx: Context, direction: str) -> str:
    return {cat.FR_COMPETENT: ctx.t("Accordées par la France", "Granted by France"),
            cat.FR_STAY_RESIDENCE: ctx.t("Accordées par l'autre État", "Granted by the other state")}[direction]


def key_figures(ctx: Context) -> list[KeyFigure]:
    return [key_figure(ctx, ID, ctx.t("Exemptions d'affiliation", "Exemptions from affiliation"), cat.COUNT, CODE)]


def build(ctx: Context) -> Section:
    f, t, year = ctx.f, ctx.t, ctx.year
    section = Section(ID, t(*TITLE))
    cur = {d: by(ctx.cur, partner_of, CODE, d) for d in cat.DIRECTIONS}
    both = {p: cur[cat.FR_COMPETENT].get(p, ZERO) + cur[cat.FR_STAY_RESIDENCE].get(p, ZERO)
            for p in set(cur[cat.FR_COMPETENT]) | set(cur[cat.FR_STAY_RESIDENCE])}
    prev_both = by(ctx.prev, partner_of, CODE) if any(c.indicator == CODE for c in ctx.prev) else None
    section.blocks.append(Paragraph(t(
        f"Exemptions d'affiliation accordées : la personne reste affiliée au régime de son État d'origine pendant son "
        f"activité dans l'autre État. En {year} : {f.count(sum(both.values(), ZERO))} exemptions.",
        f"Exemptions from affiliation granted: the person stays insured in the home state's scheme while working in "
        f"the other state. In {year}: {f.count(sum(both.values(), ZERO))} exemptions.")))
    top10 = ranked(both, 10)
    if top10:
        section.blocks.append(hbar(
            ctx, t(f"Exemptions d'affiliation : les {len(top10)} premiers pays, {year}",
                   f"Exemptions from affiliation: top {len(top10)} countries, {year}"),
            [f.country(p) for p in top10],
            [(_label(ctx, d), [cur[d].get(p, ZERO) for p in top10], colour)
             for d, colour in ((cat.FR_COMPETENT, BLUE), (cat.FR_STAY_RESIDENCE, ORANGE))], money=False,
            alt=t(f"Graphique en barres horizontales des exemptions d'affiliation en {year} pour les {len(top10)} pays "
                  "qui en comptent le plus, selon l'État qui les accorde.",
                  f"Horizontal bar chart of the exemptions from affiliation in {year} for the {len(top10)} countries "
                  "with the most, by the state granting them."), table=ctx.num.tables + 1))
    table, top = country_table(
        ctx, t(f"Exemptions d'affiliation par pays, {year}", f"Exemptions from affiliation by country, {year}"),
        [(_label(ctx, d), cur[d], cat.COUNT) for d in cat.DIRECTIONS] + [(t("Total", "Total"), both, cat.COUNT)],
        both, change=(both, prev_both))
    ctx.shown["exemptions_partners"] = len(top)
    section.blocks.append(table)
    rows = []
    for value in cat.DIMENSIONS["status"]:
        row = [lbl.dimension_value("status", value, ctx.lang)]
        for d in cat.DIRECTIONS:
            row.append(f.count(by_dimension(ctx.breakdowns_of(year), [CODE], d, "status").get(value, ZERO)))
        rows.append(row)
    split = {d: sum(by_dimension(ctx.breakdowns_of(year), [CODE], d, "status").values(), ZERO) for d in cat.DIRECTIONS}
    rest = [cur[d] and sum(cur[d].values(), ZERO) - split[d] for d in cat.DIRECTIONS]
    if any(rest):
        rows.append([t("Non ventilé", "Not broken down")] + [f.count(r or ZERO) for r in rest])
    rows.append([t("Total", "Total")] + [f.count(sum(cur[d].values(), ZERO)) for d in cat.DIRECTIONS])
    section.blocks.append(ctx.num.table(
        t(f"Exemptions d'affiliation par statut, {year}", f"Exemptions from affiliation by status, {year}"),
        [t("Statut", "Status")] + [_label(ctx, d) for d in cat.DIRECTIONS], rows, [False, True, True],
        total_row=True))
    return section
