"""Warm seat maps come from the API's memory (api/seatmap_cache.py), yet never show a change late:
changes made anywhere arrive by NOTIFY, the client's own writes clear the cache before the answer, and a hold
running out (which writes nothing) ends the cached copy at that instant."""

import re
import time
from datetime import datetime

import httpx
import psycopg
import pytest

from marquee.realtime.seatmap_cache import SeatMapCache



def cache_hits(client: httpx.Client) -> int:
    text = client.get("/metrics").text
    # prometheus_client writes counters as floats (5.0)
    return sum(int(float(n)) for n in re.findall(r'^marquee_seatmap_cache_total\{[^}]*result="hit"\} ([0-9.e+]+)$',
                                                 text, re.M))


def seat_status(client: httpx.Client, showtime: str, seat: str, **headers) -> str:
    body = client.get(f"/api/showtimes/{showtime}/seats", headers=headers).json()
    return next(s["status"] for row in body["layout"]["rows"] for s in row["seats"] if s["id"] == seat)


def wait_for(predicate, timeout: float) -> float:
    start = time.monotonic()
    while not predicate():
        assert time.monotonic() - start < timeout, "condition not met in time"
        time.sleep(0.005)
    return time.monotonic() - start


@pytest.fixture(scope="module")
def slow_cache_api(start_api, api_env, demo_data):
    # No expiry publishing (once an hour) and a long cache age: only seat-change notifications (the elected
    # publisher still polls the status history every 20 ms), the API's own writes and booking.seat_map_next_lapse can
    # end a cached copy.
    return start_api({**api_env, "EXPIRY_POLL_SECONDS": "3600", "SEATMAP_CACHE_SECONDS": "60"})


@pytest.fixture()
def client(slow_cache_api):
    with httpx.Client(base_url=slow_cache_api.url, timeout=10) as c:
        yield c


def test_warm_map_is_served_from_memory_and_a_change_made_in_psql_reaches_it(client, showtime, db):
    url = f"/api/showtimes/{showtime}/seats"
    first = client.get(url).text
    before = cache_hits(client)
    for _ in range(5):
        assert client.get(url).text == first
    assert cache_hits(client) >= before + 5

    # No API request involved: only the seat_changes notification can tell the API.
    db.execute("SELECT booking.hold(%s, ARRAY['seat-c3'], 'psql-session')", (showtime,))
    took = wait_for(lambda: seat_status(client, showtime, "seat-c3") == "LOCKED", timeout=2)
    print(f"\n[seat-map cache] change made in psql visible through the cached map after {took * 1000:.1f} ms")
    db.execute("SELECT booking.release_hold(h.id, 'psql-session') FROM booking.holds h "
               "WHERE h.showtime_id = %s AND h.session_token = 'psql-session'", (showtime,))
    wait_for(lambda: seat_status(client, showtime, "seat-c3") == "AVAILABLE", timeout=2)


def test_own_writes_are_visible_at_once(client, showtime):
    for i in range(1, 16):
        seat = f"seat-d{i}"
        assert seat_status(client, showtime, seat) == "AVAILABLE"  # warm: cached now
        hold = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": [seat],
                                                       "sessionToken": f"ryw-{i}"})
        assert hold.status_code == 201, hold.text
        assert seat_status(client, showtime, seat) == "LOCKED"
        assert seat_status(client, showtime, seat, **{"X-Session-Token": f"ryw-{i}"}) == "SELECTED"
        gone = client.delete(f"/api/bookings/hold/{hold.json()['holdId']}", headers={"X-Session-Token": f"ryw-{i}"})
        assert gone.status_code == 200 and gone.json()["released"] is True, gone.text
        assert seat_status(client, showtime, seat) == "AVAILABLE"


def test_a_hold_running_out_ends_the_cached_copy_without_any_notification(client, showtime, db):
    row = db.execute("SELECT expires_at FROM booking.hold(%s, ARRAY['seat-e5'], 'short-lived', 2)",
                     (showtime,)).fetchone()
    expires_at: datetime = row[0]
    wait_for(lambda: seat_status(client, showtime, "seat-e5") == "LOCKED", timeout=2)
    # the publisher (polling every 20 ms) announces the hold after its commit; that notification drops the copy
    # read meanwhile, so let it arrive before looking at the cache
    time.sleep(0.2)
    seat_status(client, showtime, "seat-e5")
    before = cache_hits(client)
    assert seat_status(client, showtime, "seat-e5") == "LOCKED"
    assert cache_hits(client) > before  # the LOCKED map is cached
    left = expires_at.timestamp() - time.time()
    assert left > 0, "the hold ran out before the test could look at it"
    time.sleep(left + 0.05)
    assert seat_status(client, showtime, "seat-e5") == "AVAILABLE"


def test_a_read_that_raced_a_change_is_not_kept():
    cache = SeatMapCache(60, live=lambda: True)
    ticket = cache.ticket("s1")
    cache.invalidate("s1")  # the change's notification arrived while the read was running
    cache.put("s1", ticket, b"old", b"", "W/1", None)
    assert cache.get("s1") is None
    cache.put("s1", cache.ticket("s1"), b"new", b"", "W/2", None)
    assert cache.get("s1").body == b"new"
    dead = SeatMapCache(60, live=lambda: False)  # no listening connection: nothing is cached
    dead.put("s1", dead.ticket("s1"), b"x", b"", "W/3", None)
    assert dead.get("s1") is None


def test_a_refused_hold_keeps_the_cached_map_and_a_won_seat_given_back_is_not_refused(client, showtime):
    """Issue 16: in a rush most holds are refused; a refusal changes nothing, so it must not drop the cached map
    (before, every write cleared the whole cache). A seat this process gave to a session is only a hint for the
    loser path: once given back it is held again at once, never refused on the stale hint."""
    url = f"/api/showtimes/{showtime}/seats"
    won = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-f1"], "sessionToken": "w1"})
    assert won.status_code == 201, won.text
    time.sleep(0.2)  # the publisher's notification of the hold drops the copy once; let it arrive
    assert seat_status(client, showtime, "seat-f1") == "LOCKED"  # cached now
    before = cache_hits(client)
    for i in range(3):
        lost = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-f1"],
                                                       "sessionToken": f"l{i}"})
        assert lost.status_code == 409 and lost.json()["error"]["code"] == "SEAT_UNAVAILABLE", lost.text
        assert seat_status(client, showtime, "seat-f1") == "LOCKED"
    assert cache_hits(client) >= before + 3

    # the winner moves to another seat (a re-hold gives seat-f1 back): someone else gets seat-f1 at once
    moved = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-f5"], "sessionToken": "w1"})
    assert moved.status_code == 201, moved.text
    again = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-f1"], "sessionToken": "n1"})
    assert again.status_code == 201, again.text
    # released outright: the same
    gone = client.delete(f"/api/bookings/hold/{moved.json()['holdId']}", headers={"X-Session-Token": "w1"})
    assert gone.status_code == 200 and gone.json()["released"] is True, gone.text
    after = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-f5"], "sessionToken": "n2"})
    assert after.status_code == 201, after.text
    assert seat_status(client, showtime, "seat-f5") == "LOCKED"
