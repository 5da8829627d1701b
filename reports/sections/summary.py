"""Summary: the key figures of every section (the same totals the sections show) and their change."""
from __future__ import annotations

from reports import catalogue as cat
from reports.document import Paragraph, Section
from reports.sections.base import BLUE, GREY, Context, KeyFigure, hbar, money_header

ID = "summary"


def build(ctx: Context, figures: list[KeyFigure], titles: dict[str, str]) -> Section:
    f, t, year = ctx.f, ctx.t, ctx.year
    section = Section(ID, t("Synthèse", "Summary"), new_page=False)
    paid = next((k for k in figures if k.key == "money_out"), None)
    received = next((k for k in figures if k.key == "money_in"), None)
    if paid and received:
        text = t(f"En {year}, les institutions ont déclaré {f.meur_text(paid.current)} versés par la France à d'autres "
                 f"États ou pour leur compte et {f.meur_text(received.current)} reçus, soit un solde de "
                 f"{f.meur_text(received.current - paid.current)}.",
                 f"In {year}, the institutions reported {f.meur_text(paid.current)} paid by France to or for other "
                 f"states and {f.meur_text(received.current)} received, a balance of "
                 f"{f.meur_text(received.current - paid.current)}.")
        if paid.previous is not None and received.previous is not None:
            text += t(f" Les versements évoluent de {f.change(paid.current, paid.previous)} et les recettes de "
                      f"{f.change(received.current, received.previous)} par rapport à {year - 1}.",
                      f" Payments changed by {f.change(paid.current, paid.previous)} and receipts by "
                      f"{f.change(received.current, received.previous)} from {year - 1}.")
        section.blocks.append(Paragraph(text))
    amounts = [k for k in figures if k.unit == cat.EUR and not k.key]
    if amounts:
        section.blocks.append(hbar(
            ctx, t(f"Principaux montants, {year} et {year - 1}", f"Main amounts, {year} and {year - 1}"),
            [k.label for k in amounts],
            [(str(year), [k.current for k in amounts], BLUE), (str(year - 1), [k.previous or 0 for k in amounts], GREY)],
            money=True, alt=t(f"Graphique en barres horizontales de {len(amounts)} montants clés en {year} et "
                              f"{year - 1}.", f"Horizontal bar chart of {len(amounts)} key amounts in {year} and "
                              f"{year - 1}."), table=ctx.num.tables + 1))
    rows = []
    for k in figures:
        label = money_header(ctx, k.label) if k.unit == cat.EUR else k.label
        rows.append([label, titles.get(k.section, k.section), f.value(k.current, k.unit), f.value(k.previous, k.unit),
                     f.change(k.current, k.previous)])
    section.blocks.append(ctx.num.table(
        t(f"Chiffres clés {year} et évolution depuis {year - 1}", f"Key figures {year} and change from {year - 1}"),
        [t("Indicateur", "Indicator"), t("Partie", "Section"), str(year), str(year - 1), t("Évolution", "Change")],
        rows, [False, False, True, True, True],
        note=t("Évolution : par rapport aux retours validés de l'année précédente, tels qu'ils sont aujourd'hui. "
               "Montants en millions d'euros (M€).",
               "Change: relative to the previous year's validated returns as they stand today. Amounts in millions "
               "of euros (€ m).")))
    return section

