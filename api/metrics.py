"""In-process Prometheus metrics (text exposition format 0.0.4), with no extra dependency.

Each API process reports its own counters (label `pid`); Prometheus sums them across processes.
"""

import os
from collections import defaultdict

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_requests: dict[tuple[str, str, int], int] = defaultdict(int)
_hist: dict[tuple[str, str], list] = {}  # (method, route) -> [bucket counts..., sum, count]


def observe(method: str, route: str, status: int, seconds: float) -> None:
    _requests[(method, route, status)] += 1
    h = _hist.get((method, route))
    if h is None:
        h = _hist[(method, route)] = [0] * len(_BUCKETS) + [0.0, 0]
    for i, bound in enumerate(_BUCKETS):
        if seconds <= bound:
            h[i] += 1
    h[-2] += seconds
    h[-1] += 1


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render(pool_stats: dict[str, int] | None = None, seatmap_cache: dict[str, int] | None = None) -> str:
    pid = os.getpid()
    lines = ["# HELP marquee_http_requests_total HTTP requests by method, route and status.",
             "# TYPE marquee_http_requests_total counter"]
    for (method, route, status), n in sorted(_requests.items()):
        lines.append(f'marquee_http_requests_total{{pid="{pid}",method="{method}",route="{_label(route)}",'
                     f'status="{status}"}} {n}')
    lines += ["# HELP marquee_http_request_duration_seconds HTTP request duration.",
              "# TYPE marquee_http_request_duration_seconds histogram"]
    for (method, route), h in sorted(_hist.items()):
        base = f'pid="{pid}",method="{method}",route="{_label(route)}"'
        for i, bound in enumerate(_BUCKETS):
            lines.append(f'marquee_http_request_duration_seconds_bucket{{{base},le="{bound}"}} {h[i]}')
        lines.append(f'marquee_http_request_duration_seconds_bucket{{{base},le="+Inf"}} {h[-1]}')
        lines.append(f"marquee_http_request_duration_seconds_sum{{{base}}} {h[-2]:.6f}")
        lines.append(f"marquee_http_request_duration_seconds_count{{{base}}} {h[-1]}")
    if pool_stats:
        lines += ["# HELP marquee_db_pool Connection pool gauges (psycopg_pool get_stats).",
                  "# TYPE marquee_db_pool gauge"]
        for key in ("pool_min", "pool_max", "pool_size", "pool_available", "requests_waiting"):
            if key in pool_stats:
                lines.append(f'marquee_db_pool{{pid="{pid}",stat="{key}"}} {pool_stats[key]}')
    if seatmap_cache:
        lines += ["# HELP marquee_seatmap_cache_total Seat-map reads answered from memory (hit) or the database (miss).",
                  "# TYPE marquee_seatmap_cache_total counter"]
        for result, n in seatmap_cache.items():
            lines.append(f'marquee_seatmap_cache_total{{pid="{pid}",result="{result}"}} {n}')
    return "\n".join(lines) + "\n"
