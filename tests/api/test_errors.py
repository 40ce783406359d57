"""Every client mistake answers one JSON error shape with a stable code, never a 500, and writes nothing."""

import time
import uuid

import pytest

from .conftest import ADMIN, snapshot


def err(r, status, code):
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code, body
    return body["error"]


@pytest.fixture()
def unchanged(db):
    before = snapshot(db)
    yield
    assert snapshot(db) == before, "an error left rows behind"


def test_unknown_ids_are_404(client, showtime, unchanged):
    missing = str(uuid.uuid4())
    err(client.get(f"/api/showtimes/{missing}/seats"), 404, "SHOWTIME_NOT_FOUND")
    err(client.get("/api/movies/now-showing", params={"cinema": missing}), 404, "CINEMA_NOT_FOUND")
    err(client.post("/api/bookings/hold", json={"showtimeId": missing, "seatIds": ["seat-a1"], "sessionToken": "t"}),
        404, "SHOWTIME_NOT_FOUND")
    e = err(client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-zz99"],
                                                    "sessionToken": "t"}), 404, "SEAT_NOT_FOUND")
    assert e["details"]
    err(client.post("/api/pricing/calculate", json={"holdId": missing}), 404, "HOLD_NOT_FOUND")
    err(client.post("/api/bookings/confirm", json={"holdId": missing, "userDetails": {"email": "a@b.c", "name": "A"}}),
        404, "HOLD_NOT_FOUND")
    err(client.post(f"/api/bookings/{missing}/cancel", json={"reason": "x"}), 404, "BOOKING_NOT_FOUND")
    err(client.post("/api/payments/process", json={"bookingId": missing, "paymentIntentId": "pi_x",
                                                   "paymentMethod": {"type": "card", "token": "tok_visa"}}),
        404, "BOOKING_NOT_FOUND")
    err(client.get("/api/bookings/BK20310101ABCD", params={"email": "a@b.c"}), 404, "BOOKING_NOT_FOUND")
    err(client.get("/no/such/route"), 404, "NOT_FOUND")
    err(client.delete("/api/cinemas"), 405, "METHOD_NOT_ALLOWED")


def test_seat_taken_is_409_listing_the_seats(client, showtime, db):
    assert client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-d1", "seat-d2"],
                                                   "sessionToken": "first"}).status_code == 201
    before = snapshot(db)
    e = err(client.post("/api/bookings/hold", json={"showtimeId": showtime,
                                                    "seatIds": ["seat-d2", "seat-d3", "seat-d1"],
                                                    "sessionToken": "second"}), 409, "SEAT_UNAVAILABLE")
    assert sorted(e["details"]["seatIds"]) == ["seat-d1", "seat-d2"]
    assert snapshot(db) == before  # all or nothing: seat-d3 was not held either


def test_expired_hold_is_410(client, showtime, db):
    db.execute("UPDATE booking.settings SET value = '1' WHERE key = 'hold_ttl_seconds'")
    try:
        hold = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-e1"],
                                                       "sessionToken": "slow"}).json()
    finally:
        db.execute("UPDATE booking.settings SET value = '300' WHERE key = 'hold_ttl_seconds'")
    time.sleep(1.2)
    before = snapshot(db)
    err(client.post("/api/pricing/calculate", json={"holdId": hold["holdId"]}), 410, "HOLD_EXPIRED")
    err(client.post("/api/bookings/confirm", json={"holdId": hold["holdId"],
                                                   "userDetails": {"email": "s@example.com", "name": "S"}}),
        410, "HOLD_EXPIRED")
    assert snapshot(db) == before
    # the seat is on sale again
    assert client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-e1"],
                                                   "sessionToken": "fast"}).status_code == 201


