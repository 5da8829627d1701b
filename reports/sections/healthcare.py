"""Healthcare: claims and their settlement by instrument (EU regulations, EU-UK agreement, bilateral
agreements, coordination decrees, non-agreement countries) and by country, both ways (care abroad billed to
France; care in France billed by France to other states), actual costs and lump sums."""
from __future__ import annotations

from decimal import Decimal

from reports import catalogue as cat
from reports import labels as lbl
from reports.document import Heading, Paragraph, Section
from reports.sections.base import (
    BLUE, ORANGE, ZERO, Context, KeyFigure, by, hbar, indicator_table, key_figure, kind_of, money_header,
    partner_of, ranked,
)

TITLE = ("Soins de santé", "Healthcare")
ID = "healthcare"
CLAIMS, PAID = "healthcare_claims_amount", "healthcare_payments_amount"
TO_FR, BY_FR = cat.FR_COMPETENT, cat.FR_STAY_RESIDENCE  # billed to France (France owes) / by France (owed to it)
PER_KIND = 5  # countries shown within each instrument in the instrument x country table


def _billed(ctx: Context, direction: str) -> str:
    return {TO_FR: ctx.t("Facturé à la France", "Billed to France"),
            BY_FR: ctx.t("Facturé par la France", "Billed by France")}[direction]


def key_figures(ctx: Context) -> list[KeyFigure]:
    t = ctx.t
    return [
        key_figure(ctx, ID, t("Soins à l'étranger facturés à la France (dettes)",
                              "Care abroad billed to France (debts)"), cat.EUR, CLAIMS, TO_FR),
        key_figure(ctx, ID, t("Soins en France facturés par la France (créances)",
                              "Care in France billed by France (claims)"), cat.EUR, CLAIMS, BY_FR),
        key_figure(ctx, ID, t("Règlements versés par la France", "Settlements paid by France"), cat.EUR, PAID, TO_FR),
        key_figure(ctx, ID, t("Règlements reçus par la France", "Settlements received by France"), cat.EUR, PAID,
                   BY_FR),
    ]


def build(ctx: Context) -> Section:
    f, t, year = ctx.f, ctx.t, ctx.year
    section = Section(ID, t(*TITLE))
    to_fr = by(ctx.cur, kind_of, CLAIMS, TO_FR)
    by_fr = by(ctx.cur, kind_of, CLAIMS, BY_FR)
    section.blocks.append(Paragraph(t(
        f"Les dettes de la France sont les soins reçus à l'étranger par des assurés d'un régime français et "
        f"facturés à la France ; ses créances, les soins servis en France aux assurés d'un autre État et "
        f"facturés à cet État. En {year}, les institutions ont déclaré {f.meur_text(sum(to_fr.values(), ZERO))} "
        f"facturés à la France et {f.meur_text(sum(by_fr.values(), ZERO))} facturés par la France.",
        f"France's debts are the care received abroad by persons insured in France and billed to France; its "
        f"claims, the care provided in France to persons insured in another state and billed to that state. In "
        f"{year}, the institutions reported {f.meur_text(sum(to_fr.values(), ZERO))} billed to France and "
        f"{f.meur_text(sum(by_fr.values(), ZERO))} billed by France.")))
    _by_instrument(ctx, section)
    _basis(ctx, section)
    _instrument_by_country(ctx, section)
    table = indicator_table(ctx, t(f"Soins de santé : indicateurs par sens, {year} et {year - 1}",
                                   f"Healthcare: indicators by direction, {year} and {year - 1}"),
                            [i.code for i in cat.indicators_for("health")])
    if table:
        section.blocks.append(Heading(t("Inscriptions, autorisations et nombre de créances",
                                        "Registrations, authorisations and number of claims"), "healthcare-counts"))
        section.blocks.append(table)
    return section


def _kinds(*values: dict) -> list[str]:
    present = {k for v in values for k, x in v.items() if x}
    return [k for k in lbl.KIND_ORDER if k in present]


