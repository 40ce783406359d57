"""The waiting room under an on-sale crowd (issue 20, docs/waiting-room.md), through the real HTTP API.

Joiners (the default): N buyers join one premiere's waiting room as fast as the load generator (aiohttp on uvloop,
one process) can send them, in two waves: the first half before the opening (opensAt an hour away), then the
opening is moved to ~30% into the second wave (PUT on-sale, as an operator would; estimated from the first wave's
duration) and the second half joins straight away, so joins are in flight while the draw runs. Measured: joins per second, join latency p50/p99, the API's memory and CPU
next to the load generator's. Checked against the database (every check is a boolean in the output and `passed`):
  distinct_positions    every buyer got its own entry (one queueId each) and a distinct stored position;
  permutation_ok        the entries that joined before opensAt hold positions 1..N exactly (no one lost, no one
                        twice), and the drawn order is not the join order;
  fifo_after_open_ok    after the opening first come first served (a joiner answered before another one's request
                        was sent has the smaller position), and admission order equals position order exactly: the
                        bench then admits everyone (booking_ops.queue_admit, batches) and the entries sorted by
                        admission time are sorted by position, with nobody left waiting.
tests/queue/test_queue_bench.py runs a small one in `make test` and asserts these.

Rush (`--rush`): bench/rush.py's premiere rush (its buyer, its checks) through the waiting room: every buyer joins
before the opening, waits for ADMITTED (GET /api/queue/{id} every --poll s), then runs bench.rush.buyer with
X-Admission-Token on its requests. Reports time to sell out (from the opening), the hold latency of admitted
buyers (p50/p99), the buyers told SOLD_OUT, 0 doubles (bench.rush.check); `--compare` also runs the same rush
without the queue (bench.rush.rush) on a showtime of the same size in the same run.

    nice -n 19 .venv/bin/python bench/queue_join.py --buyers 500              # smoke
    .venv/bin/python bench/queue_join.py                                      # 20,000 joiners (quiet machine)
    .venv/bin/python bench/queue_join.py --rush --buyers 2000 --rows 15 --compare
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marquee.settings import DEV_ADMIN_TOKEN  # noqa: E402
from testing import stripe  # noqa: E402
from testing.data import make_showtime  # noqa: E402
from testing.services import ApiServer  # noqa: E402

from bench.common import fresh_database, pct  # noqa: E402
from bench.rush import _api_pids, _cpu_seconds, _note, _run, _send, buyer, check  # noqa: E402
from bench.rush import rush as plain_rush  # noqa: E402

STRADDLE = 0.3  # the opening comes this far into the second wave (estimated from the first wave's duration)


def _now_iso(seconds: float = 0.0) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).isoformat()


async def _put_on_sale(client: aiohttp.ClientSession, admin_token: str, showtime: str, body: dict) -> dict:
    async with client.put(f"/api/admin/showtimes/{showtime}/on-sale", json=body,
                          headers={"Authorization": f"Bearer {admin_token}"}) as r:
        text = await r.text()
        if r.status != 200:
            raise RuntimeError(f"PUT on-sale -> {r.status} {text[:200]}")
        return json.loads(text)


class _Sampler:
    """The API's resident memory every half second while the load runs."""

    def __init__(self, api: ApiServer):
        self.api, self.rss, self.task = api, [], None

    async def _loop(self):
        while True:
            self.rss.append(self.api.rss_kib())
            await asyncio.sleep(0.5)

    def __enter__(self):
        self.task = asyncio.get_running_loop().create_task(self._loop())
        return self

    def __exit__(self, *exc):
        self.task.cancel()

    def report(self) -> dict:
        rss = self.rss or [0]
        return {"api_rss_mib_first": round(rss[0] / 1024, 1), "api_rss_mib_max": round(max(rss) / 1024, 1),
                "api_rss_mib_median": round(statistics.median(rss) / 1024, 1)}


