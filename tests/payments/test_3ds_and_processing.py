"""3-D Secure (`requires_action`), payments that settle later (`processing`), amounts Stripe refuses, and a
charge hidden behind a 5xx: POST /api/payments/process end to end against the corrected fake (issue 26)."""

import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg
import pytest

from marquee.payments.gateway import PaymentRejected, StripeGateway, StripeSettings
from marquee.payments.jobs import run_once


@pytest.fixture
async def aconn(demo_data):
    async with await psycopg.AsyncConnection.connect(demo_data, autocommit=True) as conn:
        yield conn


def _pay(flow, b, token=None, return_url=None, headers=None):
    body = {"bookingId": b["bookingId"], "paymentIntentId": b["paymentIntentId"]}
    if token:
        body["paymentMethod"] = {"type": "card", "token": token}
    if return_url:
        body["returnUrl"] = return_url
    return flow.api.post("/api/payments/process", json=body, headers=headers or {})


def _deadline(db, booking_id) -> datetime:
    return db.execute("SELECT payment_deadline FROM booking.bookings WHERE id = %s", (booking_id,)).fetchone()[0]


# ---- 3-D Secure -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["tok_threeDSecure2Required", "pm_card_authenticationRequired"])
def test_3ds_requires_action_then_the_challenge_completes_the_payment(flow, fake_stripe, db, api_server, token):
    b = flow.booking()
    back = f"{api_server}/showtime/{b['showtimeId']}"
    r = _pay(flow, b, token, return_url=back)
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["success"] is False and body["status"] == "REQUIRES_ACTION"
    assert body["bookingStatus"] == "PENDING_PAYMENT" and body["bookingReference"] == b["bookingReference"]
    assert body["clientSecret"] == fake_stripe.intents[b["paymentIntentId"]]["client_secret"]
    action = body["nextAction"]
    assert action["type"] == "redirect_to_url" and action["redirectToUrl"]["returnUrl"] == back
    challenge = action["redirectToUrl"]["url"]
    assert challenge.startswith(fake_stripe.url + "/_fake/3ds/")
    # not a decline: nothing recorded, the seats are kept, nothing charged yet
    assert flow.row(b["bookingId"])["status"] == "PENDING_PAYMENT" and flow.payments(b["bookingId"]) == []
    assert flow.seat_status(b["showtimeId"], b["seats"][0]) == "BOOKED"
    assert fake_stripe.charges_for(b["paymentIntentId"]) == []
    # the buyer's browser on Stripe's test page
    with httpx.Client(timeout=10) as browser:
        page = browser.get(challenge)
        assert page.status_code == 200 and "Complete" in page.text and "Fail" in page.text
        done = browser.post(challenge, data={"action": "complete"}, follow_redirects=False)
    assert done.status_code == 303
    query = parse_qs(urlsplit(done.headers["location"]).query)
    assert done.headers["location"].startswith(back)
    assert query["payment_intent"] == [b["paymentIntentId"]] and query["redirect_status"] == ["succeeded"]
    # back on our page: finish without a payment method (the API reads the intent)
    r = _pay(flow, b)
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True, "bookingReference": b["bookingReference"], "status": "CONFIRMED"}
    assert flow.row(b["bookingId"])["status"] == "CONFIRMED"
    assert len(fake_stripe.charges_for(b["paymentIntentId"])) == 1
    assert flow.discrepancies(b["bookingId"]) == []


def test_3ds_failed_challenge_is_a_decline_and_another_card_can_pay(flow, fake_stripe, api_server):
    b = flow.booking()
    r = _pay(flow, b, "tok_threeDSecure2Required", return_url=f"{api_server}/showtime/{b['showtimeId']}")
    assert r.status_code == 202, r.text
    _intent, back = fake_stripe.complete_3ds(b["paymentIntentId"], success=False)
    assert parse_qs(urlsplit(back).query)["redirect_status"] == ["failed"]
    r = _pay(flow, b)
    assert r.status_code == 402, r.text
    err = r.json()["error"]
    assert err["code"] == "PAYMENT_DECLINED" and err["details"]["declineCode"] == "payment_intent_authentication_failure"
    assert err["details"]["status"] == "PENDING_PAYMENT"
    assert _pay(flow, b, "tok_visa").status_code == 200


