"""The centre's own activity, from the other desks: questions answered by the assistant and handed over to
staff, cases by type and outcome (request intake), translation volumes. A desk that cannot say is shown as
not available: no figure is estimated."""
from __future__ import annotations

from decimal import Decimal

from reports import catalogue as cat
from reports.activity import ActivitySummary, period
from reports.document import Heading, Paragraph, Section, Table
from reports.sections.base import BLUE, GREY, Context, KeyFigure, hbar

TITLE = ("Activité du centre", "Activity of the liaison centre")
ID = "activity"
_OUTCOMES = {"accept": ("Acceptées", "Accepted"), "refuse": ("Refusées", "Refused"),
             "withdrawn": ("Retirées", "Withdrawn"), "pending": ("En cours", "Pending")}
_TOPICS = {"cross_border_healthcare": ("Soins transfrontaliers (directive)", "Cross-border healthcare (directive)"),
           "healthcare_abroad": ("Soins à l'étranger", "Healthcare abroad"),
           "territories": ("Collectivités d'outre-mer", "French overseas territories"),
           "impatriates": ("Impatriés", "Impatriates"), "posting": ("Détachement", "Posting"),
           "expatriation": ("Expatriation", "Expatriation"), "pensions": ("Retraites", "Pensions"),
           "family_benefits": ("Prestations familiales", "Family benefits"),
           "foreign_systems": ("Systèmes étrangers", "Foreign systems"), "cleiss": ("Le centre", "The centre"),
           "other": ("Autres", "Other")}
_TYPES = {"continuation": ("Maintien d'affiliation", "Continued affiliation"),
          "exemption": ("Exemption d'affiliation", "Exemption from affiliation"),
          "inquiry": ("Demandes de renseignements", "Inquiries")}


def _cases(summary: ActivitySummary | None, previous: bool = False) -> int | None:
    if summary is None or not summary.available:
        return None
    data = summary.previous if previous else summary.current
    if data is None:
        return None
    return int(sum(data.get("cases_by_type", {}).values()))


def _scalar(summary: ActivitySummary, key: str, previous: bool = False):
    if not summary.available:
        return None
    data = summary.previous if previous else summary.current
    return None if data is None else data.get(key)


def _measures(ctx: Context) -> list[tuple[str, object, object]]:
    """(label, this year, last year) of the headline measures of the available desks."""
    t, a = ctx.t, ctx.activity
    out = []
    if a["assistant"].available:
        out += [(t("Questions traitées par l'assistant", "Questions answered by the assistant"),
                 _scalar(a["assistant"], "questions"), _scalar(a["assistant"], "questions", True)),
                (t("Transmissions au personnel", "Hand-overs to staff"),
                 _scalar(a["assistant"], "handovers"), _scalar(a["assistant"], "handovers", True))]
    if a["intake"].available:
        out.append((t("Dossiers reçus", "Cases received"), _cases(a["intake"]), _cases(a["intake"], True)))
    if a["translation"].available:
        out.append((t("Documents traduits", "Documents translated"), _scalar(a["translation"], "documents"),
                    _scalar(a["translation"], "documents", True)))
    return out


def key_figures(ctx: Context) -> list[KeyFigure]:
    return [KeyFigure(label, cat.COUNT, Decimal(cur or 0), Decimal(prev) if prev is not None else None, ID)
            for label, cur, prev in _measures(ctx)]


def _measure_table(ctx: Context, caption: str, summary: ActivitySummary, measures) -> Table:
    f = ctx.f
    rows = []
    for key, label, decimals in measures:
        if key not in summary.current:
            continue
        c = summary.current.get(key)
        p = summary.previous.get(key) if summary.previous else None
        rows.append([label, f.number(c, decimals), f.number(p, decimals), f.change(c, p)])
    return ctx.num.table(caption, [ctx.t("Mesure", "Measure"), str(ctx.year), str(ctx.year - 1),
                                   ctx.t("Évolution", "Change")], rows, [False, True, True, True])