# ---------------------------------------------------------------------------------------------------------- joiners

async def _join(client: aiohttp.ClientSession, sem: asyncio.Semaphore, showtime: str, token: str, out: list) -> None:
    body = json.dumps({"sessionToken": token}).encode()
    async with sem:
        sent, t = time.time(), time.perf_counter()
        try:
            async with client.post(f"/api/showtimes/{showtime}/queue", data=body,
                                   headers={"Content-Type": "application/json"}) as r:
                status, content = r.status, await r.read()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            out.append({"token": token, "status": None, "error": type(exc).__name__, "sent": sent,
                        "answered": time.time(), "latency": time.perf_counter() - t})
            return
        lat, answered = time.perf_counter() - t, time.time()
    entry = json.loads(content) if status == 201 else {}
    out.append({"token": token, "status": status, "sent": sent, "answered": answered, "latency": lat,
                "queueId": entry.get("queueId"), "error": None if status == 201 else content[:200].decode("utf-8", "replace")})


def _fcfs_violations(late: list[dict]) -> int:
    """Pairs (A answered before B was sent, yet A's position > B's): counted by a sweep, O(n log n)."""
    by_sent = sorted(late, key=lambda j: j["sent"])
    by_answered = sorted(late, key=lambda j: j["answered"])
    bad, i, best = 0, 0, 0  # best: the largest position among joins answered before the current one was sent
    for b in by_sent:
        while i < len(by_answered) and by_answered[i]["answered"] < b["sent"]:
            best = max(best, by_answered[i]["position"])
            i += 1
        if best > b["position"]:
            bad += 1
    return bad


