"""Scenarios: the database or Redis goes away under load.

pg-restart   A PRIVATE PostgreSQL (initdb in a temp dir) is stopped for a few seconds while clients hold, release
             and read seat maps through the API: every answer during the outage is 503 (never 500, never a hang),
             the API recovers by itself within seconds of the server coming back, and the invariant holds.
redis-down   A private redis-server is killed: holds, confirms and payments go on (rate limiting fails open), the
             confirmation mail waits in the outbox, and rate limiting works again once Redis is back.

    .venv/bin/python -m chaos.outages pg-restart [--outage 4]
    .venv/bin/python -m chaos.outages redis-down --database-url postgresql://postgres@127.0.0.1/marquee_perf_chaos
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import psycopg
import redis

from marquee.migrate import migrate

from testing import stripe
from testing.data import invariant_violations, make_showtime
from testing.services import ApiServer, PrivatePostgres, PrivateRedis


async def _client_loop(client: httpx.AsyncClient, showtime: str, codes: list[str], log: list, stop: asyncio.Event):
    """hold two random seats, read the map, release: each answer logged as (time, kind, status)."""
    while not stop.is_set():
        token = uuid.uuid4().hex
        seats = random.sample(codes, 1)
        for kind, req in (("hold", lambda: client.post("/api/bookings/hold", json={
                               "showtimeId": showtime, "seatIds": seats, "sessionToken": token})),
                          ("map", lambda: client.get(f"/api/showtimes/{showtime}/seats"))):
            t = time.monotonic()
            try:
                r = await req()
                status = r.status_code
                if kind == "hold" and status == 201:
                    await client.delete(f"/api/bookings/hold/{r.json()['holdId']}",
                                        headers={"X-Session-Token": token})
            except httpx.TimeoutException:
                status = "timeout"
            except httpx.TransportError:
                status = "transport"
            log.append((t, time.monotonic() - t, kind, status))
        await asyncio.sleep(0.02)


async def pg_restart(*, outage: float = 4.0, clients: int = 6, recover_within: float = 10.0,
                     workdir: Path | None = None) -> dict:
    pg = PrivatePostgres("marquee_chaos_pg").init().start()
    api = None
    try:
        pg.create_db()
        migrate(pg.url, quiet=True)
        showtime, codes = make_showtime(pg.url, 10, 20)
        logdir = workdir or Path(tempfile.mkdtemp(prefix="marquee_chaos_pgr_"))
        api = ApiServer({"DATABASE_URL": pg.url, "DB_POOL_TIMEOUT_SECONDS": "2"}, logdir / "api.log").start()
        log: list = []
        stop = asyncio.Event()
        async with httpx.AsyncClient(base_url=api.url, timeout=10) as client:
            tasks = [asyncio.create_task(_client_loop(client, showtime, codes, log, stop)) for _ in range(clients)]
            await asyncio.sleep(1.5)
            down_at = time.monotonic()
            await asyncio.to_thread(pg.stop, "fast")
            stopped_at = time.monotonic()
            await asyncio.sleep(outage)
            await asyncio.to_thread(pg.start)
            up_at = time.monotonic()
            # recovered = the first successful hold AND map that were sent after the server was back
            recovered_at = None
            while time.monotonic() - up_at < recover_within + 5:
                await asyncio.sleep(0.1)
                ok = {k for t, _, k, s in list(log) if t >= up_at and s in (200, 201)}
                if ok >= {"hold", "map"}:
                    recovered_at = min(t for t, _, k, s in log if t >= up_at and s in (200, 201) and k == "hold")
                    recovered_at = max(recovered_at, min(t for t, _, k, s in log if t >= up_at and s == 200
                                                         and k == "map"))
                    break
            await asyncio.sleep(1.0)
            stop.set()
            await asyncio.gather(*tasks)
        # answered while the server was down (sent after it stopped, answered before it was back); a request that
        # waited in the pool and was served after the restart is a success, not an outage answer
        during = [(s, lat) for t, lat, _, s in log if t >= stopped_at and t + lat < up_at]
        statuses = Counter(str(s) for t, _, _, s in log)
        during_statuses = Counter(str(s) for s, _ in during)
        problems = []
        bad = {s for s in during_statuses if s not in ("503",)}
        if bad:
            problems.append(f"answers during the outage other than 503: {dict(during_statuses)}")
        sent_during = Counter(str(s) for t, _, _, s in log if stopped_at <= t < up_at)
        answered_503 = sum(1 for t, lat, _, s in log if s == 503 and stopped_at <= t + lat < up_at + 0.5)
        if not answered_503:
            problems.append(f"no 503 answered during the outage: {dict(sent_during)}")
        if any(s.startswith("5") and s not in ("503",) for s in statuses) or "transport" in statuses:
            problems.append(f"unexpected answers overall: {dict(statuses)}")
        if recovered_at is None:
            problems.append(f"no recovery within {recover_within + 5}s of the restart")
        recovery = None if recovered_at is None else recovered_at - up_at
        if recovery is not None and recovery > recover_within:
            problems.append(f"recovery took {recovery:.1f}s (> {recover_within}s)")
        max_outage_latency = max((lat for t, lat, _, _ in log if stopped_at <= t < up_at), default=0)
        if max_outage_latency > 5:  # pool timeout 2 s: nobody may hang on a dead database
            problems.append(f"a request took {max_outage_latency:.1f}s during the outage")
        violations = invariant_violations(pg.url, [showtime])
        problems += [f"invariant {k}: {v[:3]}" for k, v in violations.items()]
        return {"scenario": "Postgres restart under load", "passed": not problems,
                "stop_took_s": round(stopped_at - down_at, 2), "outage_s": round(up_at - stopped_at, 2),
                "recovered_after_s": None if recovery is None else round(recovery, 2),
                "answers_during_outage": dict(during_statuses), "requests_sent_during_outage": dict(sent_during),
                "max_latency_during_outage_s": round(max_outage_latency, 2),
                "answers_total": dict(statuses), "problems": problems}
    finally:
        if api:
            api.stop()
        pg.destroy()


def _book(client: httpx.AsyncClient, showtime: str, seats: list[str], ip: str) -> dict:
    """hold -> confirm -> pay through the API from one client address; returns what happened."""
    token = uuid.uuid4().hex
    h = {"X-Forwarded-For": ip}
    t0 = time.monotonic()
    r = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": seats, "sessionToken": token},
                    headers=h)
    if r.status_code != 201:
        return {"step": "hold", "status": r.status_code, "body": r.text[:300]}
    r = client.post("/api/bookings/confirm", json={"holdId": r.json()["holdId"], "sessionToken": token,
                    "userDetails": {"email": "redis-down@example.com", "name": "No Redis"}},
                    headers={**h, "Idempotency-Key": uuid.uuid4().hex})
    if r.status_code != 201:
        return {"step": "confirm", "status": r.status_code, "body": r.text[:300]}
    c = r.json()
    r = client.post("/api/payments/process", json={"bookingId": c["bookingId"], "paymentIntentId": c["paymentIntentId"],
                    "paymentMethod": {"type": "card", "token": "tok_visa"}},
                    headers={**h, "Idempotency-Key": uuid.uuid4().hex})
    return {"step": "pay", "status": r.status_code, "bookingId": c["bookingId"],
            "seconds": round(time.monotonic() - t0, 3), "body": r.text[:300]}


def redis_down(db_url: str, stripe_env: dict[str, str], *, limit: int = 12, workdir: Path | None = None) -> dict:
    red = PrivateRedis().start()
    logdir = workdir or Path(tempfile.mkdtemp(prefix="marquee_chaos_redis_"))
    api = ApiServer({"DATABASE_URL": db_url, "REDIS_URL": red.url, "RATE_LIMIT_PER_MINUTE": str(limit),
                     "TRUST_X_FORWARDED_FOR": "1", "RATE_LIMIT_PREFIX": f"chaos:{uuid.uuid4().hex}",
                     **stripe_env}, logdir / "api.log").start()
    problems = []
    try:
        showtime, codes = make_showtime(db_url, 2, 20)
        with httpx.Client(base_url=api.url, timeout=15) as client:
            before = _book(client, showtime, codes[0:2], "10.9.0.1")
            if before["status"] != 200:
                problems.append(f"booking with Redis up failed: {before}")
            red.stop()
            during = [_book(client, showtime, codes[2 + 2 * i:4 + 2 * i], "10.9.0.2") for i in range(3)]
            for d in during:
                if d["status"] != 200:
                    problems.append(f"booking with Redis down failed: {d}")
            # more requests than the limit from one address while Redis is down: all pass (fail open)
            flood = Counter()
            for _ in range(limit + 3):
                flood[client.get(f"/api/showtimes/{showtime}/seats").status_code] += 1
                r = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["nope"],
                                "sessionToken": "x"}, headers={"X-Forwarded-For": "10.9.0.3"})
                flood[r.status_code] += 1
            if flood.get(429):
                problems.append(f"rate limited while Redis was down: {dict(flood)}")
            with psycopg.connect(db_url, autocommit=True) as conn:
                waiting = [conn.execute("SELECT status FROM booking.outbox WHERE booking_id = %s AND kind = "
                                        "'CONFIRMATION'", (d.get("bookingId"),)).fetchone() for d in during]
            if any(w is None or w[0] != "PENDING" for w in waiting):
                problems.append(f"confirmation mails not waiting in the outbox: {waiting}")
            red.start()  # same port, empty
            time.sleep(5.5)  # the limiter skips Redis for 5 s after a failure
            statuses = [client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["nope"],
                                    "sessionToken": "x"}, headers={"X-Forwarded-For": "10.9.0.4"}).status_code
                        for _ in range(limit + 2)]
            if 429 not in statuses:
                problems.append(f"rate limiting did not come back with Redis: {statuses}")
            keys = redis.Redis.from_url(red.url).keys("chaos:*")
        violations = invariant_violations(db_url, [showtime])
        problems += [f"invariant {k}: {v[:3]}" for k, v in violations.items()]
        return {"scenario": "Redis down", "passed": not problems,
                "booking_seconds_redis_up": before.get("seconds"),
                "booking_seconds_redis_down": [d.get("seconds") for d in during],
                "statuses_over_limit_while_down": dict(flood), "statuses_after_redis_back": dict(Counter(statuses)),
                "rate_limit_keys_after_back": len(keys), "problems": problems}
    finally:
        api.stop()
        red.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", choices=["pg-restart", "redis-down"])
    ap.add_argument("--database-url")
    ap.add_argument("--outage", type=float, default=4.0)
    args = ap.parse_args()
    if args.scenario == "pg-restart":
        result = asyncio.run(pg_restart(outage=args.outage))
    else:
        with stripe.serving() as stripe_env:
            result = redis_down(args.database_url, stripe_env)
    print(json.dumps(result, indent=1, default=str))
    raise SystemExit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