def test_3ds_decline_after_authentication(flow, fake_stripe, api_server):
    b = flow.booking()
    r = _pay(flow, b, "tok_authenticationRequiredChargeDeclinedInsufficientFunds",
             return_url=f"{api_server}/showtime/{b['showtimeId']}")
    assert r.status_code == 202
    fake_stripe.complete_3ds(b["paymentIntentId"], success=True)
    r = _pay(flow, b)
    assert r.status_code == 402 and r.json()["error"]["details"]["declineCode"] == "card_declined", r.text


def test_3ds_for_stripe_js_clients_without_a_return_url(flow, fake_stripe):
    b = flow.booking()
    r = _pay(flow, b, "tok_threeDSecure2Required")
    assert r.status_code == 202, r.text
    assert r.json()["nextAction"]["type"] == "use_stripe_sdk" and r.json()["clientSecret"]
    fake_stripe.complete_3ds(b["paymentIntentId"])
    assert _pay(flow, b).status_code == 200


def test_3ds_success_webhook_confirms_even_if_the_buyer_never_comes_back(flow, fake_stripe, api_server):
    b = flow.booking()
    assert _pay(flow, b, "tok_threeDSecure2Required", return_url=f"{api_server}/x").status_code == 202
    [requires_action] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.requires_action")
    code, body = flow.webhook(fake_stripe, requires_action)
    assert code == 200 and body["outcome"] == "IGNORED"
    fake_stripe.complete_3ds(b["paymentIntentId"])
    [succeeded] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.succeeded")
    code, body = flow.webhook(fake_stripe, succeeded)
    assert code == 200 and body["outcome"] == "APPLIED"
    assert flow.row(b["bookingId"])["status"] == "CONFIRMED"


def test_return_url_must_be_this_site_and_finishing_needs_an_attempt(flow, fake_stripe):
    b = flow.booking()
    r = _pay(flow, b, "tok_threeDSecure2Required", return_url="https://evil.example/steal")
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "returnUrl", r.text
    assert fake_stripe.intents[b["paymentIntentId"]]["status"] == "requires_payment_method"  # never sent
    r = _pay(flow, b)  # "finish" before anything was tried
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "paymentMethod", r.text


# ---- processing -----------------------------------------------------------------------------------------------

async def test_processing_keeps_the_seats_until_the_webhook_says_succeeded(
        flow, fake_stripe, db, aconn, short_payment_window):
    b = flow.booking()
    window_end = _deadline(db, b["bookingId"])
    r = _pay(flow, b, "tok_fakeProcessing")
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status"] == "PROCESSING" and body["bookingStatus"] == "PENDING_PAYMENT" and body["success"] is False
    extended = _deadline(db, b["bookingId"])
    assert datetime.fromisoformat(body["paymentDeadline"]) == extended
    assert extended - window_end > timedelta(minutes=50)  # payment_processing_window_seconds (3600) from now
    assert flow.payments(b["bookingId"]) == []
    # the normal (2 s) window passes: the worker keeps the booking and its seats
    time.sleep(short_payment_window + 0.5)
    await run_once(aconn)
    assert flow.row(b["bookingId"])["status"] == "PENDING_PAYMENT"
    assert flow.seat_status(b["showtimeId"], b["seats"][0]) == "BOOKED"
    # the payment_intent.processing event says the same: nothing moves
    [processing] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.processing")
    code, out = flow.webhook(fake_stripe, processing)
    assert code == 200 and out["outcome"] == "APPLIED" and _deadline(db, b["bookingId"]) == extended
    # paying again while it processes charges nothing more
    r = _pay(flow, b, "tok_visa")
    assert r.status_code == 202 and r.json()["status"] == "PROCESSING", r.text
    fake_stripe.settle_intent(b["paymentIntentId"], "succeeded")
    [succeeded] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.succeeded")
    code, out = flow.webhook(fake_stripe, succeeded)
    assert code == 200 and out["outcome"] == "APPLIED"
    assert flow.row(b["bookingId"]) == {"status": "CONFIRMED", "paymentStatus": "PAID",
                                        "amount": Decimal(str(b["amount"]))}
    assert len(fake_stripe.charges_for(b["paymentIntentId"])) == 1
    assert flow.discrepancies(b["bookingId"]) == []


