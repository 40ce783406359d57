"""Payment window expiry, late payments, cancellations with refunds (the payments worker runs in-process)."""

import time
from decimal import Decimal

import psycopg
import pytest

from marquee.payments.refunds import execute_refund
from marquee.payments.jobs import run_once


@pytest.fixture
async def aconn(demo_data):
    async with await psycopg.AsyncConnection.connect(demo_data, autocommit=True) as conn:
        yield conn


def _wait_past_deadline(flow, booking_id):
    deadline = flow.db.execute("SELECT payment_deadline - clock_timestamp() FROM booking.bookings WHERE id = %s",
                               (booking_id,)).fetchone()[0]
    time.sleep(max(deadline.total_seconds(), 0) + 0.2)


async def test_payment_window_expiry_releases_seats(flow, fake_stripe, short_payment_window, aconn):
    b = flow.booking()
    assert flow.seat_status(b["showtimeId"], b["seats"][0]) == "BOOKED"
    _wait_past_deadline(flow, b["bookingId"])

    summary = await run_once(aconn)
    assert summary["expired"] >= 1 and summary["intentsCancelled"] >= 1
    assert flow.row(b["bookingId"])["status"] == "EXPIRED"
    assert fake_stripe.intents[b["paymentIntentId"]]["status"] == "canceled"
    assert all(flow.seat_status(b["showtimeId"], s) == "AVAILABLE" for s in b["seats"])
    # too late to pay: clear error, no charge
    r = flow.pay(b)
    assert r.status_code in (409, 410), r.text
    assert r.json()["error"]["code"] in ("PAYMENT_WINDOW_EXPIRED", "BOOKING_NOT_PAYABLE")
    assert fake_stripe.charges_for(b["paymentIntentId"]) == []
    # someone else can now buy the seats
    other = flow.hold(b["showtimeId"], b["seats"])
    assert other.status_code == 201, other.text
    flow.api.delete(f"/api/bookings/hold/{other.json()['holdId']}")
    # a second pass has nothing more to do for it
    again = await run_once(aconn)
    assert again["expired"] == 0 and again["intentsCancelled"] == 0


async def test_late_success_webhook_after_expiry_is_refunded_and_seats_stay_sold(
        flow, fake_stripe, short_payment_window, aconn):
    b = flow.booking()
    # the customer pays at Stripe, but the webhook is delayed past the window
    status, _, _ = fake_stripe.handle("POST", f"/v1/payment_intents/{b['paymentIntentId']}/confirm",
                                      {"Authorization": f"Bearer {fake_stripe.api_key}"},
                                      [("payment_method", "pm_card_visa")])
    assert status == 200
    _wait_past_deadline(flow, b["bookingId"])
    # expiry happens (seats released) before the worker could cancel the intent
    await aconn.execute("SELECT booking.expire_overdue_payments()")
    # and another customer buys the seats meanwhile
    h = flow.hold(b["showtimeId"], b["seats"])
    assert h.status_code == 201, h.text
    c = flow.confirm(h.json()["holdId"])
    assert c.status_code == 201
    other = c.json()

    [event] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.succeeded")
    code, body = flow.webhook(fake_stripe, event)
    assert code == 200 and body["outcome"] == "APPLIED", body
    amount = Decimal(str(b["amount"]))
    assert flow.row(b["bookingId"]) == {"status": "EXPIRED", "paymentStatus": "REFUNDED", "amount": amount}
    [(r_status, r_amount, provider_id)] = flow.refunds(b["bookingId"])
    assert (r_status, r_amount) == ("SUCCEEDED", amount) and provider_id.startswith("re_")
    [refund] = fake_stripe.refunds_for(b["paymentIntentId"])
    assert refund["amount"] == int(amount * 100) and refund["metadata"]["booking_id"] == b["bookingId"]
    # the seats belong to the other customer
    live = flow.db.execute("SELECT count(*) FROM booking.seat_claims c WHERE c.booking_id = %s "
                           "AND c.during && tstzrange(clock_timestamp(), NULL)", (b["bookingId"],)).fetchone()[0]
    assert live == 0
    assert flow.row(other["bookingId"])["status"] == "PENDING_PAYMENT"
    assert flow.seat_status(b["showtimeId"], b["seats"][0]) == "BOOKED"
    # the worker later finds the intent already succeeded: nothing more is refunded
    await run_once(aconn)
    assert len(fake_stripe.refunds_for(b["paymentIntentId"])) == 1
    assert flow.discrepancies(b["bookingId"]) == []


