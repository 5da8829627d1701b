"""Postings: A1 certificates (EU regulations, EU-UK agreement) and the forms of the bilateral agreements, by
country, sector, duration and worker status, both ways (issued by France for work abroad; issued by the other
state for work in France); exceptions agreed under art. 16 and derogations under bilateral agreements."""
from __future__ import annotations

from reports import catalogue as cat
from reports import labels as lbl
from reports.aggregate import by_dimension
from reports.document import Heading, Paragraph, Section
from reports.sections.base import (
    BLUE, ORANGE, ZERO, Context, KeyFigure, add_indicator_table, by, country_table, hbar, key_figure, partner_of,
    ranked,
)

TITLE = ("Détachements", "Postings")
ID = "postings"
A1, FORMS = "posted_worker_certificates", "agreement_posting_forms"
POSTINGS = (A1, FORMS)
ART16, DEROGATIONS = "exceptions_granted", "bilateral_derogations"
OUT, IN = cat.FR_COMPETENT, cat.FR_STAY_RESIDENCE  # from France / into France

def _way(ctx: Context, direction: str) -> str:
    return {OUT: ctx.t("Depuis la France", "From France"), IN: ctx.t("Vers la France", "Into France")}[direction]

def key_figures(ctx: Context) -> list[KeyFigure]:
    t = ctx.t
    return [
        key_figure(ctx, ID, t("Détachements depuis la France (A1 et formulaires des conventions)",
                              "Postings from France (A1 and agreement forms)"), cat.COUNT, POSTINGS, OUT),
        key_figure(ctx, ID, t("Détachements vers la France (A1 et formulaires des conventions)",
                              "Postings into France (A1 and agreement forms)"), cat.COUNT, POSTINGS, IN),
        key_figure(ctx, ID, t("Dérogations (art. 16) et dérogations conventionnelles",
                              "Exceptions (art. 16) and bilateral derogations"), cat.COUNT, (ART16, DEROGATIONS)),
    ]

def build(ctx: Context) -> Section:
    f, t, year = ctx.f, ctx.t, ctx.year
    section = Section(ID, t(*TITLE))
    a1_out, forms_out = by(ctx.cur, partner_of, A1, OUT), by(ctx.cur, partner_of, FORMS, OUT)
    out = by(ctx.cur, partner_of, POSTINGS, OUT)
    into = by(ctx.cur, partner_of, POSTINGS, IN)
    prev_out = by(ctx.prev, partner_of, POSTINGS, OUT) if any(c.indicator in POSTINGS for c in ctx.prev) else None
    section.blocks.append(Paragraph(t(
        f"Certificats A1 (règlements européens, accord UE–Royaume-Uni) et formulaires de détachement des conventions "
        f"bilatérales. En {year} : {f.count(sum(out.values(), ZERO))} détachements depuis la France et "
        f"{f.count(sum(into.values(), ZERO))} vers la France.",
        f"A1 certificates (EU regulations, EU–UK agreement) and the posting forms of the bilateral agreements. In "
        f"{year}: {f.count(sum(out.values(), ZERO))} postings from France and {f.count(sum(into.values(), ZERO))} "
        "into France.")))
    both = {p: out.get(p, ZERO) + into.get(p, ZERO) for p in set(out) | set(into)}
    top10 = ranked(both, 10)
    if top10:
        section.blocks.append(hbar(
            ctx, t(f"Détachements par pays : les {len(top10)} premiers, {year}",
                   f"Postings by country: top {len(top10)}, {year}"), [f.country(p) for p in top10],
            [(_way(ctx, OUT), [out.get(p, ZERO) for p in top10], BLUE),
             (_way(ctx, IN), [into.get(p, ZERO) for p in top10], ORANGE)], money=False,
            alt=t(f"Graphique en barres horizontales des détachements depuis et vers la France en {year} pour les "
                  f"{len(top10)} pays qui en comptent le plus.",
                  f"Horizontal bar chart of the postings from and into France in {year} for the {len(top10)} "
                  "countries with the most."), table=ctx.num.tables + 1))
    table, top = country_table(
        ctx, t(f"Détachements par pays, {year}", f"Postings by country, {year}"),
        [(t("A1 délivrés par la France", "A1 issued by France"), a1_out, cat.COUNT),
         (t("Formulaires conventionnels délivrés", "Agreement forms issued"), forms_out, cat.COUNT),
         (_way(ctx, OUT), out, cat.COUNT), (_way(ctx, IN), into, cat.COUNT)],
        both, change=(out, prev_out),
        note=t("Depuis la France : certificats délivrés par la France (France compétente) ; vers la France : "
               "certificats délivrés par l'autre État pour une activité en France. Évolution : détachements depuis "
               "la France.",
               "From France: certificates issued by France (France competent); into France: certificates issued by "
               "the other state for work in France. Change: postings from France."))
    ctx.shown["postings_partners"] = len(top)
    section.blocks.append(table)

    for dimension, chart in (("sector", True), ("duration", False), ("status", False)):
        _dimension(ctx, section, dimension, chart)

    section.blocks.append(Heading(t("Dérogations (art. 16) et dérogations conventionnelles",
                                    "Exceptions (art. 16) and bilateral derogations"), "postings-exceptions"))
    art16, derog = by(ctx.cur, partner_of, ART16), by(ctx.cur, partner_of, DEROGATIONS)
    total = {p: art16.get(p, ZERO) + derog.get(p, ZERO) for p in set(art16) | set(derog)}
    prev_total = by(ctx.prev, partner_of, (ART16, DEROGATIONS)) if any(
        c.indicator in (ART16, DEROGATIONS) for c in ctx.prev) else None
    table, top = country_table(
        ctx, t(f"Dérogations par pays, {year}", f"Exceptions and derogations by country, {year}"),
        [(t("Art. 16 (règlements européens)", "Art. 16 (EU regulations)"), art16, cat.COUNT),
         (t("Conventions bilatérales", "Bilateral agreements"), derog, cat.COUNT), (t("Total", "Total"), total, cat.COUNT)],
        total, change=(total, prev_total),
        note=t("Accords conclus entre la France et l'autre État, dans les deux sens.",
               "Agreements between France and the other state, both ways."))
    ctx.shown["exceptions_partners"] = len(top)
    section.blocks.append(table)
    add_indicator_table(ctx, section, t(f"Législation applicable : indicateurs par sens, {year} et {year - 1}",
                                        f"Applicable legislation: indicators by direction, {year} and {year - 1}"),
                        [i.code for i in cat.indicators_for("contributions")])
    return section

