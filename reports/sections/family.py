"""Family benefits paid by France for family members living in another state, by country."""
from __future__ import annotations

from reports import catalogue as cat
from reports.document import Paragraph, Section
from reports.sections.base import (
    BLUE, GREY, ZERO, Context, KeyFigure, add_indicator_table, by, country_table, hbar, key_figure, money_header,
    partner_of, ranked,
)

TITLE = ("Prestations familiales", "Family benefits")
ID = "family"
CASES, CHILDREN, AMOUNT, ABROAD = "family_benefit_cases", "children_covered", "family_benefits_amount", cat.FR_COMPETENT


def key_figures(ctx: Context) -> list[KeyFigure]:
    return [
        key_figure(ctx, ID, ctx.t("Familles bénéficiaires (France compétente)", "Families receiving benefits "
                                  "(France competent)"), cat.COUNT, CASES, ABROAD),
        key_figure(ctx, ID, ctx.t("Prestations familiales versées (France compétente)",
                                  "Family benefits paid (France competent)"), cat.EUR, AMOUNT, ABROAD),
    ]


def build(ctx: Context) -> Section:
    f, t, year = ctx.f, ctx.t, ctx.year
    section = Section(ID, t(*TITLE))
    cases, children = by(ctx.cur, partner_of, CASES, ABROAD), by(ctx.cur, partner_of, CHILDREN, ABROAD)
    amounts = by(ctx.cur, partner_of, AMOUNT, ABROAD)
    prev = by(ctx.prev, partner_of, AMOUNT, ABROAD) if any(c.indicator == AMOUNT for c in ctx.prev) else None
    section.blocks.append(Paragraph(t(
        f"Prestations familiales versées par la France, État compétent, pour des enfants résidant dans un autre "
        f"État. En {year} : {f.count(sum(cases.values(), ZERO))} familles, {f.count(sum(children.values(), ZERO))} "
        f"enfants, {f.meur_text(sum(amounts.values(), ZERO))}.",
        f"Family benefits paid by France, as competent state, for children living in another state. In {year}: "
        f"{f.count(sum(cases.values(), ZERO))} families, {f.count(sum(children.values(), ZERO))} children, "
        f"{f.meur_text(sum(amounts.values(), ZERO))}.")))
    top10 = ranked(amounts, 10)
    if top10:
        section.blocks.append(hbar(
            ctx, t(f"Prestations familiales versées : les {len(top10)} premiers pays, {year} et {year - 1}",
                   f"Family benefits paid: top {len(top10)} countries, {year} and {year - 1}"),
            [f.country(p) for p in top10],
            [(str(year), [amounts.get(p, ZERO) for p in top10], BLUE)]
            + ([(str(year - 1), [prev.get(p, ZERO) for p in top10], GREY)] if prev else []), money=True,
            alt=t(f"Graphique en barres horizontales des prestations familiales versées en {year} et {year - 1} pour "
                  f"les {len(top10)} pays aux montants les plus élevés.",
                  f"Horizontal bar chart of the family benefits paid in {year} and {year - 1} for the {len(top10)} "
                  "countries with the largest amounts."), table=ctx.num.tables + 1))
    table, top = country_table(
        ctx, t(f"Prestations familiales versées par pays, {year}", f"Family benefits paid by country, {year}"),
        [(t("Familles", "Families"), cases, cat.COUNT), (t("Enfants", "Children"), children, cat.COUNT),
         (money_header(ctx, t("Montant versé", "Amount paid")), amounts, cat.EUR)],
        amounts, change=(amounts, prev), note=t("Évolution : du montant versé.", "Change: of the amount paid."))
    ctx.shown["family_partners"] = len(top)
    section.blocks.append(table)
    add_indicator_table(ctx, section, t(f"Famille : indicateurs par sens, {year} et {year - 1}",
                                        f"Family: indicators by direction, {year} and {year - 1}"),
                        [i.code for i in cat.indicators_for("family")])
    return section