def _mapping_table(ctx: Context, caption: str, label: str, mapping: dict, limit: int, name=lambda k: k) -> Table:
    f = ctx.f
    whole = sum(mapping.values())
    items = list(mapping.items())
    rows = [[name(k), f.number(v), f.share(v, whole)] for k, v in items[:limit]]
    if len(items) > limit:
        rest = sum(v for _, v in items[limit:])
        rows.append([ctx.t(f"Autres ({len(items) - limit})", f"Others ({len(items) - limit})"), f.number(rest),
                     f.share(rest, whole)])
    rows.append([ctx.t("Total", "Total"), f.number(whole), f.share(whole, whole)])
    return ctx.num.table(caption, [label, ctx.t("Nombre", "Number"), ctx.t("Part", "Share")], rows,
                         [False, True, True], total_row=True)


def _unavailable(ctx: Context, summary: ActivitySummary) -> Paragraph:
    return Paragraph(ctx.t(f"Non disponible : {summary.reason}.", f"Not available: {summary.reason}."), "note")


def build(ctx: Context) -> Section:
    f, t, year = ctx.f, ctx.t, ctx.year
    section = Section(ID, t(*TITLE))
    start, end = period(year)
    section.blocks.append(Paragraph(t(
        f"Chiffres des systèmes du centre du {f.date(start)} au {f.date(end)}, avec l'année précédente pour "
        "comparaison. Une source indisponible est signalée comme telle : aucun chiffre n'est estimé.",
        f"Figures from the centre's own systems from {f.date(start)} to {f.date(end)}, with the previous year for "
        "comparison. A source that is not available is shown as such: no figure is estimated.")))
    if any(a.synthetic for a in ctx.activity.values()):
        section.blocks.append(Paragraph(t(
            "Données de démonstration : les services du centre n'ont rien enregistré sur ces périodes ; les chiffres "
            "d'activité ci-dessous sont synthétiques, comme les retours statistiques.",
            "Demonstration data: the centre's desks recorded nothing over these periods; the activity figures below "
            "are synthetic, like the statistical returns."), "warning"))
    measures = _measures(ctx)
    if measures:
        section.blocks.append(hbar(
            ctx, t(f"Activité du centre, {year} et {year - 1}", f"Activity of the centre, {year} and {year - 1}"),
            [label for label, _, _ in measures],
            [(str(year), [cur or 0 for _, cur, _ in measures], BLUE),
             (str(year - 1), [prev or 0 for _, _, prev in measures], GREY)], money=False,
            alt=t(f"Graphique en barres horizontales de {len(measures)} mesures d'activité du centre en {year} et "
                  f"{year - 1}.", f"Horizontal bar chart of {len(measures)} activity measures of the centre in "
                  f"{year} and {year - 1}."), table=ctx.num.tables + 1))
        section.blocks.append(ctx.num.table(
            t(f"Activité du centre : principales mesures, {year} et {year - 1}",
              f"Activity of the centre: main measures, {year} and {year - 1}"),
            [t("Mesure", "Measure"), str(year), str(year - 1), t("Évolution", "Change")],
            [[label, f.count(cur), f.count(prev), f.change(cur, prev)] for label, cur, prev in measures],
            [False, True, True, True]))

    assistant = ctx.activity["assistant"]
    section.blocks.append(Heading(t("Renseignements et assistant public", "Inquiries and the public assistant"),
                                  "activity-assistant"))
    if not assistant.available:
        section.blocks.append(_unavailable(ctx, assistant))
    else:
        section.blocks.append(_measure_table(ctx, t(f"Utilisation de l'assistant, {year} et {year - 1}",
                                                    f"Assistant use, {year} and {year - 1}"), assistant, [
            ("questions", t("Questions traitées", "Questions answered"), 0),
            ("abstentions", t("Questions sans réponse dans les sources", "Questions the sources could not answer"), 0),
            ("handovers", t("Transmissions au personnel", "Handed over to staff"), 0),
            ("feedback_useful", t("Avis : utile", "Feedback: useful"), 0),
            ("feedback_not_useful", t("Avis : pas utile", "Feedback: not useful"), 0)]))
        if assistant.current.get("by_language"):
            section.blocks.append(_mapping_table(ctx, t(f"Questions par langue, {year}", f"Questions by language, {year}"),
                                                 t("Langue", "Language"), assistant.current["by_language"], 10,
                                                 f.language))
        if assistant.current.get("by_topic"):
            section.blocks.append(_mapping_table(ctx, t(f"Questions par thème, {year}", f"Questions by topic, {year}"),
                                                 t("Thème", "Topic"), assistant.current["by_topic"], 10,
                                                 lambda k: f.t(*_TOPICS[k]) if k in _TOPICS else k))

    intake = ctx.activity["intake"]
    section.blocks.append(Heading(t("Demandes et dossiers", "Requests and cases"), "activity-intake"))
    if not intake.available:
        section.blocks.append(_unavailable(ctx, intake))
    else:
        table = _measure_table(ctx, t(f"Dossiers, {year} et {year - 1}", f"Cases, {year} and {year - 1}"), intake, [
            ("processing_days_median", t("Délai de traitement, médiane (jours)", "Processing time, median (days)"), 1),
            ("processing_days_p90", t("Délai de traitement, 9e décile (jours)",
                                      "Processing time, 90th percentile (days)"), 1)])
        cases, cases_prev = _cases(intake), _cases(intake, True)
        table.rows.insert(0, [t("Dossiers reçus", "Cases received"), f.count(cases), f.count(cases_prev),
                              f.change(cases, cases_prev)])
        section.blocks.append(table)
        if not cases:
            section.blocks.append(Paragraph(t(f"Aucun dossier reçu en {year}.", f"No case was submitted in {year}."),
                                            "note"))
        for key, caption, label, names in (
                ("cases_by_type", t("Dossiers par type", "Cases by type"), t("Type", "Type"), _TYPES),
                ("cases_by_outcome", t("Dossiers par issue", "Cases by outcome"), t("Issue", "Outcome"), _OUTCOMES)):
            if intake.current.get(key):
                section.blocks.append(_mapping_table(ctx, f"{caption}, {year}", label, intake.current[key], 15,
                                                     lambda k, names=names: f.t(*names[k]) if k in names else k))
        if intake.current.get("cases_by_country"):
            def country(key: str) -> str:
                code = cat.normalise_partner(key)
                return f.partner_label(code) if code in cat.countries() else key

            section.blocks.append(_mapping_table(ctx, t(f"Dossiers par pays, {year}", f"Cases by country, {year}"),
                                                 t("Pays", "Country"), intake.current["cases_by_country"], 15, country))

    translation = ctx.activity["translation"]
    section.blocks.append(Heading(t("Traduction", "Translation desk"), "activity-translation"))
    if not translation.available:
        section.blocks.append(_unavailable(ctx, translation))
    else:
        section.blocks.append(_measure_table(ctx, t(f"Traductions, {year} et {year - 1}",
                                                    f"Translations, {year} and {year - 1}"), translation, [
            ("documents", t("Documents traduits", "Documents translated"), 0), ("segments", t("Segments", "Segments"), 0),
            ("words", t("Mots", "Words"), 0)]))
        if translation.current.get("pairs"):
            def pair(key: str) -> str:
                source, _, target = key.partition("-")
                return f"{f.language(source)} → {f.language(target)}"

            section.blocks.append(_mapping_table(ctx, t(f"Mots traduits par paire de langues, {year}",
                                                        f"Words translated by language pair, {year}"),
                                                 t("Paire de langues", "Language pair"), translation.current["pairs"],
                                                 15, pair))
    return section
