"""Money paid and received by France, by branch and by instrument, and the branches without a section of
their own (work accidents, unemployment)."""
from __future__ import annotations

from decimal import Decimal

from reports import catalogue as cat
from reports import labels as lbl
from reports.aggregate import flow_of, flows_by
from reports.document import Heading, Paragraph, Section
from reports.i18n import DASH
from reports.sections.base import (
    GREEN, VERMILLION, ZERO, Context, KeyFigure, hbar, indicator_table, money_header,
)

TITLE = ("Flux financiers et autres branches", "Financial flows and other branches")
ID = "flows"


def _flows(cells) -> dict[str, Decimal]:
    return flows_by(cells, lambda c: "all")["all"]


def key_figures(ctx: Context) -> list[KeyFigure]:
    has_prev = any(flow_of(c) for c in ctx.prev)
    cur, prev = _flows(ctx.cur), _flows(ctx.prev)
    return [
        KeyFigure(ctx.t("Sommes reçues par la France, toutes branches", "Money received by France, all branches"),
                  cat.EUR, cur["in"], prev["in"] if has_prev else None, ID, "money_in"),
        KeyFigure(ctx.t("Sommes versées par la France, toutes branches", "Money paid by France, all branches"),
                  cat.EUR, cur["out"], prev["out"] if has_prev else None, ID, "money_out"),
    ]


def build(ctx: Context) -> Section:
    f, t, year = ctx.f, ctx.t, ctx.year
    section = Section(ID, t(*TITLE))
    section.blocks.append(Paragraph(t(
        "Sommes versées par la France : ce que la France paie ou rembourse à l'étranger comme État compétent "
        "(soins facturés à la France, pensions et prestations versées à des résidents d'autres États). Sommes "
        "reçues : ce qui est remboursé à la France ou perçu par elle comme État de séjour ou de résidence. Les "
        "cotisations recouvrées suivent le créancier.",
        "Money paid by France: amounts France pays or reimburses abroad as competent state (care billed to France, "
        "pensions and benefits paid to residents of other states). Money received: amounts France is reimbursed or "
        "receives as state of stay or residence. Contributions recovered follow the creditor.")))
    by_branch, by_branch_prev = flows_by(ctx.cur, lambda c: c.branch), flows_by(ctx.prev, lambda c: c.branch)
    zero = {"in": ZERO, "out": ZERO}
    branches = [b for b in cat.BRANCHES if b in by_branch or b in by_branch_prev]
    if not branches:
        section.blocks.append(Paragraph(t(f"Aucun montant en euros déclaré pour {year}.",
                                          f"No amount in euros was reported for {year}."), "note"))
    else:
        names = [lbl.branch(b, ctx.lang) for b in branches]
        section.blocks.append(hbar(
            ctx, t(f"Sommes reçues et versées par la France par branche, {year}",
                   f"Money received and paid by France by branch, {year}"), names,
            [(t("Reçu par la France", "Received by France"), [by_branch.get(b, zero)["in"] for b in branches], GREEN),
             (t("Versé par la France", "Paid by France"), [by_branch.get(b, zero)["out"] for b in branches],
              VERMILLION)], money=True,
            alt=t(f"Graphique en barres horizontales des sommes reçues et versées par la France en {year} pour "
                  f"{len(branches)} branches.",
                  f"Horizontal bar chart of the money received and paid by France in {year} for {len(branches)} "
                  "branches."), table=ctx.num.tables + 1))
        has_prev = bool(by_branch_prev)
        rows = []
        for b, name in [*zip(branches, names, strict=True), (None, t("Toutes branches", "All branches"))]:
            cur = _flows(ctx.cur) if b is None else by_branch.get(b, zero)
            prev = _flows(ctx.prev) if b is None else by_branch_prev.get(b, zero)
            known = has_prev and (b is None or b in by_branch_prev)
            rows.append([name, f.meur(cur["in"]), f.meur(cur["out"]), f.meur(cur["in"] - cur["out"]),
                         f.meur(prev["in"]) if known else DASH,
                         f.meur(prev["out"]) if known else DASH,
                         f.change(cur["in"] + cur["out"], (prev["in"] + prev["out"]) if known else None)])
        section.blocks.append(ctx.num.table(
            t(f"Sommes reçues et versées par la France par branche, {year} et {year - 1}",
              f"Money received and paid by France by branch, {year} and {year - 1}"),
            [t("Branche", "Branch"), money_header(ctx, t(f"Reçu {year}", f"Received {year}")),
             money_header(ctx, t(f"Versé {year}", f"Paid {year}")), money_header(ctx, t(f"Solde {year}", f"Balance {year}")),
             money_header(ctx, t(f"Reçu {year - 1}", f"Received {year - 1}")),
             money_header(ctx, t(f"Versé {year - 1}", f"Paid {year - 1}")), t("Évolution des flux", "Change in flows")],
            rows, [False] + [True] * 6, total_row=True))
        by_kind = flows_by(ctx.cur, lambda c: cat.instrument_kind(c.instrument))
        partners: dict[str, set] = {}
        for c in ctx.cur:
            partners.setdefault(cat.instrument_kind(c.instrument), set()).add(c.partner)
        kinds = [k for k in lbl.KIND_ORDER if k in partners]
        rows = [[lbl.kind(k, ctx.lang), f.count(len(partners[k])), f.meur(by_kind[k]["in"]), f.meur(by_kind[k]["out"]),
                 f.meur(by_kind[k]["in"] - by_kind[k]["out"])] for k in kinds]
        whole = _flows(ctx.cur)
        rows.append([t("Total", "Total"), f.count(len({c.partner for c in ctx.cur})), f.meur(whole["in"]),
                     f.meur(whole["out"]), f.meur(whole["in"] - whole["out"])])
        section.blocks.append(ctx.num.table(
            t(f"Sommes reçues et versées par la France par instrument, {year}",
              f"Money received and paid by France by instrument, {year}"),
            [t("Instrument", "Instrument"), t("Pays et territoires", "Partners"), money_header(ctx, t("Reçu", "Received")),
             money_header(ctx, t("Versé", "Paid")), money_header(ctx, t("Solde", "Balance"))],
            rows, [False, True, True, True, True], total_row=True,
            note=t("Un pays peut relever de plusieurs instruments (par exemple une convention bilatérale et les "
                   "soins hors accord) : le total compte chaque pays une fois.",
                   "A country may fall under several instruments (for instance a bilateral agreement and care "
                   "without agreement): the total counts each country once.")))
    for branch in ("work_accidents", "unemployment"):
        table = indicator_table(ctx, t(f"{lbl.branch(branch, 'fr')} : indicateurs par sens, {year} et {year - 1}",
                                       f"{lbl.branch(branch, 'en')}: indicators by direction, {year} and {year - 1}"),
                                [i.code for i in cat.indicators_for(branch)])
        section.blocks.append(Heading(lbl.branch(branch, ctx.lang), f"flows-{branch}"))
        section.blocks.append(table or Paragraph(t(f"Aucun retour validé pour {year}.",
                                                   f"No validated return for {year}."), "note"))
    return section