def test_wrong_session_token_is_403(client, showtime, db):
    hold = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-f1"],
                                                   "sessionToken": "owner"}).json()
    before = snapshot(db)
    url = f"/api/bookings/hold/{hold['holdId']}"
    err(client.delete(url, headers={"X-Session-Token": "thief"}), 403, "HOLD_NOT_YOURS")
    err(client.delete(url), 403, "HOLD_NOT_YOURS")  # the token is required to release
    err(client.post("/api/pricing/calculate", json={"holdId": hold["holdId"], "sessionToken": "thief"}),
        403, "HOLD_NOT_YOURS")
    err(client.post("/api/bookings/confirm", headers={"X-Session-Token": "thief"},
                    json={"holdId": hold["holdId"], "userDetails": {"email": "t@example.com", "name": "T"}}),
        403, "HOLD_NOT_YOURS")
    assert snapshot(db) == before


def test_malformed_and_invalid_bodies_are_422(client, showtime, unchanged):
    post = lambda path, **kw: client.post(path, headers={"Content-Type": "application/json"}, **kw)  # noqa: E731
    err(post("/api/bookings/hold", content=b"{not json"), 422, "VALIDATION_ERROR")
    err(post("/api/bookings/hold", content=b"[]"), 422, "VALIDATION_ERROR")
    err(post("/api/bookings/hold", json={"showtimeId": "not-a-uuid", "seatIds": ["seat-a1"], "sessionToken": "t"}),
        422, "VALIDATION_ERROR")
    err(post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": [], "sessionToken": "t"}),
        422, "VALIDATION_ERROR")
    err(post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-a1"], "sessionToken": ""}),
        422, "VALIDATION_ERROR")
    err(post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": "seat-a1", "sessionToken": "t"}),
        422, "VALIDATION_ERROR")
    err(post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": [f"seat-a{i}" for i in range(1, 12)],
                                         "sessionToken": "t"}), 409, "TOO_MANY_SEATS")
    err(post("/api/bookings/confirm", json={"holdId": str(uuid.uuid4()),
                                            "userDetails": {"email": "not-an-email", "name": "A"}}),
        422, "VALIDATION_ERROR")
    err(post(f"/api/bookings/{uuid.uuid4()}/cancel", json={"refundAmount": "lots"}), 422, "VALIDATION_ERROR")
    err(client.get("/api/movies/now-showing", params={"cinema": "x"}), 422, "VALIDATION_ERROR")
    err(client.get("/api/movies/now-showing"), 422, "VALIDATION_ERROR")
    err(client.get(f"/api/showtimes/{uuid.uuid4()}/seats".replace("-", "z", 1)), 404, "NOT_FOUND")


def test_big_body_is_413(client, showtime, unchanged):
    big = b'{"showtimeId": "' + showtime.encode() + b'", "seatIds": [' + b'"seat-a1",' * 20000 + b'"x"]}'
    err(client.post("/api/bookings/hold", content=big, headers={"Content-Type": "application/json"}),
        413, "PAYLOAD_TOO_LARGE")


def test_admin_needs_the_token(client, grand, unchanged):
    body = {"name": "X", "city": "Y", "timeZone": "Europe/Paris", "currency": "EUR"}
    err(client.post("/api/admin/cinemas", json=body), 401, "UNAUTHORIZED")
    err(client.post("/api/admin/cinemas", json=body, headers={"Authorization": "Bearer wrong"}), 401, "UNAUTHORIZED")
    err(client.post("/api/admin/cinemas", json={**body, "timeZone": "Mars/Olympus"}, headers=ADMIN),
        422, "VALIDATION_ERROR")


def test_database_down_is_503(start_api, demo_data):
    api = start_api({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=1",
                     "DB_POOL_TIMEOUT_SECONDS": "1"})
    import httpx
    with httpx.Client(base_url=api.url, timeout=30) as c:
        err(c.get("/api/cinemas"), 503, "SERVICE_UNAVAILABLE")
        assert c.get("/health/ready").status_code == 503
        assert c.get("/health/live").status_code == 200


