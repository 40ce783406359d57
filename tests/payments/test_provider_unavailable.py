"""Stripe unreachable or failing: a clear 503, and no seat, booking or money lost or half-written."""

import socket
from decimal import Decimal

import httpx
import psycopg
import pytest

from marquee.payments.jobs import run_once


@pytest.fixture(scope="module")
def closed_port() -> int:
    with socket.socket() as s:  # bound then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def broken_api(start_api, stripe_env, closed_port):
    """A second API process whose Stripe is unreachable (same database)."""
    proc = start_api({**stripe_env, "STRIPE_API_BASE": f"http://127.0.0.1:{closed_port}",
                      "STRIPE_MAX_NETWORK_RETRIES": "1"})
    with httpx.Client(base_url=proc.url, timeout=60) as client:
        yield client


def _counts(db, hold_id):
    return db.execute("""SELECT (SELECT status::text FROM booking.holds WHERE id = %(h)s),
                                (SELECT count(*) FROM booking.bookings WHERE hold_id = %(h)s),
                                (SELECT count(*) FROM booking.seat_claims WHERE hold_id = %(h)s AND kind = 'HOLD')""",
                      {"h": hold_id}).fetchone()


def test_confirm_when_stripe_is_unreachable(flow, broken_api, db, fake_stripe):
    st = flow.showtime()
    seats = flow.free_seats(st, 2)
    h = flow.hold(st, seats)
    hold_id = h.json()["holdId"]
    before = _counts(db, hold_id)
    r = flow.confirm(hold_id, api=broken_api)
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "PAYMENT_PROVIDER_UNAVAILABLE"
    assert _counts(db, hold_id) == before == ("ACTIVE", 0, 2)  # no booking, the hold keeps its seats
    assert flow.seat_status(st, seats[0]) == "LOCKED"
    # once Stripe is back the same hold confirms normally
    ok = flow.confirm(hold_id)
    assert ok.status_code == 201, ok.text


def test_process_when_stripe_is_unreachable(flow, broken_api, db, fake_stripe):
    b = flow.booking()
    r = flow.pay(b, api=broken_api)
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "PAYMENT_PROVIDER_UNAVAILABLE"
    assert flow.row(b["bookingId"])["status"] == "PENDING_PAYMENT"
    assert flow.payments(b["bookingId"]) == []
    assert fake_stripe.charges_for(b["paymentIntentId"]) == []
    assert flow.seat_status(b["showtimeId"], b["seats"][0]) == "BOOKED"
    assert flow.pay(b).status_code == 200  # retry through a healthy provider


async def test_refund_when_stripe_is_unreachable_is_retried_by_the_worker(flow, broken_api, fake_stripe, demo_data):
    b = flow.booking()
    assert flow.pay(b).status_code == 200
    r = broken_api.post(f"/api/bookings/{b['bookingId']}/cancel", json={"reason": "x"})
    assert r.status_code == 200, r.text  # the cancellation stands; the money follows
    assert r.json()["refund"]["status"] == "PENDING"
    assert flow.row(b["bookingId"])["status"] == "CANCELLED"
    assert fake_stripe.refunds_for(b["paymentIntentId"]) == []
    [(status, amount, _)] = flow.refunds(b["bookingId"])
    assert status == "PENDING" and amount == Decimal(str(b["amount"]))
    async with await psycopg.AsyncConnection.connect(demo_data, autocommit=True) as conn:
        summary = await run_once(conn)
    assert summary["refunds"].get("SUCCEEDED", 0) >= 1
    assert flow.refunds(b["bookingId"])[0][0] == "SUCCEEDED"
    assert flow.row(b["bookingId"])["paymentStatus"] == "REFUNDED"
    assert len(fake_stripe.refunds_for(b["paymentIntentId"])) == 1


def test_a_saved_5xx_is_not_retried_into_success_by_the_sdk(flow, fake_stripe, db):
    """Stripe saves a 500 under its key once the endpoint started and replays it (Stripe-Should-Retry: false): the
    SDK's own retries cannot turn it into a success. The API answers 503 and keeps nothing; the client's retry is
    a new request (a new booking id, so a new intent key) and succeeds."""
    st = flow.showtime()
    h = flow.hold(st, flow.free_seats(st, 1))
    before = fake_stripe.count("POST", "/v1/payment_intents")
    fake_stripe.fail_next(1, 500, path="^/v1/payment_intents$")
    r = flow.confirm(h.json()["holdId"])
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "PAYMENT_PROVIDER_UNAVAILABLE"
    assert fake_stripe.count("POST", "/v1/payment_intents") == before + 1  # the SDK's retries were replays
    assert db.execute("SELECT count(*) FROM booking.bookings WHERE hold_id = %s", (h.json()["holdId"],)).fetchone()[0] == 0
    again = flow.confirm(h.json()["holdId"])
    assert again.status_code == 201, again.text


def test_a_5xx_before_the_endpoint_is_retried_by_the_sdk(flow, fake_stripe):
    """Not saved (it never reached the endpoint; Stripe-Should-Retry: true): max_network_retries succeeds."""
    st = flow.showtime()
    h = flow.hold(st, flow.free_seats(st, 1))
    fake_stripe.fail_next(1, 503, stage="before", path="^/v1/payment_intents$")
    r = flow.confirm(h.json()["holdId"])
    assert r.status_code == 201, r.text
