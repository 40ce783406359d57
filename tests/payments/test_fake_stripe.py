"""The fake behaves like Stripe where money can be lost (issue 26): replays, key expiry, saved 5xx, per-key 409,
validation failures not saved, refunds that change after creation, webhooks retried until acknowledged.

These talk to the fake with the real SDK (or raw HTTP where the SDK would hide what Stripe answers)."""

import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import stripe

from testing.stripe import FakeStripe, sign


@pytest.fixture
def fake():
    """A private fake (its clock and webhook target are this test's own)."""
    f = FakeStripe()
    f.start()
    yield f
    f.stop()


def _client(fake, retries=2):
    return stripe.StripeClient(fake.api_key, base_addresses={"api": fake.url}, max_network_retries=retries,
                               http_client=stripe.HTTPXClient(allow_sync_methods=True))


def _post(fake, path, data, key=None):
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    if key:
        headers["Idempotency-Key"] = key
    return httpx.post(fake.url + path, data=data, headers=headers, timeout=10)


def _paid_intent(fake, token="tok_visa", amount=1000):
    r = _post(fake, "/v1/payment_intents", {"amount": amount, "currency": "usd", "confirm": "true",
                                             "payment_method_data[type]": "card",
                                             "payment_method_data[card][token]": token})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_replay_returns_the_first_answer_not_the_live_object(fake):
    intent = _paid_intent(fake, "tok_pendingRefund")
    first = _post(fake, "/v1/refunds", {"payment_intent": intent["id"]}, key="k-replay")
    assert first.json()["status"] == "pending"
    fake.settle_refund(first.json()["id"], "succeeded")
    again = _post(fake, "/v1/refunds", {"payment_intent": intent["id"]}, key="k-replay")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and again.json()["status"] == "pending"  # the saved first answer
    live = httpx.get(f"{fake.url}/v1/refunds/{first.json()['id']}", headers={"Authorization": f"Bearer {fake.api_key}"})
    assert live.json()["status"] == "succeeded"  # GET reads the object as it is now
    assert len(fake.refunds) == 1


def test_keys_expire_after_24_hours_and_the_request_runs_again(fake):
    intent = _paid_intent(fake)
    first = _post(fake, "/v1/refunds", {"payment_intent": intent["id"], "amount": 300}, key="k-expiry")
    fake.advance_clock(23 * 3600)
    assert _post(fake, "/v1/refunds", {"payment_intent": intent["id"], "amount": 300}, key="k-expiry").json()["id"] == \
        first.json()["id"]
    r = httpx.post(fake.url + "/_fake/clock/advance", data={"seconds": 3600})  # the helper endpoint
    assert r.status_code == 200
    second = _post(fake, "/v1/refunds", {"payment_intent": intent["id"], "amount": 300}, key="k-expiry")
    assert "Idempotent-Replayed" not in second.headers and second.json()["id"] != first.json()["id"]
    assert [r["amount"] for r in fake.refunds.values()] == [300, 300]  # refunded twice: what the ledger prevents


def test_a_5xx_is_saved_and_replayed_so_the_sdk_does_not_retry_it_into_success(fake):
    fake.fail_next(1, 500)
    with pytest.raises(stripe.APIError) as err:
        _client(fake).v1.payment_intents.create(params={"amount": 1000, "currency": "usd"},
                                                options={"idempotency_key": "k-500"})
    assert err.value.http_status == 500
    assert fake.count("POST", "/v1/payment_intents") == 1  # the SDK's two retries were replays
    raw = _post(fake, "/v1/payment_intents", {"amount": 1000, "currency": "usd"}, key="k-500")
    assert raw.status_code == 500 and raw.headers["Stripe-Should-Retry"] == "false"
    assert raw.headers["Idempotent-Replayed"] == "true"
    # a 5xx before the endpoint (not saved) is retried by the SDK into success
    fake.fail_next(1, 503, stage="before")
    intent = _client(fake).v1.payment_intents.create(params={"amount": 1000, "currency": "usd"},
                                                     options={"idempotency_key": "k-503"})
    assert intent.status == "requires_payment_method"


def test_validation_failures_are_not_saved_under_their_key(fake):
    bad = _post(fake, "/v1/payment_intents", {"amount": 10, "currency": "usd"}, key="k-valid")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "amount_too_small"
    ok = _post(fake, "/v1/payment_intents", {"amount": 1000, "currency": "usd"}, key="k-valid")
    assert ok.status_code == 200, ok.text  # the same key, other parameters: nothing was saved for it
    # a decline (the endpoint ran) is saved: the same request replays it
    intent = _post(fake, "/v1/payment_intents", {"amount": 1000, "currency": "usd"}).json()
    d1 = _post(fake, f"/v1/payment_intents/{intent['id']}/confirm", {"payment_method": "pm_card_chargeDeclined"},
               key="k-decline")
    d2 = _post(fake, f"/v1/payment_intents/{intent['id']}/confirm", {"payment_method": "pm_card_chargeDeclined"},
               key="k-decline")
    assert d1.status_code == d2.status_code == 402 and d2.headers["Idempotent-Replayed"] == "true"


