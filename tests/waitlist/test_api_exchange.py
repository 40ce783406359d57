"""POST /api/bookings/{bookingId}/exchange over HTTP (issue 21): bookings paid through the API and the fake Stripe,
moved within a showtime and to another one, a cheaper move refunded through the provider, a dearer one held until
its difference is paid (then swapped; declined, never paid or paid late: the booking as it was), every refusal a
stable error with nothing changed, and the Idempotency-Key replay."""

import time
import uuid

import httpx
import psycopg
import pytest
from psycopg.types.json import Jsonb


@pytest.fixture(scope="module")
def api(api_server):
    with httpx.Client(base_url=api_server, timeout=30) as c:
        yield c


@pytest.fixture
def world(db_url):
    """Two showtimes of one cinema (A1-A4 STANDARD 10.00, B1-B2 PREMIUM 14.00), one of another cinema."""
    tag = uuid.uuid4().hex[:8]
    layout = {"rows": [{"label": "A", "seats": [{"number": n} for n in range(1, 5)]},
                       {"label": "B", "seats": [{"number": n, "type": "PREMIUM"} for n in range(1, 3)]}]}
    prices = Jsonb({"STANDARD": 10.00, "PREMIUM": 14.00})
    with psycopg.connect(db_url, autocommit=True) as conn:
        def show(cinema_name, hours):
            cinema = conn.execute("SELECT booking.create_cinema(%s, 'X', 'Europe/London', 'GBP')",
                                  (f"{cinema_name} {tag}",)).fetchone()[0]
            aud = conn.execute("SELECT booking.create_auditorium(%s, 'Hall', %s)", (cinema, Jsonb(layout))).fetchone()[0]
            return cinema, aud
        cinema, aud = show("Exchange", 0)
        _, other_aud = show("Elsewhere", 0)
        movie = conn.execute("SELECT booking.create_movie(%s, 95)", (f"Exchange {tag}",)).fetchone()[0]
        make = "SELECT booking.create_showtime(%s, %s, date_trunc('hour', now()) + %s::interval, %s)"
        first = conn.execute(make, (movie, aud, "3 days", prices)).fetchone()[0]
        second = conn.execute(make, (movie, aud, "4 days", prices)).fetchone()[0]
        other = conn.execute(make, (movie, other_aud, "3 days", prices)).fetchone()[0]
        soon = conn.execute(make, (movie, aud, "1 hour", prices)).fetchone()[0]
        yield {"first": str(first), "second": str(second), "other": str(other), "soon": str(soon), "db": conn}


def _book(api, showtime, seats) -> dict:
    session = uuid.uuid4().hex
    hold = api.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": seats, "sessionToken": session})
    assert hold.status_code == 201, hold.text
    email = f"x{uuid.uuid4().hex[:6]}@example.com"
    conf = api.post("/api/bookings/confirm", json={"holdId": hold.json()["holdId"],
                                                   "userDetails": {"email": email, "name": "Ex Change"}})
    assert conf.status_code == 201, conf.text
    c = conf.json()
    pay = api.post("/api/payments/process", json={"bookingId": c["bookingId"], "paymentIntentId": c["paymentIntentId"],
                                                  "paymentMethod": {"type": "card", "token": "tok_visa"}})
    assert pay.status_code == 200, pay.text
    return {**c, "email": email}


