"""Premiere rush: N simulated buyers race for one 300-seat showtime through the real HTTP API.

Each buyer reads the seat map, picks 1-4 adjacent free seats (never leaving a lone seat, as the web page does),
holds them and confirms; a refused hold (someone was faster) makes it re-read the map and try again, until it has
a booking or the map shows the showtime sold out. Checked afterwards against the database: every seat sold exactly
once, every buyer told "success" has a booking with exactly its seats, and nobody else does.

    .venv/bin/python bench/rush.py                      # 2,000 buyers, 300 seats, 200 at a time
    .venv/bin/python bench/rush.py --buyers 200 --rows 3 --smoke
Reports time to sell out, hold latency of winners and of losers (p50/p99), and the API's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chaos.infra import CHECKS, ApiServer, make_showtime  # noqa: E402

from bench.common import fresh_database, pct  # noqa: E402


def pick(seatmap: dict) -> list[str] | None:
    """1-4 adjacent AVAILABLE seats at the left edge of a random free run, leaving no lone seat."""
    runs = []
    for row in seatmap["layout"]["rows"]:
        run = []
        for s in row["seats"]:
            if s["status"] == "AVAILABLE":
                run.append(s["id"])
            else:
                if run:
                    runs.append(run)
                run = []
        if run:
            runs.append(run)
    if not runs:
        return None
    run = random.choice(runs)
    k = len(run) if len(run) <= 4 else random.randint(1, min(4, len(run) - 2))
    return run[:k]


async def buyer(client: httpx.AsyncClient, showtime: str, stats: dict, t0: float) -> None:
    token = uuid.uuid4().hex
    for _ in range(30):
        r = await client.get(f"/api/showtimes/{showtime}/seats")
        seats = pick(r.json()) if r.status_code == 200 else None
        if seats is None:
            stats["gave_up_sold_out"] += 1
            return
        t = time.perf_counter()
        r = await client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": seats,
                                                         "sessionToken": token})
        lat = time.perf_counter() - t
        if r.status_code != 201:
            stats["loser_latency"].append(lat)
            stats["errors"][f"hold {r.status_code} {r.json().get('error', {}).get('code')}"] = \
                stats["errors"].get(f"hold {r.status_code} {r.json().get('error', {}).get('code')}", 0) + 1
            continue
        stats["winner_latency"].append(lat)
        r = await client.post("/api/bookings/confirm", headers={"Idempotency-Key": uuid.uuid4().hex}, json={
            "holdId": r.json()["holdId"], "sessionToken": token,
            "userDetails": {"email": "rush@example.com", "name": "Rush Buyer"}})
        if r.status_code == 201:
            stats["successes"].append((r.json()["bookingId"], seats))
            stats["last_success"] = time.perf_counter() - t0
        else:
            stats["errors"][f"confirm {r.status_code}"] = stats["errors"].get(f"confirm {r.status_code}", 0) + 1
        return
    stats["gave_up_attempts"] += 1


async def rush(url: str, api: ApiServer, buyers: int, rows: int, concurrency: int) -> dict:
    showtime, codes = make_showtime(url, rows, 20)
    with psycopg.connect(url, autocommit=True) as conn:
        # one seat map request per attempt: keep the hold TTL long, the rush is about the race
        conn.execute("UPDATE booking.settings SET value = '600' WHERE key = 'hold_ttl_seconds'")
    stats = {"successes": [], "loser_latency": [], "winner_latency": [], "errors": {}, "gave_up_sold_out": 0,
             "gave_up_attempts": 0, "last_success": None}
    sem = asyncio.Semaphore(concurrency)
    rss = []
    async with httpx.AsyncClient(base_url=api.url, timeout=60,
                                 # idle connections are dropped before the server's 5 s keep-alive ends: reusing one
                                 # the server is closing at that moment fails with ReadError
                                 limits=httpx.Limits(max_connections=concurrency, keepalive_expiry=2)) as client:
        await client.get(f"/api/showtimes/{showtime}/seats")  # warm

        async def one():
            async with sem:
                await buyer(client, showtime, stats, t0)

        async def sample_rss():
            while True:
                rss.append(api.rss_kib())
                await asyncio.sleep(0.5)

        sampler = asyncio.create_task(sample_rss())
        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(buyers)))
        elapsed = time.perf_counter() - t0
        sampler.cancel()

    with psycopg.connect(url, autocommit=True) as conn:
        sold = conn.execute(CHECKS.seats_sold, {"showtime": showtime}).fetchall()
    owner = {}
    problems = []
    for code, booking in sold:
        if code in owner:
            problems.append(f"seat {code} sold twice")
        owner[code] = str(booking)
    told = {}
    for booking, seats in stats["successes"]:
        told.update({s: booking for s in seats})
        if any(owner.get(s) != booking for s in seats):
            problems.append(f"buyer told success for {seats} but the database says {[owner.get(s) for s in seats]}")
    if set(owner) != set(told):
        problems.append(f"{len(set(owner) - set(told))} seats sold to nobody who was told so")
    if len(owner) != len(codes):
        problems.append(f"sold {len(owner)} of {len(codes)} seats")
    return {"buyers": buyers, "seats": len(codes), "concurrency": concurrency, "seats_sold": len(owner),
            "bookings": len(stats["successes"]), "sold_out_after_s": round(stats["last_success"] or 0, 2),
            "all_buyers_done_s": round(elapsed, 2),
            "winner_hold_ms_p50": pct(stats["winner_latency"], 50), "winner_hold_ms_p99": pct(stats["winner_latency"], 99),
            "loser_error_ms_p50": pct(stats["loser_latency"], 50), "loser_error_ms_p99": pct(stats["loser_latency"], 99),
            "refused_holds": len(stats["loser_latency"]), "errors": stats["errors"],
            "gave_up_sold_out": stats["gave_up_sold_out"], "gave_up_after_30_tries": stats["gave_up_attempts"],
            "api_rss_mib_max": round(max(rss, default=0) / 1024, 1),
            "api_rss_mib_median": round(statistics.median(rss) / 1024, 1) if rss else 0,
            "passed": not problems, "problems": problems[:10]}


def server_side(log_path: Path) -> dict:
    """Hold latency inside the API (its request log: from the request reaching Litestar to the answer), to tell
    time spent serving a request from time spent queueing for the CPU in the client and the server's event loop."""
    wins, losses = [], []
    for line in log_path.read_text().splitlines():
        if line.startswith('{"event": "request"') and '"route": "/api/bookings/hold"' in line:
            r = json.loads(line)
            (wins if r["status"] == 201 else losses).append(r["durationMs"] / 1000)
    return {"server_winner_hold_ms_p50": pct(wins, 50), "server_winner_hold_ms_p99": pct(wins, 99),
            "server_loser_error_ms_p50": pct(losses, 50), "server_loser_error_ms_p99": pct(losses, 99)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--buyers", type=int, default=2000)
    ap.add_argument("--rows", type=int, default=15, help="rows of 20 seats (15 = 300 seats)")
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--workers", type=int, default=1, help="API processes (WEB_CONCURRENCY)")
    ap.add_argument("--db", default="marquee_bench_rush")
    args = ap.parse_args()
    url = fresh_database(args.db)
    from tests.fakes.stripe_server import DEFAULT_API_KEY, FakeStripe
    fake = FakeStripe()
    fake.start()
    api = ApiServer({"DATABASE_URL": url, "WEB_CONCURRENCY": str(args.workers), "STRIPE_API_BASE": fake.url,
                     "STRIPE_API_KEY": DEFAULT_API_KEY, "LOG_LEVEL": "warning"},
                    Path(tempfile.mkdtemp(prefix="marquee_rush_")) / "api.log").start()
    try:
        result = asyncio.run(rush(url, api, args.buyers, args.rows, args.concurrency))
    finally:
        api.stop()
        fake.stop()
    result.update(server_side(api.log_path))
    print(json.dumps(result, indent=1))
    raise SystemExit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
