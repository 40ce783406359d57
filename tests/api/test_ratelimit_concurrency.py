"""Rate limit shared by several API processes through Redis; 200 parallel holds never double-sell a seat."""

import asyncio
import random
import uuid
from collections import Counter

import httpx

from .conftest import make_showtime


def _hold_body(showtime, seats, token):
    return {"showtimeId": showtime, "seatIds": seats, "sessionToken": token}


def test_limit_holds_across_two_processes_per_ip(start_api, demo_data, grand, db, api_server):
    env = {"RATE_LIMIT_PER_MINUTE": "10", "RATE_LIMIT_PREFIX": f"marquee:rl:test:{uuid.uuid4().hex}"}
    a, b = start_api(env), start_api(env)
    with httpx.Client(base_url=api_server) as admin:
        showtime = make_showtime(admin, grand)
    statuses = []
    with httpx.Client(base_url=a.url) as ca, httpx.Client(base_url=b.url) as cb:
        for i in range(16):  # alternate processes: each one alone would allow 10
            c = ca if i % 2 == 0 else cb
            r = c.post("/api/bookings/hold", json=_hold_body(showtime, [f"seat-j{i + 1}"], f"rl-{i}"))
            statuses.append(r.status_code)
            if r.status_code == 429:
                assert r.json()["error"]["code"] == "RATE_LIMITED" and int(r.headers["retry-after"]) >= 1
    assert Counter(statuses) == {201: 10, 429: 6}, statuses
    # another client address is unaffected
    other = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=a.url, transport=other) as c2:
        r = c2.post("/api/bookings/hold", json=_hold_body(showtime, ["seat-k1"], "other-ip"))
        assert r.status_code == 201, r.text
    # reads are not limited
    with httpx.Client(base_url=b.url) as cb:
        assert cb.get(f"/api/showtimes/{showtime}/seats").status_code == 200


def test_redis_down_fails_open(start_api, demo_data, grand, api_server):
    api = start_api({"RATE_LIMIT_PER_MINUTE": "1", "REDIS_URL": "redis://127.0.0.1:1/0"})
    with httpx.Client(base_url=api_server) as admin:
        showtime = make_showtime(admin, grand)
    with httpx.Client(base_url=api.url) as c:
        codes = [c.post("/api/bookings/hold", json=_hold_body(showtime, [f"seat-l{i}"], f"fo-{i}")).status_code
                 for i in range(1, 4)]
    assert codes == [201, 201, 201]
    assert "rate_limit_fail_open" in api.log_text()


def test_200_parallel_holds_on_overlapping_seats(client, showtime, db, api_server):
    rng = random.Random(7)
    # pairs and quads starting at odd seats of row M: they overlap, and no outcome leaves a lone empty seat
    def block(start, size):
        return [f"seat-m{n}" for n in range(start, start + size)]
    requests = [block(rng.randrange(1, 20, 2), 2) if rng.random() < 0.7 else block(rng.randrange(1, 18, 2), 4)
                for _ in range(200)]

    async def run():
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(base_url=api_server, timeout=60, limits=limits) as c:
            return await asyncio.gather(*[
                c.post("/api/bookings/hold", json=_hold_body(showtime, s, f"par-{i}"))
                for i, s in enumerate(requests)])

    responses = asyncio.run(run())
    codes = Counter(r.status_code for r in responses)
    assert set(codes) <= {201, 409}, codes
    won = [set(r.json()["seats"][i]["id"] for i in range(len(r.json()["seats"])))
           for r in responses if r.status_code == 201]
    held = [s for w in won for s in w]
    assert len(held) == len(set(held)), "a seat was sold twice"
    assert 1 <= len(won) <= 10
    for r in responses:
        if r.status_code == 409:
            e = r.json()["error"]
            assert e["code"] == "SEAT_UNAVAILABLE"
    claims = db.execute("SELECT count(*), count(DISTINCT seat_id) FROM booking.seat_claims WHERE showtime_id = %s",
                        (showtime,)).fetchone()
    assert claims == (len(held), len(held))