def _exchange(api, booking_id, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(f"/api/bookings/{booking_id}/exchange", json=body, headers=headers)


def test_cheaper_move_to_another_showtime_is_refunded(api, world):
    b = _book(api, world["first"], ["seat-b1", "seat-b2"])
    key = uuid.uuid4().hex
    r = _exchange(api, b["bookingId"], {"showtimeId": world["second"],
                                        "bestAvailable": {"quantity": 2, "together": True, "types": ["STANDARD"]}}, key)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["bookingReference"] == b["bookingReference"] and body["status"] == "CONFIRMED"
    assert body["showtimeId"] == world["second"] and len(body["seats"]) == 2
    assert body["priceDifference"] == -8.0 and body["refundAmount"] == 8.0
    assert body["refundStatus"] == "SUCCEEDED"
    # the reference finds the moved booking; the old seats are on sale again
    found = api.get(f"/api/bookings/{b['bookingReference']}", params={"email": b["email"]}).json()
    assert found["showtimeId"] == world["second"] and found["bookingId"] == body["bookingId"]
    seats = {r[0]: r[1] for r in world["db"].execute("SELECT seat_id, status FROM booking.seat_map(%s)", (world["first"],))}
    assert seats["seat-b1"] == seats["seat-b2"] == "AVAILABLE"
    # the same key replays the answer, the booking does not move twice
    again = _exchange(api, b["bookingId"], {"showtimeId": world["second"],
                                            "bestAvailable": {"quantity": 2, "together": True, "types": ["STANDARD"]}}, key)
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["bookingId"] == body["bookingId"]


def test_equal_move_within_the_showtime(api, world):
    b = _book(api, world["first"], ["seat-a1", "seat-a2"])
    r = _exchange(api, b["bookingId"], {"showtimeId": world["first"], "seatIds": ["seat-a3", "seat-a4"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["bookingId"] == b["bookingId"] and body["priceDifference"] == 0 and "refundAmount" not in body
    assert sorted(s["id"] for s in body["seats"]) == ["seat-a3", "seat-a4"]


@pytest.mark.parametrize("case, status, code", [
    ("taken", 409, "SEAT_UNAVAILABLE"),
    ("other_cinema", 422, "EXCHANGE_OTHER_CINEMA"),
    ("unknown_seat", 404, "SEAT_NOT_FOUND"),
    ("unknown_showtime", 404, "SHOWTIME_NOT_FOUND"),
    ("both", 422, "VALIDATION_ERROR"),
])
def test_refusals_change_nothing(api, world, case, status, code):
    b = _book(api, world["first"], ["seat-a1"])
    _book(api, world["first"], ["seat-a2"])
    body = {"taken": {"showtimeId": world["first"], "seatIds": ["seat-a2"]},
            "other_cinema": {"showtimeId": world["other"], "seatIds": ["seat-a1"]},
            "unknown_seat": {"showtimeId": world["first"], "seatIds": ["seat-z9"]},
            "unknown_showtime": {"showtimeId": str(uuid.uuid4()), "seatIds": ["seat-a1"]},
            "both": {"showtimeId": world["first"], "seatIds": ["seat-a3"], "bestAvailable": {"quantity": 1}}}[case]
    r = _exchange(api, b["bookingId"], body)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code
    if case == "taken":
        assert err["details"]["seatIds"] == ["seat-a2"]
    found = api.get(f"/api/bookings/{b['bookingReference']}", params={"email": b["email"]}).json()
    assert found["showtimeId"] == world["first"] and [s["id"] for s in found["seats"]] == ["seat-a1"]


def test_not_confirmed_and_unknown_and_too_late(api, world):
    r = _exchange(api, uuid.uuid4(), {"showtimeId": world["first"], "seatIds": ["seat-a1"]})
    assert r.status_code == 404 and r.json()["error"]["code"] == "BOOKING_NOT_FOUND"
    session = uuid.uuid4().hex
    hold = api.post("/api/bookings/hold", json={"showtimeId": world["first"], "seatIds": ["seat-a4"], "sessionToken": session})
    conf = api.post("/api/bookings/confirm", json={"holdId": hold.json()["holdId"],
                                                   "userDetails": {"email": "p@example.com", "name": "Pending"}}).json()
    r = _exchange(api, conf["bookingId"], {"showtimeId": world["second"], "seatIds": ["seat-a1"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "BOOKING_NOT_CONFIRMED"
    late = _book(api, world["soon"], ["seat-a1"])
    r = _exchange(api, late["bookingId"], {"showtimeId": world["second"], "seatIds": ["seat-a1"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "TOO_LATE_TO_EXCHANGE"


def _pay(api, booking_id, intent_id, token="tok_visa"):
    return api.post("/api/payments/process", json={"bookingId": booking_id, "paymentIntentId": intent_id,
                                                   "paymentMethod": {"type": "card", "token": token}})


def _seats(world, showtime) -> dict:
    return {r[0]: r[1] for r in world["db"].execute("SELECT seat_id, status FROM booking.seat_map(%s)", (showtime,))}


def _found(api, b) -> dict:
    return api.get(f"/api/bookings/{b['bookingReference']}", params={"email": b["email"]}).json()


def _dearer(api, world, b, key=None):
    """b (on A1 of the first showtime, 10.00) asks for B1 of the second (14.00): 202, 4.00 to pay."""
    r = _exchange(api, b["bookingId"], {"showtimeId": world["second"], "seatIds": ["seat-b1"]}, key)
    assert r.status_code == 202, r.text
    return r.json()


def test_dearer_answers_202_and_holds_the_new_seats(api, world):
    b = _book(api, world["first"], ["seat-a1"])
    key = uuid.uuid4().hex
    body = _dearer(api, world, b, key)
    assert set(body) >= {"bookingId", "bookingReference", "status", "showtimeId", "seats", "priceDifference",
                         "paymentIntentId", "exchangeId", "paymentDeadline"}
    assert body["status"] == "PENDING_PAYMENT" and body["bookingId"] == b["bookingId"]
    assert body["bookingReference"] == b["bookingReference"] and body["showtimeId"] == world["second"]
    assert body["priceDifference"] == 4.0 and [s["id"] for s in body["seats"]] == ["seat-b1"]
    assert body["paymentIntentId"].startswith("pi_") and body["paymentIntentId"] != b["paymentIntentId"]
    # the booking stays CONFIRMED on its old seat; the new one is claimed (a buyer is refused)
    found = _found(api, b)
    assert found["status"] == "CONFIRMED" and found["showtimeId"] == world["first"]
    assert [s["id"] for s in found["seats"]] == ["seat-a1"]
    assert _seats(world, world["second"])["seat-b1"] == "LOCKED"
    rival = api.post("/api/bookings/hold", json={"showtimeId": world["second"], "seatIds": ["seat-b1"],
                                                "sessionToken": uuid.uuid4().hex})
    assert rival.status_code == 409 and rival.json()["error"]["code"] == "SEAT_UNAVAILABLE"
    # the same key replays the answer; another exchange meanwhile waits for this one
    again = _dearer(api, world, b, key)
    assert again == body
    other = _exchange(api, b["bookingId"], {"showtimeId": world["second"], "seatIds": ["seat-b2"]})
    assert other.status_code == 409 and other.json()["error"]["code"] == "EXCHANGE_PENDING"
    assert other.json()["error"]["details"]["exchangeId"] == body["exchangeId"]


def test_dearer_paid_swaps_the_seats(api, world, fake_stripe):
    b = _book(api, world["first"], ["seat-a1"])
    body = _dearer(api, world, b)
    pay = _pay(api, b["bookingId"], body["paymentIntentId"])
    assert pay.status_code == 200, pay.text
    assert pay.json() == {"success": True, "bookingReference": b["bookingReference"], "status": "CONFIRMED"}
    found = _found(api, b)
    assert found["status"] == "CONFIRMED" and found["showtimeId"] == world["second"]
    assert [s["id"] for s in found["seats"]] == ["seat-b1"] and found["amount"] == 14.0
    assert _seats(world, world["first"])["seat-a1"] == "AVAILABLE"
    assert _seats(world, world["second"])["seat-b1"] == "BOOKED"
    assert len(fake_stripe.charges_for(body["paymentIntentId"])) == 1
    db = world["db"]
    # the old seat's ticket is VOID, the new seat has a ticket
    assert [(t["seatId"], t["status"]) for t in found["tickets"]] == [("seat-b1", "VALID")]
    assert db.execute("SELECT count(*), count(voided_at) FROM booking.tickets WHERE booking_id = %s",
                      (b["bookingId"],)).fetchone() == (1, 1)
    assert db.execute("SELECT status FROM booking.exchanges WHERE id = %s", (body["exchangeId"],)).fetchone()[0] == "COMPLETED"
    assert db.execute("SELECT count(*) FROM booking.outbox WHERE kind = 'EXCHANGE' AND booking_id = %s",
                      (found["bookingId"],)).fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM booking.seat_status_history WHERE reason = 'EXCHANGED' AND booking_id IN (%s, %s)",
                      (b["bookingId"], found["bookingId"])).fetchone()[0] == 2
    # paying again charges nothing
    again = _pay(api, b["bookingId"], body["paymentIntentId"])
    assert again.status_code == 200 and again.json()["status"] == "CONFIRMED"
    assert len(fake_stripe.charges_for(body["paymentIntentId"])) == 1


def test_dearer_declined_changes_nothing(api, world):
    b = _book(api, world["first"], ["seat-a1"])
    body = _dearer(api, world, b)
    r = _pay(api, b["bookingId"], body["paymentIntentId"], token="tok_chargeDeclined")
    assert r.status_code == 402 and r.json()["error"]["code"] == "PAYMENT_DECLINED", r.text
    found = _found(api, b)
    assert found["status"] == "CONFIRMED" and found["showtimeId"] == world["first"]
    assert [s["id"] for s in found["seats"]] == ["seat-a1"] and found["amount"] == 10.0
    assert _seats(world, world["second"])["seat-b1"] == "LOCKED"  # still held: another card may be tried
    ok = _pay(api, b["bookingId"], body["paymentIntentId"])
    assert ok.status_code == 200, ok.text
    assert [s["id"] for s in _found(api, b)["seats"]] == ["seat-b1"]


@pytest.fixture
def short_payment_window(world):
    db = world["db"]
    old = db.execute("SELECT value FROM booking.settings WHERE key = 'payment_window_seconds'").fetchone()[0]
    db.execute("UPDATE booking.settings SET value = '2' WHERE key = 'payment_window_seconds'")
    yield 2
    db.execute("UPDATE booking.settings SET value = %s WHERE key = 'payment_window_seconds'", (old,))


def test_dearer_never_paid_leaves_the_booking_as_it_was(api, world, short_payment_window, fake_stripe, api_server):
    b = _book(api, world["first"], ["seat-a1"])
    body = _dearer(api, world, b)
    time.sleep(short_payment_window + 0.5)
    world["db"].execute("SELECT * FROM booking.expire_overdue_payments()")
    assert world["db"].execute("SELECT status FROM booking.exchanges WHERE id = %s",
                               (body["exchangeId"],)).fetchone()[0] == "EXPIRED"
    found = _found(api, b)
    assert found["status"] == "CONFIRMED" and found["showtimeId"] == world["first"]
    assert [s["id"] for s in found["seats"]] == ["seat-a1"] and found["amount"] == 10.0
    assert _seats(world, world["second"])["seat-b1"] == "AVAILABLE"
    r = _pay(api, b["bookingId"], body["paymentIntentId"])
    assert r.status_code == 410 and r.json()["error"]["code"] == "PAYMENT_WINDOW_EXPIRED", r.text
    assert fake_stripe.charges_for(body["paymentIntentId"]) == []
    # paid at Stripe anyway before the job cancelled the intent: the webhook refunds it in full, nothing moves
    status, _h, _b = fake_stripe.handle("POST", f"/v1/payment_intents/{body['paymentIntentId']}/confirm",
                                        {"Authorization": f"Bearer {fake_stripe.api_key}"},
                                        [("payment_method", "tok_visa")])
    assert status == 200
    [event] = fake_stripe.events_for(body["paymentIntentId"], "payment_intent.succeeded")
    code, result = fake_stripe.send_webhook(api_server + "/api/payments/webhook", event)
    assert code == 200 and result["outcome"] == "APPLIED", result
    [refund] = fake_stripe.refunds_for(body["paymentIntentId"])
    assert refund["amount"] == 400
    assert [s["id"] for s in _found(api, b)["seats"]] == ["seat-a1"]


def test_dearer_paid_through_the_webhook(api, world, fake_stripe, api_server):
    b = _book(api, world["first"], ["seat-a1"])
    body = _dearer(api, world, b)
    status, _h, _b = fake_stripe.handle("POST", f"/v1/payment_intents/{body['paymentIntentId']}/confirm",
                                        {"Authorization": f"Bearer {fake_stripe.api_key}"},
                                        [("payment_method", "tok_visa")])
    assert status == 200
    [event] = fake_stripe.events_for(body["paymentIntentId"], "payment_intent.succeeded")
    code, result = fake_stripe.send_webhook(api_server + "/api/payments/webhook", event)
    assert code == 200 and result["outcome"] == "APPLIED", result
    found = _found(api, b)
    assert found["showtimeId"] == world["second"] and [s["id"] for s in found["seats"]] == ["seat-b1"]
    # the process call afterwards (or a redelivery) swaps nothing more and charges nothing more
    code, again = fake_stripe.send_webhook(api_server + "/api/payments/webhook", event)
    assert code == 200 and again["outcome"] == "DUPLICATE"
    pay = _pay(api, b["bookingId"], body["paymentIntentId"])
    assert pay.status_code == 200 and pay.json()["status"] == "CONFIRMED", pay.text
    assert len(fake_stripe.charges_for(body["paymentIntentId"])) == 1
    assert world["db"].execute("SELECT count(*) FROM booking.bookings WHERE reference = %s AND status = 'CONFIRMED'",
                               (b["bookingReference"],)).fetchone()[0] == 1


def test_dearer_paid_after_3d_secure(api, world, fake_stripe):
    b = _book(api, world["first"], ["seat-a1"])
    body = _dearer(api, world, b)
    r = _pay(api, b["bookingId"], body["paymentIntentId"], token="tok_threeDSecure2Required")
    assert r.status_code == 202 and r.json()["status"] == "REQUIRES_ACTION", r.text
    assert r.json()["bookingStatus"] == "CONFIRMED" and r.json()["paymentDeadline"] == body["paymentDeadline"]
    assert [s["id"] for s in _found(api, b)["seats"]] == ["seat-a1"]  # nothing moves before the money
    fake_stripe.complete_3ds(body["paymentIntentId"])
    done = api.post("/api/payments/process", json={"bookingId": b["bookingId"],
                                                   "paymentIntentId": body["paymentIntentId"]})
    assert done.status_code == 200 and done.json()["status"] == "CONFIRMED", done.text
    assert [s["id"] for s in _found(api, b)["seats"]] == ["seat-b1"]
