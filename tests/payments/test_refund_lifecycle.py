"""Refunds as Stripe moves them (issue 26): each test fails with the code before it, against the corrected fake.

Stripe replays the first answer to a repeated POST, forgets keys after 24 hours, saves 5xx answers, settles
refunds later (or fails them after they succeeded) and no longer puts the refunds in charge.refunded.
"""

import asyncio
from decimal import Decimal

import psycopg
import pytest

from marquee.payments.jobs import run_once
from marquee.payments.refunds import execute_refund

REFUND_POST = "^/v1/refunds$"


@pytest.fixture
async def aconn(demo_data):
    async with await psycopg.AsyncConnection.connect(demo_data, autocommit=True) as conn:
        yield conn


def _paid(flow, token="tok_visa"):
    b = flow.booking()
    r = flow.pay(b, token)
    assert r.status_code == 200, r.text
    return b


def _cancel(flow, b, amount=None):
    body = {"reason": "changed plans"}
    if amount is not None:
        body["refundAmount"] = amount
    r = flow.api.post(f"/api/bookings/{b['bookingId']}/cancel", json=body)
    assert r.status_code == 200, r.text
    return r.json()["refund"]


def _refund_row(db, refund_id):
    return db.execute("SELECT status, provider_refund_id FROM booking.refunds WHERE id = %s", (refund_id,)).fetchone()


def _ledger(db, refund_id):
    """The sending bookkeeping of a refund (sql/schema/030): provider status, key in force, key spent."""
    return db.execute("SELECT provider_status, attempt_key, key_spent FROM booking.refunds WHERE id = %s",
                      (refund_id,)).fetchone()


def _make_due(db, refund_id):
    """Time passes: the worker's backoff for a refund the provider has is over."""
    db.execute("UPDATE booking.refunds SET last_attempt_at = now() - interval '2 hours' WHERE id = %s", (refund_id,))


async def test_pending_refund_is_finished_by_reading_it_never_by_posting_again(flow, fake_stripe, db, aconn):
    """Point 1: re-POSTing a pending refund under its key replays the first answer (`pending`) for ever."""
    b = _paid(flow, "tok_pendingRefund")
    refund = _cancel(flow, b)
    assert refund["status"] == "PENDING"
    status, provider_id = _refund_row(db, refund["refundId"])
    assert status == "PENDING" and provider_id.startswith("re_")
    fake_stripe.settle_refund(provider_id, "succeeded")  # no webhook reaches us
    posts = fake_stripe.count("POST", REFUND_POST)
    reads = fake_stripe.count("GET", f"/v1/refunds/{provider_id}")
    _make_due(db, refund["refundId"])
    await run_once(aconn)
    assert _refund_row(db, refund["refundId"])[0] == "SUCCEEDED"
    assert fake_stripe.count("POST", REFUND_POST) == posts  # never sent again
    assert fake_stripe.count("GET", f"/v1/refunds/{provider_id}") == reads + 1
    assert flow.row(b["bookingId"])["paymentStatus"] == "REFUNDED"
    assert flow.discrepancies(b["bookingId"]) == []
    assert _ledger(db, refund["refundId"])[0] == "succeeded"


@pytest.mark.parametrize("partial", [True, False], ids=["partial", "full"])
async def test_refund_whose_answer_was_lost_is_not_sent_again_after_the_key_expired(
        flow, fake_stripe, db, aconn, partial):
    """Point 2: the POST reached Stripe, the answer did not (nor the SDK's retries' replays); a day later the key
    is forgotten. Sent again it would pay a partial refund twice, or fail a full one (charge_already_refunded) and
    mark FAILED money that went back. The ledger finds it by metadata instead."""
    b = _paid(flow)
    amount = Decimal("5.00") if partial else Decimal(str(b["amount"]))
    fake_stripe.drop_next(3, path=REFUND_POST, method="POST")  # the request and the SDK's two retries
    refund = _cancel(flow, b, float(amount) if partial else None)
    assert refund["status"] == "PENDING"
    assert [r["amount"] for r in fake_stripe.refunds_for(b["paymentIntentId"])] == [int(amount * 100)]
    fake_stripe.reset_faults()
    fake_stripe.advance_clock(25 * 3600)
    _make_due(db, refund["refundId"])
    await run_once(aconn)
    assert _refund_row(db, refund["refundId"])[0] == "SUCCEEDED"
    assert [r["amount"] for r in fake_stripe.refunds_for(b["paymentIntentId"])] == [int(amount * 100)]  # once
    assert flow.row(b["bookingId"])["paymentStatus"] == ("PARTIALLY_REFUNDED" if partial else "REFUNDED")
    assert flow.discrepancies(b["bookingId"]) == []


