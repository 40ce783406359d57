"""Plots for docs/benchmarks.md, drawn with matplotlib from the logs the benchmarks print.

    python bench/plots.py [RESULTS_DIR] [--out docs/img]

RESULTS_DIR holds the outputs under the names `bench/run.sh` gives them (default /tmp/marquee_bench):
pgbench.log (bench/hold_bench.sh), http*.log (bench/http/run.sh), rush*.log (bench/rush.py), rush-ab-<main|speed>-<n>.json
(interleaved rush runs of two versions), rush-<variant>-<n>.json (bench/rush.py runs of one variant),
http-gc-<side>-<n>.txt (bench/http/run.sh before and after gc.freeze), growth.log (bench/growth.py).
A missing file skips its plot. Writes bench-pgbench.svg, bench-http.svg, bench-rush.svg, bench-growth.svg,
bench-rush-ab.svg, bench-rush-cpu.svg, bench-rush-variants.svg and bench-http-gc.svg (SVG with the text kept as
text; the same file again for the same input).
"""

from __future__ import annotations

import argparse
import io
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402

COLORS = ["#1f6feb", "#d97706", "#16a34a", "#9333ea", "#dc2626", "#0891b2"]
plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "marquee", "font.size": 10,
                     "axes.spines.top": False, "axes.spines.right": False})


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buf.getvalue()


def hbars(rows: list[tuple[str, float, str]], title: str, unit: str, log: bool = False) -> str:
    """Horizontal bars: (label, value, colour), first row on top, each with its value. log: logarithmic axis."""
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.32 * len(rows)))
    labels = [r[0] for r in rows][::-1]
    values = [r[1] for r in rows][::-1]
    bars = ax.barh(labels, values, color=[r[2] for r in rows][::-1], height=0.7)
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in values], padding=3, fontsize=9)
    if log:
        ax.set_xscale("log")
    ax.set_xlim(right=max(values) * (3 if log else 1.15))
    ax.set_xlabel(unit + (" (log scale)" if log else ""))
    ax.set_title(title, fontweight="bold")
    return _svg(fig)


def lines(series: dict[str, list[tuple[float, float]]], limits: dict[str, float], title: str, xlabel: str,
          ylabel: str) -> str:
    """Line chart with markers; limits draws a dashed horizontal line per series name (same colour)."""
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    for i, (name, pts) in enumerate(series.items()):
        colour = COLORS[i % len(COLORS)]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", markersize=4, color=colour, label=name)
        if name in limits:
            ax.axhline(limits[name], color=colour, linestyle="--", linewidth=1, label=None if pts else name)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v / 1e6:.0f}M"))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontweight="bold")
    ax.legend(frameon=False, loc="upper left")
    return _svg(fig)


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


def rush_ab_plot(sides: dict[str, list[str]]) -> str | None:
    """Medians of interleaved rush runs of two code versions (issue 16: rush-ab-<side>-<n>.json)."""
    import statistics
    rows = []
    for i, (side, texts) in enumerate(sides.items()):
        runs = [json.loads(t) for t in texts if t.strip().startswith("{")]
        if not runs:
            continue
        def med(key):
            return statistics.median(r[key] for r in runs if r.get(key) is not None)
        colour = COLORS[i % len(COLORS)]
        rows += [(f"{side}: sold out after (ms)", med("sold_out_after_s") * 1000, colour),
                 (f"{side}: refused hold p50 in API (ms)", med("server_loser_error_ms_p50"), colour),
                 (f"{side}: refused hold p99 in API (ms)", med("server_loser_error_ms_p99"), colour),
                 (f"{side}: refused hold p99 at client (ms)", med("loser_error_ms_p99"), colour)]
    if not rows:
        return None
    return hbars(rows, "Rush A/B, interleaved runs (medians)", "milliseconds", log=True)


def _ab_sides(src: Path) -> dict[str, list[str]]:
    """rush-ab-<side>-<round>.json files by side, in the order the sides first ran (bench/rush_ab.sh)."""
    sides: dict[str, list[str]] = {}
    for path in sorted(src.glob("rush-ab-*-*.json"), key=lambda p: (int(p.stem.rsplit("-", 1)[1]), p.stat().st_mtime)):
        sides.setdefault(path.stem[len("rush-ab-"):].rsplit("-", 1)[0], []).append(path.read_text())
    return sides