def test_processing_that_fails_gives_a_fresh_window_for_another_card(flow, fake_stripe, db):
    b = flow.booking()
    assert _pay(flow, b, "tok_fakeProcessing").status_code == 202
    extended = _deadline(db, b["bookingId"])
    fake_stripe.settle_intent(b["paymentIntentId"], "failed")
    [failed] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.payment_failed")
    code, out = flow.webhook(fake_stripe, failed)
    assert code == 200 and out["outcome"] == "APPLIED"
    assert flow.row(b["bookingId"])["status"] == "PENDING_PAYMENT"
    fresh = _deadline(db, b["bookingId"])
    now = db.execute("SELECT now()").fetchone()[0]
    assert fresh < extended and timedelta(minutes=9) < fresh - now <= timedelta(minutes=10)  # payment_window 600 s
    assert db.execute("SELECT payment_processing_since FROM booking.bookings WHERE id = %s",
                      (b["bookingId"],)).fetchone()[0] is None
    assert flow.payments(b["bookingId"])[-1][0] == "failed"
    assert _pay(flow, b, "tok_visa").status_code == 200


# ---- amounts and a charge hidden behind a 5xx -----------------------------------------------------------------

def test_an_amount_above_stripes_maximum_is_refused_with_a_clear_4xx(flow, fake_stripe, db):
    movie, auditorium = db.execute(
        """SELECT m.id, a.id FROM booking.auditoriums a JOIN booking.cinemas c ON c.id = a.cinema_id,
                  booking.movies m WHERE c.currency = 'USD' AND c.name LIKE 'Marquee %%' ORDER BY a.name, m.title
            LIMIT 1""").fetchone()
    starts = db.execute("SELECT date_trunc('hour', now()) + interval '500 days' + (random() * 3000)::int * interval '1 hour'"
                        ).fetchone()[0]
    showtime = db.execute("SELECT booking.create_showtime(%s, %s, %s, '{\"STANDARD\": 1000000.00}')",
                          (movie, auditorium, starts)).fetchone()[0]
    seat = flow.free_seats(showtime, 1)
    h = flow.hold(showtime, seat)
    assert h.status_code == 201, h.text
    r = flow.confirm(h.json()["holdId"])
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "PAYMENT_REJECTED" and err["details"]["providerCode"] == "amount_too_large"
    assert db.execute("SELECT count(*) FROM booking.bookings WHERE hold_id = %s", (h.json()["holdId"],)).fetchone()[0] == 0


async def test_amounts_and_currencies_stripe_refuses(fake_stripe):
    gw = StripeGateway(StripeSettings(fake_stripe.api_key, fake_stripe.webhook_secret, fake_stripe.url))
    for amount, currency, code in [(Decimal("1000000.00"), "USD", "amount_too_large"),
                                   (Decimal("0.49"), "USD", "amount_too_small"),
                                   (Decimal("0.29"), "GBP", "amount_too_small"),
                                   (Decimal("100000000"), "JPY", "amount_too_large"),
                                   (Decimal("10.00"), "XYZ", "parameter_invalid_string")]:
        with pytest.raises(PaymentRejected) as err:
            await gw.create_intent(booking_id=f"b-{uuid.uuid4()}", reference="BK", amount=amount, currency=currency)
        assert err.value.code == code, (amount, currency, err.value.message)
    assert await gw.create_intent(booking_id=f"b-{uuid.uuid4()}", reference="BK", amount=Decimal("999999.99"),
                                  currency="USD")


def test_a_charge_hidden_behind_a_5xx_confirms_the_booking(flow, fake_stripe):
    """Stripe charged the card, then answered 500 (saved): the API asks the intent instead of answering 503."""
    b = flow.booking()
    fake_stripe.fail_next(1, 500, stage="after", path="/confirm$")
    r = _pay(flow, b, "tok_visa")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "CONFIRMED"
    assert len(fake_stripe.charges_for(b["paymentIntentId"])) == 1
