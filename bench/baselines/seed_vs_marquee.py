"""The seed's design (Redis SET NX seat locks + a confirm with a showtime-wide optimistic version check) against
Marquee's (exclusion constraint + per-seat advisory locks), on the same workloads, in one run:

  rush:          N buyers race for 2 random seats each of one 300-seat showtime (lock/hold, then confirm).
  confirm-heavy: N buyers each hold 2 DIFFERENT seats (no seat conflicts at all), then all confirm at once.
                 The seed's version check makes buyers of different seats fail ("showtime was modified").

    .venv/bin/python bench/baselines/seed_vs_marquee.py --buyers 300 --concurrency 32

Prints throughput and outcome counts for both. Needs a migrated database (DATABASE_URL) and Redis (REDIS_URL).
"""

import argparse
import asyncio
import random
import time
import uuid
from pathlib import Path

import psycopg
import redis.asyncio as aioredis
from psycopg_pool import AsyncConnectionPool

HERE = Path(__file__).parent
FUTURE = "now() + interval '30 days'"


# ----------------------------------------------------------------------------- the seed's design
async def seed_lock(r, showtime, seats, token, ttl=300):
    pipe = r.pipeline(transaction=True)
    for s in seats:
        pipe.set(f"lock:showtime:{showtime}:seat:{s}", token, ex=ttl, nx=True)
    results = await pipe.execute()
    if not all(results):
        await seed_release(r, showtime, seats, token)
        return False
    return True


RELEASE_LUA = """if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end"""


async def seed_release(r, showtime, seats, token):
    for s in seats:
        await r.eval(RELEASE_LUA, 1, f"lock:showtime:{showtime}:seat:{s}", token)


async def seed_confirm(pool, r, showtime, seats, token):
    """The seed's confirmBooking: verify locks, insert, then the optimistic version update."""
    async with pool.connection() as conn, conn.transaction():
        row = await (await conn.execute(
            "SELECT version, available_seats FROM seed_baseline.showtimes WHERE id = %s", (showtime,))).fetchone()
        version, available = row
        if available < len(seats):
            return "sold out"
        for s in seats:
            if await r.get(f"lock:showtime:{showtime}:seat:{s}") != token.encode():
                return "locks expired"
        bid = (await (await conn.execute(
            "INSERT INTO seed_baseline.bookings (showtime_id, num_tickets) VALUES (%s, %s) RETURNING id",
            (showtime, len(seats)))).fetchone())[0]
        for s in seats:
            await conn.execute("INSERT INTO seed_baseline.booking_seats VALUES (%s, %s, %s)", (bid, showtime, s))
        cur = await conn.execute(
            "UPDATE seed_baseline.showtimes SET available_seats = available_seats - %s, version = version + 1"
            " WHERE id = %s AND version = %s", (len(seats), showtime, version))
        if cur.rowcount == 0:
            raise RollbackModified()
        return "ok"


class RollbackModified(Exception):
    pass


async def seed_buyer(pool, r, showtime, seats, stats):
    token = uuid.uuid4().hex
    if not await seed_lock(r, showtime, seats, token):
        stats["seat taken"] += 1
        return
    try:
        outcome = await seed_confirm(pool, r, showtime, seats, token)
        stats[outcome] += 1
    except RollbackModified:
        stats["showtime was modified"] += 1
        await seed_release(r, showtime, seats, token)


# ----------------------------------------------------------------------------- Marquee
async def marquee_hold(pool, showtime, seats, token):
    async with pool.connection() as conn:
        try:
            row = await (await conn.execute(
                "SELECT hold_id FROM booking.hold(%s, %s, %s)", (showtime, seats, token))).fetchone()
            return row[0]
        except psycopg.Error as err:
            if err.sqlstate in ("MQ010", "23P01", "40P01"):
                return None
            raise


async def marquee_confirm(pool, hold_id):
    async with pool.connection() as conn:
        try:
            await conn.execute("SELECT * FROM booking.confirm(%s, 'buyer@example.com', 'Bench Buyer')", (hold_id,))
            return "ok"
        except psycopg.Error as err:
            return f"error {err.sqlstate}"


async def marquee_buyer(pool, showtime, seats, stats):
    hold = await marquee_hold(pool, showtime, seats, uuid.uuid4().hex)
    if hold is None:
        stats["seat taken"] += 1
        return
    stats[await marquee_confirm(pool, hold)] += 1


