"""Idempotency-Key on confirm, payment and cancel: retries replay the first answer and create nothing twice."""

import json

import psycopg

from marquee.http.idempotency import request_hash


def _hold(client, showtime, seat, token):
    r = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": [seat], "sessionToken": token})
    assert r.status_code == 201, r.text
    return r.json()["holdId"]


def test_confirm_pay_cancel_retries_replay(client, showtime, fake_stripe, db):
    hold_id = _hold(client, showtime, "seat-h1", "idem")
    body = {"holdId": hold_id, "userDetails": {"email": "i@example.com", "name": "I"}, "paymentMethod": "CARD"}
    first = client.post("/api/bookings/confirm", json=body, headers={"Idempotency-Key": "confirm-1"})
    assert first.status_code == 201, first.text
    # same JSON with other key order and spacing is the same request
    retry = client.post("/api/bookings/confirm", headers={"Idempotency-Key": "confirm-1",
                                                          "Content-Type": "application/json"},
                        content=json.dumps(dict(reversed(list(body.items()))), indent=2))
    assert retry.status_code == 201 and retry.json() == first.json()
    assert retry.headers.get("idempotent-replayed") == "true"
    booking = first.json()
    assert db.execute("SELECT count(*) FROM booking.bookings WHERE hold_id = %s", (hold_id,)).fetchone()[0] == 1
    assert fake_stripe.count("POST", "/v1/payment_intents") >= 1
    intents_for_booking = [i for i in fake_stripe.intents.values()
                           if i.get("metadata", {}).get("booking_id") == booking["bookingId"]]
    assert len(intents_for_booking) == 1

    # a different request under the same key is refused
    other = client.post("/api/bookings/confirm", headers={"Idempotency-Key": "confirm-1"},
                        json={**body, "userDetails": {"email": "j@example.com", "name": "J"}})
    assert other.status_code == 422 and other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"

    pay = {"bookingId": booking["bookingId"], "paymentIntentId": booking["paymentIntentId"],
           "paymentMethod": {"type": "card", "token": "tok_visa"}}
    p1 = client.post("/api/payments/process", json=pay, headers={"Idempotency-Key": "pay-1"})
    p2 = client.post("/api/payments/process", json=pay, headers={"Idempotency-Key": "pay-1"})
    assert p1.status_code == p2.status_code == 200 and p1.json() == p2.json()
    assert len(fake_stripe.charges_for(booking["paymentIntentId"])) == 1
    assert db.execute("SELECT count(*) FROM booking.payments WHERE booking_id = %s",
                      (booking["bookingId"],)).fetchone()[0] == 1

    c1 = client.post(f"/api/bookings/{booking['bookingId']}/cancel", json={"reason": "r"},
                     headers={"Idempotency-Key": "cancel-1"})
    c2 = client.post(f"/api/bookings/{booking['bookingId']}/cancel", json={"reason": "r"},
                     headers={"Idempotency-Key": "cancel-1"})
    assert c1.status_code == c2.status_code == 200 and c1.json() == c2.json()
    assert len(fake_stripe.refunds_for(booking["paymentIntentId"])) == 1
    assert db.execute("SELECT count(*) FROM booking.refunds WHERE booking_id = %s",
                      (booking["bookingId"],)).fetchone()[0] == 1
    # without the key, a second cancel is a plain conflict (nothing replayed)
    assert client.post(f"/api/bookings/{booking['bookingId']}/cancel", json={"reason": "r"}).status_code == 409


def test_declined_payment_is_402_and_replayed_errors_stay_errors(client, showtime, fake_stripe, db):
    hold_id = _hold(client, showtime, "seat-h2", "decl")
    booking = client.post("/api/bookings/confirm", json={
        "holdId": hold_id, "userDetails": {"email": "d@example.com", "name": "D"}}).json()
    pay = {"bookingId": booking["bookingId"], "paymentIntentId": booking["paymentIntentId"],
           "paymentMethod": {"type": "card", "token": "tok_chargeDeclined"}}
    r = client.post("/api/payments/process", json=pay, headers={"Idempotency-Key": "pay-declined"})
    assert r.status_code == 402 and r.json()["error"]["code"] == "PAYMENT_DECLINED", r.text
    assert r.json()["error"]["details"]["status"] == "PENDING_PAYMENT"
    again = client.post("/api/payments/process", json=pay, headers={"Idempotency-Key": "pay-declined"})
    assert again.status_code == 402 and again.json() == r.json()
    status = db.execute("SELECT status FROM booking.bookings WHERE id = %s", (booking["bookingId"],)).fetchone()[0]
    assert status == "PENDING_PAYMENT"
    # a new attempt (new key) with a good card succeeds
    ok = client.post("/api/payments/process", headers={"Idempotency-Key": "pay-good"},
                     json={**pay, "paymentMethod": {"type": "card", "token": "tok_visa"}})
    assert ok.status_code == 200 and ok.json()["status"] == "CONFIRMED"
    mismatch = client.post("/api/payments/process", json={**pay, "paymentIntentId": "pi_someone_else"})
    assert mismatch.status_code == 422 and mismatch.json()["error"]["code"] == "PAYMENT_MISMATCH"


def test_in_flight_duplicate_is_409(client, showtime, db_url, db):
    hold_id = _hold(client, showtime, "seat-h3", "flight")
    body = {"holdId": hold_id, "userDetails": {"email": "f@example.com", "name": "F"}}
    raw = json.dumps(body).encode()
    # the first request is "still running": its claim exists without an answer, its session alive
    with psycopg.connect(db_url, autocommit=True) as conn:
        state = conn.execute("SELECT state FROM booking.idempotency_begin('bookings.confirm', 'flight-1', %s)",
                             (request_hash("/api/bookings/confirm", raw),)).fetchone()[0]
        assert state == "NEW"
        r = client.post("/api/bookings/confirm", content=raw, headers={"Idempotency-Key": "flight-1",
                                                                        "Content-Type": "application/json"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "IDEMPOTENCY_IN_PROGRESS"
    assert db.execute("SELECT count(*) FROM booking.bookings WHERE hold_id = %s", (hold_id,)).fetchone()[0] == 0
