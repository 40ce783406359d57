"""Abuse: one client grabbing a whole auditorium, many sessions from one address, huge and malicious payloads.
The limits hold (409 TOO_MANY_SEATS, 429 with Retry-After, 413, 4xx with a stable code, never a 5xx) and other
customers are unaffected. The API runs with a low rate limit and X-Forwarded-For trusted, so each test client
can be its own address."""

import itertools
import uuid

import httpx
import psycopg
import pytest

from testing.data import make_showtime
from testing.services import ApiServer

LIMIT = 20
_NEXT_PAIR = itertools.count()  # each malicious-payload case checks an honest hold of its own pair of row O


@pytest.fixture(scope="module")
def api(db_url, tmp_path_factory):
    server = ApiServer({"DATABASE_URL": db_url, "RATE_LIMIT_PER_MINUTE": str(LIMIT), "TRUST_X_FORWARDED_FOR": "1",
                        "RATE_LIMIT_PREFIX": f"marquee:rl:abuse:{uuid.uuid4().hex}"},
                       tmp_path_factory.mktemp("abuse") / "api.log").start()
    with httpx.Client(base_url=server.url, timeout=20) as client:
        yield client
    server.stop()


@pytest.fixture(scope="module")
def hall(db_url):
    return make_showtime(db_url, 15, 20)  # 300 seats


def hold(api, showtime, seats, ip, token=None):
    return api.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": seats,
                                                "sessionToken": token or uuid.uuid4().hex},
                    headers={"X-Forwarded-For": ip})


def test_one_session_cannot_hold_the_whole_auditorium(api, hall):
    showtime, codes = hall
    for n in (11, 100):
        r = hold(api, showtime, codes[:n], "10.1.0.1")
        assert (r.status_code, r.json()["error"]["code"]) == (409, "TOO_MANY_SEATS"), r.text
    r = hold(api, showtime, codes, "10.1.0.1")  # all 300: refused by the body's own bound (at most 100 seat ids)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "VALIDATION_ERROR"), r.text
    # nor by piling several holds under one session token
    token = uuid.uuid4().hex
    assert hold(api, showtime, codes[20:30], "10.1.0.2", token).status_code == 201
    r = hold(api, showtime, codes[40:50], "10.1.0.2", token)  # re-holding REPLACES the session's hold
    assert r.status_code == 201
    seats = api.get(f"/api/showtimes/{showtime}/seats").json()
    held = {s["id"] for row in seats["layout"]["rows"] for s in row["seats"] if s["status"] == "LOCKED"}
    assert held == set(codes[40:50])


def test_many_sessions_from_one_address_are_rate_limited_and_others_are_not(api, hall):
    showtime, codes = hall
    statuses = [hold(api, showtime, codes[100 + 2 * i:102 + 2 * i], "10.2.0.66").status_code for i in range(LIMIT + 10)]
    assert statuses[:LIMIT] == [201] * LIMIT
    assert set(statuses[LIMIT:]) == {429}
    r = hold(api, showtime, codes[180:182], "10.2.0.66")
    assert r.status_code == 429 and r.json()["error"]["code"] == "RATE_LIMITED" and int(r.headers["Retry-After"]) >= 1
    # another customer meanwhile: served at once
    r = hold(api, showtime, codes[200:202], "10.2.0.7")
    assert r.status_code == 201, r.text
    # the abuser holds at most LIMIT x 2 seats: most of the auditorium is still on sale
    seats = api.get(f"/api/showtimes/{showtime}/seats").json()
    assert seats["availableSeats"] >= 300 - 10 - 2 * LIMIT - 2


@pytest.mark.parametrize("name, body, headers, expected", [
    ("huge body", b'{"showtimeId": "' + b"x" * 200_000 + b'"}', {}, {413}),
    ("deep nesting", b"[" * 50_000 + b"]" * 50_000, {}, {413, 422}),
    ("not json", b"\x00\xff{{{", {}, {422}),
    ("wrong types", b'{"showtimeId": 1, "seatIds": "seat-a1", "sessionToken": []}', {}, {422}),
    ("sql in seat id", b'{"showtimeId": "%s", "seatIds": ["seat-a1\'); DROP TABLE booking.seats; --"], '
                       b'"sessionToken": "t"}', {}, {404, 422}),
    ("nul in token", b'{"showtimeId": "%s", "seatIds": ["seat-a1"], "sessionToken": "a\\u0000b"}', {}, {422}),
    ("huge token", b'{"showtimeId": "%s", "seatIds": ["seat-a1"], "sessionToken": "' + b"t" * 5000 + b'"}', {}, {422}),
    ("101 seats", b'{"showtimeId": "%s", "seatIds": [' + b",".join(b'"seat-a%d"' % i for i in range(101)) +
                  b'], "sessionToken": "t"}', {}, {422}),
    ("bad uuid", b'{"showtimeId": "not-a-uuid", "seatIds": ["seat-a1"], "sessionToken": "t"}', {}, {422}),
    ("wrong content type", b"showtimeId=1", {"Content-Type": "application/x-www-form-urlencoded"}, {415, 422}),
])
def test_malicious_payloads_get_a_clear_4xx(api, hall, db_url, name, body, headers, expected):
    showtime, _ = hall
    body = body.replace(b"%s", showtime.encode()) if b"%s" in body[:200] or b'"%s"' in body else body
    r = api.post("/api/bookings/hold", content=body,
                 headers={"Content-Type": "application/json", "X-Forwarded-For": f"10.3.{uuid.uuid4().int % 250}.1",
                          **headers})
    assert r.status_code in expected, (name, r.status_code, r.text[:300])
    assert r.json()["error"]["code"], r.text[:300]
    with psycopg.connect(db_url, autocommit=True) as conn:  # nothing dropped, nothing half-held
        assert conn.execute("SELECT count(*) FROM booking.seats").fetchone()[0] > 0
    n = next(_NEXT_PAIR) % 10
    r = hold(api, showtime, [f"seat-o{2 * n + 1}", f"seat-o{2 * n + 2}"], f"10.4.{n}.9")
    assert r.status_code == 201, r.text  # the next honest customer is served