async def test_refund_answered_5xx_is_sent_once_with_a_new_key(flow, fake_stripe, db, aconn):
    """Point 3: Stripe saved its 500 under the key; re-sending that key replays the 500 for a day."""
    b = _paid(flow)
    fake_stripe.fail_next(1, 500, path=REFUND_POST, method="POST")
    refund = _cancel(flow, b)
    assert _refund_row(db, refund["refundId"]) == ("PENDING", None)
    assert fake_stripe.refunds_for(b["paymentIntentId"]) == []
    await run_once(aconn)
    assert _refund_row(db, refund["refundId"])[0] == "SUCCEEDED"
    assert len(fake_stripe.refunds_for(b["paymentIntentId"])) == 1
    # the first key was spent by the 500; the ledger issued a second one after finding nothing
    assert _ledger(db, refund["refundId"])[1:] == (f"refund-{refund['refundId']}-2", False)


async def test_refund_made_before_a_5xx_is_found_not_sent_again(flow, fake_stripe, db, aconn):
    """A 5xx after the refund took effect (saved too): the ledger lists the intent's refunds first."""
    b = _paid(flow)
    fake_stripe.fail_next(1, 500, stage="after", path=REFUND_POST, method="POST")
    refund = _cancel(flow, b)
    assert refund["status"] == "PENDING"
    assert len(fake_stripe.refunds_for(b["paymentIntentId"])) == 1
    posts = fake_stripe.count("POST", REFUND_POST)
    await run_once(aconn)
    assert _refund_row(db, refund["refundId"])[0] == "SUCCEEDED"
    assert fake_stripe.count("POST", REFUND_POST) == posts
    assert len(fake_stripe.refunds_for(b["paymentIntentId"])) == 1


def test_charge_refunded_without_refunds_does_not_lose_a_pending_refund(flow, fake_stripe, db):
    """Point 4: since API 2022-11-15 charge.refunded carries no refunds; the handler reads ours from Stripe."""
    b = _paid(flow, "tok_pendingRefund")
    refund = _cancel(flow, b)
    provider_id = _refund_row(db, refund["refundId"])[1]
    [event] = fake_stripe.events_for(b["paymentIntentId"], "charge.refunded")
    assert "refunds" not in event["data"]["object"]
    # while Stripe still says pending, the event keeps it PENDING (its provider id known)
    reads = fake_stripe.count("GET", f"/v1/refunds/{provider_id}")
    code, body = flow.webhook(fake_stripe, event)
    assert code == 200 and body["outcome"] == "APPLIED", body
    assert fake_stripe.count("GET", f"/v1/refunds/{provider_id}") == reads + 1  # read, not guessed
    assert _refund_row(db, refund["refundId"]) == ("PENDING", provider_id)
    fake_stripe.settle_refund(provider_id, "succeeded")
    # the next charge.refunded (another refund of the charge...) reads it again: now it is finished
    again = fake_stripe.make_event("charge.refunded", fake_stripe.charges[fake_stripe.refunds[provider_id]["charge"]])
    code, body = flow.webhook(fake_stripe, again)
    assert code == 200 and body["outcome"] == "APPLIED", body
    assert _refund_row(db, refund["refundId"]) == ("SUCCEEDED", provider_id)
    assert flow.row(b["bookingId"])["paymentStatus"] == "REFUNDED"
    code, body = flow.webhook(fake_stripe, again)
    assert code == 200 and body["outcome"] == "DUPLICATE"


def test_pending_refund_is_finished_by_refund_updated(flow, fake_stripe, db):
    b = _paid(flow, "tok_pendingRefund")
    refund = _cancel(flow, b)
    provider_id = _refund_row(db, refund["refundId"])[1]
    fake_stripe.settle_refund(provider_id, "succeeded")
    [updated] = fake_stripe.events_for(b["paymentIntentId"], "refund.updated")
    assert updated["data"]["previous_attributes"] == {"status": "pending"}
    code, body = flow.webhook(fake_stripe, updated)
    assert code == 200 and body["outcome"] == "APPLIED", body
    assert _refund_row(db, refund["refundId"])[0] == "SUCCEEDED"
    # charge.refund.updated says the same: a no-op
    [same] = fake_stripe.events_for(b["paymentIntentId"], "charge.refund.updated")
    code, body = flow.webhook(fake_stripe, same)
    assert code == 200 and body["outcome"] == "APPLIED", body
    assert _refund_row(db, refund["refundId"])[0] == "SUCCEEDED"
    assert flow.discrepancies(b["bookingId"]) == []