def check_joiners(url: str, showtime: str, joins: list[dict], admit_batch: int) -> dict:
    """Admits everyone (batches, in the database), then every fairness rule as a boolean (see the module doc)."""
    problems = []
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(100):  # the draw has run (the first join after the opening did it); wait for it, briefly
            if conn.execute("SELECT drawn_at IS NOT NULL FROM booking.on_sales WHERE showtime_id = %s",
                            (showtime,)).fetchone()[0]:
                break
            conn.execute("SELECT booking.queue_tick()")
            time.sleep(0.1)
        conn.execute("SELECT booking_ops.queue_pause(%s, true)", (showtime,))  # the API's admitter: no more credit
        while conn.execute("SELECT booking_ops.queue_admit(%s, %s)", (showtime, admit_batch)).fetchone()[0]:
            pass  # each batch in its own transaction: a later admission time
        early_count, opens_at = conn.execute(
            "SELECT early_count, opens_at FROM booking.on_sales WHERE showtime_id = %s", (showtime,)).fetchone()
        rows = conn.execute(
            "SELECT id::text, session_token, position, joined_at < %s AS early, status, admitted_at "
            "FROM booking.queue_entries WHERE showtime_id = %s ORDER BY join_seq", (opens_at, showtime)).fetchall()
    ok = [j for j in joins if j["status"] == 201]
    if len(ok) != len(joins):
        problems.append(f"{len(joins) - len(ok)} joins not answered 201: "
                        f"{sorted({str(j['status']) + ' ' + str(j['error'])[:80] for j in joins if j['status'] != 201})[:3]}")
    by_id = {r[0]: r for r in rows}
    ids = [j["queueId"] for j in ok]
    positions = [r[2] for r in rows]
    distinct = (len(set(ids)) == len(ok) == len(rows) and set(ids) == set(by_id)
                and None not in positions and len(set(positions)) == len(rows)
                and all(by_id[j["queueId"]][1] == j["token"] for j in ok))
    if not distinct:
        problems.append(f"entries {len(rows)}, buyers answered {len(ok)}, distinct queue ids {len(set(ids))}, "
                        f"without a position {positions.count(None)}, distinct positions {len(set(positions) - {None})}")
    # drawn: the entries the opening draw numbered 1..early_count. A join whose clock read "before opensAt" but that
    # reached the schedule row just after the draw committed is placed after the drawn ones (booking.queue_join):
    # counted, not a fault
    early = [r for r in rows if r[3]]
    drawn_rows = [r for r in rows if r[2] is not None and r[2] <= early_count]
    drawn = [r[2] for r in drawn_rows]
    drawn_ids = {r[0] for r in drawn_rows}
    permutation = (sorted(drawn) == list(range(1, early_count + 1)) and all(r[3] for r in drawn_rows)
                   and all(r[2] is not None and r[2] > early_count for r in rows if r[0] not in drawn_ids))
    if not permutation:
        problems.append(f"the draw is not a permutation of 1..{early_count} of those who joined before opensAt")
    if early_count < len(early) * 0.5:
        problems.append(f"only {early_count} of {len(early)} joiners before opensAt were drawn")
    draw_shuffled = len(drawn) < 10 or drawn != sorted(drawn)  # rows are in join order
    if not draw_shuffled:
        problems.append("the drawn order is the join order")
    for j in ok:
        j["position"] = by_id[j["queueId"]][2] if j["queueId"] in by_id else None
    late = [j for j in ok if j["position"] is not None and j["position"] > early_count]
    fcfs_bad = _fcfs_violations(late)
    if fcfs_bad:
        problems.append(f"{fcfs_bad} late joiners placed behind someone who joined after them")
    admitted = sorted((r for r in rows if r[5] is not None), key=lambda r: (r[5], r[2]))
    order = [r[2] for r in admitted]
    still_waiting = sum(1 for r in rows if r[4] == "WAITING")
    admission_in_order = order == sorted(order) and len(order) == len(rows) and still_waiting == 0
    if not admission_in_order:
        inversions = sum(1 for a, b in zip(order, order[1:]) if a > b)
        problems.append(f"admission order is not position order ({inversions} inversions, {len(order)} admitted, "
                        f"{still_waiting} still waiting)")
    return {"entries": len(rows), "early_joiners": early_count, "late_joiners": len(late),
            "joined_before_open_placed_after_draw": len(early) - early_count,
            "distinct_positions": distinct, "permutation_ok": permutation and draw_shuffled,
            "late_fcfs_ok": fcfs_bad == 0, "admission_order_ok": admission_in_order,
            "fifo_after_open_ok": fcfs_bad == 0 and admission_in_order, "problems": problems}


