"""Methods and sources. Every count quoted here is computed from what the report holds (returns used,
institutions, partners, countries shown one by one, tables and figures), never written by hand."""
from __future__ import annotations

from collections import Counter

from reports import catalogue as cat
from reports import labels as lbl
from reports.document import Paragraph, Section
from reports.sections.base import Context

TITLE = ("Méthodes et sources", "Methods and sources")
ID = "methods"
RENDERER_VERSION = "2"


def _status(ctx: Context, r) -> str:
    f = ctx.f
    if r.status == "current":
        return ctx.t("validé, utilisé", "validated, used")
    if r.status == "rejected":
        return ctx.t(f"rejeté ({f.plural(r.error_count, 'erreur', 'erreurs')}), non utilisé",
                     f"rejected ({r.error_count} error{'s' if r.error_count != 1 else ''}), not used")
    return ctx.t("remplacé", "superseded")


def counts(ctx: Context) -> dict[str, int]:
    """The counts the Methods text quotes (tests recompute them from the data)."""
    used = ctx.current_returns
    return {
        "returns": len(used),
        "institutions": len({r.institution for r in used}),
        "branches": len({r.branch for r in used}),
        "partners": len({c.partner for c in ctx.cur}),
        "country_rows": max([v for k, v in ctx.shown.items() if k.endswith("_partners")], default=0),
        "per_instrument": ctx.shown.get("healthcare_per_instrument", 0),
    }


