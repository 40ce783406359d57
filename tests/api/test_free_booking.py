"""A booking with nothing to pay (a promo covering the whole price) is confirmed at once, without the provider."""

import uuid


def test_fully_discounted_booking_is_confirmed_without_payment(client, showtime, db, fake_stripe):
    code = f"FREE{uuid.uuid4().hex[:6].upper()}"
    db.execute("SELECT booking.create_promo_code(%s, 'PERCENT', 100)", (code,))
    hold = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-d1", "seat-d2"],
                                                   "sessionToken": "free-1"}).json()
    price = client.post("/api/pricing/calculate", json={"holdId": hold["holdId"], "promoCode": code}).json()
    assert price["finalAmount"] == 0 and price["discount"] == price["subtotal"] == 24
    intents_before = len(fake_stripe.intents)
    r = client.post("/api/bookings/confirm", json={
        "holdId": hold["holdId"], "userDetails": {"email": "free@example.com", "name": "Free"}, "paymentMethod": "CARD"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "CONFIRMED" and body["paymentIntentId"] is None and '"amount":0.00' in r.text
    assert len(fake_stripe.intents) == intents_before  # the provider was never asked
    status, payment_status = db.execute("SELECT status, payment_status FROM booking.bookings WHERE id = %s",
                                        (body["bookingId"],)).fetchone()
    assert (status, payment_status) == ("CONFIRMED", "PAID")
    seats = client.get(f"/api/showtimes/{showtime}/seats").json()["layout"]["rows"][3]["seats"]
    assert [s["status"] for s in seats[:2]] == ["BOOKED", "BOOKED"]
    # the confirmation email is queued like any paid booking's
    assert db.execute("SELECT count(*) FROM booking.outbox WHERE booking_id = %s AND kind = 'CONFIRMATION'",
                      (body["bookingId"],)).fetchone()[0] == 1