def test_amount_bounds_and_currencies(fake):
    for data, code in [({"amount": 100_000_000, "currency": "usd"}, "amount_too_large"),
                       ({"amount": 49, "currency": "usd"}, "amount_too_small"),
                       ({"amount": 1000, "currency": "xyz"}, "parameter_invalid_string"),
                       ({"amount": 1000}, "parameter_missing")]:
        r = _post(fake, "/v1/payment_intents", data)
        assert r.status_code == 400 and r.json()["error"]["code"] == code, (data, r.text)
        assert r.json()["error"]["type"] == "invalid_request_error"
    assert _post(fake, "/v1/payment_intents", {"amount": 99_999_999, "currency": "usd"}).status_code == 200


def test_a_concurrent_request_with_the_same_key_is_409_and_other_keys_are_not_serialised(fake):
    intent = _paid_intent(fake)
    fake.delay_next(1.0, count=3, path="^/v1/refunds$")
    answers = {}

    def send(name, key, amount):
        answers[name] = _post(fake, "/v1/refunds", {"payment_intent": intent["id"], "amount": amount}, key=key)

    started = time.monotonic()
    threads = [threading.Thread(target=send, args=("a", "k-same", 100)),
               threading.Thread(target=send, args=("c", "k-other", 200))]
    for t in threads:
        t.start()
    time.sleep(0.3)
    send("b", "k-same", 100)  # while "a" is still running at Stripe
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert answers["b"].status_code == 409, answers["b"].text
    assert answers["b"].json()["error"]["type"] == "idempotency_error"
    assert answers["a"].status_code == answers["c"].status_code == 200
    assert elapsed < 1.9  # a and c (different keys) ran side by side, not one after the other
    assert sorted(r["amount"] for r in fake.refunds.values()) == [100, 200]
    # once "a" is done, the same key replays its answer
    again = _post(fake, "/v1/refunds", {"payment_intent": intent["id"], "amount": 100}, key="k-same")
    assert again.json()["id"] == answers["a"].json()["id"]


def test_refund_lifecycle_events_and_charges_without_refunds(fake):
    intent = _paid_intent(fake, "tok_refundFail")
    refund = _post(fake, "/v1/refunds", {"payment_intent": intent["id"]}).json()
    assert refund["status"] == "succeeded"  # appears successful at first
    charge = fake.charges[refund["charge"]]
    assert charge["amount_refunded"] == 1000 and charge["refunded"] is True and "refunds" not in charge
    [refunded] = fake.events_for(intent["id"], "charge.refunded")
    assert "refunds" not in refunded["data"]["object"]
    r = httpx.post(f"{fake.url}/_fake/refunds/{refund['id']}/settle", data={"status": "failed"})
    assert r.status_code == 200 and r.json()["status"] == "failed"
    assert r.json()["failure_reason"] == "expired_or_canceled_card"
    types = [e["type"] for e in fake.events_for(intent["id"]) if e["type"].startswith(("refund.", "charge.refund"))]
    assert types == ["refund.created", "charge.refunded", "refund.updated", "refund.failed", "charge.refund.updated"]
    assert fake.charges[refund["charge"]]["amount_refunded"] == 0  # the money is back with the merchant
    # listing the intent's refunds (how the ledger resolves a lost answer), newest first, paged
    for amount in (100, 200):
        _post(fake, "/v1/refunds", {"payment_intent": intent["id"], "amount": amount})
    page = _client(fake).v1.refunds.list(params={"payment_intent": intent["id"], "limit": 2})
    assert page.has_more and [r.amount for r in page.data] == [200, 100]
    rest = _client(fake).v1.refunds.list(params={"payment_intent": intent["id"], "limit": 2,
                                                 "starting_after": page.data[-1].id})
    assert not rest.has_more and [r.id for r in rest.data] == [refund["id"]]


def test_pending_refund_card_and_processing_card(fake):
    intent = _paid_intent(fake, "pm_card_pendingRefund")
    refund = _post(fake, "/v1/refunds", {"payment_intent": intent["id"]}).json()
    assert refund["status"] == "pending" and refund["pending_reason"] == "processing"
    fake.settle_refund(refund["id"], "succeeded")
    assert fake.refunds[refund["id"]]["status"] == "succeeded" and "pending_reason" not in fake.refunds[refund["id"]]
    with pytest.raises(ValueError):
        fake.settle_refund(refund["id"], "succeeded")
    processing = _paid_intent(fake, "tok_fakeProcessing")
    assert processing["status"] == "processing"
    assert [e["type"] for e in fake.events_for(processing["id"])][-2:] == ["charge.pending", "payment_intent.processing"]
    r = httpx.post(f"{fake.url}/_fake/payment_intents/{processing['id']}/settle", data={"outcome": "succeeded"})
    assert r.json()["status"] == "succeeded"