def test_refund_failing_after_success_reopens_the_money_owed_and_is_shown_to_operators(flow, fake_stripe, db, api):
    """Point 5: succeeded -> failed (expired or cancelled card): FAILED, payment_status back to PAID, listed."""
    b = _paid(flow, "tok_refundFail")
    refund = _cancel(flow, b)
    assert refund["status"] == "SUCCEEDED"
    assert flow.row(b["bookingId"])["paymentStatus"] == "REFUNDED"
    provider_id = _refund_row(db, refund["refundId"])[1]
    fake_stripe.settle_refund(provider_id, "failed")
    types = [e["type"] for e in fake_stripe.events_for(b["paymentIntentId"])
             if e["type"].startswith(("refund.", "charge.refund"))]
    assert types[-3:] == ["refund.updated", "refund.failed", "charge.refund.updated"]
    for type_ in ("refund.failed", "refund.updated", "charge.refund.updated"):  # any order, each applied once
        [event] = fake_stripe.events_for(b["paymentIntentId"], type_)
        code, body = flow.webhook(fake_stripe, event)
        assert code == 200 and body["outcome"] == "APPLIED", body
        assert _refund_row(db, refund["refundId"])[0] == "FAILED"
    assert flow.refunds(b["bookingId"])[0][0] == "FAILED"
    assert flow.row(b["bookingId"])["paymentStatus"] == "PAID"  # the customer is owed the money again
    assert {"REFUND_FAILED", "REFUND_REVERSED"} <= set(flow.discrepancies(b["bookingId"]))
    view = api.get(f"/api/bookings/{b['bookingReference']}", params={"email": "pay@example.com"}).json()
    assert view["refundedAmount"] == 0 and view["refunds"][0]["status"] == "FAILED"
    # operators see it
    r = api.get("/api/admin/payments/discrepancies", headers={"Authorization": "Bearer test-admin-token"})
    assert r.status_code == 200, r.text
    rows = [d for d in r.json() if d["bookingId"] == b["bookingId"]]
    reversed_row = next(d for d in rows if d["problem"] == "REFUND_REVERSED")
    assert reversed_row["detail"]["refunds"][0]["failureReason"] == "expired_or_canceled_card"
    assert reversed_row["paymentStatus"] == "PAID"
    assert api.get("/api/admin/payments/discrepancies").status_code == 401


async def test_a_concurrent_send_of_the_same_key_is_answered_409_and_finished_later(flow, fake_stripe, db, demo_data):
    """Point 7 (concurrency): a sender whose lease ran out while Stripe still works on its POST: the second sender
    finds nothing yet, re-sends the same key and gets 409 (never a second refund); the first one finishes it."""
    b = _paid(flow)
    fake_stripe.reset_faults()
    # the cancellation's own send is made to fail before the endpoint, so the worker does the sending here
    fake_stripe.fail_next(3, 503, stage="before", path=REFUND_POST, method="POST")
    refund = _cancel(flow, b)
    assert refund["status"] == "PENDING" and fake_stripe.refunds_for(b["paymentIntentId"]) == []
    fake_stripe.reset_faults()
    fake_stripe.delay_next(2.0, path=REFUND_POST, method="POST")
    async with await psycopg.AsyncConnection.connect(demo_data, autocommit=True) as c1, \
            await psycopg.AsyncConnection.connect(demo_data, autocommit=True) as c2:
        first = asyncio.create_task(execute_refund(c1, refund["refundId"]))
        await asyncio.sleep(0.7)  # its POST is in flight at Stripe
        await c2.execute("UPDATE booking.refunds SET lease_until = now() - interval '1 second' WHERE id = %s",
                         (refund["refundId"],))
        second = await execute_refund(c2, refund["refundId"])
        assert second == "PENDING"
        assert await first == "SUCCEEDED"
    assert len(fake_stripe.refunds_for(b["paymentIntentId"])) == 1
    last_error = db.execute("SELECT last_error FROM booking.refunds WHERE id = %s", (refund["refundId"],)).fetchone()[0]
    assert last_error is None  # the first sender's answer cleared the second one's 409 note
    assert flow.row(b["bookingId"])["paymentStatus"] == "REFUNDED"