def _dimension(ctx: Context, section: Section, dimension: str, chart: bool) -> None:
    f, t, year = ctx.f, ctx.t, ctx.year
    name = lbl.dimension(dimension, ctx.lang).lower() if ctx.lang == "en" else {
        "sector": "secteur d'activité", "duration": "durée", "status": "statut"}[dimension]
    section.blocks.append(Heading(t(f"Par {name}", f"By {name}"), f"postings-{dimension}"))
    cur = {d: by_dimension(ctx.breakdowns_of(year), POSTINGS, d, dimension) for d in (OUT, IN)}
    prev = {d: by_dimension(ctx.breakdowns_of(year - 1), POSTINGS, d, dimension) for d in (OUT, IN)}
    whole = {d: sum((c.value for c in ctx.cur if c.indicator in POSTINGS and c.direction == d), ZERO) for d in (OUT, IN)}
    values = list(cat.DIMENSIONS[dimension])
    if chart and any(cur[d] for d in cur):
        section.blocks.append(hbar(
            ctx, t(f"Détachements par {name}, {year}", f"Postings by {name}, {year}"),
            [lbl.dimension_value(dimension, v, ctx.lang) for v in values],
            [(_way(ctx, OUT), [cur[OUT].get(v, ZERO) for v in values], BLUE),
             (_way(ctx, IN), [cur[IN].get(v, ZERO) for v in values], ORANGE)], money=False,
            alt=t(f"Graphique en barres horizontales des détachements depuis et vers la France en {year} par {name}.",
                  f"Horizontal bar chart of the postings from and into France in {year} by {name}."),
            table=ctx.num.tables + 1))
    prev_whole = (sum((c.value for c in ctx.prev if c.indicator in POSTINGS and c.direction == OUT), ZERO)
                  if any(c.indicator in POSTINGS and c.direction == OUT for c in ctx.prev) else None)
    unspecified = {d: whole[d] - sum(cur[d].values(), ZERO) for d in (OUT, IN)}
    lines = [(lbl.dimension_value(dimension, v, ctx.lang), {d: cur[d].get(v, ZERO) for d in (OUT, IN)},
              prev[OUT].get(v, ZERO) if prev[OUT] else None) for v in values]
    if any(unspecified.values()):
        lines.append((t("Non ventilé", "Not broken down"), unspecified, None))
    lines.append((t("Total", "Total"), whole, prev_whole))
    rows = [[label] + [x for d in (OUT, IN) for x in (f.count(got[d]), f.share(got[d], whole[d]))]
            + [f.change(got[OUT], previous)] for label, got, previous in lines]
    section.blocks.append(ctx.num.table(
        t(f"Détachements par {name}, {year}", f"Postings by {name}, {year}"),
        [lbl.dimension(dimension, ctx.lang), _way(ctx, OUT), t("Part", "Share"), _way(ctx, IN), t("Part", "Share"),
         t("Évolution (depuis la France)", "Change (from France)")],
        rows, [False, True, True, True, True, True], total_row=True))