def test_3ds_next_action_and_challenge_page(fake):
    intent = _post(fake, "/v1/payment_intents", {"amount": 1000, "currency": "usd"}).json()
    r = _post(fake, f"/v1/payment_intents/{intent['id']}/confirm",
              {"payment_method": "pm_card_threeDSecure2Required", "return_url": "http://shop.test/back?x=1"})
    body = r.json()
    assert body["status"] == "requires_action" and body["next_action"]["type"] == "redirect_to_url"
    url = body["next_action"]["redirect_to_url"]["url"]
    assert fake.charges_for(intent["id"]) == []
    page = httpx.get(url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    done = httpx.post(url, data={"action": "complete"})
    assert done.status_code == 303
    assert done.headers["location"].startswith("http://shop.test/back?x=1&payment_intent=" + intent["id"])
    assert fake.intents[intent["id"]]["status"] == "succeeded"


class _Endpoint:
    """A webhook endpoint that fails the first `failures` deliveries (500), then acknowledges."""

    def __init__(self, failures: int):
        self.failures = failures
        self.received: list[tuple[float, str, str]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.received.append((time.monotonic(), json.loads(body)["id"], self.headers["Stripe-Signature"]))
                status = 500 if len(endpoint.received) <= endpoint.failures else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_webhooks_are_redelivered_with_backoff_until_acknowledged(fake):
    endpoint = _Endpoint(failures=2)
    try:
        fake.webhook_url = endpoint.url
        fake.webhook_first_delay = 0.05
        fake.webhook_retry_delays = (0.3, 0.6, 5.0)
        intent = _post(fake, "/v1/payment_intents", {"amount": 1000, "currency": "usd"}).json()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len([r for r in endpoint.received if r[1] == fake.events[0]["id"]]) < 3:
            time.sleep(0.05)
        attempts = [r for r in endpoint.received if r[1] == fake.events[0]["id"]]
        assert len(attempts) == 3, endpoint.received  # two failures, then acknowledged: no fourth delivery
        gaps = [b[0] - a[0] for a, b in zip(attempts, attempts[1:])]
        assert gaps[0] >= 0.25 and gaps[1] >= 0.55 and gaps[1] > gaps[0]  # backing off
        time.sleep(0.4)
        assert len([r for r in endpoint.received if r[1] == fake.events[0]["id"]]) == 3
        assert [d["status"] for d in fake.deliveries if d["event"] == fake.events[0]["id"]] == [500, 500, 200]
        assert intent["id"] == fake.events[0]["data"]["object"]["id"]
        # each attempt is signed for its own moment, with the right secret
        payload = json.dumps(fake.events[0]).encode()
        t = attempts[-1][2].split(",")[0][2:]
        assert attempts[-1][2] == sign(payload, fake.webhook_secret, int(t))
    finally:
        fake.webhook_url = None
        endpoint.close()


def test_our_lost_acknowledgement_makes_stripe_redeliver_and_it_is_applied_once(flow, fake_stripe, db, api_server):
    """End to end: a proxy in front of our webhook loses the API's first answer (the API had applied the event);
    Stripe delivers again, the API answers DUPLICATE (200), Stripe stops; the booking is confirmed once."""
    target = api_server + "/api/payments/webhook"
    seen: list[int] = []

    class Proxy(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            req = urllib.request.Request(target, data=body, method="POST", headers={
                "Content-Type": "application/json", "Stripe-Signature": self.headers["Stripe-Signature"]})
            with urllib.request.urlopen(req, timeout=10) as resp:
                answer = resp.read()
            lose = json.loads(body)["type"] == "payment_intent.succeeded" and not seen
            if json.loads(body)["type"] == "payment_intent.succeeded":
                seen.append(resp.status)
            status = 502 if lose else 200  # the API's first answer to the success is lost on the way back
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    b = flow.booking()
    try:
        fake_stripe.webhook_url = f"http://127.0.0.1:{proxy.server_address[1]}/hook"
        fake_stripe.webhook_first_delay, fake_stripe.webhook_retry_delays = 0.05, (0.3, 3.0)
        status, _h, _body = fake_stripe.handle("POST", f"/v1/payment_intents/{b['paymentIntentId']}/confirm",
                                               {"Authorization": f"Bearer {fake_stripe.api_key}"},
                                               [("payment_method", "pm_card_visa")])
        assert status == 200
        [event] = fake_stripe.events_for(b["paymentIntentId"], "payment_intent.succeeded")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
                d["event"] == event["id"] and d["status"] == 200 for d in fake_stripe.deliveries):
            time.sleep(0.05)
        tries = [d["status"] for d in fake_stripe.deliveries if d["event"] == event["id"]]
        assert tries == [502, 200], tries
    finally:
        fake_stripe.webhook_url = None
        proxy.shutdown()
        proxy.server_close()
    row = db.execute("SELECT outcome FROM booking.webhook_events WHERE id = %s", (event["id"],)).fetchone()
    assert row == ("APPLIED",)
    assert flow.row(b["bookingId"])["status"] == "CONFIRMED"
    assert flow.payments(b["bookingId"]) == [("succeeded", flow.row(b["bookingId"])["amount"])]
