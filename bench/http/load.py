"""HTTP load for POST /api/bookings/hold and GET /api/showtimes/{id}/seats (300 seats, warm) vs
GET /api/bench/select1 (SELECT 1 through the same pool and server), same run.

    python bench/http/load.py --url http://127.0.0.1:8000 [--seconds 10] [--concurrency 16]

Each worker holds seats in its own row of a fresh showtime, re-holding with its own session token (a hold
replaces the session's previous one), so every request does the full hold work and none conflict.
Prints a Markdown table: requests/s, p50, p99 per endpoint and the hold/select1 throughput ratio.
"""

import argparse
import asyncio
import os
import statistics
import time
from datetime import datetime, timedelta, timezone

import httpx

ROWS = "ABCDEFGHIJKLMNO"  # the demo Grand: 15 rows x 20 seats; worker w owns half a row (up to 30 workers)


async def phase(c: httpx.AsyncClient, name: str, make, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(w: int):
        nonlocal errors
        i = 0
        while time.perf_counter() < stop:
            method, path, body = make(w, i)
            t0 = time.perf_counter()
            r = await c.request(method, path, json=body)
            latencies.append(time.perf_counter() - t0)
            if r.status_code >= 300:
                errors += 1
            i += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    elapsed = time.perf_counter() - t0
    q = statistics.quantiles(latencies, n=100)
    return {"name": name, "n": len(latencies), "rps": len(latencies) / elapsed, "p50": q[49] * 1000,
            "p99": q[98] * 1000, "errors": errors}


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--showtime", help="a showtime id in an auditorium with rows A-T (default: create one)")
    args = ap.parse_args()
    admin = {"Authorization": f"Bearer {os.environ.get('ADMIN_TOKEN', 'dev-admin-token')}"}
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=args.url, timeout=30, limits=limits) as c:
        showtime = args.showtime or await create_showtime(c, admin)
        select1 = await phase(c, "GET /api/bench/select1", lambda w, i: ("GET", "/api/bench/select1", None),
                              args.seconds, args.concurrency)

        def pair(w, i):
            # two adjacent seats starting at an odd number: moving the pair never leaves a lone empty seat
            row, first = ROWS[w % 15].lower(), 2 * (i % 5) + 1 + 10 * (w // 15 % 2)
            return [f"seat-{row}{first}", f"seat-{row}{first + 1}"]

        def hold(w, i):
            return ("POST", "/api/bookings/hold", {"showtimeId": showtime,
                                                   "seatIds": pair(w, i),
                                                   "sessionToken": f"bench-{w}"})

        holds = await phase(c, "POST /api/bookings/hold", hold, args.seconds, args.concurrency)
        seats_path = f"/api/showtimes/{showtime}/seats"
        await c.get(seats_path)  # warm: plans cached, connections open
        seat_map = await phase(c, "GET /api/showtimes/{id}/seats (300 seats)", lambda w, i: ("GET", seats_path, None),
                               args.seconds, args.concurrency)
    print(f"concurrency {args.concurrency}, {args.seconds:g}s per endpoint, {args.url}\n")
    print("| endpoint | requests | req/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|")
    for p in (select1, holds, seat_map):
        print(f"| {p['name']} | {p['n']} | {p['rps']:.0f} | {p['p50']:.1f} | {p['p99']:.1f} | {p['errors']} |")
    print(f"\nhold / select1 throughput ratio: {holds['rps'] / select1['rps']:.2f}")
    print(f"seat map / select1 throughput ratio: {seat_map['rps'] / select1['rps']:.2f}")


async def create_showtime(c: httpx.AsyncClient, admin: dict) -> str:
    """A fresh showtime in the demo's Grand (300 seats), at a random far-future hour so reruns do not collide."""
    import random
    cinemas = (await c.get("/api/cinemas")).json()
    downtown = next(x for x in cinemas if x["timeZone"] == "America/New_York")
    day = datetime.now(timezone.utc).date().isoformat()
    movies = (await c.get("/api/movies/now-showing", params={"cinema": downtown["id"], "date": day})).json()
    shows = (await c.get(f"/api/showtimes/movie/{movies[0]['id']}", params={"cinema": downtown["id"]})).json()
    grand = next((s for s in shows if s["auditorium"] == "Grand"), None)
    if grand is None:
        raise SystemExit("no Grand showtime today to copy the auditorium from; pass --showtime")
    for _ in range(20):
        starts = datetime(2032, 1, 1, tzinfo=timezone.utc) + timedelta(hours=4 * random.randrange(20000))
        r = await c.post("/api/admin/showtimes", headers=admin, json={
            "movieId": movies[0]["id"], "auditoriumId": grand["auditoriumId"], "startsAt": starts.isoformat(),
            "prices": {"STANDARD": 12.00, "PREMIUM": 15.00, "VIP": 20.00}})
        if r.status_code == 201:
            return r.json()["id"]
    raise SystemExit(f"could not create a showtime: {r.status_code} {r.text}")


if __name__ == "__main__":
    asyncio.run(main())
