"""What every section builder receives (`Context`) and the small tools they share: key figures for the
summary, country tables whose rows add up to their total, charts in the edition's number format."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from reports import catalogue as cat
from reports import charts
from reports import labels as lbl
from reports.aggregate import BreakdownCell, Cell
from reports.document import Figure, Numbering, Table
from reports.i18n import Formatter

ZERO = Decimal(0)


@dataclass
class Context:
    year: int
    lang: str
    f: Formatter
    cur: list[Cell]
    prev: list[Cell]
    breakdowns: list[BreakdownCell]
    returns: list  # every return version of the year (ReturnPublic), sorted by id
    activity: dict  # name -> ActivitySummary
    top_n: int
    fingerprint: str
    synthetic: bool
    num: Numbering = field(default_factory=Numbering)
    shown: dict[str, int] = field(default_factory=dict)  # counts the Methods text quotes (computed as built)

    def t(self, fr: str, en: str) -> str:
        return self.f.t(fr, en)

    @property
    def current_returns(self) -> list:
        return [r for r in self.returns if r.status == "current"]

    def breakdowns_of(self, year: int) -> list[BreakdownCell]:
        return [b for b in self.breakdowns if b.year == year]


@dataclass(frozen=True)
class KeyFigure:
    """One line of the summary table; the section that owns the figure shows the same total."""

    label: str
    unit: str  # cat.COUNT | cat.EUR
    current: Decimal
    previous: Decimal | None
    section: str
    key: str = ""  # a stable name for the figures other sections quote (e.g. "money_in")


def total(cells: Iterable[Cell], indicators: str | Iterable[str], direction: str | None = None,
          kinds: Iterable[str] | None = None) -> Decimal:
    wanted = {indicators} if isinstance(indicators, str) else set(indicators)
    kinds = set(kinds) if kinds is not None else None
    return sum((c.value for c in cells if c.indicator in wanted and (direction is None or c.direction == direction)
                and (kinds is None or cat.instrument_kind(c.instrument) in kinds)), ZERO)


def reported(cells: Iterable[Cell], indicators: str | Iterable[str]) -> bool:
    wanted = {indicators} if isinstance(indicators, str) else set(indicators)
    return any(c.indicator in wanted for c in cells)


def key_figure(ctx: Context, section: str, label: str, unit: str, indicators, direction=None,
               kinds=None) -> KeyFigure:
    previous = total(ctx.prev, indicators, direction, kinds) if reported(ctx.prev, indicators) else None
    return KeyFigure(label, unit, total(ctx.cur, indicators, direction, kinds), previous, section)


def by(cells: Iterable[Cell], key: Callable[[Cell], str], indicators, direction: str | None = None,
       ) -> dict[str, Decimal]:
    wanted = {indicators} if isinstance(indicators, str) else set(indicators)
    out: dict[str, Decimal] = defaultdict(Decimal)
    for c in cells:
        if c.indicator in wanted and (direction is None or c.direction == direction):
            out[key(c)] += c.value
    return out


def partner_of(c: Cell) -> str:
    return c.partner


def kind_of(c: Cell) -> str:
    return cat.instrument_kind(c.instrument)


def ranked(values: dict[str, Decimal], n: int) -> list[str]:
    return sorted((k for k, v in values.items() if v), key=lambda k: (-values[k], k))[:n]


def country_table(ctx: Context, caption: str, columns: list[tuple[str, dict[str, Decimal], str]],
                  rank_by: dict[str, Decimal], *, n: int | None = None, change: tuple[dict, dict] | None = None,
                  note: str = "", first: str | None = None) -> tuple[Table, list[str]]:
    """Top partners (ranked by `rank_by`), then one line for all the others, then the total: the rows add up
    to the total. `columns`: (header, values by partner, unit). `change`: (current, previous) by partner,
    shown as a last column of relative change."""
    f = ctx.f
    n = n or ctx.top_n
    top = ranked(rank_by, n)
    partners = {p for _, values, _ in columns for p, v in values.items() if v}
    rest = sorted(partners - set(top))
    rows = []
    for p in top:
        row = [f.partner_label(p)] + [f.value(values.get(p, ZERO), unit) for _, values, unit in columns]
        if change:
            row.append(f.change(change[0].get(p, ZERO), change[1].get(p) if change[1] else None))
        rows.append(row)
    if rest:
        row = [ctx.t(f"Autres pays et territoires ({f.count(len(rest))})",
                     f"Other countries and territories ({f.count(len(rest))})")]
        row += [f.value(sum((values.get(p, ZERO) for p in rest), ZERO), unit) for _, values, unit in columns]
        if change:
            row.append(f.change(sum((change[0].get(p, ZERO) for p in rest), ZERO),
                                sum((change[1].get(p, ZERO) for p in rest), ZERO) if change[1] else None))
        rows.append(row)
    row = [ctx.t("Total", "Total")] + [f.value(sum(values.values(), ZERO), unit) for _, values, unit in columns]
    if change:
        row.append(f.change(sum(change[0].values(), ZERO), sum(change[1].values(), ZERO) if change[1] else None))
    rows.append(row)
    headers = [first or ctx.t("Pays ou territoire", "Country or territory")] + [h for h, _, _ in columns]
    if change:
        headers.append(ctx.t(f"Évolution {ctx.year - 1}–{ctx.year}", f"Change {ctx.year - 1}–{ctx.year}"))
    table = ctx.num.table(caption, headers, rows, [False] + [True] * (len(headers) - 1), note=note, total_row=True)
    return table, top


def money_header(ctx: Context, text: str) -> str:
    return f"{text} ({ctx.f.meur_unit})"


def hbar(ctx: Context, caption: str, labels: list[str], series: list[tuple[str, list, str]], *, money: bool,
         alt: str, table: int) -> Figure:
    """A bar chart whose numbers are in Table `table` (said in its text alternative)."""
    f = ctx.f
    if money:
        top = max((max(values, default=0) for _, values, _ in series), default=0)
        decimals = 1 if top < 10e6 else 0
        tick = (lambda x: f.number(x / 1e6, decimals))
        xlabel = f.meur_unit
        data = [(name, [float(v) for v in values], colour) for name, values, colour in series]
    else:
        tick, xlabel = (lambda x: f.number(x, 0)), ""
        data = [(name, [float(v) for v in values], colour) for name, values, colour in series]
    svg = charts.hbar(labels, data, tick=tick, xlabel=xlabel)
    alt = alt + " " + ctx.t(f"Toutes les valeurs figurent dans le tableau {table}.",
                            f"All values are in Table {table}.")
    return ctx.num.figure(caption, svg, alt)


def leaders_text(ctx: Context, labels: list[str], values: list, unit: str, k: int = 3) -> str:
    colon = "\u00a0: " if ctx.lang == "fr" else ": "  # French puts a no-break space before a colon
    return "; ".join(f"{name}{colon}{ctx.f.value(v, unit)}" for name, v in list(zip(labels, values, strict=True))[:k])


def add_indicator_table(ctx: Context, section, caption: str, indicators: Iterable[str], note: str = "") -> None:
    """Append the indicator table (when the indicators have figures) to `section`."""
    table = indicator_table(ctx, caption, indicators, note)
    if table:
        section.blocks.append(table)


def indicator_table(ctx: Context, caption: str, indicators: Iterable[str], note: str = "") -> Table | None:
    """Every indicator of the list by direction: this year, last year, change (amounts in M€)."""
    f, rows = ctx.f, []
    for code in indicators:
        indicator = cat.INDICATORS[code]
        for direction in cat.DIRECTIONS:
            if not any(c.indicator == code and c.direction == direction for c in ctx.cur + ctx.prev):
                continue
            cur = total(ctx.cur, code, direction)
            has_prev = any(c.indicator == code and c.direction == direction for c in ctx.prev)
            prev = total(ctx.prev, code, direction) if has_prev else None
            label = lbl.indicator(code, ctx.lang)
            if indicator.unit == cat.EUR:
                label = money_header(ctx, label)
            rows.append([label, direction_label(ctx, direction), f.value(cur, indicator.unit),
                         f.value(prev, indicator.unit), f.change(cur, prev)])
    if not rows:
        return None
    return ctx.num.table(caption, [ctx.t("Indicateur", "Indicator"), ctx.t("Sens", "Direction"), str(ctx.year),
                                   str(ctx.year - 1), ctx.t("Évolution", "Change")], rows,
                         [False, False, True, True, True], note=note)


def direction_label(ctx: Context, direction: str) -> str:
    return lbl.direction(direction, ctx.lang)


BLUE, ORANGE, GREEN, VERMILLION, GREY, SKY = (charts.BLUE, charts.ORANGE, charts.GREEN, charts.VERMILLION,
                                              charts.GREY, charts.SKY)
