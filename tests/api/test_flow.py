"""The seed's six steps over real HTTP, then cancel and refund; the seat map's statuses, ETag and compression."""

import gzip
import re
import uuid

import httpx

import psycopg

from .conftest import ADMIN, make_showtime


def test_full_booking_flow_then_cancel_and_refund(client, showtime, fake_stripe, db_url):
    # Step 1: browse. The showtime is on the list of its movie at its cinema on its local date.
    cinemas = client.get("/api/cinemas").json()
    downtown = next(c for c in cinemas if c["timeZone"] == "America/New_York")
    assert set(downtown) == {"id", "name", "city", "timeZone", "currency"}
    with psycopg.connect(db_url) as conn:
        movie_id, local_date = conn.execute(
            "SELECT st.movie_id, (st.starts_at AT TIME ZONE 'America/New_York')::date FROM booking.showtimes st "
            "WHERE st.id = %s", (showtime,)).fetchone()
    movies = client.get("/api/movies/now-showing", params={"cinema": downtown["id"], "date": str(local_date)})
    assert movies.status_code == 200 and str(movie_id) in {m["id"] for m in movies.json()}
    shows = client.get(f"/api/showtimes/movie/{movie_id}", params={"cinema": downtown["id"], "date": str(local_date)})
    mine = next(s for s in shows.json() if s["id"] == showtime)
    assert mine["totalSeats"] == 300 and mine["availableSeats"] == 300 and mine["auditorium"] == "Grand"
    assert mine["startsAt"].endswith("-05:00")  # the cinema's own offset (January in New York)

    # Step 2: seat map in the seed's shape, money written with two decimals.
    r = client.get(f"/api/showtimes/{showtime}/seats")
    assert r.status_code == 200
    body = r.json()
    assert body["showtimeId"] == showtime and body["totalSeats"] == 300 and body["availableSeats"] == 300
    a1 = body["layout"]["rows"][0]["seats"][0]
    assert body["layout"]["rows"][0]["label"] == "A"
    assert {"id", "seatNumber", "type", "status", "price", "x", "y"} <= set(a1)
    assert a1["id"] == "seat-a1" and a1["status"] == "AVAILABLE"
    assert re.search(r'"price"\s*:\s*12\.00\b', r.text)

    # Step 3: hold two seats.
    r = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-a1", "seat-a2"],
                                                "sessionToken": "sess-flow"})
    assert r.status_code == 201, r.text
    hold = r.json()
    assert '"totalAmount":24.00' in r.text and [s["id"] for s in hold["seats"]] == ["seat-a1", "seat-a2"]
    assert hold["expiresAt"].endswith("Z")

    # Step 4: promo code.
    r = client.post("/api/pricing/calculate", json={"holdId": hold["holdId"], "promoCode": "SAVE20"})
    assert r.status_code == 200, r.text
    assert '"subtotal":24.00' in r.text and '"discount":4.80' in r.text and '"finalAmount":19.20' in r.text

    # Step 5: confirm -> a payment intent at the (fake) provider for exactly 19.20.
    r = client.post("/api/bookings/confirm", json={
        "holdId": hold["holdId"], "paymentMethod": "CARD",
        "userDetails": {"email": "user@example.com", "name": "John Doe", "phone": "+1234567890"}})
    assert r.status_code == 201, r.text
    booking = r.json()
    assert booking["status"] == "PENDING_PAYMENT" and '"amount":19.20' in r.text
    assert re.fullmatch(r"BK\d{8}[A-Z2-9]{4}", booking["bookingReference"])
    intent = fake_stripe.intents[booking["paymentIntentId"]]
    assert intent["amount"] == 1920 and intent["currency"] == "usd"

    # Step 6: pay.
    r = client.post("/api/payments/process", json={
        "bookingId": booking["bookingId"], "paymentIntentId": booking["paymentIntentId"],
        "paymentMethod": {"type": "card", "token": "tok_visa"}})
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True, "bookingReference": booking["bookingReference"], "status": "CONFIRMED"}

    seats = {s["id"]: s["status"] for row in client.get(f"/api/showtimes/{showtime}/seats").json()["layout"]["rows"]
             for s in row["seats"]}
    assert seats["seat-a1"] == seats["seat-a2"] == "BOOKED" and seats["seat-a3"] == "AVAILABLE"

    # The customer looks it up (reference and email must both match).
    found = client.get(f"/api/bookings/{booking['bookingReference']}", params={"email": "user@example.com"})
    assert found.status_code == 200 and found.json()["status"] == "CONFIRMED"
    assert client.get(f"/api/bookings/{booking['bookingReference']}",
                      params={"email": "other@example.com"}).status_code == 404

    # Cancel: a full refund, sent to the provider.
    r = client.post(f"/api/bookings/{booking['bookingId']}/cancel", json={"reason": "User requested cancellation"})
    assert r.status_code == 200, r.text
    cancel = r.json()
    assert cancel["status"] == "CANCELLED" and '"refundAmount":19.20' in r.text
    assert cancel["refund"]["status"] in {"SUCCEEDED", "PENDING"}
    refunds = fake_stripe.refunds_for(booking["paymentIntentId"])
    assert [x["amount"] for x in refunds] == [1920]
    seats = {s["id"]: s["status"] for row in client.get(f"/api/showtimes/{showtime}/seats").json()["layout"]["rows"]
             for s in row["seats"]}
    assert seats["seat-a1"] == "AVAILABLE"
    again = client.post(f"/api/bookings/{booking['bookingId']}/cancel", json={"reason": "again"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "ALREADY_CANCELLED"


def test_partial_refund_and_admin_override(client, grand, fake_stripe, db_url):
    # The show is moved to half an hour from now below: an auditorium of its own, so that no demo showtime can
    # overlap it whatever the time of day.
    with psycopg.connect(db_url) as conn:
        cinema_id = conn.execute("SELECT cinema_id FROM booking.auditoriums WHERE id = %s", (grand[1],)).fetchone()[0]
    r = client.post("/api/admin/auditoriums", headers=ADMIN, json={
        "cinemaId": str(cinema_id), "name": f"Override test {uuid.uuid4().hex[:8]}",
        "layout": {"rows": [{"label": "B", "seats": [{"number": 1}, {"number": 2}]}]}})
    assert r.status_code == 201, r.text
    showtime = make_showtime(client, (grand[0], r.json()["id"]))
    hold = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-b1"],
                                                   "sessionToken": "sess-partial"}).json()
    booking = client.post("/api/bookings/confirm", json={
        "holdId": hold["holdId"], "userDetails": {"email": "p@example.com", "name": "P"}, "paymentMethod": "CARD"}).json()
    assert client.post("/api/payments/process", json={
        "bookingId": booking["bookingId"], "paymentIntentId": booking["paymentIntentId"],
        "paymentMethod": {"type": "card", "token": "tok_visa"}}).status_code == 200
    # too close to the show for a customer (cutoff 120 min): move the clock by moving the show
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("UPDATE booking.showtimes SET starts_at = now() + interval '30 minutes', "
                     "ends_at = now() + interval '3 hours' WHERE id = %s", (showtime,))
    late = client.post(f"/api/bookings/{booking['bookingId']}/cancel", json={"reason": "late"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "CANCEL_TOO_LATE"
    r = client.post(f"/api/admin/bookings/{booking['bookingId']}/cancel", headers={**ADMIN, "X-Operator": "ana"},
                    json={"reason": "projector broke", "refundAmount": 5.00, "overridePolicy": True})
    assert r.status_code == 200, r.text
    assert '"refundAmount":5.00' in r.text
    assert [x["amount"] for x in fake_stripe.refunds_for(booking["paymentIntentId"])] == [500]
    with psycopg.connect(db_url) as conn:
        actor, action = conn.execute("SELECT actor, action FROM booking.audit_log WHERE entity_id = %s "
                                     "ORDER BY id DESC LIMIT 1", (booking["bookingId"],)).fetchone()
    assert (actor, action) == ("api-key:ADMIN_TOKEN (bootstrap)", "booking.cancel.override")  # not X-Operator


def test_seat_map_session_view_etag_and_gzip(client, showtime):
    url = f"/api/showtimes/{showtime}/seats"
    first = client.get(url)
    etag = first.headers["etag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    hold = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": ["seat-c5"],
                                                   "sessionToken": "sess-mine"})
    assert hold.status_code == 201
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag  # any seat change invalidates

    def status_of(resp, seat):
        return next(s["status"] for row in resp.json()["layout"]["rows"] for s in row["seats"] if s["id"] == seat)

    assert status_of(client.get(url, headers={"X-Session-Token": "sess-mine"}), "seat-c5") == "SELECTED"
    assert status_of(client.get(url, headers={"X-Session-Token": "someone-else"}), "seat-c5") == "LOCKED"
    assert "sess-mine" not in client.get(url).text  # a token is never shown to other clients

    released = client.delete(f"/api/bookings/hold/{hold.json()['holdId']}", headers={"X-Session-Token": "sess-mine"})
    assert released.status_code == 200 and released.json()["released"] is True
    assert status_of(client.get(url), "seat-c5") == "AVAILABLE"

    # httpx decodes bodies; read the raw bytes to see what went over the wire
    with httpx.Client(base_url=str(client.base_url), headers={"Accept-Encoding": "gzip"}) as plain:
        with plain.stream("GET", url) as resp:
            assert resp.headers["content-encoding"] == "gzip"
            wire = b"".join(resp.iter_raw())
    assert len(wire) < len(first.content) / 4 and gzip.decompress(wire).startswith(b"{")


def test_headers_health_metrics_and_openapi(client):
    r = client.get("/api/cinemas", headers={"X-Request-ID": "req-123"})
    assert r.headers["x-request-id"] == "req-123"
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert len(client.get("/api/cinemas", headers={"X-Request-ID": "bad id <script>"}).headers["x-request-id"]) == 32
    assert client.get("/health/live").json() == {"status": "ok"}
    assert client.get("/health/ready").json() == {"status": "ready"}
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    assert re.search(r'marquee_http_requests_total\{[^}]*route="/api/cinemas",status="200"\} \d+', metrics.text)
    spec = client.get("/schema/openapi.json").json()
    for path in ("/api/bookings/hold", "/api/bookings/confirm", "/api/payments/process", "/api/pricing/calculate",
                 "/api/showtimes/{showtime_id}/seats", "/api/admin/showtimes"):
        assert path in spec["paths"]
