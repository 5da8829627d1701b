"""Report charts as SVG with matplotlib (Agg, no pyplot state). Fixed hash salt and no date: the same
numbers give the same bytes. Text stays text (set in DejaVu Sans by the PDF engine and the browser): lighter
files, faster PDF rendering, and selectable, searchable labels."""
from __future__ import annotations

import io
from collections.abc import Callable, Sequence

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
BLUE, VERMILLION, GREY, GREEN, ORANGE, SKY = "#0072B2", "#D55E00", "#9A9A9A", "#009E73", "#E69F00", "#56B4E9"

_RC = {
    "svg.hashsalt": "liaison-annual-report",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 9.5,
    "axes.grid": True,
    "axes.grid.axis": "x",
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.frameon": False,
    "path.simplify": False,
}


def _render(draw, height: float, width: float = 6.6) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(_RC):
        fig = Figure(figsize=(width, height), dpi=100)
        ax = fig.add_subplot(1, 1, 1)
        draw(fig, ax)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "Liaison"})
    return buf.getvalue()


def hbar(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], *,
         tick: Callable[[float], str], xlabel: str = "") -> bytes:
    """Horizontal bars, first label on top, the series side by side (legend above the plot). `tick` formats
    the axis values in the edition's conventions (the caller's locale)."""
    n = len(labels)
    k = max(len(series), 1)

    def draw(fig, ax):
        from matplotlib.ticker import FuncFormatter

        positions = list(range(n))[::-1]
        height = 0.8 / k
        for i, (name, values, colour) in enumerate(series):
            offset = (k - 1) / 2 * height - i * height
            ax.barh([p + offset for p in positions], values, height=height, color=colour, label=name)
        ax.set_yticks(positions)
        ax.set_yticklabels(labels)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos=None: tick(x)))
        if xlabel:
            ax.set_xlabel(xlabel, fontsize=8)
        if len(series) > 1:
            wide = sum(len(name) for name, _, _ in series) > 80  # long legends go one per line
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=1 if wide else len(series), fontsize=8,
                      borderaxespad=0.3, handlelength=1.2)

    legend_rows = k if sum(len(name) for name, _, _ in series) > 80 else 1
    return _render(draw, height=max(1.6, 0.16 * n * (1 + 0.45 * (k - 1)) + 0.75 + 0.15 * legend_rows
                                    + (0.2 if xlabel else 0)))