# ----------------------------------------------------------------------------- workloads
async def setup(pool, r):
    async with pool.connection() as conn:
        await conn.execute((HERE / "seed_schema.sql").read_text())
        st = (await (await conn.execute(
            f"""SELECT st.id FROM booking.showtimes st JOIN booking.auditoriums a ON a.id = st.auditorium_id
                 WHERE a.name = 'Grand' AND st.starts_at > {FUTURE} - interval '25 days' ORDER BY st.starts_at DESC
                 LIMIT 2""")).fetchall())
        if len(st) < 2:
            raise SystemExit("needs the demo data (make demo)")
        seats = [s for (s,) in await (await conn.execute(
            "SELECT code FROM booking.seats s JOIN booking.showtimes st ON st.auditorium_id = s.auditorium_id"
            " WHERE st.id = %s AND s.is_active ORDER BY s.y, s.x", (st[0][0],))).fetchall()]
        for (sid,) in st:
            await conn.execute(
                "DELETE FROM booking.seat_claims WHERE showtime_id = %s AND kind = 'HOLD'", (sid,))
            # the seed has no lone-seat rule: compare like with like (random pairs would trip it)
            await conn.execute("SELECT booking.set_lone_seat_rule(%s, false, 'bench')", (sid,))
            await conn.execute(
                "INSERT INTO seed_baseline.showtimes (id, available_seats) VALUES (%s, %s)", (sid, len(seats)))
    await r.delete(*[k async for k in r.scan_iter("lock:showtime:*")] or ["none"])
    return [s for (s,) in st], seats


def pairs(seats, n, distinct):
    if distinct:
        adjacent = [seats[i:i + 2] for i in range(0, len(seats) - 1, 2)]
        return adjacent[:n]
    return [random.sample(seats, 2) for _ in range(n)]


async def run(label, buyer, plans, concurrency):
    stats = {k: 0 for k in ("ok", "seat taken", "showtime was modified", "sold out", "locks expired")}
    stats = _Counter(stats)
    sem = asyncio.Semaphore(concurrency)

    async def one(plan):
        async with sem:
            await buyer(plan, stats)

    t0 = time.perf_counter()
    await asyncio.gather(*(one(p) for p in plans))
    dt = time.perf_counter() - t0
    # buyers/s counts fast failures too; bookings/s is the useful throughput
    print(f"  {label:8} {len(plans) / dt:8.1f} buyers/s {stats['ok'] / dt:8.1f} bookings/s  {dict(stats)}")
    return stats


class _Counter(dict):
    def __missing__(self, key):
        return 0


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--buyers", type=int, default=300)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    from marquee.settings import load
    settings = load()
    url = args.database_url or settings.database_url
    r = aioredis.from_url(settings.redis_url)
    async with AsyncConnectionPool(url, min_size=args.concurrency, max_size=args.concurrency, open=False) as pool:
        (seed_st, ours_st), seats = await setup(pool, r)
        # each design gets its own showtime; a fresh one per workload
        print(f"rush: {args.buyers} buyers x 2 random seats of {len(seats)}, concurrency {args.concurrency}")
        plans = pairs(seats, args.buyers, distinct=False)
        await run("seed", lambda p, s: seed_buyer(pool, r, seed_st, p, s), plans, args.concurrency)
        await run("marquee", lambda p, s: marquee_buyer(pool, ours_st, p, s), plans, args.concurrency)

        (seed_st, ours_st), seats = await setup(pool, r)
        async with pool.connection() as conn:
            for sid in (seed_st, ours_st):
                await conn.execute("UPDATE booking.seat_claims SET during = tstzrange(lower(during), now())"
                                   " WHERE showtime_id = %s AND upper_inf(during) IS NOT NULL AND kind = 'BOOKING'"
                                   " AND during && tstzrange(now(), NULL)", (sid,))
        plans = pairs(seats, args.buyers, distinct=True)
        print(f"confirm-heavy: {len(plans)} buyers x 2 DIFFERENT seats (no seat conflict), concurrency {args.concurrency}")
        seed = await run("seed", lambda p, s: seed_buyer(pool, r, seed_st, p, s), plans, args.concurrency)
        ours = await run("marquee", lambda p, s: marquee_buyer(pool, ours_st, p, s), plans, args.concurrency)
        print(f"  confirms of different seats that failed: seed {seed['showtime was modified']}, "
              f"marquee {len(plans) - ours['ok']}")
    await r.aclose()


if __name__ == "__main__":
    asyncio.run(main())
