"""Plots for docs/benchmarks.md, drawn as plain SVG (no plotting library) from the logs the benchmarks print.

    python bench/plots.py [RESULTS_DIR] [--out docs/img]

RESULTS_DIR holds the outputs under the names `bench/run.sh` gives them (default /tmp/marquee_bench):
pgbench.log (bench/hold_bench.sh), http*.log (bench/http/run.sh), rush*.log (bench/rush.py), growth.log
(bench/growth.py). A missing file skips its plot. Writes bench-pgbench.svg, bench-http.svg, bench-rush.svg and
bench-growth.svg.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from html import escape
from pathlib import Path

W, H = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 250, 40, 40, 50
COLORS = ["#1f6feb", "#d97706", "#16a34a", "#9333ea", "#dc2626", "#0891b2"]


def _svg(body: list[str], title: str, height: int = H) -> str:
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" viewBox="0 0 {W} {height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{height}" fill="white"/>',
        f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">{escape(title)}</text>',
        *body, "</svg>", ""])


def hbars(rows: list[tuple[str, float, str]], title: str, unit: str, log: bool = False) -> str:
    """Horizontal bars: (label, value, colour). log: logarithmic axis (values > 0)."""
    n = len(rows)
    height = TOP + BOTTOM + 28 * n
    top_value = max(v for _, v, _ in rows)
    low = 10 ** math.floor(math.log10(min(v for _, v, _ in rows))) if log else 0

    def x(v: float) -> float:
        span = W - LEFT - RIGHT
        if log:
            return LEFT + span * (math.log10(v) - math.log10(low)) / (math.log10(top_value * 1.5) - math.log10(low))
        return LEFT + span * v / (top_value * 1.1)

    body = []
    for i, (label, value, colour) in enumerate(rows):
        y = TOP + 8 + 28 * i
        body.append(f'<text x="{LEFT - 8}" y="{y + 14}" text-anchor="end">{escape(label)}</text>')
        body.append(f'<rect x="{LEFT}" y="{y}" width="{max(1.0, x(value) - LEFT):.1f}" height="20" fill="{colour}"/>')
        body.append(f'<text x="{x(value) + 5:.1f}" y="{y + 14}">{value:,.0f}</text>')
    axis_y = TOP + 8 + 28 * n + 4
    body.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{axis_y}" stroke="#333"/>')
    body.append(f'<text x="{(LEFT + W - RIGHT) / 2}" y="{axis_y + 26}" text-anchor="middle">'
                f'{escape(unit)}{" (log scale)" if log else ""}</text>')
    return _svg(body, title, height)


def lines(series: dict[str, list[tuple[float, float]]], limits: dict[str, float], title: str, xlabel: str,
          ylabel: str) -> str:
    """Line chart; limits draws a dashed horizontal line per series name (same colour)."""
    xs = [p[0] for pts in series.values() for p in pts]  # a series with no points draws only its limit line
    ys = [p[1] for pts in series.values() for p in pts] + list(limits.values())
    x_max, y_max = max(xs) or 1, max(ys) * 1.15
    left = 70

    def px(v):
        return left + (W - left - RIGHT) * v / x_max

    def py(v):
        return H - BOTTOM - (H - TOP - BOTTOM) * v / y_max

    body = [f'<line x1="{left}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="#333"/>',
            f'<line x1="{left}" y1="{TOP}" x2="{left}" y2="{H - BOTTOM}" stroke="#333"/>']
    for i in range(6):
        v = y_max * i / 5
        body.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{v:.1f}</text>')
        v = x_max * i / 5
        body.append(f'<text x="{px(v):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{v / 1e6:.0f}M</text>')
    body.append(f'<text x="{(left + W - RIGHT) / 2}" y="{H - 12}" text-anchor="middle">{escape(xlabel)}</text>')
    body.append(f'<text x="16" y="{(TOP + H - BOTTOM) / 2}" text-anchor="middle" '
                f'transform="rotate(-90 16 {(TOP + H - BOTTOM) / 2})">{escape(ylabel)}</text>')
    for i, (name, pts) in enumerate(series.items()):
        colour = COLORS[i % len(COLORS)]
        path = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in pts)
        if pts:
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body += [f'<circle cx="{px(a):.1f}" cy="{py(b):.1f}" r="3" fill="{colour}"/>' for a, b in pts]
        if name in limits:
            body.append(f'<line x1="{left}" y1="{py(limits[name]):.1f}" x2="{W - RIGHT}" y2="{py(limits[name]):.1f}" '
                        f'stroke="{colour}" stroke-dasharray="6 4"/>')
        body.append(f'<rect x="{left + 12}" y="{TOP + 4 + 18 * i}" width="12" height="12" fill="{colour}"/>')
        body.append(f'<text x="{left + 30}" y="{TOP + 15 + 18 * i}">{escape(name)}</text>')
    return _svg(body, title)


def pgbench_plot(text: str) -> str | None:
    rows = []
    for line in text.splitlines():
        m = re.match(r"^(\S.*?)\s{2,}(\d+)\s{2,}[\d. ]+$", line)
        if m and not line.startswith("workload"):
            rows.append((m.group(1), float(m.group(2))))
    if not rows:
        return None
    colours = [COLORS[0] if "INSERT" in label else COLORS[1] for label, _ in rows]
    return hbars([(label, v, c) for (label, v), c in zip(rows, colours)],
                 "pgbench, 16 clients: transactions/s (median of 3 runs)", "transactions per second", log=True)


def http_plot(texts: list[str]) -> str | None:
    rows = []
    for text in texts:
        config = None
        for line in text.splitlines():
            if line.startswith("== "):
                config = line[3:].replace("WEB_CONCURRENCY=", "processes ")
            m = re.match(r"^\| (GET|POST) (\S+)[^|]*\| \d+ \| (\d+) \|", line)
            if m and config:
                endpoint = {"/api/bench/select1": "SELECT 1", "/api/bookings/hold": "hold"}.get(m.group(2), "seat map")
                rows.append((f"{config}: {endpoint}", float(m.group(3)),
                             COLORS[{"SELECT 1": 0, "hold": 1, "seat map": 2}[endpoint]]))
    if not rows:
        return None
    return hbars(rows, "HTTP through one server, wrk, 16 connections", "requests per second")


def rush_plot(texts: list[str]) -> str | None:
    rows = []
    for text in texts:
        for start in [m.start() for m in re.finditer(r"(?m)^\{$", text)]:
            try:
                r = json.JSONDecoder().raw_decode(text[start:])[0]
            except ValueError:
                continue
            if "server_loser_error_ms_p50" not in r:
                continue
            c = r["concurrency"]
            rows += [(f"{c} in flight: loser 409 p50, client", r["loser_error_ms_p50"], COLORS[4]),
                     (f"{c} in flight: loser 409 p99, client", r["loser_error_ms_p99"], COLORS[4]),
                     (f"{c} in flight: loser 409 p50, in API", r["server_loser_error_ms_p50"], COLORS[0]),
                     (f"{c} in flight: loser 409 p99, in API", r["server_loser_error_ms_p99"], COLORS[0])]
    if not rows:
        return None
    return hbars(rows, "Premiere rush, 2,000 buyers: a refused hold, in the API vs at the client",
                 "milliseconds", log=True)


def growth_plot(text: str) -> str | None:
    points = [json.loads(line) for line in text.splitlines() if line.startswith('{"claims"')]
    if not points:
        return None
    if "hold_ratio" in points[0]:  # measured against an empty control database at every point
        series = {"hold p50, grown / empty": [(p["claims"], p["hold_ratio"]) for p in points],
                  "seat map p50, grown / empty": [(p["claims"], p["map_ratio"]) for p in points]}
        limits = {"limit": 1.5}
        series["limit"] = []
        return lines(series, limits, "Growth: latency with history / latency of an empty database (limit 1.5)",
                     "historical seat claims", "ratio")
    base = points[0]
    series = {"hold p50 (ms)": [(p["claims"], p["hold_ms_p50"]) for p in points],
              "seat map p50 (ms)": [(p["claims"], p["map_ms_p50"]) for p in points]}
    limits = {"hold p50 (ms)": base["hold_ms_p50"] * 1.5, "seat map p50 (ms)": base["map_ms_p50"] * 1.5}
    return lines(series, limits, "Growth: latency vs historical claims (dashed: 1.5 x empty database)",
                 "historical seat claims", "milliseconds")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="?", default="/tmp/marquee_bench")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "img"))
    args = ap.parse_args()
    src, out = Path(args.results), Path(args.out)

    def read(pattern: str) -> list[str]:
        return [p.read_text() for p in sorted(src.glob(pattern))]

    plots = {
        "bench-pgbench.svg": pgbench_plot("\n".join(read("pgbench.log"))),
        "bench-http.svg": http_plot(read("http*.log")),
        "bench-rush.svg": rush_plot(read("rush*.log")),
        "bench-growth.svg": growth_plot("\n".join(read("growth.log"))),
    }
    for name, svg in plots.items():
        if svg:
            (out / name).write_text(svg)
            print(f"wrote {out / name}")
        else:
            print(f"skipped {name}: no results in {src}")


if __name__ == "__main__":
    main()