def _by_instrument(ctx: Context, section: Section) -> None:
    f, t, year = ctx.f, ctx.t, ctx.year
    section.blocks.append(Heading(t("Par instrument juridique", "By legal instrument"), "healthcare-instrument"))
    cur = {d: by(ctx.cur, kind_of, CLAIMS, d) for d in (TO_FR, BY_FR)}
    prev = {d: by(ctx.prev, kind_of, CLAIMS, d) for d in (TO_FR, BY_FR)}
    paid = {d: by(ctx.cur, kind_of, PAID, d) for d in (TO_FR, BY_FR)}
    kinds = _kinds(cur[TO_FR], cur[BY_FR], paid[TO_FR], paid[BY_FR])
    if not kinds:
        section.blocks.append(Paragraph(t(f"Aucun montant de soins déclaré pour {year}.",
                                          f"No healthcare amount reported for {year}."), "note"))
        return
    has_prev = any(c.indicator == CLAIMS for c in ctx.prev)
    names = [lbl.kind(k, ctx.lang) for k in kinds]
    table_number = ctx.num.tables + 1
    section.blocks.append(hbar(
        ctx, t(f"Soins de santé facturés par instrument, {year}", f"Healthcare billed by instrument, {year}"), names,
        [(_billed(ctx, TO_FR), [cur[TO_FR].get(k, ZERO) for k in kinds], BLUE),
         (_billed(ctx, BY_FR), [cur[BY_FR].get(k, ZERO) for k in kinds], ORANGE)], money=True,
        alt=t(f"Graphique en barres horizontales des soins facturés à la France et par la France en {year} pour "
              f"{len(kinds)} catégories d'instruments (règlements européens, conventions bilatérales, décrets de "
              f"coordination, pays hors accord).",
              f"Horizontal bar chart of the care billed to France and by France in {year} for {len(kinds)} kinds of "
              "instrument (EU regulations, bilateral agreements, coordination decrees, non-agreement countries)."),
        table=table_number))
    rows = []
    for k, name in zip([*kinds, None], [*names, t("Total", "Total")], strict=True):
        def get(values: dict) -> Decimal:
            return sum(values.values(), ZERO) if k is None else values.get(k, ZERO)

        row = [name]
        for d in (TO_FR, BY_FR):
            c = get(cur[d])
            p = get(prev[d]) if has_prev else None
            row += [f.meur(c), f.meur(p), f.change(c, p), f.meur(get(paid[d]))]
        rows.append(row)
    header = [t("Instrument", "Instrument")]
    for d in (TO_FR, BY_FR):
        header += [money_header(ctx, f"{_billed(ctx, d)} {year}"), f"{year - 1}", t("Évol.", "Change"),
                   money_header(ctx, t("Réglé", "Settled") + f" {year}")]
    section.blocks.append(ctx.num.table(
        t(f"Soins de santé facturés et réglés par instrument, {year} et {year - 1}",
          f"Healthcare billed and settled by instrument, {year} and {year - 1}"),
        header, rows, [False] + [True] * 8, total_row=True,
        note=t("Facturé : montant des créances présentées dans l'année ; réglé : montant payé (dettes) ou encaissé "
               "(créances) dans l'année, quelle que soit l'année des soins.",
               "Billed: amount of the claims presented in the year; settled: amount paid (debts) or received "
               "(claims) in the year, whatever the year of the care.")))


def _basis_totals(ctx: Context, year: int, direction: str) -> dict[str, Decimal]:
    """actual_costs / lump_sums / unspecified (claims without a basis breakdown): adds up to the total."""
    cells = ctx.cur if year == ctx.year else ctx.prev
    out = {v: ZERO for v in cat.DIMENSIONS["basis"]}
    for b in ctx.breakdowns_of(year):
        if b.indicator == CLAIMS and b.direction == direction:
            value = dict(b.parts).get("basis")
            if value in out:
                out[value] += b.value
    whole = sum((c.value for c in cells if c.indicator == CLAIMS and c.direction == direction), ZERO)
    out["unspecified"] = whole - sum(out.values(), ZERO)
    return out


def _basis(ctx: Context, section: Section) -> None:
    f, t, year = ctx.f, ctx.t, ctx.year
    section.blocks.append(Heading(t("Frais réels et forfaits", "Actual costs and lump sums"), "healthcare-basis"))
    section.blocks.append(Paragraph(t(
        "Les soins sont remboursés sur la base des frais réels (dépenses effectives, sur facture) ou de forfaits "
        "(montants annuels par personne, pour les pensionnés et les membres de famille résidant dans un autre "
        "État dont les institutions ont opté pour ce mode).",
        "Care is reimbursed on the basis of actual costs (the expenditure, invoiced) or of lump sums (annual "
        "amounts per person, for pensioners and family members residing in another state whose institutions "
        "chose this method).")))
    has_prev = any(c.indicator == CLAIMS for c in ctx.prev)
    cur = {d: _basis_totals(ctx, year, d) for d in (TO_FR, BY_FR)}
    prev = {d: _basis_totals(ctx, year - 1, d) for d in (TO_FR, BY_FR)} if has_prev else None
    keys = [*cat.DIMENSIONS["basis"]] + (["unspecified"] if any(cur[d]["unspecified"] for d in cur) else [])
    names = {"unspecified": t("Non ventilé", "Not broken down")}
    rows = []
    for key in [*keys, None]:
        name = t("Total", "Total") if key is None else names.get(key) or lbl.dimension_value("basis", key, ctx.lang)
        row = [name]
        for d in (TO_FR, BY_FR):
            c = sum(cur[d].values(), ZERO) if key is None else cur[d][key]
            p = (sum(prev[d].values(), ZERO) if key is None else prev[d][key]) if prev else None
            row += [f.meur(c), f.change(c, p), f.share(c, sum(cur[d].values(), ZERO))]
        rows.append(row)
    header = [t("Nature", "Basis")]
    for d in (TO_FR, BY_FR):
        header += [money_header(ctx, f"{_billed(ctx, d)} {year}"), t("Évol.", "Change"), t("Part", "Share")]
    section.blocks.append(ctx.num.table(
        t(f"Soins de santé facturés : frais réels et forfaits, {year}",
          f"Healthcare billed: actual costs and lump sums, {year}"), header, rows, [False] + [True] * 6,
        total_row=True))


