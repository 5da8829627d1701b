"""Report charts as SVG with matplotlib (Agg, no pyplot state). Fixed hash salt and no date: the same
numbers give the same bytes. Text stays text (set in DejaVu Sans by the PDF engine and the browser): lighter
files, faster PDF rendering, and selectable, searchable labels."""
from __future__ import annotations

import io
from collections.abc import Sequence

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


def _money_formatter(top: float):
    """Tick labels on one scale for the whole axis (€ m, € k or €), decimals only when the range is small."""
    if top >= 1e6:
        scale, suffix = 1e6, " m"
    elif top >= 1e4:
        scale, suffix = 1e3, " k"
    else:
        scale, suffix = 1.0, ""
    decimals = 1 if scale > 1 and top / scale < 10 else 0

    def label(x: float, _pos=None) -> str:
        return f"€{x / scale:,.{decimals}f}{suffix}"

    return label


def _count(x: float, _pos=None) -> str:
    return f"{x:,.0f}"


def _wrap(label: str, width: int = 12) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join(lines + [line])


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


def hbar(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], *, money: bool,
         stacked: bool = False) -> bytes:
    """Horizontal bars, first label on top; several series side by side (or stacked)."""
    n = len(labels)
    k = max(len(series), 1)

    def draw(fig, ax):
        from matplotlib.ticker import FuncFormatter

        positions = list(range(n))[::-1]
        height = 0.8 if stacked else 0.8 / k
        left = [0.0] * n
        for i, (name, values, colour) in enumerate(series):
            if stacked:
                ax.barh(positions, values, height=height, left=left, color=colour, label=name)
                left = [a + b for a, b in zip(left, values, strict=True)]
            else:
                offset = (k - 1) / 2 * height - i * height
                ax.barh([p + offset for p in positions], values, height=height, color=colour, label=name)
        ax.set_yticks(positions)
        ax.set_yticklabels(labels)
        ax.tick_params(axis="y", length=0)
        top = max([sum(v) for v in zip(*[s[1] for s in series], strict=True)] if stacked else
                  [max(s[1], default=0) for s in series], default=0)
        ax.xaxis.set_major_formatter(FuncFormatter(_money_formatter(top) if money else _count))
        if len(series) > 1:
            ax.legend(loc="lower right", fontsize=8)

    return _render(draw, height=max(1.6, 0.2 * n * (1 + 0.45 * (k - 1) * (not stacked)) + 0.8))


def vbar_pairs(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], *, money: bool) -> bytes:
    """Vertical grouped bars (e.g. money in and out per branch)."""
    n = len(labels)
    k = max(len(series), 1)

    def draw(fig, ax):
        from matplotlib.ticker import FuncFormatter

        width = 0.8 / k
        for i, (name, values, colour) in enumerate(series):
            offset = -0.4 + width / 2 + i * width
            ax.bar([p + offset for p in range(n)], values, width=width, color=colour, label=name)
        ax.set_xticks(list(range(n)))
        ax.set_xticklabels([_wrap(label) for label in labels])
        ax.grid(axis="y")
        ax.grid(axis="x", visible=False)
        top = max([max(s[1], default=0) for s in series], default=0)
        ax.yaxis.set_major_formatter(FuncFormatter(_money_formatter(top) if money else _count))
        ax.legend(loc="upper right", fontsize=8)

    return _render(draw, height=2.8)