def build(ctx: Context) -> Section:
    f, t, year = ctx.f, ctx.t, ctx.year
    section = Section(ID, t(*TITLE))
    section.blocks.append(Paragraph(t(
        "Les institutions envoient un retour par année et par branche, en CSV ou XLSX à partir des modèles du "
        "système. Chaque ligne indique un instrument (règlements européens, accord UE–Royaume-Uni, convention "
        "bilatérale, décret de coordination avec une collectivité d'outre-mer, ou aucun accord), un pays ou "
        "territoire partenaire, un sens, un indicateur, une valeur et son unité, et le cas échéant une ventilation "
        "(nature des frais, secteur, durée, statut). Un retour est contrôlé ligne à ligne (codes, unités, nombres "
        "entiers, pas de valeur négative ni de doublon, ventilations cohérentes, totaux de contrôle égaux à la somme "
        "de leurs lignes, ni formule ni cellule fusionnée) et n'est utilisé que s'il ne contient aucune erreur. Un "
        "retour ultérieur pour la même institution, la même année et la même branche remplace le précédent ; toutes "
        "les versions sont conservées.",
        "Institutions send one return per reporting year and branch, as CSV or XLSX files made from the templates "
        "of the system. Each line gives an instrument (EU regulations, the EU–UK agreement, a bilateral agreement, "
        "a coordination decree with a French overseas territory, or no agreement), a partner country or territory, "
        "a direction, an indicator, a value and its unit, and where relevant a breakdown (basis of the costs, "
        "sector, duration, status). A return is checked line by line (codes, units, whole counts, no negative "
        "value, no duplicate line, consistent breakdowns, control totals equal to the sum of their details, no "
        "formula or merged cell) and is used only when it has no error. A later return for the same institution, "
        "year and branch replaces the earlier one; every version is kept.")))
    n = counts(ctx)
    section.blocks.append(Paragraph(t(
        f"Ce rapport utilise {f.plural(n['returns'], 'retour validé', 'retours validés')} de "
        f"{f.plural(n['institutions'], 'institution', 'institutions')}, couvrant {f.count(n['branches'])} des "
        f"{f.count(len(cat.BRANCHES))} branches et {f.plural(n['partners'], 'pays ou territoire partenaire', 'pays et territoires partenaires')}. "
        f"Les tableaux par pays détaillent au plus {f.plural(n['country_rows'], 'pays', 'pays')} (au plus "
        f"{f.count(ctx.top_n)} selon le paramétrage) et le tableau des soins par instrument et par pays au plus "
        f"{f.plural(n['per_instrument'], 'pays', 'pays')} par instrument, les autres étant regroupés sur une ligne "
        "avant le total ; les graphiques par pays en montrent au plus 10.",
        f"This report uses {n['returns']} validated return{'s' if n['returns'] != 1 else ''} from "
        f"{n['institutions']} institution{'s' if n['institutions'] != 1 else ''}, covering {n['branches']} of the "
        f"{len(cat.BRANCHES)} branches and {n['partners']} partner countries and territories. The country tables "
        f"list at most {n['country_rows']} countries one by one (at most {ctx.top_n} as configured) and the "
        f"healthcare table by instrument and country at most {n['per_instrument']} per instrument, the others being "
        "grouped on one line before the total; the country charts show at most 10.")))
    versions = Counter((r.institution, r.branch) for r in ctx.returns)
    latest: dict[tuple, object] = {}
    for r in ctx.returns:  # sorted by id: the last one wins unless a current version exists
        key = (r.institution, r.branch)
        if r.status == "current" or latest.get(key) is None or latest[key].status != "current":
            latest[key] = r
    listed = sorted(latest.values(), key=lambda r: (list(cat.BRANCHES).index(r.branch), r.institution))
    rows = [[r.institution, lbl.branch(r.branch, ctx.lang), r.filename, f.date(r.submitted_at.date()),
             f.count(r.line_count), f.count(versions[(r.institution, r.branch)]), _status(ctx, r)] for r in listed]
    section.blocks.append(ctx.num.table(
        t(f"Retours {year} et état de leur validation", f"Returns for {year} and their validation status"),
        [t("Institution", "Institution"), t("Branche", "Branch"), t("Fichier", "File"), t("Reçu le", "Received"),
         t("Lignes", "Figures"), t("Versions", "Versions"), t("État", "Status")],
        rows, [False, False, False, False, True, True, False],
        note=t("Versions : fichiers reçus pour la même institution et la même branche (les versions antérieures "
               "sont remplacées). Un retour rejeté dont les erreurs n'ont pas été corrigées n'est pas utilisé.",
               "Versions: files received for the same institution and branch (earlier versions are superseded). "
               "A rejected return whose errors were not corrected is not used.")))
    missing = [lbl.branch(b, ctx.lang) for b in cat.BRANCHES
               if not any(r.branch == b and r.status == "current" for r in ctx.returns)]
    if missing:
        section.blocks.append(Paragraph(t(f"Aucun retour validé pour {year} en : {', '.join(missing)}.",
                                          f"No validated return for {year} in: {', '.join(missing)}."), "note"))
    section.blocks.append(Paragraph(t(
        "Sens : « France compétente » signifie que la France est l'État compétent (elle délivre le certificat, "
        "verse la prestation ou rembourse les soins) ; « France État de séjour ou de résidence », qu'elle sert les "
        "soins ou la prestation et en est remboursée, ou que la personne vit en France. Les effectifs sont des "
        "nombres de documents, de personnes ou de créances ; les montants sont en millions d'euros (M€) arrondis "
        "au dixième. Les chiffres de plusieurs institutions et ventilations sont additionnés. Les évolutions "
        "comparent aux retours de l'année précédente tels qu'ils sont aujourd'hui ; « n.d. » : pas de chiffre "
        "pour l'année précédente.",
        "Directions: 'France competent' means France is the competent state (it issues the certificate, pays the "
        "benefit or reimburses the care); 'France stay/residence' means France is the state of stay or residence "
        "(it provides the care or the service and is reimbursed, or the person lives in France). Counts are "
        "numbers of documents, persons or claims; amounts are in millions of euros (€ m) rounded to one decimal. "
        "Figures from several institutions and breakdowns are added together. Changes compare with the previous "
        "year's returns as they stand today; 'n/a': no figure for the previous year.")))
    unavailable = [a.module for a in ctx.activity.values() if not a.available]
    text = t("L'activité du centre provient de ses propres systèmes (assistant, accueil des demandes, traduction), "
             "comptée sur l'année civile.", "The centre's activity comes from its own systems (assistant, request "
             "intake, translation desk), counted over the calendar year.")
    if unavailable:
        text += t(f" Indisponible pour ce rapport : {', '.join(unavailable)}.",
                  f" Not available for this report: {', '.join(unavailable)}.")
    section.blocks.append(Paragraph(text))
    if ctx.synthetic:
        section.blocks.append(Paragraph(t(
            "Données synthétiques : les retours utilisés ont été générés par `liaison stats demo` pour démontrer le "
            "système. Ils ne décrivent aucune institution réelle.",
            "Synthetic data: the returns used were generated by `liaison stats demo` to demonstrate the system. "
            "They do not describe any real institution."), "warning"))
    tables, figures = ctx.num.tables, ctx.num.figures
    section.blocks.append(Paragraph(t(
        f"Reproductibilité : ce rapport de {f.plural(tables, 'tableau', 'tableaux')} et "
        f"{f.plural(figures, 'graphique', 'graphiques')} a été produit par Liaison (mise en page {RENDERER_VERSION}) "
        f"à partir des données d'empreinte {ctx.fingerprint[:16]}. Avec le même logiciel et les mêmes polices, les "
        "mêmes données donnent le même fichier, octet pour octet ; la date indiquée est celle du dernier retour "
        "utilisé.",
        f"Reproducibility: this report of {tables} tables and {figures} figures was produced by Liaison (report "
        f"layout {RENDERER_VERSION}) from data with fingerprint {ctx.fingerprint[:16]}. With the same software and "
        "fonts, the same data produces the same file, byte for byte; the date shown is that of the latest return "
        "used.")))
    return section