async def test_lost_webhook_late_success_is_found_by_the_worker(flow, fake_stripe, short_payment_window, aconn):
    b = flow.booking()
    fake_stripe.handle("POST", f"/v1/payment_intents/{b['paymentIntentId']}/confirm",
                       {"Authorization": f"Bearer {fake_stripe.api_key}"}, [("payment_method", "pm_card_visa")])
    _wait_past_deadline(flow, b["bookingId"])
    summary = await run_once(aconn)  # expires it, tries to cancel the intent, learns it was paid, refunds
    assert summary["latePayments"] >= 1
    amount = Decimal(str(b["amount"]))
    assert flow.row(b["bookingId"]) == {"status": "EXPIRED", "paymentStatus": "REFUNDED", "amount": amount}
    assert [r["amount"] for r in fake_stripe.refunds_for(b["paymentIntentId"])] == [int(amount * 100)]
    assert flow.discrepancies(b["bookingId"]) == []


def _paid(flow):
    b = flow.booking()
    assert flow.pay(b).status_code == 200
    return b


def test_full_refund_by_default(flow, fake_stripe):
    b = _paid(flow)
    r = flow.api.post(f"/api/bookings/{b['bookingId']}/cancel", json={"reason": "changed plans"})
    assert r.status_code == 200, r.text
    body = r.json()
    amount = Decimal(str(b["amount"]))
    assert body["status"] == "CANCELLED" and Decimal(str(body["refundAmount"])) == amount
    assert body["refund"]["status"] == "SUCCEEDED"
    assert flow.row(b["bookingId"]) == {"status": "CANCELLED", "paymentStatus": "REFUNDED", "amount": amount}
    [refund] = fake_stripe.refunds_for(b["paymentIntentId"])
    assert refund["amount"] == int(amount * 100)
    assert fake_stripe.charges[refund["charge"]]["refunded"] is True
    assert flow.discrepancies(b["bookingId"]) == []
    # the customer's view shows it
    view = flow.api.get(f"/api/bookings/{b['bookingReference']}", params={"email": "pay@example.com"}).json()
    assert view["paymentStatus"] == "REFUNDED" and view["refunds"][0]["status"] == "SUCCEEDED"


def test_partial_refund_and_amount_bounds(flow, fake_stripe):
    b = _paid(flow)
    url = f"/api/bookings/{b['bookingId']}/cancel"
    amount = Decimal(str(b["amount"]))
    too_much = flow.api.post(url, json={"reason": "x", "refundAmount": float(amount + Decimal("0.01"))})
    assert too_much.status_code == 422 and too_much.json()["error"]["code"] == "REFUND_EXCEEDS_PAID", too_much.text
    negative = flow.api.post(url, json={"reason": "x", "refundAmount": -1})
    assert negative.status_code == 422, negative.text
    assert flow.row(b["bookingId"])["status"] == "CONFIRMED"  # refused requests changed nothing
    assert fake_stripe.refunds_for(b["paymentIntentId"]) == []

    r = flow.api.post(url, json={"reason": "partial", "refundAmount": 5.00})
    assert r.status_code == 200, r.text
    assert r.json()["refund"]["status"] == "SUCCEEDED" and Decimal(str(r.json()["refundAmount"])) == Decimal("5.00")
    assert flow.row(b["bookingId"])["paymentStatus"] == "PARTIALLY_REFUNDED"
    assert [x["amount"] for x in fake_stripe.refunds_for(b["paymentIntentId"])] == [500]
    assert flow.discrepancies(b["bookingId"]) == []


async def test_refund_execution_is_idempotent(flow, fake_stripe, aconn):
    b = _paid(flow)
    r = flow.api.post(f"/api/bookings/{b['bookingId']}/cancel", json={"reason": "x"})
    refund_id = r.json()["refund"]["refundId"]
    # sending the same refund again (worker, webhook, a retry) never refunds twice
    assert await execute_refund(aconn, refund_id) == "SUCCEEDED"
    await aconn.execute("UPDATE booking.refunds SET status = 'PENDING' WHERE id = %s", (refund_id,))
    assert await execute_refund(aconn, refund_id) == "SUCCEEDED"  # its provider id is known: read, not sent again
    assert len(fake_stripe.refunds_for(b["paymentIntentId"])) == 1