async def joiners(url: str, api: ApiServer, buyers: int, concurrency: int = 200, rows: int = 15,
                  admit_batch: int = 2000) -> dict:
    """N buyers join one waiting room over HTTP (two waves around the opening); returns the report (module doc)."""
    showtime, _codes = make_showtime(url, rows, 20)
    admin = api.env["ADMIN_TOKEN"]
    joins: list[dict] = []
    sem = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=2)
    async with aiohttp.ClientSession(base_url=api.url, connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=120)) as client:
        await _put_on_sale(client, admin, showtime, {"opensAt": _now_iso(3600), "queue": True})
        async with client.get(f"/api/queue/{uuid.uuid4()}") as warm:  # warm (404: not an entry of the run)
            await warm.read()
        tokens = [f"j{i}-{uuid.uuid4().hex[:12]}" for i in range(buyers)]
        first, second = tokens[: buyers // 2], tokens[buyers // 2:]
        pids = _api_pids(api)
        with _Sampler(api) as sampler:
            cpu_api0, cpu_me0 = _cpu_seconds(pids), time.process_time()
            t0 = time.perf_counter()
            await asyncio.gather(*(_join(client, sem, showtime, t, joins) for t in first))
            wave1 = time.perf_counter() - t0
            cpu_api1, cpu_me1 = _cpu_seconds(pids), time.process_time()
            # the opening moves to ~30% into the second wave: its first joins land before it, the rest after, some
            # in flight while the draw runs
            await _put_on_sale(client, admin, showtime, {"opensAt": _now_iso(max(0.02, STRADDLE * wave1)),
                                                         "queue": True})
            cpu_api2, cpu_me2 = _cpu_seconds(pids), time.process_time()
            t1 = time.perf_counter()
            await asyncio.gather(*(_join(client, sem, showtime, t, joins) for t in second))
            wave2 = time.perf_counter() - t1
            cpu_api = _cpu_seconds(pids) - cpu_api2 + cpu_api1 - cpu_api0
            cpu_me = time.process_time() - cpu_me2 + cpu_me1 - cpu_me0
    elapsed = wave1 + wave2
    joins_sorted = [j for j in joins if j["status"] == 201]
    checks = check_joiners(url, showtime, joins, admit_batch)
    lat = [j["latency"] for j in joins_sorted]
    out = {"mode": "joiners", "buyers": buyers, "concurrency": concurrency,
           "joins_per_s": round(len(joins) / elapsed, 1) if elapsed else None,
           "wave1_s": round(wave1, 2), "wave2_s": round(wave2, 2),
           "join_ms_p50": pct(lat, 50), "join_ms_p99": pct(lat, 99), "join_ms_max": pct(lat, 100),
           **sampler.report(),
           "api_cpu_s": round(cpu_api, 2), "load_generator_cpu_s": round(cpu_me, 2),
           "load_generator_cores": round(cpu_me / elapsed, 2) if elapsed else 0,
           "load": os.getloadavg()[0], **checks}
    out["passed"] = not out["problems"] and all(out.get(k) for k in ("distinct_positions", "permutation_ok",
                                                                     "fifo_after_open_ok"))
    out["problems"] = out["problems"][:10]
    return out


# ------------------------------------------------------------------------------------------------------------ rush

class _Admitted:
    """The aiohttp session as an admitted buyer uses it: X-Admission-Token on every request, and the session token
    that joined the queue (the token is bound to it) in place of the one bench.rush.buyer makes up for itself."""

    def __init__(self, client: aiohttp.ClientSession, session_token: str, admission_token: str):
        self.client, self.session_token, self.admission_token = client, session_token, admission_token

    def request(self, method: str, url: str, **kw):
        kw["headers"] = {**(kw.get("headers") or {}), "X-Admission-Token": self.admission_token}
        if isinstance(kw.get("json"), dict) and "sessionToken" in kw["json"]:
            kw["json"] = {**kw["json"], "sessionToken": self.session_token}
        return self.client.request(method, url, **kw)


async def _queued_buyer(client: aiohttp.ClientSession, sem: asyncio.Semaphore, showtime: str, stats: dict,
                        t_open: float, poll: float, deadline: float) -> None:
    token = uuid.uuid4().hex
    for _ in range(10):  # 429 / 503: back off as told, then join again (the same session: the same entry)
        r = await _send(client, stats, "POST", f"/api/showtimes/{showtime}/queue", json={"sessionToken": token})
        if r is None or r.status_code not in (429, 503):
            break
        await asyncio.sleep(float(r.headers.get("retry-after", "1")) * random.random())
    if r is None or r.status_code != 201:
        _note(stats, f"join {r.status_code if r else None}")
        return
    queue_id = r.json()["queueId"]
    entry = r.json()
    while entry["status"] == "WAITING":
        if time.perf_counter() > deadline:
            stats["still_waiting"] += 1
            return
        await asyncio.sleep(poll * (0.5 + random.random()))
        r = await _send(client, stats, "GET", f"/api/queue/{queue_id}")
        if r is None:
            return
        if r.status_code == 200:
            entry = r.json()
    if entry["status"] == "SOLD_OUT":
        stats["told_sold_out"] += 1
        return
    if entry["status"] != "ADMITTED":
        _note(stats, f"queue {entry['status']}")
        return
    stats["admitted_after_open"].append(max(0.0, time.perf_counter() - t_open))
    before = len(stats["successes"])
    async with sem:
        await buyer(_Admitted(client, token, entry["admissionToken"]), showtime, stats, t_open)
    if len(stats["successes"]) == before:  # no booking: give the place to the next buyer, as a browser leaving would
        await _send(client, stats, "DELETE", f"/api/queue/{queue_id}", headers={"X-Session-Token": token})


async def queue_rush(url: str, api: ApiServer, buyers: int, rows: int, concurrency: int = 200,
                     admit_per_minute: int | None = None, poll: float = 1.0, opens_in: float = 2.0,
                     timeout: float = 300.0) -> dict:
    """bench/rush.py's rush, every buyer through the waiting room (module doc); returns the report."""
    with psycopg.connect(url, autocommit=True) as conn:  # as bench.rush.rush: the rush is about the race
        ttl = conn.execute("SELECT value FROM booking.settings WHERE key = 'hold_ttl_seconds'").fetchone()[0]
        conn.execute("UPDATE booking.settings SET value = '600' WHERE key = 'hold_ttl_seconds'")
    try:
        return await _queue_rush(url, api, buyers, rows, concurrency, admit_per_minute, poll, opens_in, timeout)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE booking.settings SET value = %s WHERE key = 'hold_ttl_seconds'", (ttl,))


async def _queue_rush(url, api, buyers, rows, concurrency, admit_per_minute, poll, opens_in, timeout) -> dict:
    showtime, codes = make_showtime(url, rows, 20)
    rate = admit_per_minute or min(100000, 60 * len(codes))
    stats = {"successes": [], "loser_latency": [], "winner_latency": [], "errors": {}, "gave_up_sold_out": 0,
             "gave_up_attempts": 0, "last_success": None, "refusals": [], "statuses": {}, "bad_answers": [],
             "no_answer": [], "told_sold_out": 0, "still_waiting": 0, "admitted_after_open": []}
    sem = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=2)
    async with aiohttp.ClientSession(base_url=api.url, connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=60)) as client:
        await _put_on_sale(client, api.env["ADMIN_TOKEN"], showtime,
                           {"opensAt": _now_iso(opens_in), "queue": True, "admitPerMinute": rate})
        async with client.get(f"/api/showtimes/{showtime}/seats") as warm:
            await warm.read()
        pids = _api_pids(api)
        with _Sampler(api) as sampler:
            cpu_api0, cpu_me0 = _cpu_seconds(pids), time.process_time()
            t0 = time.perf_counter()
            t_open = t0 + opens_in
            await asyncio.gather(*(_queued_buyer(client, sem, showtime, stats, t_open, poll, t0 + timeout)
                                   for _ in range(buyers)))
            elapsed = time.perf_counter() - t0
            cpu_api, cpu_me = _cpu_seconds(pids) - cpu_api0, time.process_time() - cpu_me0
    problems = check(url, showtime, codes, stats)
    finished = (len(stats["successes"]) + stats["told_sold_out"] + stats["gave_up_sold_out"]
                + stats["gave_up_attempts"])
    if stats["still_waiting"]:
        problems.append(f"{stats['still_waiting']} buyers still waiting after {timeout:.0f} s")
    if finished != buyers:
        problems.append(f"{buyers - finished} buyers ended neither with a booking nor told sold out: {stats['errors']}")
    holds = stats["winner_latency"] + stats["loser_latency"]
    return {"mode": "rush through the queue", "buyers": buyers, "seats": len(codes), "concurrency": concurrency,
            "admit_per_minute": rate, "opens_in_s": opens_in, "seats_sold": stats.get("sold", 0),
            "bookings": len(stats["successes"]), "doubles": sum("sold twice" in p for p in problems),
            "sold_out_after_open_s": round(stats["last_success"] or 0, 2),
            "all_buyers_done_s": round(elapsed, 2),
            "admitted": len(stats["admitted_after_open"]), "told_sold_out": stats["told_sold_out"],
            "admitted_after_open_s_p50": pct(stats["admitted_after_open"], 50) and
            round(pct(stats["admitted_after_open"], 50) / 1000, 2),
            "admitted_hold_ms_p50": pct(holds, 50), "admitted_hold_ms_p99": pct(holds, 99),
            "winner_hold_ms_p50": pct(stats["winner_latency"], 50), "winner_hold_ms_p99": pct(stats["winner_latency"], 99),
            "refused_holds": len(stats["loser_latency"]), "refusals_checked": len(stats["refusals"]),
            "gave_up_sold_out": stats["gave_up_sold_out"], "gave_up_after_30_tries": stats["gave_up_attempts"],
            "errors": stats["errors"], "statuses": {str(k): v for k, v in sorted(stats["statuses"].items())},
            **sampler.report(), "api_cpu_s": round(cpu_api, 2), "load_generator_cpu_s": round(cpu_me, 2),
            "load_generator_cores": round(cpu_me / elapsed, 2) if elapsed else 0, "load": os.getloadavg()[0],
            "passed": not problems, "problems": problems[:10]}