def rush_cpu_plot(sides: dict[str, list[str]]) -> str | None:
    """Where a rush's CPU goes, per side (medians): the API process, PostgreSQL, the load generator."""
    import statistics
    rows = []
    for i, (side, texts) in enumerate(sides.items()):
        runs = [json.loads(t) for t in texts if t.strip().startswith("{")]
        if not runs or "postgres_cpu_s" not in runs[0]:
            continue
        colour = COLORS[i % len(COLORS)]
        for key, label in (("api_cpu_s", "API process"), ("postgres_cpu_s", "PostgreSQL"),
                           ("load_generator_cpu_s", "load generator")):
            rows.append((f"{side}: {label}", statistics.median(r[key] for r in runs), colour))
    if not rows:
        return None
    return hbars(rows, "Rush, 2,000 buyers: CPU seconds per rush (medians of interleaved runs)", "CPU seconds")


def _median(values):
    import statistics
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def rush_variants_plot(src: Path) -> str | None:
    """Medians per variant of rush-<variant>-<round>.json (server, processes, buyers in flight; issue 16)."""
    variants: dict[str, list[dict]] = {}
    for path in sorted(src.glob("rush-*-[0-9].json")):
        if path.name.startswith("rush-ab-"):
            continue
        text = path.read_text()
        if text.strip().startswith("{"):
            variants.setdefault(path.stem[len("rush-"):].rsplit("-", 1)[0], []).append(json.loads(text))
    rows = []
    for i, (name, runs) in enumerate(variants.items()):
        colour = COLORS[i % len(COLORS)]
        rows += [(f"{name}: sold out after (ms)", _median(r["sold_out_after_s"] * 1000 for r in runs), colour),
                 (f"{name}: refused hold p99 in API (ms)", _median(r.get("server_loser_error_ms_p99") for r in runs),
                  colour)]
    rows = [r for r in rows if r[1] is not None]
    if not rows:
        return None
    return hbars(rows, "Rush, 2,000 buyers / 300 seats: variants (medians of 3 interleaved rounds)", "milliseconds",
                 log=True)


def http_gc_plot(src: Path) -> str | None:
    """p99 of SELECT 1 and hold before and after gc.freeze (http-gc-<side>-<round>.txt, wrk tables)."""
    sides: dict[str, dict[str, list[float]]] = {}
    for path in sorted(src.glob("http-gc-*-[0-9].txt")):
        side = path.stem[len("http-gc-"):].rsplit("-", 1)[0]
        for m in re.finditer(r"^\| (GET /api/bench/select1|POST /api/bookings/hold) \| \d+ \| [\d.]+ \| [\d.]+ \| ([\d.]+) \|",
                             path.read_text(), re.M):
            sides.setdefault(side, {}).setdefault(m.group(1), []).append(float(m.group(2)))
    rows = [(f"{side}: {endpoint} p99 (ms)", _median(values), COLORS[i % len(COLORS)])
            for i, (side, endpoints) in enumerate(sides.items()) for endpoint, values in endpoints.items()]
    if not rows:
        return None
    return hbars(rows, "HTTP p99 at 16 connections, before and after gc.freeze (medians of 3)", "milliseconds")


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
    out.mkdir(parents=True, exist_ok=True)

    def read(pattern: str) -> list[str]:
        return [p.read_text() for p in sorted(src.glob(pattern))]

    plots = {
        "bench-pgbench.svg": pgbench_plot("\n".join(read("pgbench.log"))),
        "bench-http.svg": http_plot(read("http*.log")),
        "bench-rush.svg": rush_plot(read("rush*.log")),
        "bench-growth.svg": growth_plot("\n".join(read("growth.log"))),
        "bench-rush-ab.svg": rush_ab_plot(ab := _ab_sides(src)),
        "bench-rush-cpu.svg": rush_cpu_plot(ab),
        "bench-rush-variants.svg": rush_variants_plot(src),
        "bench-http-gc.svg": http_gc_plot(src),
    }
    for name, svg in plots.items():
        if svg:
            (out / name).write_text(svg)
            print(f"wrote {out / name}")
        else:
            print(f"skipped {name}: no results in {src}")


if __name__ == "__main__":
    main()