def _instrument_by_country(ctx: Context, section: Section) -> None:
    f, t, year = ctx.f, ctx.t, ctx.year
    section.blocks.append(Heading(t("Par instrument et par pays", "By instrument and country"), "healthcare-country"))
    claims = {d: {} for d in (TO_FR, BY_FR)}  # kind -> partner -> amount
    for c in ctx.cur:
        if c.indicator == CLAIMS:
            claims[c.direction].setdefault(kind_of(c), {}).setdefault(c.partner, ZERO)
            claims[c.direction][kind_of(c)][c.partner] += c.value
    prev_total = by(ctx.prev, lambda c: f"{kind_of(c)}|{c.partner}", CLAIMS)
    has_prev = any(c.indicator == CLAIMS for c in ctx.prev)
    kinds = [k for k in lbl.KIND_ORDER if k in claims[TO_FR] or k in claims[BY_FR]]
    rows, classes, shown = [], [], [0]

    def line(name: str, to_fr: Decimal, by_fr: Decimal, previous: Decimal | None, css: str = "") -> None:
        rows.append([name, f.meur(to_fr), f.meur(by_fr), f.meur(by_fr - to_fr), f.change(to_fr + by_fr, previous)])
        classes.append(css)

    for kind in kinds:
        to_fr, by_fr = claims[TO_FR].get(kind, {}), claims[BY_FR].get(kind, {})
        both = {p: to_fr.get(p, ZERO) + by_fr.get(p, ZERO) for p in set(to_fr) | set(by_fr)}
        previous = {p: prev_total.get(f"{kind}|{p}", ZERO) for p in both}
        rows.append([lbl.kind(kind, ctx.lang), "", "", "", ""])
        classes.append("subhead")
        top = ranked(both, PER_KIND)
        shown.append(len(top))
        for p in top:
            line(f.partner_label(p), to_fr.get(p, ZERO), by_fr.get(p, ZERO), previous[p] if has_prev else None)
        rest = sorted(set(both) - set(top))
        if rest:
            line(t(f"Autres ({f.count(len(rest))})", f"Others ({f.count(len(rest))})"),
                 sum((to_fr.get(p, ZERO) for p in rest), ZERO), sum((by_fr.get(p, ZERO) for p in rest), ZERO),
                 sum((previous[p] for p in rest), ZERO) if has_prev else None)
        line(t("Sous-total", "Subtotal"), sum(to_fr.values(), ZERO), sum(by_fr.values(), ZERO),
             sum(previous.values(), ZERO) if has_prev else None, "subtotal")
    all_to = sum((sum(v.values(), ZERO) for v in claims[TO_FR].values()), ZERO)
    all_by = sum((sum(v.values(), ZERO) for v in claims[BY_FR].values()), ZERO)
    line(t("Total", "Total"), all_to, all_by, sum(prev_total.values(), ZERO) if has_prev else None, "total")
    ctx.shown["healthcare_per_instrument"] = max(shown)

    partners_to = by(ctx.cur, partner_of, CLAIMS, TO_FR)
    partners_by = by(ctx.cur, partner_of, CLAIMS, BY_FR)
    both = {p: partners_to.get(p, ZERO) + partners_by.get(p, ZERO) for p in set(partners_to) | set(partners_by)}
    top = ranked(both, 10)
    if top:
        section.blocks.append(hbar(
            ctx, t(f"Soins de santé facturés : les {len(top)} premiers pays, {year}",
                   f"Healthcare billed: top {len(top)} countries, {year}"),
            [f.country(p) for p in top],
            [(_billed(ctx, TO_FR), [partners_to.get(p, ZERO) for p in top], BLUE),
             (_billed(ctx, BY_FR), [partners_by.get(p, ZERO) for p in top], ORANGE)], money=True,
            alt=t(f"Graphique en barres horizontales des soins facturés à la France et par la France en {year} pour "
                  f"les {len(top)} pays aux montants les plus élevés, tous instruments confondus.",
                  f"Horizontal bar chart of the care billed to France and by France in {year} for the {len(top)} "
                  "countries with the largest amounts, all instruments together."),
            table=ctx.num.tables + 1))
    section.blocks.append(ctx.num.table(
        t(f"Soins de santé facturés par instrument et par pays, {year}",
          f"Healthcare billed by instrument and country, {year}"),
        [t("Instrument et pays", "Instrument and country"), money_header(ctx, _billed(ctx, TO_FR)),
         money_header(ctx, _billed(ctx, BY_FR)), money_header(ctx, t("Solde pour la France", "Balance for France")),
         t(f"Évolution {year - 1}–{year}", f"Change {year - 1}–{year}")],
        rows, [False, True, True, True, True], row_classes=classes,
        note=t(f"Pour chaque instrument, les {PER_KIND} pays aux montants les plus élevés (dettes et créances), puis "
               "les autres ; le solde est la différence entre créances et dettes. L'évolution porte sur le total "
               "facturé dans les deux sens.",
               f"For each instrument, the {PER_KIND} countries with the largest amounts (debts and claims), then the "
               "others; the balance is claims minus debts. The change is on the total billed both ways.")))