def _serve(db: str, workers: int, extra_env: dict | None = None):
    """A fresh database, the fake Stripe and one API on it (as bench/rush.py does): yields (url, api)."""
    import contextlib

    @contextlib.contextmanager
    def cm():
        url = fresh_database(db)
        with stripe.serving() as stripe_env:
            api = ApiServer({"DATABASE_URL": url, "WEB_CONCURRENCY": str(workers), **stripe_env,
                             "LOG_LEVEL": "warning", **(extra_env or {}),
                             # the bootstrap OWNER key is SHA-256 of the ADMIN_TOKEN the migration saw
                             "ADMIN_TOKEN": os.environ.get("ADMIN_TOKEN", DEV_ADMIN_TOKEN)},
                            Path(tempfile.mkdtemp(prefix="marquee_queue_")) / "api.log").start()
            try:
                yield url, api
            finally:
                api.stop()
    return cm()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--buyers", type=int, default=None, help="joiners (default 20000) or rush buyers (default 2000)")
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--rows", type=int, default=15, help="rows of 20 seats (15 = 300 seats)")
    ap.add_argument("--workers", type=int, default=1, help="API processes (WEB_CONCURRENCY)")
    ap.add_argument("--admit-batch", type=int, default=2000, help="joiners: admitted per step in the order check")
    ap.add_argument("--rush", action="store_true", help="the premiere rush through the waiting room")
    ap.add_argument("--compare", action="store_true", help="--rush: also the same rush without the queue")
    ap.add_argument("--admit-per-minute", type=int, default=None,
                    help="--rush: admitPerMinute (default: 60 x seats, so capacity, not the rate, limits admission)")
    ap.add_argument("--poll", type=float, default=1.0, help="--rush: seconds between a waiting buyer's reads")
    ap.add_argument("--admit-seconds", type=float, default=0.5, help="QUEUE_ADMIT_SECONDS of the API")
    ap.add_argument("--db", default="marquee_bench_queue")
    args = ap.parse_args()
    with _serve(args.db, args.workers, {"QUEUE_ADMIT_SECONDS": str(args.admit_seconds)}) as (url, api):
        if args.rush:
            result = _run(queue_rush(url, api, args.buyers or 2000, args.rows, args.concurrency,
                                     admit_per_minute=args.admit_per_minute, poll=args.poll))
            if args.compare:
                plain = _run(plain_rush(url, api, args.buyers or 2000, args.rows, args.concurrency))
                result = {"with_queue": result, "without_queue": plain,
                          "passed": result["passed"] and plain["passed"]}
        else:
            result = _run(joiners(url, api, args.buyers or 20000, args.concurrency, args.rows, args.admit_batch))
    print(json.dumps(result, indent=1))
    raise SystemExit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
