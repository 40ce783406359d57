"""Many API processes through PgBouncer (transaction mode) against a direct pool (issue 24, docs/benchmarks.md).

For 1, 4 and 8 API processes (WEB_CONCURRENCY) the same wrk load as bench/http (holds that never conflict, seat
maps with gzip) is run against an API whose pool goes straight to PostgreSQL and against one whose pool goes
through Debian's PgBouncer 1.18 (DB_PREPARED_STATEMENTS=false, LISTEN on a direct connection). Each pair is
interleaved (direct, bouncer, direct, bouncer ...) so that a change of the machine's load hits both sides; medians
of RUNS runs. A direct pool of DB_POOL_MAX per process opens processes x DB_POOL_MAX server connections;
through PgBouncer the server connections stay at BOUNCER_POOL whatever the process count.

    .venv/bin/python bench/pgbouncer.py [--processes 1 4 8] [--runs 3] [--seconds 8] [--concurrency 16] \
        [--plot docs/img/bench-pgbouncer.svg]
    .venv/bin/python bench/pgbouncer.py --plot-only docs/img/bench-pgbouncer.svg   # redraw from the last results
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent / "http"))
from common import ROOT, fresh_database  # noqa: E402
from wrk_load import fresh_showtime, run_wrk  # noqa: E402

from marquee.settings import with_user  # noqa: E402
from testing.ha import PgBouncer  # noqa: E402
from testing.services import free_port  # noqa: E402

HOLD_LUA = ROOT / "bench" / "http" / "hold.lua"
OUT = ROOT / ".data" / "bench" / "pgbouncer.json"


def server_connections(url: str, dbname: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (dbname,)).fetchone()[0]


def start_api(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "marquee.app.serve"], cwd=ROOT, env={**os.environ, **env,
                            "PORT": str(port), "LOG_LEVEL": "warning", "RATE_LIMIT_PER_MINUTE": "0",
                            "BENCH_ENDPOINTS": "1"},
                            stdout=subprocess.DEVNULL, stderr=open(f"/tmp/marquee-bench-bouncer-{port}.log", "w"),
                            start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the API exited; see /tmp/marquee-bench-bouncer-{port}.log")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the API did not become ready in 90 s")


def stop_api(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, 15)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)


def measure(url: str, seconds: float, concurrency: int, db_url: str, dbname: str) -> dict:
    showtime = asyncio.run(fresh_showtime(url))
    seats = f"{url}/api/showtimes/{showtime}/seats"
    httpx.get(seats)
    holds = run_wrk(url, seconds, concurrency, "-s", str(HOLD_LUA), script_args=(showtime,))
    maps = run_wrk(seats, seconds, concurrency, "-H", "Accept-Encoding: gzip")
    return {"holds_rps": holds["rps"], "holds_p99": holds["p99"], "holds_errors": holds["errors"],
            "maps_rps": maps["rps"], "maps_p99": maps["p99"], "maps_errors": maps["errors"],
            "server_connections": server_connections(db_url, dbname)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 4, 8])
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 3)))
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--concurrency", type=int, default=16)  # hold.lua gives 16 slots their own seats
    ap.add_argument("--pool", type=int, default=10, help="DB_POOL_MAX per API process")
    ap.add_argument("--bouncer-pool", type=int, default=20, help="PgBouncer's server connections per user/db")
    ap.add_argument("--plot", help="write a chart of the medians (SVG) here")
    ap.add_argument("--plot-only", help="only redraw the chart of the last results (.data/bench/pgbouncer.json)")
    args = ap.parse_args()
    if args.plot_only:
        plot(json.loads(OUT.read_text()), args.plot_only)
        return
    dbname = os.environ.get("BENCH_DB", "marquee_bench_bouncer")
    db_url = fresh_database(dbname, demo=True)
    bouncer = PgBouncer(pool_size=args.bouncer_pool).start()
    sides = {
        "direct": {"DATABASE_URL": db_url},
        "pgbouncer": {"DATABASE_URL": db_url, "API_DATABASE_URL": bouncer.url("booking_api", dbname),
                      "LISTEN_DATABASE_URL": with_user(db_url, "booking_api"), "DB_PREPARED_STATEMENTS": "false"},
    }
    results: dict = {}
    try:
        for n in args.processes:
            for run in range(args.runs):
                for side, env in sides.items():
                    port = free_port()
                    api = start_api({**env, "WEB_CONCURRENCY": str(n), "DB_POOL_MAX": str(args.pool)}, port)
                    try:
                        r = measure(f"http://127.0.0.1:{port}", args.seconds, args.concurrency, db_url, dbname)
                    finally:
                        stop_api(api)
                    r["load"] = os.getloadavg()[0]
                    results.setdefault(f"{side}:{n}", []).append(r)
                    print(f"{side:9} processes={n} run={run + 1}: holds {r['holds_rps']:.0f}/s p99 {r['holds_p99']:.1f} ms, "
                          f"maps {r['maps_rps']:.0f}/s p99 {r['maps_p99']:.1f} ms, server connections "
                          f"{r['server_connections']}, load {r['load']:.1f}", flush=True)
    finally:
        bouncer.stop()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1))
    print(f"\nwrk: {args.concurrency} connections, {args.seconds:g} s per endpoint, medians of {args.runs} runs "
          f"(DB_POOL_MAX={args.pool} per process, PgBouncer pool {args.bouncer_pool})\n")
    print("| API processes | pool | holds/s | hold p99 ms | seat maps/s | map p99 ms | server connections | non-2xx |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n in args.processes:
        for side in sides:
            rs = results[f"{side}:{n}"]
            med = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
            print(f"| {n} | {side} | {med['holds_rps']:.0f} | {med['holds_p99']:.1f} | {med['maps_rps']:.0f} | "
                  f"{med['maps_p99']:.1f} | {med['server_connections']:.0f} | "
                  f"{sum(r['holds_errors'] + r['maps_errors'] for r in rs)} |")
    print(f"\nresults: {OUT.relative_to(ROOT)}")
    if args.plot:
        plot(results, args.plot)


def plot(results: dict, path: str) -> None:
    from plots import COLORS, hbars  # bench/plots.py: the benchmarks' one matplotlib style
    rows = []
    for key, rs in sorted(results.items(), key=lambda kv: (int(kv[0].split(":")[1]), kv[0])):
        side, n = key.split(":")
        rows.append((f"{n} process{'es' if n != '1' else ''}, {side}", statistics.median(r["holds_rps"] for r in rs),
                     COLORS[0] if side == "direct" else COLORS[1]))
    Path(path).write_text(hbars(rows, "POST /api/bookings/hold through PgBouncer vs a direct pool (medians)", "holds/s"))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
