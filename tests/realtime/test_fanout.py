"""500 concurrent Socket.IO (and 500 SSE) watchers of one showtime all receive every update; commit-to-client latency.

Latency = perf_counter when a client's handler runs - perf_counter just before COMMIT of the hold, both in this
process (no clock skew). All 500 clients live in this one Python process, so the number includes their own
decoding, done one after another on one core: it is an upper bound for what one browser sees.
"""

import asyncio
import json
import statistics
import time
import uuid

import httpx
import socketio

WATCHERS = 500
UPDATES = 10


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def test_500_watchers_all_receive_every_update(rt_api, db, showtime, capsys):
    received: list[dict[str, float]] = [dict() for _ in range(WATCHERS)]
    joined = asyncio.Semaphore(0)
    clients = []

    def make(i):
        c = socketio.AsyncClient(reconnection=False)

        @c.on("seats:updated")
        async def on_update(data):
            received[i][data["seatIds"][0]] = time.perf_counter()

        @c.on("resync")
        async def on_resync(data):
            joined.release()
        return c

    async def start(i):
        c = make(i)
        await c.connect(rt_api, transports=["websocket"], wait_timeout=30)
        await c.emit("watch:showtime", showtime)
        clients.append(c)

    t_connect = time.perf_counter()
    try:
        for batch in range(0, WATCHERS, 50):
            await asyncio.gather(*(start(i) for i in range(batch, min(batch + 50, WATCHERS))))
        for _ in range(WATCHERS):
            await asyncio.wait_for(joined.acquire(), 30)
        connect_seconds = time.perf_counter() - t_connect

        latencies, per_update = [], []
        for n in range(1, UPDATES + 1):
            seat = f"seat-a{n}"
            with db.transaction():
                db.execute("SELECT booking.hold(%s, %s, %s)", (showtime, [seat], uuid.uuid4().hex))
                t_commit = time.perf_counter()
            # leaving the block commits; wait until every watcher has it
            deadline = time.monotonic() + 30
            while sum(seat in r for r in received) < WATCHERS and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            got = [r[seat] - t_commit for r in received if seat in r]
            assert len(got) == WATCHERS, f"update {n}: only {len(got)} of {WATCHERS} watchers received it"
            latencies.extend(got)
            per_update.append(max(got))

        ms = [x * 1000 for x in latencies]
        with capsys.disabled():
            print(f"\n[realtime fan-out] {WATCHERS} Socket.IO watchers x {UPDATES} updates "
                  f"(connect+join {connect_seconds:.1f}s): commit-to-client latency ms "
                  f"p50={pct(ms, 50):.1f} p90={pct(ms, 90):.1f} p99={pct(ms, 99):.1f} max={max(ms):.1f} "
                  f"mean={statistics.mean(ms):.1f}; last watcher per update p50={pct(per_update, 50) * 1000:.1f}")
        assert pct(ms, 99) < 5000
    finally:
        await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)


async def test_500_sse_watchers_all_receive_every_update(rt_api, db, showtime, capsys):
    received: list[dict[str, float]] = [dict() for _ in range(WATCHERS)]
    ready = asyncio.Semaphore(0)
    limits = httpx.Limits(max_connections=WATCHERS + 10, max_keepalive_connections=0)

    async def watch(http: httpx.AsyncClient, i: int):
        async with http.stream("GET", f"{rt_api}/api/showtimes/{showtime}/events") as r:
            assert r.status_code == 200
            event = None
            async for line in r.aiter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "ready":
                    ready.release()
                elif line.startswith("data: ") and event == "seats:updated":
                    received[i][json.loads(line[6:])["seatIds"][0]] = time.perf_counter()

    async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=None), limits=limits) as http:
        tasks = []
        t_connect = time.perf_counter()
        for i in range(WATCHERS):
            tasks.append(asyncio.create_task(watch(http, i)))
            if i % 50 == 49:
                await asyncio.sleep(0.05)
        try:
            for _ in range(WATCHERS):
                await asyncio.wait_for(ready.acquire(), 60)
            connect_seconds = time.perf_counter() - t_connect
            latencies = []
            for n in range(1, UPDATES + 1):
                seat = f"seat-b{n}"
                with db.transaction():
                    db.execute("SELECT booking.hold(%s, %s, %s)", (showtime, [seat], uuid.uuid4().hex))
                    t_commit = time.perf_counter()
                deadline = time.monotonic() + 30
                while sum(seat in r for r in received) < WATCHERS and time.monotonic() < deadline:
                    await asyncio.sleep(0.005)
                got = [r[seat] - t_commit for r in received if seat in r]
                assert len(got) == WATCHERS, f"update {n}: only {len(got)} of {WATCHERS} SSE watchers received it"
                latencies.extend(got)
            ms = [x * 1000 for x in latencies]
            with capsys.disabled():
                print(f"\n[realtime fan-out] {WATCHERS} SSE watchers x {UPDATES} updates "
                      f"(connect {connect_seconds:.1f}s): commit-to-client latency ms "
                      f"p50={pct(ms, 50):.1f} p90={pct(ms, 90):.1f} p99={pct(ms, 99):.1f} max={max(ms):.1f} "
                      f"mean={statistics.mean(ms):.1f}")
            assert pct(ms, 99) < 5000
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
