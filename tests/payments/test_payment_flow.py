"""Paying through the API: the real SDK against the fake Stripe, results in Postgres."""

import concurrent.futures
from decimal import Decimal

import httpx


def test_paid_flow(flow, fake_stripe):
    b = flow.booking()
    assert b["status"] == "PENDING_PAYMENT" and b["paymentIntentId"].startswith("pi_")
    intent = fake_stripe.intents[b["paymentIntentId"]]
    amount = Decimal(str(b["amount"]))
    assert intent["amount"] == int(amount * 100) and intent["currency"] == "usd"
    assert intent["metadata"] == {"booking_id": b["bookingId"], "reference": b["bookingReference"]}

    r = flow.pay(b, "tok_visa")
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True, "bookingReference": b["bookingReference"], "status": "CONFIRMED"}
    assert flow.row(b["bookingId"]) == {"status": "CONFIRMED", "paymentStatus": "PAID", "amount": amount}
    assert flow.payments(b["bookingId"]) == [("succeeded", amount)]
    assert len(fake_stripe.charges_for(b["paymentIntentId"])) == 1
    assert flow.seat_status(b["showtimeId"], b["seats"][0]) == "BOOKED"
    assert flow.discrepancies(b["bookingId"]) == []


def test_confirm_retry_reuses_the_intent(flow, fake_stripe, api):
    """The intent's idempotency key is the booking: asking the gateway again gives the same intent, no second one."""
    import asyncio

    from marquee.payments.gateway import get_gateway
    b = flow.booking()
    again = asyncio.run(get_gateway().create_intent(booking_id=b["bookingId"], reference=b["bookingReference"],
                                                    amount=Decimal(str(b["amount"])), currency="USD"))
    assert again == b["paymentIntentId"]
    assert sum(1 for i in fake_stripe.intents.values() if i["metadata"].get("booking_id") == b["bookingId"]) == 1


def test_declined_then_retried_with_a_good_card(flow, fake_stripe):
    b = flow.booking()
    r = flow.pay(b, "tok_chargeDeclined")
    assert r.status_code == 402, r.text
    err = r.json()["error"]
    assert err["code"] == "PAYMENT_DECLINED" and err["details"]["status"] == "PENDING_PAYMENT"
    # still waiting for payment, seats still reserved for this customer
    assert flow.row(b["bookingId"])["status"] == "PENDING_PAYMENT"
    assert flow.seat_status(b["showtimeId"], b["seats"][0]) == "BOOKED"
    other = flow.hold(b["showtimeId"], b["seats"][:1])
    assert other.status_code == 409 and other.json()["error"]["code"] == "SEAT_UNAVAILABLE"

    r = flow.pay(b, "pm_card_chargeDeclinedInsufficientFunds")
    assert r.status_code == 402

    r = flow.pay(b, "pm_card_visa")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "CONFIRMED"
    assert [s for s, _ in flow.payments(b["bookingId"])].count("succeeded") == 1
    assert [s for s, _ in flow.payments(b["bookingId"])].count("failed") >= 2
    assert len(fake_stripe.charges_for(b["paymentIntentId"])) == 1
    assert flow.discrepancies(b["bookingId"]) == []


def test_double_submit_of_process_charges_once(flow, fake_stripe, api_server):
    b = flow.booking()

    def pay(_):
        with httpx.Client(base_url=api_server, timeout=30) as c:
            return flow.pay(b, "tok_visa", api=c)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(pay, range(4)))
    codes = sorted(a.status_code for a in answers)
    assert 200 in codes, [a.text for a in answers]
    # the others either replay success or are told the booking is already paid: never a second charge
    for a in answers:
        assert a.status_code == 200 or a.json()["error"]["code"] == "BOOKING_NOT_PAYABLE", a.text
    assert len(fake_stripe.charges_for(b["paymentIntentId"])) == 1
    assert flow.payments(b["bookingId"]) == [("succeeded", Decimal(str(b["amount"])))]
    assert flow.row(b["bookingId"])["status"] == "CONFIRMED"


def test_double_submit_with_idempotency_key_replays(flow, fake_stripe):
    b = flow.booking()
    key = {"Idempotency-Key": f"pay-{b['bookingId']}"}
    first = flow.pay(b, "tok_visa", headers=key)
    second = flow.pay(b, "tok_visa", headers=key)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(fake_stripe.charges_for(b["paymentIntentId"])) == 1
