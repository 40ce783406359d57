"""Several API processes on one database (WEB_CONCURRENCY=2, one port): each process listens for itself, so every
watcher sees every change whichever process serves it, and no process keeps serving a stale cached seat map."""

import asyncio
import re
import time
import uuid

import httpx
import pytest

from .clients import SseWatcher


@pytest.fixture(scope="module")
def two_processes(start_api) -> str:
    # a long seat-map cache age: only the notifications can keep both processes' cached maps right
    return start_api({"SSE_HEARTBEAT_SECONDS": "1", "SEATMAP_CACHE_SECONDS": "60"}, workers=2).url


def fresh_connection_get(url: str) -> httpx.Response:
    # a new connection each time, so the kernel hands requests to either process
    return httpx.get(url, headers={"Connection": "close"}, timeout=10)


def seat_status(base: str, showtime: str, seat: str) -> str:
    body = fresh_connection_get(f"{base}/api/showtimes/{showtime}/seats").json()
    return next(s["status"] for row in body["layout"]["rows"] for s in row["seats"] if s["id"] == seat)


async def locked_event(w: SseWatcher, seat: str) -> dict:
    while True:
        event, data, _ = await w.next(timeout=10)
        if event == "seats:updated" and seat in data.get("seatIds", ()):
            return data


async def test_two_processes_fan_out_every_change_and_keep_cached_maps_fresh(two_processes, db, showtime):
    pids = {m for _ in range(30)
            for m in re.findall(r'pid="(\d+)"', fresh_connection_get(f"{two_processes}/metrics").text)}
    assert len(pids) == 2, f"both processes must answer, saw {pids}"
    for _ in range(20):  # warm both processes' seat-map caches
        assert seat_status(two_processes, showtime, "seat-b7") == "AVAILABLE"

    watchers = [await SseWatcher(two_processes, showtime).start() for _ in range(24)]
    try:
        db.execute("SELECT booking.hold(%s, ARRAY['seat-b7'], %s)", (showtime, uuid.uuid4().hex))
        started = time.monotonic()
        events = await asyncio.gather(*(locked_event(w, "seat-b7") for w in watchers))
        assert all(e["status"] == "LOCKED" for e in events), "every watcher, on either process, sees the hold"
        print(f"\n[2 processes] 24 SSE watchers all saw the hold {1000 * (time.monotonic() - started):.0f} ms after it")
        # every later read, whichever process answers, shows it: no cached map outlives the notification
        assert [seat_status(two_processes, showtime, "seat-b7") for _ in range(20)] == ["LOCKED"] * 20
    finally:
        for w in watchers:
            await w.close()
