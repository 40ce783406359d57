"""Premiere rush: N simulated buyers race for one 300-seat showtime through the real HTTP API.

Each buyer reads the seat map, picks 1-4 adjacent free seats (never leaving a lone seat, as the web page does),
holds them and confirms; a refused hold (someone was faster) makes it re-read the map and try again, until it has
a booking or the map shows the showtime sold out. Checked afterwards against the database: every seat sold exactly
once, every buyer told "success" has a booking with exactly its seats, and nobody else does; every refused hold
(SEAT_UNAVAILABLE) named a seat that the seat status history shows claimed between the request and its answer (no
false refusal); every answer was 2xx, 409, 429, or 503 with Retry-After (never a timeout, never a 500).
tests/test_rush.py runs a small one in `make test` and asserts all of this.

    .venv/bin/python bench/rush.py                      # 2,000 buyers, 300 seats, 200 at a time
    .venv/bin/python bench/rush.py --buyers 10000       # every buyer answered; API memory flat
Reports time to sell out, hold latency of winners and of losers (p50/p99; in the API from its request log too),
the API's memory, and the CPU time of the load generator next to the server's (the generator must not be the
bottleneck: on 2 cores it should use well under one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib  # noqa: E402

import msgspec  # noqa: E402

from testing.stripe import DEFAULT_API_KEY  # noqa: E402
from testing.data import CHECKS, make_showtime  # noqa: E402
from testing.services import ApiServer  # noqa: E402

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


ALLOWED = {200, 201, 409, 429, 503}  # a 503 must carry Retry-After


def _note(stats: dict, what: str) -> None:
    stats["errors"][what] = stats["errors"].get(what, 0) + 1


class Answer:
    """What a buyer looks at in a response (status, headers, body), read whole before the connection is reused."""

    __slots__ = ("status_code", "headers", "content")

    def __init__(self, status_code: int, headers, content: bytes):
        self.status_code, self.headers, self.content = status_code, headers, content

    def json(self):
        # msgspec (Litestar's own JSON library): a 300-seat map is decoded thousands of times in a rush, and the
        # generator's every cycle is taken from the API and PostgreSQL on 2 cores
        return msgspec.json.decode(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


async def _send(client: aiohttp.ClientSession, stats: dict, method: str, url: str, **kw) -> Answer | None:
    """One request; an answer outside ALLOWED (or none at all) is recorded as a problem."""
    try:
        async with client.request(method, url, **kw) as resp:
            r = Answer(resp.status, resp.headers, await resp.read())
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        stats["no_answer"].append(f"{method} {url.split('?')[0]}: {type(exc).__name__}")
        return None
    stats["statuses"][r.status_code] = stats["statuses"].get(r.status_code, 0) + 1
    if r.status_code not in ALLOWED or (r.status_code == 503 and "retry-after" not in r.headers):
        stats["bad_answers"].append(f"{method} {url.split('?')[0]} -> {r.status_code} {r.text[:120]}")
    return r


async def buyer(client: aiohttp.ClientSession, showtime: str, stats: dict, t0: float) -> None:
    token = uuid.uuid4().hex
    for _ in range(30):
        r = await _send(client, stats, "GET", f"/api/showtimes/{showtime}/seats")
        if r is None:
            return
        if r.status_code != 200:  # 429 / 503: back off as told, then look again
            await asyncio.sleep(float(r.headers.get("retry-after", "1")) * random.random())
            continue
        seats = pick(r.json())
        if seats is None:
            stats["gave_up_sold_out"] += 1
            return
        sent, t = time.time(), time.perf_counter()
        r = await _send(client, stats, "POST", "/api/bookings/hold",
                        json={"showtimeId": showtime, "seatIds": seats, "sessionToken": token})
        lat = time.perf_counter() - t
        if r is None:
            return
        if r.status_code != 201:
            stats["loser_latency"].append(lat)
            code = r.json().get("error", {}).get("code") if r.headers.get("content-type", "").startswith("application/json") else None
            _note(stats, f"hold {r.status_code} {code}")
            if code == "SEAT_UNAVAILABLE":
                stats["refusals"].append({"i": len(stats["refusals"]), "sent": sent, "answered": time.time(),
                                          "seats": r.json()["error"]["details"].get("seatIds") or seats})
            elif r.status_code in (429, 503):
                await asyncio.sleep(float(r.headers.get("retry-after", "1")) * random.random())
            continue
        stats["winner_latency"].append(lat)
        r = await _send(client, stats, "POST", "/api/bookings/confirm", headers={"Idempotency-Key": uuid.uuid4().hex},
                        json={"holdId": r.json()["holdId"], "sessionToken": token,
                              "userDetails": {"email": "rush@example.com", "name": "Rush Buyer"}})
        if r is not None and r.status_code == 201:
            stats["successes"].append((r.json()["bookingId"], seats))
            stats["last_success"] = time.perf_counter() - t0
        elif r is not None:
            _note(stats, f"confirm {r.status_code}")
        return
    stats["gave_up_attempts"] += 1


def _cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return total


def _postgres_pids(url: str) -> list[int]:
    """Every process of the database server the rush runs on (its backends, the API's pool connections among them,
    which live through the rush, and its background processes), not those of other clusters on the machine."""
    with psycopg.connect(url, autocommit=True) as conn:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()")]
        me = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    try:
        pids.append(int(Path(f"/proc/{me}/stat").read_text().rsplit(")", 1)[1].split()[1]))  # the postmaster
    except (OSError, IndexError, ValueError):
        pass
    return pids


def _machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat (idle and iowait count as not busy)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    total = sum(fields[:8]) / tick
    return total - (fields[3] + fields[4]) / tick, total


def _api_pids(api: ApiServer) -> list[int]:
    if not api.proc:
        return []
    out = subprocess.run(["pgrep", "-g", str(api.proc.pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()] or [api.proc.pid]


async def rush(url: str, api: ApiServer, buyers: int, rows: int, concurrency: int,
               extra_pids: tuple[int, ...] = ()) -> dict:
    # one seat map request per attempt: keep the hold TTL long, the rush is about the race; the setting goes back
    # afterwards, since tests/test_rush.py runs this on the database the other tests share
    with psycopg.connect(url, autocommit=True) as conn:
        ttl = conn.execute("SELECT value FROM booking.settings WHERE key = 'hold_ttl_seconds'").fetchone()[0]
        conn.execute("UPDATE booking.settings SET value = '600' WHERE key = 'hold_ttl_seconds'")
    try:
        return await _rush(url, api, buyers, rows, concurrency, extra_pids)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE booking.settings SET value = %s WHERE key = 'hold_ttl_seconds'", (ttl,))


async def _rush(url: str, api: ApiServer, buyers: int, rows: int, concurrency: int,
                extra_pids: tuple[int, ...]) -> dict:
    showtime, codes = make_showtime(url, rows, 20)
    stats = {"successes": [], "loser_latency": [], "winner_latency": [], "errors": {}, "gave_up_sold_out": 0,
             "gave_up_attempts": 0, "last_success": None, "refusals": [], "statuses": {}, "bad_answers": [],
             "no_answer": []}
    sem = asyncio.Semaphore(concurrency)
    rss = []
    # aiohttp, not httpx: its C HTTP parser costs the generator a fraction of httpx's pure-Python h11 per request
    # (measured: docs/benchmarks.md, "The premiere rush"), and on 2 cores every cycle the generator spends is taken
    # from the API and PostgreSQL. Idle connections are dropped before the server's keep-alive ends: reusing one
    # the server is closing at that moment fails.
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=2)
    async with aiohttp.ClientSession(base_url=api.url, connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=60)) as client:
        async with client.get(f"/api/showtimes/{showtime}/seats") as warm:  # warm
            await warm.read()

        async def one():
            async with sem:
                await buyer(client, showtime, stats, t0)

        async def sample_rss():
            while True:
                rss.append(api.rss_kib())
                await asyncio.sleep(0.5)

        sampler = asyncio.create_task(sample_rss())
        pids = _api_pids(api)
        pg_pids = _postgres_pids(url)
        cpu_api0, cpu_me0, cpu_pg0 = _cpu_seconds(pids), time.process_time(), _cpu_seconds(pg_pids)
        cpu_extra0 = _cpu_seconds(list(extra_pids))
        busy0, _ = _machine_busy_seconds()
        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(buyers)))
        elapsed = time.perf_counter() - t0
        cpu_api, cpu_me = _cpu_seconds(pids) - cpu_api0, time.process_time() - cpu_me0
        cpu_pg = _cpu_seconds(pg_pids) - cpu_pg0
        cpu_extra = _cpu_seconds(list(extra_pids)) - cpu_extra0
        busy = _machine_busy_seconds()[0] - busy0
        sampler.cancel()
        async with client.get("/metrics") as m:  # how the rush's seat-map reads were answered (hit / shared / miss)
            seatmap = {line.split('result="')[1].split('"')[0]: float(line.rsplit(" ", 1)[1])
                       for line in (await m.text()).splitlines() if line.startswith("marquee_seatmap_cache_total{")}
    problems = check(url, showtime, codes, stats)
    return {"buyers": buyers, "seats": len(codes), "concurrency": concurrency, "seats_sold": stats.get("sold", 0),
            "bookings": len(stats["successes"]), "sold_out_after_s": round(stats["last_success"] or 0, 2),
            "all_buyers_done_s": round(elapsed, 2),
            "winner_hold_ms_p50": pct(stats["winner_latency"], 50), "winner_hold_ms_p99": pct(stats["winner_latency"], 99),
            "loser_error_ms_p50": pct(stats["loser_latency"], 50), "loser_error_ms_p99": pct(stats["loser_latency"], 99),
            "refused_holds": len(stats["loser_latency"]), "refusals_checked": len(stats["refusals"]),
            "errors": stats["errors"], "statuses": {str(k): v for k, v in sorted(stats["statuses"].items())},
            "gave_up_sold_out": stats["gave_up_sold_out"], "gave_up_after_30_tries": stats["gave_up_attempts"],
            "seatmap_cache": seatmap,
            "api_rss_mib_max": round(max(rss, default=0) / 1024, 1),
            "api_rss_mib_median": round(statistics.median(rss) / 1024, 1) if rss else 0,
            "api_rss_mib_first": round(rss[0] / 1024, 1) if rss else 0,
            "api_cpu_s": round(cpu_api, 2), "postgres_cpu_s": round(cpu_pg, 2),
            "load_generator_cpu_s": round(cpu_me, 2),
            # the fake Stripe (the intent each confirm creates), when it runs in a process of its own (bench/rush.py)
            "fake_stripe_cpu_s": round(cpu_extra, 2) if extra_pids else None,
            # the whole machine's CPU over the rush, in cores (2 = saturated): whatever else ran is in it too
            "machine_busy_cores": round(busy / elapsed, 2) if elapsed else 0,
            "load_generator_cores": round(cpu_me / elapsed, 2) if elapsed else 0,
            "load": os.getloadavg()[0],
            "passed": not problems, "problems": problems[:10]}


def check(url: str, showtime: str, codes: list[str], stats: dict) -> list[str]:
    """Every correctness rule of the rush, as problems (empty: all hold)."""
    with psycopg.connect(url, autocommit=True) as conn:
        sold = conn.execute(CHECKS.seats_sold, {"showtime": showtime}).fetchall()
        false = conn.execute(CHECKS.false_refusals, {"showtime": showtime, "refusals": json.dumps(
            [{**r, "sent": _iso(r["sent"]), "answered": _iso(r["answered"])} for r in stats["refusals"]])}).fetchall()
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
    for i, seats in false:
        problems.append(f"false refusal: {seats} refused though none was claimed then (refusal {i})")
    problems += [f"bad answer: {b}" for b in stats["bad_answers"][:5]]
    problems += [f"no answer: {b}" for b in stats["no_answer"][:5]]
    stats["sold"] = len(owner)
    return problems


def _iso(epoch: float) -> str:
    from datetime import datetime, timezone
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


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


def _run(coro):
    """uvloop where installed (uvicorn's own loop; cheaper for the generator too), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


@contextlib.contextmanager
def _fake_stripe_process():
    """The fake Stripe in a process of its own, so its CPU is not counted as the load generator's and its thread
    does not take the generator's GIL; yields (the API's environment for it, its pid)."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "testing.stripe", "--port", str(port)], stdout=subprocess.PIPE,
                            text=True, cwd=Path(__file__).resolve().parent.parent)
    try:
        line = proc.stdout.readline()
        if "fake Stripe on" not in line:
            raise SystemExit(f"the fake Stripe did not start: {line!r}")
        yield {"STRIPE_API_BASE": line.split(" on ", 1)[1].split(",")[0].strip(), "STRIPE_API_KEY": DEFAULT_API_KEY}, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--buyers", type=int, default=2000)
    ap.add_argument("--rows", type=int, default=15, help="rows of 20 seats (15 = 300 seats)")
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--workers", type=int, default=1, help="API processes (WEB_CONCURRENCY)")
    ap.add_argument("--db", default="marquee_bench_rush")
    args = ap.parse_args()
    url = fresh_database(args.db)
    with _fake_stripe_process() as (stripe_env, stripe_pid):
        api = ApiServer({"DATABASE_URL": url, "WEB_CONCURRENCY": str(args.workers), **stripe_env,
                         "LOG_LEVEL": "warning"}, Path(tempfile.mkdtemp(prefix="marquee_rush_")) / "api.log").start()
        try:
            result = _run(rush(url, api, args.buyers, args.rows, args.concurrency, (stripe_pid,)))
        finally:
            api.stop()
    result.update(server_side(api.log_path))
    print(json.dumps(result, indent=1))
    raise SystemExit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