def test_payment_provider_down_is_503_and_hold_untouched(start_api, demo_data, grand, db):
    import httpx

    from .conftest import make_showtime
    api = start_api({"STRIPE_API_BASE": "http://127.0.0.1:1", "STRIPE_MAX_NETWORK_RETRIES": "0",
                     "STRIPE_TIMEOUT_SECONDS": "2"})
    with httpx.Client(base_url=api.url, timeout=30) as c:
        showtime = make_showtime(c, grand)
        hold = c.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-g1"],
                                                  "sessionToken": "s"}).json()
        before = snapshot(db)
        err(c.post("/api/bookings/confirm", json={"holdId": hold["holdId"],
                                                  "userDetails": {"email": "d@example.com", "name": "D"}}),
            503, "PAYMENT_PROVIDER_UNAVAILABLE")
        assert snapshot(db) == before
        status = db.execute("SELECT status FROM booking.holds WHERE id = %s", (hold["holdId"],)).fetchone()[0]
        assert status == "ACTIVE"


def test_taken_names_are_409_name_taken(client, unchanged_catalogue):
    """Issue 17's 500: renaming a cinema to another cinema's name. Creating one, an auditorium or a promo code
    with a taken name answers the same code; nothing changes."""
    cinemas = client.get("/api/cinemas").json()
    riverside = next(c for c in cinemas if c["name"] == "Marquee Riverside")
    downtown = next(c for c in cinemas if c["name"] == "Marquee Downtown")
    e = err(client.patch(f"/api/admin/cinemas/{downtown['id']}", headers=ADMIN, json={"name": "Marquee Riverside"}),
            409, "NAME_TAKEN")
    assert e["details"]["field"] == "name"
    assert client.patch(f"/api/admin/cinemas/{riverside['id']}", headers=ADMIN,
                        json={"name": "Marquee Riverside"}).status_code == 200  # its own name: no change
    err(client.post("/api/admin/cinemas", headers=ADMIN, json={"name": " Marquee Riverside ", "city": "X",
                                                                "timeZone": "America/New_York"}), 409, "NAME_TAKEN")
    err(client.post("/api/admin/auditoriums", headers=ADMIN, json={
        "cinemaId": downtown["id"], "name": "Grand", "layout": {"rows": [{"label": "A", "seats": [{"number": 1}]}]}}),
        409, "NAME_TAKEN")
    code = {"code": "TAKEN17", "kind": "FIXED", "value": 1.00}
    assert client.post("/api/admin/promo-codes", headers=ADMIN, json=code).status_code in (201, 409)
    err(client.post("/api/admin/promo-codes", headers=ADMIN, json={**code, "code": "taken17"}), 409, "NAME_TAKEN")


@pytest.fixture()
def unchanged_catalogue(db):
    def names():
        return db.execute("SELECT array_agg(name ORDER BY id) FROM booking.cinemas").fetchone()[0]
    before = names()
    yield
    assert names() == before


def test_schema_valid_bodies_are_decoded_strictly(client, showtime, unchanged):
    """What the document says is what the API takes: no 0 for false, no "90" for 90, no third decimal, one way
    to hold, no NUL."""
    post = lambda path, body: client.post(path, headers=ADMIN, json=body)  # noqa: E731
    err(post("/api/admin/auditoriums/00000000-0000-0000-0000-000000000000/seats/active",
             {"seatIds": ["seat-a1"], "active": 0}), 422, "VALIDATION_ERROR")
    err(post("/api/admin/movies", {"title": "Strict", "durationMinutes": "90"}), 422, "VALIDATION_ERROR")
    err(post("/api/admin/promo-codes", {"code": "STRICT1", "kind": "FIXED", "value": 1.005}), 422, "VALIDATION_ERROR")
    err(client.post("/api/bookings/hold", json={"showtimeId": showtime, "sessionToken": "t", "seatIds": ["seat-a1"],
                                                "bestAvailable": {"quantity": 1}}), 422, "VALIDATION_ERROR")
    err(client.post("/api/bookings/hold", json={"showtimeId": showtime, "sessionToken": "t",
                                                "seatIds": ["seat-a\u0000"]}), 422, "VALIDATION_ERROR")
