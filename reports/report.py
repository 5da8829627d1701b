"""The annual report as a document model: sections holding paragraphs, numbered tables and numbered
figures (with text alternatives), built from the current returns and the centre's activity figures.

Nothing here reads the clock: the report's date is the date of the latest return it uses, so the same
data always gives the same document.
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reports import catalogue as cat
from reports import charts
from reports import exchanges_section
from reports import formatting as fmt
from reports.activity import ActivitySummary, collect_all, period
from reports.aggregate import Cell, by_partner, flow_of, flows_by, indicator_totals, load_cells
from reports.models import CURRENT, REJECTED
from reports.returns import list_returns
from reports.schemas import ReturnPublic

RENDERER_VERSION = "1"
TOP_PER_BRANCH = 10
DIRECTION_SHORT = {cat.FR_COMPETENT: "France competent", cat.FR_STAY_RESIDENCE: "France stay/residence"}


class NoReportData(LookupError):
    pass


@dataclass
class Paragraph:
    text: str
    kind: str = "p"  # p | note | warning


@dataclass
class Heading:
    text: str
    id: str


@dataclass
class Table:
    number: int
    id: str
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    note: str = ""
    total_row: bool = False


@dataclass
class Figure:
    number: int
    id: str
    caption: str
    svg: bytes
    alt: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


@dataclass
class Section:
    id: str
    title: str
    blocks: list = field(default_factory=list)
    new_page: bool = True


@dataclass
class ReportModel:
    year: int
    title: str
    subtitle: str
    data_as_of: date | None
    synthetic: bool
    sections: list[Section]
    fingerprint: str
    lead: list[Paragraph]

    @property
    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]

    @property
    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


class _Numbering:
    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self, caption: str, columns: list[str], rows: list[list[str]], numeric: list[bool],
              note: str = "", total_row: bool = False) -> Table:
        self.tables += 1
        return Table(self.tables, f"table-{self.tables}", caption, columns, rows, numeric, note, total_row)

    def figure(self, caption: str, svg: bytes, alt: str) -> Figure:
        self.figures += 1
        return Figure(self.figures, f"figure-{self.figures}", caption, svg, alt)


def _sum(values) -> Decimal:
    return sum(values, Decimal(0))


def _fingerprint(year: int, cells: list[Cell], used: list[ReturnPublic], activity: dict[str, ActivitySummary],
                 top: int) -> str:
    payload = {
        "renderer": RENDERER_VERSION, "year": year, "top": top,
        "cells": [[c.year, c.branch, c.instrument, c.partner, c.direction, c.indicator, c.unit, str(c.value),
                   c.lines, c.synthetic] for c in cells],
        "returns": [[r.id, r.sha256, r.status, r.institution, r.branch, r.filename, r.submitted_at.isoformat(),
                     r.line_count, r.error_count] for r in used],
        "activity": {k: [a.available, a.reason, a.current, a.previous] for k, a in sorted(activity.items())},
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


@dataclass
class ReportInputs:
    """Everything the report is made from; its fingerprint identifies the output bytes."""

    year: int
    cells: list[Cell]
    returns: list[ReturnPublic]
    activity: dict[str, ActivitySummary]
    top_countries: int
    fingerprint: str
    exchanges: dict | None = None  # EESSI exchange counts (reports/exchanges_section.py)


def load_inputs(db_url: str, year: int, *, top_countries: int = 15) -> ReportInputs:
    cells = load_cells(db_url, [year, year - 1])
    returns = sorted(list_returns(db_url, year=year, limit=100_000), key=lambda r: r.id)
    if not any(r.status == CURRENT for r in returns):
        raise NoReportData(f"no validated return for {year}: import returns first "
                           f"(liaison stats import) or create demo data (liaison stats demo {year - 1} {year})")
    activity = collect_all(db_url, year)
    fingerprint = _fingerprint(year, cells, returns, activity, top_countries)
    exchanges = exchanges_section.load(db_url, year)
    if exchanges is not None:  # the exchange figures are part of what the report is made from
        blob = json.dumps(exchanges, sort_keys=True, default=str).encode()
        fingerprint = hashlib.sha256(fingerprint.encode() + blob).hexdigest()
    return ReportInputs(year, cells, returns, activity, top_countries, fingerprint, exchanges)


def build_model(db_url: str, year: int, *, top_countries: int = 15) -> ReportModel:
    return model_from(load_inputs(db_url, year, top_countries=top_countries))


def model_from(inputs: ReportInputs) -> ReportModel:
    year, cells, returns, activity = inputs.year, inputs.cells, inputs.returns, inputs.activity
    cur = [c for c in cells if c.year == year]
    prev = [c for c in cells if c.year == year - 1]
    current_returns = [r for r in returns if r.status == CURRENT]
    synthetic = any(r.synthetic for r in current_returns) or any(c.synthetic for c in cells)
    as_of = max(r.submitted_at for r in current_returns).date()
    num = _Numbering()
    lead = _lead(year, cur, current_returns, synthetic)
    sections = [
        _summary(num, year, cur, prev),
        _branches(num, year, cur, prev, current_returns),
        _partners(num, year, cur, prev, inputs.top_countries),
        _flows(num, year, cur, prev),
        _activity(num, year, activity),
        exchanges_section.section(num, year, inputs.exchanges),
        _methods(num, year, returns, cur, activity, inputs.fingerprint, synthetic, inputs.top_countries),
    ]
    sections = [s for s in sections if s is not None]
    sections[0].new_page = False
    return ReportModel(
        year=year,
        title=f"Annual report {year}",
        subtitle="Application of the EU social security coordination regulations and of France's bilateral "
                 "and territorial agreements: figures from the institutions and activity of the liaison centre",
        data_as_of=as_of, synthetic=synthetic, sections=sections, fingerprint=inputs.fingerprint, lead=lead,
    )


# --- sections ---------------------------------------------------------------------------------

def _lead(year: int, cur: list[Cell], returns: list[ReturnPublic], synthetic: bool) -> list[Paragraph]:
    institutions = len({r.institution for r in returns})
    branches = len({r.branch for r in returns})
    partners = len({c.partner for c in cur})
    out = []
    if synthetic:
        out.append(Paragraph("This report is built from SYNTHETIC DEMONSTRATION DATA generated by Liaison. "
                             "The figures are invented and are not official statistics.", "warning"))
    out.append(Paragraph(
        f"This report covers {year}. It is built from {len(returns)} validated statistical return"
        f"{'s' if len(returns) != 1 else ''} sent by {institutions} institution{'s' if institutions != 1 else ''} "
        f"for {branches} of the {len(cat.BRANCHES)} branches of social security, covering {partners} partner "
        "countries and territories, and from the liaison centre's own activity records."))
    return out


def _key_rows(cur: list[Cell], prev: list[Cell]) -> list[list[str]]:
    tc, tp = indicator_totals(cur), indicator_totals(prev)
    rows = []
    for indicator in cat.INDICATORS.values():
        if not indicator.headline:
            continue
        for direction in cat.DIRECTIONS:
            key = (indicator.code, direction)
            if key not in tc and key not in tp:
                continue
            c, p = tc.get(key), tp.get(key)
            rows.append([indicator.label, DIRECTION_SHORT[direction], fmt.value(c, indicator.unit),
                         fmt.value(p, indicator.unit), fmt.change(c, p if key in tp else None)])
    fc, fp = flows_by(cur, lambda c: "all")["all"], flows_by(prev, lambda c: "all")["all"]
    has_prev = any(flow_of(c) for c in prev)
    for label, flow in (("Money received by France", "in"), ("Money paid by France", "out")):
        rows.append([label, "all branches", fmt.eur(fc[flow]), fmt.eur(fp[flow]) if has_prev else fmt.DASH,
                     fmt.change(fc[flow], fp[flow] if has_prev else None)])
    return rows


def _summary(num: _Numbering, year: int, cur: list[Cell], prev: list[Cell]) -> Section:
    section = Section("summary", "Summary")
    flows = flows_by(cur, lambda c: "all")["all"]
    flows_prev = flows_by(prev, lambda c: "all")["all"]
    balance = flows["in"] - flows["out"]
    text = (f"In {year}, the institutions reported {fmt.eur_short(flows['out'])} paid by France to or for "
            f"other states and {fmt.eur_short(flows['in'])} received, a balance of {fmt.eur_short(balance)}.")
    if any(flow_of(c) for c in prev):
        text += (f" Payments changed by {fmt.change(flows['out'], flows_prev['out'])} and receipts by "
                 f"{fmt.change(flows['in'], flows_prev['in'])} from {year - 1}.")
    section.blocks.append(Paragraph(text))
    section.blocks.append(num.table(
        f"Key figures {year} and change from {year - 1}",
        ["Indicator", "Direction", str(year), str(year - 1), "Change"], _key_rows(cur, prev),
        [False, False, True, True, True],
        note="Change: relative to the previous year's validated returns as they stand today. "
             "Amounts in euros, rounded to the euro."))
    return section


def _partner_label(code: str) -> str:
    return f"{cat.country_name(code)} ({code})"


def _branches(num: _Numbering, year: int, cur: list[Cell], prev: list[Cell],
              returns: list[ReturnPublic]) -> Section:
    section = Section("branches", "Figures by branch")
    for branch, label in cat.BRANCHES.items():
        bc = [c for c in cur if c.branch == branch]
        bp = [c for c in prev if c.branch == branch]
        section.blocks.append(Heading(label, f"branch-{branch}"))
        if not bc:
            section.blocks.append(Paragraph(f"No validated return for {year}.", "note"))
            continue
        used = [r for r in returns if r.branch == branch]
        section.blocks.append(Paragraph(
            f"{len(used)} validated return{'s' if len(used) != 1 else ''} "
            f"({sum(r.line_count for r in used):,} figures) from "
            f"{', '.join(sorted({r.institution for r in used}))}."))
        tc, tp = indicator_totals(bc), indicator_totals(bp)
        rows = []
        for indicator in cat.indicators_for(branch):
            for direction in cat.DIRECTIONS:
                key = (indicator.code, direction)
                if key in tc or key in tp:
                    rows.append([indicator.label, DIRECTION_SHORT[direction], fmt.value(tc.get(key), indicator.unit),
                                 fmt.value(tp.get(key), indicator.unit),
                                 fmt.change(tc.get(key), tp.get(key) if key in tp else None)])
        section.blocks.append(num.table(
            f"{cat.BRANCH_SHORT[branch]}: indicators by direction, {year} and {year - 1}",
            ["Indicator", "Direction", str(year), str(year - 1), "Change"], rows, [False, False, True, True, True]))

        present = [i for i in cat.indicators_for(branch) if any(c.indicator == i.code for c in bc)]
        chart_indicator = next((i for i in present if i.unit == cat.EUR), present[0])
        comp = by_partner(bc, chart_indicator.code, cat.FR_COMPETENT)
        stay = by_partner(bc, chart_indicator.code, cat.FR_STAY_RESIDENCE)
        prev_totals = defaultdict(Decimal)
        for c in bp:
            if c.indicator == chart_indicator.code:
                prev_totals[c.partner] += c.value
        totals = {p: comp.get(p, Decimal(0)) + stay.get(p, Decimal(0)) for p in set(comp) | set(stay)}
        top = sorted(totals, key=lambda p: (-totals[p], p))[:TOP_PER_BRANCH]
        if not top:
            continue
        money = chart_indicator.unit == cat.EUR
        svg = charts.hbar([cat.country_name(p) for p in top], [
            (DIRECTION_SHORT[cat.FR_COMPETENT], [float(comp.get(p, 0)) for p in top], charts.BLUE),
            (DIRECTION_SHORT[cat.FR_STAY_RESIDENCE], [float(stay.get(p, 0)) for p in top], charts.ORANGE),
        ], money=money)
        leaders = "; ".join(
            f"{cat.country_name(p)}: {fmt.value(comp.get(p), chart_indicator.unit)} with France competent and "
            f"{fmt.value(stay.get(p), chart_indicator.unit)} with France as state of stay or residence"
            for p in top[:3])
        alt = (f"Horizontal bar chart of {chart_indicator.label.lower()} in {year} for the {len(top)} partners with "
               f"the highest totals, two bars per partner (France competent; France state of stay or residence). "
               f"Highest: {leaders}. All values are in Table {num.tables + 1}.")
        section.blocks.append(num.figure(
            f"{cat.BRANCH_SHORT[branch]}: {chart_indicator.label.lower()} by partner, top {len(top)}, {year}",
            svg, alt))
        section.blocks.append(num.table(
            f"{cat.BRANCH_SHORT[branch]}: {chart_indicator.label.lower()} by partner, top {len(top)}, {year} "
            f"(data of Figure {num.figures})",
            ["Partner", "France competent", "France stay/residence", "Total", f"Change from {year - 1}"],
            [[_partner_label(p), fmt.value(comp.get(p), chart_indicator.unit),
              fmt.value(stay.get(p), chart_indicator.unit), fmt.value(totals[p], chart_indicator.unit),
              fmt.change(totals[p], prev_totals.get(p))] for p in top],
            [False, True, True, True, True]))
    return section


def _partners(num: _Numbering, year: int, cur: list[Cell], prev: list[Cell], top_n: int) -> Section:
    section = Section("partners", "Partner countries and territories")
    flows = flows_by(cur, lambda c: c.partner)
    flows_prev = flows_by(prev, lambda c: c.partner)
    counts: Counter = Counter()
    for c in cur:
        if c.unit == cat.COUNT:
            counts[c.partner] += int(c.value)
    partners = {c.partner for c in cur}

    def rank(p: str):
        f = flows.get(p, {"in": Decimal(0), "out": Decimal(0)})
        return (-(f["in"] + f["out"]), -counts[p], p)

    top = sorted(partners, key=rank)[:top_n]
    section.blocks.append(Paragraph(
        f"Figures were reported for {len(partners)} partner countries and territories in {year}. The "
        f"{len(top)} partners below are those with the largest financial flows (money received plus money "
        "paid), then the largest counts."))
    a1 = by_partner(cur, "posted_worker_certificates", cat.FR_COMPETENT)
    pensions = by_partner(cur, "pensions_paid", cat.FR_COMPETENT)
    zero = {"in": Decimal(0), "out": Decimal(0)}
    if any(flows.get(p) for p in top):
        svg = charts.hbar([cat.country_name(p) for p in top], [
            ("Money received by France", [float(flows.get(p, zero)["in"]) for p in top], charts.GREEN),
            ("Money paid by France", [float(flows.get(p, zero)["out"]) for p in top], charts.VERMILLION),
        ], money=True)
        leaders = "; ".join(f"{cat.country_name(p)}: {fmt.eur_short(flows.get(p, zero)['in'])} received and "
                            f"{fmt.eur_short(flows.get(p, zero)['out'])} paid" for p in top[:3])
        section.blocks.append(num.figure(
            f"Money received and paid by France, top {len(top)} partners, {year}", svg,
            f"Horizontal bar chart of the money received and paid by France in {year} for the {len(top)} partner "
            f"countries with the largest flows, two bars per country. Largest: {leaders}. All values are in "
            f"Table {num.tables + 1}."))
    rows = []
    for p in top:
        f, fp = flows.get(p, zero), flows_prev.get(p)
        rows.append([_partner_label(p), fmt.eur(f["in"]), fmt.eur(f["out"]), fmt.eur(f["in"] - f["out"]),
                     fmt.change(f["in"] + f["out"], (fp["in"] + fp["out"]) if fp else None),
                     fmt.count(a1.get(p)) if p in a1 else fmt.DASH,
                     fmt.count(pensions.get(p)) if p in pensions else fmt.DASH])
    section.blocks.append(num.table(
        f"Top {len(top)} partner countries and territories, {year}",
        ["Partner", "Money received", "Money paid", "Balance", f"Change in flows from {year - 1}",
         "A1 certificates issued by France", "French pensions paid there"],
        rows, [False, True, True, True, True, True, True],
        note="Balance: money received minus money paid. Posted-worker certificates and pensions: France as "
             "competent state."))
    return section


def _flows(num: _Numbering, year: int, cur: list[Cell], prev: list[Cell]) -> Section:
    section = Section("flows", "Financial flows in and out")
    by_branch = flows_by(cur, lambda c: c.branch)
    by_branch_prev = flows_by(prev, lambda c: c.branch)
    zero = {"in": Decimal(0), "out": Decimal(0)}
    branches = [b for b in cat.BRANCHES if b in by_branch or b in by_branch_prev]
    total = {k: _sum(by_branch[b][k] for b in by_branch) for k in ("in", "out")}
    total_prev = {k: _sum(by_branch_prev[b][k] for b in by_branch_prev) for k in ("in", "out")}
    section.blocks.append(Paragraph(
        "Money paid by France: amounts France pays or reimburses abroad as competent state (healthcare claims "
        "it settles, pensions and benefits it pays to residents of other states). Money received: amounts "
        "France is reimbursed or receives as state of stay or residence. Contributions recovered follow the "
        "creditor: recovered for France is money received."))
    if not branches:
        section.blocks.append(Paragraph(f"No amount in euros was reported for {year}.", "note"))
        return section
    svg = charts.hbar([cat.BRANCH_SHORT[b] for b in branches], [
        ("Money received by France", [float(by_branch.get(b, zero)["in"]) for b in branches], charts.GREEN),
        ("Money paid by France", [float(by_branch.get(b, zero)["out"]) for b in branches], charts.VERMILLION),
    ], money=True)
    largest = max(branches, key=lambda b: by_branch.get(b, zero)["out"] + by_branch.get(b, zero)["in"])
    section.blocks.append(num.figure(
        f"Money received and paid by France by branch, {year}", svg,
        f"Horizontal bar chart of money received and paid by France in {year} for {len(branches)} branches. "
        f"In total France received {fmt.eur_short(total['in'])} and paid {fmt.eur_short(total['out'])}; the "
        f"largest flows are in the {cat.BRANCH_SHORT[largest].lower()} branch. All values are in "
        f"Table {num.tables + 1}."))
    rows = []
    for b in branches:
        f, fp = by_branch.get(b, zero), by_branch_prev.get(b, zero)
        rows.append([cat.BRANCH_SHORT[b], fmt.eur(f["in"]), fmt.eur(f["out"]), fmt.eur(f["in"] - f["out"]),
                     fmt.eur(fp["in"]) if b in by_branch_prev else fmt.DASH,
                     fmt.eur(fp["out"]) if b in by_branch_prev else fmt.DASH,
                     fmt.change(f["in"] + f["out"], (fp["in"] + fp["out"]) if b in by_branch_prev else None)])
    rows.append(["All branches", fmt.eur(total["in"]), fmt.eur(total["out"]), fmt.eur(total["in"] - total["out"]),
                 fmt.eur(total_prev["in"]) if by_branch_prev else fmt.DASH,
                 fmt.eur(total_prev["out"]) if by_branch_prev else fmt.DASH,
                 fmt.change(total["in"] + total["out"], (total_prev["in"] + total_prev["out"]) if by_branch_prev else None)])
    section.blocks.append(num.table(
        f"Money received and paid by France by branch, {year} and {year - 1}",
        ["Branch", f"Received {year}", f"Paid {year}", f"Balance {year}", f"Received {year - 1}",
         f"Paid {year - 1}", "Change in flows"], rows, [False] + [True] * 6, total_row=True))

    by_kind = flows_by(cur, lambda c: cat.INSTRUMENTS[c.instrument].kind if c.instrument in cat.INSTRUMENTS else "other")
    partners_by_kind: dict[str, set] = defaultdict(set)
    for c in cur:
        partners_by_kind[cat.INSTRUMENTS[c.instrument].kind if c.instrument in cat.INSTRUMENTS else "other"].add(c.partner)
    kind_rows = [[cat.INSTRUMENT_KINDS.get(k, k), str(len(partners_by_kind[k])), fmt.eur(by_kind[k]["in"]),
                  fmt.eur(by_kind[k]["out"]), fmt.eur(by_kind[k]["in"] - by_kind[k]["out"])]
                 for k in list(cat.INSTRUMENT_KINDS) + ["other"] if k in partners_by_kind]
    section.blocks.append(num.table(
        f"Money received and paid by France by legal instrument, {year}",
        ["Instrument", "Partners", "Received", "Paid", "Balance"], kind_rows, [False, True, True, True, True]))
    return section


def _measure_rows(summary: ActivitySummary, measures: list[tuple[str, str, int]]) -> list[list[str]]:
    rows = []
    for key, label, decimals in measures:
        if key not in summary.current:
            continue
        c = summary.current.get(key)
        p = summary.previous.get(key) if summary.previous else None
        rows.append([label, fmt.number(c, decimals), fmt.number(p, decimals),
                     fmt.change(c, p) if p is not None else fmt.DASH])
    return rows


def _all_zero(summary: ActivitySummary) -> bool:
    return not any(v for v in summary.current.values() if isinstance(v, (int, float)))


def _mapping_table(num: _Numbering, caption: str, label: str, mapping: dict, limit: int,
                   countries: bool = False) -> Table:
    total = sum(mapping.values())
    items = list(mapping.items())[:limit]

    def name(key: str) -> str:
        code = cat.normalise_partner(key)
        return _partner_label(code) if countries and code in cat.countries() else key

    rows = [[name(k), fmt.number(v), fmt.share(v, total)] for k, v in items]
    note = f"Top {limit} of {len(mapping)}." if len(mapping) > limit else ""
    return num.table(caption, [label, "Number", "Share"], rows, [False, True, True], note=note)


def _activity(num: _Numbering, year: int, activity: dict[str, ActivitySummary]) -> Section:
    section = Section("activity", "Activity of the liaison centre")
    start, end = period(year)
    section.blocks.append(Paragraph(
        f"Figures from the centre's own systems for {start.day} {start:%B %Y} to {end.day} {end:%B %Y}, with the "
        "previous year for comparison. A source that is not available is shown as such: no figure is estimated."))
    head = ["Measure", str(year), str(year - 1), "Change"]

    assistant = activity["assistant"]
    section.blocks.append(Heading("Inquiries and the public assistant", "activity-assistant"))
    if not assistant.available:
        section.blocks.append(Paragraph(f"Not available: {assistant.reason}.", "note"))
    else:
        rows = _measure_rows(assistant, [
            ("questions", "Questions answered", 0), ("abstentions", "Questions the sources could not answer", 0),
            ("handovers", "Handed over to staff", 0), ("feedback_useful", "Feedback: useful", 0),
            ("feedback_not_useful", "Feedback: not useful", 0)])
        section.blocks.append(num.table(f"Assistant use, {year} and {year - 1}", head, rows, [False, True, True, True]))
        if _all_zero(assistant):
            section.blocks.append(Paragraph(f"The assistant recorded no question in {year}.", "note"))
        for key, caption, label in (("by_language", "Questions by language", "Language"),
                                    ("by_topic", "Questions by topic", "Topic")):
            if assistant.current.get(key):
                section.blocks.append(_mapping_table(num, f"{caption}, {year}", label, assistant.current[key], 10))

    intake = activity["intake"]
    section.blocks.append(Heading("Requests and cases", "activity-intake"))
    if not intake.available:
        section.blocks.append(Paragraph(f"Not available: {intake.reason}.", "note"))
    else:
        rows = _measure_rows(intake, [("processing_days_median", "Processing time, median (days)", 1),
                                      ("processing_days_p90", "Processing time, 90th percentile (days)", 1)])
        cases = sum(intake.current.get("cases_by_type", {}).values())
        cases_prev = sum((intake.previous or {}).get("cases_by_type", {}).values()) if intake.previous else None
        rows.insert(0, ["Cases", fmt.number(cases), fmt.number(cases_prev),
                        fmt.change(cases, cases_prev) if cases_prev is not None else fmt.DASH])
        section.blocks.append(num.table(f"Cases, {year} and {year - 1}", head, rows, [False, True, True, True]))
        if not cases:
            section.blocks.append(Paragraph(f"No case was submitted in {year}.", "note"))
        for key, caption, label, limit in (("cases_by_type", "Cases by type", "Type", 15),
                                           ("cases_by_outcome", "Cases by outcome", "Outcome", 15),
                                           ("cases_by_country", "Cases by country", "Country", 15)):
            if intake.current.get(key):
                section.blocks.append(_mapping_table(num, f"{caption}, {year}", label, intake.current[key], limit,
                                                     countries=key == "cases_by_country"))

    translation = activity["translation"]
    section.blocks.append(Heading("Translation desk", "activity-translation"))
    if not translation.available:
        section.blocks.append(Paragraph(f"Not available: {translation.reason}.", "note"))
    else:
        rows = _measure_rows(translation, [("documents", "Documents translated", 0), ("segments", "Segments", 0),
                                           ("words", "Words", 0)])
        section.blocks.append(num.table(f"Translations, {year} and {year - 1}", head, rows, [False, True, True, True]))
        if _all_zero(translation):
            section.blocks.append(Paragraph(f"The translation desk recorded no document in {year}.", "note"))
        if translation.current.get("pairs"):
            section.blocks.append(_mapping_table(num, f"Translations by language pair, {year}", "Language pair",
                                                 translation.current["pairs"], 15))
    return section


def _status_text(r: ReturnPublic) -> str:
    if r.status == CURRENT:
        return "validated, used"
    if r.status == REJECTED:
        return f"rejected ({r.error_count} error{'s' if r.error_count != 1 else ''}), not used"
    return "superseded"


def _methods(num: _Numbering, year: int, returns: list[ReturnPublic], cur: list[Cell],
             activity: dict[str, ActivitySummary], fingerprint: str, synthetic: bool, top_n: int) -> Section:
    section = Section("methods", "Methods and sources")
    section.blocks.append(Paragraph(
        "Institutions send one return per reporting year and branch, as CSV or XLSX files made from the "
        "templates of the system. Each line gives an instrument (EU coordination, the EU-UK agreement, a "
        "bilateral agreement or a coordination agreement with a French territory), a partner country or "
        "territory, a direction, an indicator, a value and its unit. A return is checked line by line (codes, "
        "units, whole counts, no negative value, no duplicate line, control totals equal to the sum of their "
        "details, no formula or merged cell) and is used only when it has no error. A later return for the "
        "same institution, year and branch replaces the earlier one; every version is kept."))
    versions = Counter((r.institution, r.branch) for r in returns)
    latest: dict[tuple, ReturnPublic] = {}
    for r in returns:  # sorted by id: the last one wins unless a current version exists
        key = (r.institution, r.branch)
        if r.status == CURRENT or latest.get(key) is None or latest[key].status != CURRENT:
            latest[key] = r
    listed = sorted(latest.values(), key=lambda r: (list(cat.BRANCHES).index(r.branch), r.institution))
    rows = [[r.institution, cat.BRANCH_SHORT[r.branch], r.filename, r.submitted_at.date().isoformat(),
             f"{r.line_count:,}", str(versions[(r.institution, r.branch)]), _status_text(r)] for r in listed]
    section.blocks.append(num.table(
        f"Returns for {year} and their validation status", ["Institution", "Branch", "File", "Received", "Figures",
                                                            "Versions", "Status"],
        rows, [False, False, False, False, True, True, False],
        note="Versions: files received for the same institution and branch (earlier versions are superseded). "
             "A rejected return whose errors were not corrected is not used."))
    missing = [cat.BRANCH_SHORT[b] for b in cat.BRANCHES if not any(r.branch == b and r.status == CURRENT
                                                                     for r in returns)]
    if missing:
        section.blocks.append(Paragraph(f"No validated return for {year} in: {', '.join(missing)}.", "note"))
    section.blocks.append(Paragraph(
        "Directions: 'France competent' means France is the competent state (it issues the certificate, pays "
        "the benefit or reimburses the care); 'France stay/residence' means France is the state of stay or "
        "residence (it provides the care or the service and is reimbursed, or the person lives in France). "
        "Counts are numbers of documents, persons or claims; amounts are in euros. Figures from several "
        "institutions and breakdowns are added together. Changes compare with the previous year's returns as "
        f"they stand today. Partner rankings: the {top_n} partners with the largest flows."))
    unavailable = [a.module for a in activity.values() if not a.available]
    section.blocks.append(Paragraph(
        "The centre's activity comes from its own systems (assistant, request intake, translation desk), "
        "counted over the calendar year." + (f" Not available for this report: {', '.join(unavailable)}."
                                             if unavailable else "")))
    if synthetic:
        section.blocks.append(Paragraph(
            "Synthetic data: the returns used were generated by `liaison stats demo` to demonstrate the system. "
            "They do not describe any real institution.", "warning"))
    section.blocks.append(Paragraph(
        f"Reproducibility: this report was produced by Liaison (report layout {RENDERER_VERSION}) from data with "
        f"fingerprint {fingerprint[:16]}. With the same software and fonts, the same data produces the same file, "
        "byte for byte; the date shown is that of the latest return used. 'n/a': no figure for the previous year."))
    return section
