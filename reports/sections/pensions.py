"""Pensions paid abroad by France, by country (number in payment and amount), and by instrument."""
from __future__ import annotations

from reports import catalogue as cat
from reports import labels as lbl
from reports.document import Heading, Paragraph, Section
from reports.sections.base import (
    BLUE, GREY, ZERO, Context, KeyFigure, add_indicator_table, by, country_table, hbar, key_figure, kind_of,
    money_header, partner_of, ranked,
)

TITLE = ("Pensions versées à l'étranger", "Pensions paid abroad")
ID = "pensions"
COUNT, AMOUNT, ABROAD = "pensions_paid", "pensions_paid_amount", cat.FR_COMPETENT


def key_figures(ctx: Context) -> list[KeyFigure]:
    return [
        key_figure(ctx, ID, ctx.t("Pensions versées à l'étranger (nombre)", "Pensions paid abroad (number)"),
                   cat.COUNT, COUNT, ABROAD),
        key_figure(ctx, ID, ctx.t("Pensions versées à l'étranger (montant)", "Pensions paid abroad (amount)"),
                   cat.EUR, AMOUNT, ABROAD),
    ]


def build(ctx: Context) -> Section:
    f, t, year = ctx.f, ctx.t, ctx.year
    section = Section(ID, t(*TITLE))
    counts = by(ctx.cur, partner_of, COUNT, ABROAD)
    amounts = by(ctx.cur, partner_of, AMOUNT, ABROAD)
    prev_amounts = by(ctx.prev, partner_of, AMOUNT, ABROAD) if any(c.indicator == AMOUNT for c in ctx.prev) else None
    section.blocks.append(Paragraph(t(
        f"Pensions de vieillesse et de survivant servies par les régimes français à des personnes résidant hors de "
        f"France. En {year} : {f.count(sum(counts.values(), ZERO))} pensions en paiement dans "
        f"{f.count(len([p for p in counts if counts[p]]))} pays et territoires, pour "
        f"{f.meur_text(sum(amounts.values(), ZERO))}.",
        f"Old-age and survivors' pensions paid by French schemes to persons living outside France. In {year}: "
        f"{f.count(sum(counts.values(), ZERO))} pensions in payment in {f.count(len([p for p in counts if counts[p]]))} "
        f"countries and territories, for {f.meur_text(sum(amounts.values(), ZERO))}.")))
    top10 = ranked(amounts, 10)
    if top10:
        section.blocks.append(hbar(
            ctx, t(f"Pensions versées à l'étranger : les {len(top10)} premiers pays, {year} et {year - 1}",
                   f"Pensions paid abroad: top {len(top10)} countries, {year} and {year - 1}"),
            [f.country(p) for p in top10],
            [(str(year), [amounts.get(p, ZERO) for p in top10], BLUE)]
            + ([(str(year - 1), [prev_amounts.get(p, ZERO) for p in top10], GREY)] if prev_amounts else []),
            money=True,
            alt=t(f"Graphique en barres horizontales du montant des pensions versées à l'étranger en {year} et "
                  f"{year - 1} pour les {len(top10)} pays aux montants les plus élevés.",
                  f"Horizontal bar chart of the pensions paid abroad in {year} and {year - 1} for the {len(top10)} "
                  "countries with the largest amounts."), table=ctx.num.tables + 1))
    table, top = country_table(
        ctx, t(f"Pensions versées à l'étranger par pays, {year}", f"Pensions paid abroad by country, {year}"),
        [(t("Pensions en paiement", "Pensions in payment"), counts, cat.COUNT),
         (money_header(ctx, t("Montant versé", "Amount paid")), amounts, cat.EUR)],
        amounts, change=(amounts, prev_amounts),
        note=t("Évolution : du montant versé.", "Change: of the amount paid."))
    ctx.shown["pensions_partners"] = len(top)
    section.blocks.append(table)

    section.blocks.append(Heading(t("Par instrument", "By instrument"), "pensions-instrument"))
    by_kind_n, by_kind_amount = by(ctx.cur, kind_of, COUNT, ABROAD), by(ctx.cur, kind_of, AMOUNT, ABROAD)
    kinds = [k for k in lbl.KIND_ORDER if by_kind_n.get(k) or by_kind_amount.get(k)]
    rows = [[lbl.kind(k, ctx.lang), f.count(by_kind_n.get(k, ZERO)), f.meur(by_kind_amount.get(k, ZERO)),
             f.share(by_kind_amount.get(k, ZERO), sum(by_kind_amount.values(), ZERO))] for k in kinds]
    rows.append([t("Total", "Total"), f.count(sum(by_kind_n.values(), ZERO)), f.meur(sum(by_kind_amount.values(), ZERO)),
                 f.share(1, 1)])
    section.blocks.append(ctx.num.table(
        t(f"Pensions versées à l'étranger par instrument, {year}", f"Pensions paid abroad by instrument, {year}"),
        [t("Instrument", "Instrument"), t("Pensions en paiement", "Pensions in payment"),
         money_header(ctx, t("Montant versé", "Amount paid")), t("Part du montant", "Share of amount")],
        rows, [False, True, True, True], total_row=True))
    add_indicator_table(ctx, section, t(f"Vieillesse : indicateurs par sens, {year} et {year - 1}",
                                        f"Old age: indicators by direction, {year} and {year - 1}"),
                        [i.code for i in cat.indicators_for("old_age")],
                        note=t("France État de résidence : pensions étrangères servies à des résidents de France.",
                               "France stay/residence: foreign pensions paid to residents of France."))
    return section
