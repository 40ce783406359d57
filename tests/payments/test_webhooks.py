"""POST /api/payments/webhook: signature, idempotency by event id, any order, before or after process."""

import json
import time
from decimal import Decimal

from testing.stripe import sign


def _pay_at_stripe(fake, intent_id, token="tok_visa"):
    """The customer pays at Stripe directly (Stripe.js): our API has not been told yet."""
    status, headers, body = fake.handle("POST", f"/v1/payment_intents/{intent_id}/confirm",
                                        {"Authorization": f"Bearer {fake.api_key}"},
                                        [("payment_method", token)])
    return status, body


def test_webhook_before_process(flow, fake_stripe, db):
    b = flow.booking()
    status, _ = _pay_at_stripe(fake_stripe, b["paymentIntentId"])
    assert status == 200
    [event] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.succeeded")
    code, body = flow.webhook(fake_stripe, event)
    assert code == 200 and body["outcome"] == "APPLIED", body
    assert flow.row(b["bookingId"])["status"] == "CONFIRMED"
    # the process call that arrives afterwards charges nothing more and leaves the booking paid
    r = flow.pay(b, "tok_visa")
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True, "bookingReference": b["bookingReference"], "status": "CONFIRMED"}
    assert len(fake_stripe.charges_for(b["paymentIntentId"])) == 1
    assert flow.payments(b["bookingId"]) == [("succeeded", Decimal(str(b["amount"])))]
    assert flow.discrepancies(b["bookingId"]) == []


def test_webhook_after_process_is_a_no_op(flow, fake_stripe):
    b = flow.booking()
    assert flow.pay(b).status_code == 200
    [event] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.succeeded")
    code, body = flow.webhook(fake_stripe, event)
    assert code == 200 and body["outcome"] == "APPLIED"
    assert flow.payments(b["bookingId"]) == [("succeeded", Decimal(str(b["amount"])))]


def test_duplicate_and_out_of_order_webhooks(flow, fake_stripe, db):
    b = flow.booking()
    assert flow.pay(b, "tok_chargeDeclined").status_code == 402
    assert flow.pay(b, "tok_visa").status_code == 200
    failed = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.payment_failed")[0]
    succeeded = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.succeeded")[0]
    created = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.created")[0]
    attempts_before = len(flow.payments(b["bookingId"]))

    # newest first, then the older failure, then everything again
    outcomes = []
    for event in (succeeded, failed, created, succeeded, failed, created):
        code, body = flow.webhook(fake_stripe, event)
        assert code == 200, body
        outcomes.append(body["outcome"])
    assert outcomes == ["APPLIED", "IGNORED", "IGNORED", "DUPLICATE", "DUPLICATE", "DUPLICATE"]
    assert flow.row(b["bookingId"]) == {"status": "CONFIRMED", "paymentStatus": "PAID",
                                        "amount": Decimal(str(b["amount"]))}
    assert len(flow.payments(b["bookingId"])) == attempts_before  # the late failure added no attempt
    assert db.execute("SELECT count(*) FROM booking.webhook_events WHERE id = ANY(%s)",
                      ([succeeded["id"], failed["id"], created["id"]],)).fetchone()[0] == 3


def test_failure_webhook_before_process_records_the_attempt_and_keeps_waiting(flow, fake_stripe):
    b = flow.booking()
    status, _ = _pay_at_stripe(fake_stripe, b["paymentIntentId"], "pm_card_chargeDeclined")
    assert status == 402
    [event] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.payment_failed")
    code, body = flow.webhook(fake_stripe, event)
    assert code == 200 and body["outcome"] == "APPLIED"
    assert flow.row(b["bookingId"])["status"] == "PENDING_PAYMENT"
    assert flow.payments(b["bookingId"])[-1][0] == "failed"
    assert flow.pay(b, "tok_visa").status_code == 200


def test_bad_signatures_are_rejected(flow, fake_stripe, db):
    b = flow.booking()
    _pay_at_stripe(fake_stripe, b["paymentIntentId"])
    [event] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.succeeded")
    payload = json.dumps(event).encode()
    bad = {
        "wrong secret": {"secret": "whsec_not_ours"},
        "stale": {"timestamp": int(time.time()) - 3600},
        "missing": {"signature": ""},
        "garbage": {"signature": "t=abc,v1=def"},
        "for another body": {"signature": sign(payload + b" ", fake_stripe.webhook_secret)},
    }
    for name, kw in bad.items():
        code, body = flow.webhook(fake_stripe, event, **kw)
        assert code == 401, (name, body)  # the signature authenticates the sender (400 before issue 17)
        assert body["error"]["code"] == "INVALID_SIGNATURE", (name, body)
    assert db.execute("SELECT count(*) FROM booking.webhook_events WHERE id = %s", (event["id"],)).fetchone()[0] == 0
    assert flow.row(b["bookingId"])["status"] == "PENDING_PAYMENT"
    # the genuine delivery still works afterwards
    code, body = flow.webhook(fake_stripe, event)
    assert code == 200 and body["outcome"] == "APPLIED"


def test_signed_body_that_is_not_an_event_is_a_clear_400(flow, fake_stripe):
    code, body = flow.webhook(fake_stripe, {"id": "nope", "type": "x"})
    assert code == 400 and body["error"]["code"] == "WEBHOOK_EVENT_INVALID", body


def test_unrelated_events_are_acknowledged(flow, fake_stripe):
    event = fake_stripe.make_event("customer.created", {"id": "cus_123", "object": "customer"})
    code, body = flow.webhook(fake_stripe, event)
    assert code == 200 and body["outcome"] == "IGNORED"
    event = fake_stripe.make_event("payment_intent.succeeded", {"id": "pi_not_ours", "object": "payment_intent",
                                                                "amount_received": 100, "currency": "usd"})
    code, body = flow.webhook(fake_stripe, event)
    assert code == 200 and body["outcome"] == "IGNORED"
