"""Charts of the reports page: grouped bars drawn by matplotlib as SVG, inlined in the page (nothing from a CDN, no
script). Each chart is an image with a title for screen readers; the page shows the same numbers as a table.

matplotlib's object API (a Figure of its own, no pyplot state) so charts can be drawn in worker threads.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from html import escape

_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


def bar_chart(title: str, labels: list[str], series: list[tuple[str, str, list[Decimal]]],
              unit: str = "", max_value: Decimal | None = None) -> str:
    """Vertical grouped bars as an inline <svg>. series: (name, colour, values), one value per label."""
    from matplotlib.figure import Figure  # imported when a chart is drawn: the API starts without it
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(7.6, 2.8))
    ax = fig.add_subplot()
    n = max(len(series), 1)
    width = 0.8 / n
    positions = range(len(labels))
    for k, (name, colour, values) in enumerate(series):
        ax.bar([p - 0.4 + width * (k + 0.5) for p in positions], [float(v) for v in values], width=width,
               color=colour, label=name)
    step = max(1, -(-len(labels) // 12))  # at most 12 labels, slanted so they never overlap
    ax.set_xticks(list(positions)[::step], labels[::step], fontsize=8, rotation=30, ha="right")
    peak = max([float(v) for _, _, values in series for v in values] + [0.0])
    top = float(max_value) if max_value is not None else max(peak * 1.1, 1.0)
    ax.set_ylim(0, top)
    decimals = 0 if top >= 10 else 2
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.{decimals}f}{unit}"))
    ax.tick_params(axis="y", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if len(series) > 1:
        ax.legend(fontsize=8, frameon=False, loc="upper left")
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Title": title})
    svg = _XML_PROLOGUE.sub("", buf.getvalue(), count=1)
    # an image with its name; width follows the page
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" style="width:100%;height:auto" ', 1)
