"""The HTTP benchmark of bench/http/load.py driven by wrk (a C load generator) instead of Python.

On a 2-core machine a Python client takes a core of its own and caps every endpoint near its own speed, which
squeezes every ratio towards 1; wrk needs a few per cent of a core, so the server is what gets measured.

    python bench/http/wrk_load.py --url http://127.0.0.1:8000 [--seconds 10] [--concurrency 16]
"""

import argparse
import asyncio
import os
import re
import subprocess
from pathlib import Path

import httpx

from load import create_showtime  # noqa: E402 - same directory

HERE = Path(__file__).resolve().parent
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url: str, seconds: float, concurrency: int, *options: str, script_args: tuple[str, ...] = ()) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{concurrency}", f"-d{seconds:g}s", "--latency", *options, url,
                          *(("--", *script_args) if script_args else ())],
                         capture_output=True, text=True, check=True).stdout

    def latency(pct: str) -> float:
        value, unit = re.search(rf"^\s+{pct}%\s+([0-9.]+)(us|ms|s)$", out, re.M).groups()
        return float(value) * _UNITS[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"n": int(re.search(r"(\d+) requests in", out).group(1)),
            "rps": float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1)),
            "p50": latency("50"), "p99": latency("99"), "errors": int(non2xx.group(1)) if non2xx else 0}


async def fresh_showtime(url: str) -> str:
    admin = {"Authorization": f"Bearer {os.environ.get('ADMIN_TOKEN', 'dev-admin-token')}"}
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        return await create_showtime(c, admin)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args()
    showtime = asyncio.run(fresh_showtime(args.url))
    seats = f"{args.url}/api/showtimes/{showtime}/seats"
    httpx.get(seats)  # warm
    results = [
        ("GET /api/bench/select1", run_wrk(f"{args.url}/api/bench/select1", args.seconds, args.concurrency)),
        ("POST /api/bookings/hold", run_wrk(args.url, args.seconds, args.concurrency,
                                            "-s", str(HERE / "hold.lua"), script_args=(showtime,))),
        # browsers always ask for gzip
        ("GET /api/showtimes/{id}/seats (300 seats)", run_wrk(seats, args.seconds, args.concurrency,
                                                              "-H", "Accept-Encoding: gzip")),
    ]
    print(f"wrk: concurrency {args.concurrency}, 2 threads, {args.seconds:g}s per endpoint, {args.url}\n")
    print("| endpoint | requests | req/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, p in results:
        print(f"| {name} | {p['n']} | {p['rps']:.0f} | {p['p50']:.1f} | {p['p99']:.1f} | {p['errors']} |")
    select1, holds, seat_map = (p for _, p in results)
    print(f"\nhold / select1 throughput ratio: {holds['rps'] / select1['rps']:.2f}")
    print(f"seat map / select1 throughput ratio: {seat_map['rps'] / select1['rps']:.2f}")


if __name__ == "__main__":
    main()
