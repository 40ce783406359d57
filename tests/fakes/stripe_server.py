"""A small Stripe-compatible HTTP server for offline tests and `make run`.

It implements only what Marquee uses, with Stripe's wire format so the real `stripe` SDK talks to it unchanged
(point it here with STRIPE_API_BASE):

    POST /v1/payment_intents                  create (form-encoded, metadata[...], optional confirm=true)
    GET  /v1/payment_intents/{id}             retrieve
    POST /v1/payment_intents/{id}/confirm     payment_method=pm_card_visa | payment_method_data[card][token]=tok_visa
    POST /v1/payment_intents/{id}/cancel
    POST /v1/refunds                          payment_intent=..., amount (minor units, default: what is left)

Stripe behaviour reproduced because our correctness depends on it: Idempotency-Key replay (same key and params ->
the stored answer, with Idempotent-Replayed: true; other params -> 400 idempotency_error), the error envelope
({"error": {"type", "code", "decline_code", "message", "param", "payment_intent"}} with 402 for card errors), the
test cards (tok_visa / pm_card_visa succeed, *chargeDeclined* decline), refunds bounded by what was charged, and
signed webhook events (Stripe-Signature: t=<unix>,v1=HMAC-SHA256(secret, "<t>.<payload>")).

Run standalone: python -m tests.fakes.stripe_server --port 12111 [--webhook-url URL] [--webhook-secret whsec_...]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

DEFAULT_API_KEY = "sk_test_marquee_fake_key"
DEFAULT_WEBHOOK_SECRET = "whsec_marquee_dev_secret"

# test payment methods -> None (succeeds) or (code, decline_code, message)
_DECLINED = ("card_declined", "generic_decline", "Your card was declined.")
CARDS: dict[str, tuple[str, str | None, str] | None] = {
    "visa": None,
    "mastercard": None,
    "chargeDeclined": _DECLINED,
    "chargeDeclinedInsufficientFunds": ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
    "chargeDeclinedExpiredCard": ("expired_card", "expired_card", "Your card has expired."),
    "chargeDeclinedIncorrectCvc": ("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
}
# Stripe's smallest chargeable amounts (minor units) for the currencies the demo uses; others: 1.
MINIMUM_AMOUNT = {"usd": 50, "eur": 50, "gbp": 30, "jpy": 50, "cad": 50, "aud": 50}


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def parse_form(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's bracket encoding (a[b][c]=v, a[0]=v, a[]=v) into nested dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = [key.split("[", 1)[0]] + re.findall(r"\[([^\]]*)\]", key)
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "":  # a[]=v appends
                part = str(len(node))
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


class StripeError(Exception):
    def __init__(self, status: int, type_: str, message: str, code: str | None = None, param: str | None = None,
                 **extra):
        super().__init__(message)
        self.status = status
        self.body = {"error": {k: v for k, v in {"type": type_, "message": message, "code": code, "param": param,
                                                 **extra}.items() if v is not None}}


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header value Stripe would send for this payload."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


class FakeStripe:
    """State and behaviour; thread safe (one lock: requests are served one at a time, which also serialises
    concurrent requests that share an idempotency key, as Stripe does)."""

    def __init__(self, api_key: str | None = DEFAULT_API_KEY, webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
                 webhook_url: str | None = None):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.lock = threading.RLock()
        self.intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.events: list[dict] = []          # every event this server would emit, oldest first
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, params) actually executed (no replays)
        self._idempotency: dict[tuple[str, str], tuple[str, str, int, dict]] = {}
        self._failures: list[int] = []        # statuses to answer the next requests with (fault injection)
        self.next_refund_status: str | None = None  # e.g. "pending" or "failed" for the next refund
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- helpers for tests -------------------------------------------------------------------------------
    def count(self, method: str, path_pattern: str) -> int:
        """Executed (not replayed) requests whose path matches the regex."""
        with self.lock:
            return sum(1 for m, p, _ in self.requests if m == method and re.fullmatch(path_pattern, p))

    def charges_for(self, intent_id: str) -> list[dict]:
        with self.lock:
            return [c for c in self.charges.values() if c["payment_intent"] == intent_id and c["status"] == "succeeded"]

    def refunds_for(self, intent_id: str) -> list[dict]:
        with self.lock:
            return [r for r in self.refunds.values() if r["payment_intent"] == intent_id]

    def events_for(self, intent_id: str, type_: str | None = None) -> list[dict]:
        def about(e):
            o = e["data"]["object"]
            return o.get("id") == intent_id or o.get("payment_intent") == intent_id
        with self.lock:
            return [e for e in self.events if about(e) and (type_ is None or e["type"] == type_)]

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        """Answer the next `count` API requests with `status` (a Stripe api_error), to test retries/outages."""
        with self.lock:
            self._failures.extend([status] * count)

    def make_event(self, type_: str, obj: dict, created: int | None = None) -> dict:
        return {"id": _id("evt"), "object": "event", "api_version": "2024-06-20", "type": type_,
                "created": int(time.time()) if created is None else created, "livemode": False,
                "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
                "data": {"object": json.loads(json.dumps(obj))}}

    def send_webhook(self, url: str, event: dict, secret: str | None = None, timestamp: int | None = None,
                     signature: str | None = None, timeout: float = 10.0) -> tuple[int, dict | str]:
        """POST a signed event to url, as Stripe does; returns (status, parsed body)."""
        payload = json.dumps(event).encode()
        header = signature if signature is not None else sign(payload, secret or self.webhook_secret, timestamp)
        req = urllib.request.Request(url, data=payload, method="POST",
                                     headers={"Content-Type": "application/json", "Stripe-Signature": header,
                                              "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        try:
            return status, json.loads(raw or b"{}")
        except ValueError:
            return status, raw.decode(errors="replace")

    # ---- HTTP plumbing -------------------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                raw_body = self.rfile.read(length) if length else b""
                if len(raw_body) < length:
                    # the client died mid-request (e.g. an API process killed by a test): like Stripe, never act
                    # on a truncated request, or its idempotency key would be stored with the wrong parameters
                    self.close_connection = True
                    return
                body = raw_body.decode()
                split = urlsplit(self.path)
                raw = split.query if method == "GET" else body
                status, headers, payload = fake.handle(method, split.path, dict(self.headers.items()),
                                                       parse_qsl(raw, keep_blank_values=True))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", _id("req"))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def do_DELETE(self):
                self._serve("DELETE")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-stripe", daemon=True)
        self._thread.start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def handle(self, method: str, path: str, headers: dict[str, str], pairs: list[tuple[str, str]]):
        headers = {k.lower(): v for k, v in headers.items()}
        params = parse_form(pairs)
        with self.lock:
            try:
                if self._failures:
                    status = self._failures.pop(0)
                    raise StripeError(status, "api_error", "An unexpected error occurred (injected).")
                key = self._authenticate(headers)
                idem = headers.get("idempotency-key") if method == "POST" else None
                if idem:
                    fingerprint = json.dumps(params, sort_keys=True)
                    stored = self._idempotency.get((key, idem))
                    if stored:
                        s_path, s_params, s_status, s_body = stored
                        if s_path != path or s_params != fingerprint:
                            raise StripeError(400, "idempotency_error",
                                              "Keys for idempotent requests can only be used with the same "
                                              f"parameters they were first used with. Try using a key other than "
                                              f"'{idem}' if you meant to execute a different request.")
                        return s_status, {"Idempotent-Replayed": "true", "Idempotency-Key": idem}, s_body
                try:
                    self.requests.append((method, path, params))
                    status, body = 200, self._route(method, path, params)
                except StripeError as err:
                    status, body = err.status, err.body
                if idem and status < 500:  # Stripe does not save 5xx answers: a retry runs again
                    self._idempotency[(key, idem)] = (path, json.dumps(params, sort_keys=True), status, body)
                return status, ({"Idempotency-Key": idem} if idem else {}), body
            except StripeError as err:
                extra = {"Stripe-Should-Retry": "true"} if err.status >= 500 else {}
                return err.status, extra, err.body

    def _authenticate(self, headers: dict[str, str]) -> str:
        auth = headers.get("authorization", "")
        key = auth[7:] if auth.startswith("Bearer ") else ""
        if not key.startswith("sk_test_") or (self.api_key and key != self.api_key):
            raise StripeError(401, "invalid_request_error", f"Invalid API Key provided: {key[:12]}***")
        return key

    def _route(self, method: str, path: str, params: dict) -> dict:
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "payment_intents"]:
            if method == "POST" and len(parts) == 2:
                return self._create_intent(params)
            if len(parts) >= 3:
                intent = self.intents.get(parts[2])
                if intent is None:
                    raise StripeError(404, "invalid_request_error", f"No such payment_intent: '{parts[2]}'",
                                      code="resource_missing", param="intent")
                if method == "GET" and len(parts) == 3:
                    return intent
                if method == "POST" and parts[3:] == ["confirm"]:
                    return self._confirm(intent, params)
                if method == "POST" and parts[3:] == ["cancel"]:
                    return self._cancel(intent, params)
        if parts == ["v1", "refunds"] and method == "POST":
            return self._create_refund(params)
        if parts[:2] == ["v1", "refunds"] and method == "GET" and len(parts) == 3 and parts[2] in self.refunds:
            return self.refunds[parts[2]]
        raise StripeError(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    # ---- the resources -------------------------------------------------------------------------------------
    def _emit(self, type_: str, obj: dict) -> None:
        event = self.make_event(type_, obj)
        self.events.append(event)
        if self.webhook_url:  # standalone mode: deliver like Stripe, after the API answer, off the request thread
            threading.Thread(target=self._deliver_later, args=(event,), daemon=True).start()

    def _deliver_later(self, event: dict) -> None:
        time.sleep(0.2)
        try:
            self.send_webhook(self.webhook_url, event)
        except OSError:
            pass  # Stripe would retry for days; the payments worker's reconciliation covers a lost event

    def _create_intent(self, params: dict) -> dict:
        amount = params.get("amount")
        if amount is None:
            raise StripeError(400, "invalid_request_error", "Missing required param: amount.",
                              code="parameter_missing", param="amount")
        if not re.fullmatch(r"\d+", str(amount)):
            raise StripeError(400, "invalid_request_error", "Invalid integer: " + str(amount),
                              code="parameter_invalid_integer", param="amount")
        currency = str(params.get("currency", "")).lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise StripeError(400, "invalid_request_error", "Missing required param: currency.",
                              code="parameter_missing", param="currency")
        if int(amount) < MINIMUM_AMOUNT.get(currency, 1):
            raise StripeError(400, "invalid_request_error", "Amount must be at least the minimum charge amount.",
                              code="amount_too_small", param="amount")
        intent = {
            "id": _id("pi"), "object": "payment_intent", "amount": int(amount), "amount_capturable": 0,
            "amount_received": 0, "currency": currency, "status": "requires_payment_method",
            "metadata": params.get("metadata") or {}, "description": params.get("description"),
            "payment_method": None, "payment_method_types": params.get("payment_method_types") or ["card"],
            "latest_charge": None, "last_payment_error": None, "canceled_at": None, "cancellation_reason": None,
            "capture_method": "automatic", "confirmation_method": "automatic", "created": int(time.time()),
            "livemode": False,
        }
        intent["client_secret"] = f"{intent['id']}_secret_{secrets.token_hex(8)}"
        self.intents[intent["id"]] = intent
        self._emit("payment_intent.created", intent)
        if params.get("payment_method"):
            intent["payment_method"] = self._payment_method(params["payment_method"])
            intent["status"] = "requires_confirmation"
        if str(params.get("confirm", "")).lower() == "true":
            return self._confirm(intent, {})
        return intent

    def _payment_method(self, ref: str) -> str:
        m = re.fullmatch(r"(?:pm_card_|tok_)(\w+)", ref or "")
        if not m or m.group(1) not in CARDS:
            raise StripeError(400, "invalid_request_error", f"No such PaymentMethod: '{ref}'",
                              code="resource_missing", param="payment_method")
        return "pm_card_" + m.group(1)

    def _confirm(self, intent: dict, params: dict) -> dict:
        if intent["status"] in ("succeeded", "canceled", "processing"):
            verb = {"succeeded": "has already succeeded", "canceled": "has a status of canceled",
                    "processing": "is processing"}[intent["status"]]
            raise StripeError(400, "invalid_request_error",
                              f"You cannot confirm this PaymentIntent because it {verb}.",
                              code="payment_intent_unexpected_state", payment_intent=intent)
        pm_data = params.get("payment_method_data") or {}
        ref = params.get("payment_method") or (pm_data.get("card") or {}).get("token")
        if ref:
            intent["payment_method"] = self._payment_method(ref)
        if not intent["payment_method"]:
            raise StripeError(400, "invalid_request_error",
                              "You cannot confirm this PaymentIntent because it's missing a payment method.",
                              code="payment_intent_unexpected_state", param="payment_method", payment_intent=intent)
        card = intent["payment_method"][len("pm_card_"):]
        charge = {"id": _id("ch"), "object": "charge", "amount": intent["amount"], "amount_refunded": 0,
                  "currency": intent["currency"], "payment_intent": intent["id"], "metadata": intent["metadata"],
                  "payment_method": intent["payment_method"], "refunded": False, "created": int(time.time()),
                  "refunds": {"object": "list", "data": [], "has_more": False}}
        intent["latest_charge"] = charge["id"]
        decline = CARDS[card]
        if decline:
            code, decline_code, message = decline
            charge.update(status="failed", paid=False, failure_code=code, failure_message=message)
            self.charges[charge["id"]] = charge
            error = {"type": "card_error", "code": code, "decline_code": decline_code, "message": message,
                     "charge": charge["id"], "payment_method": {"id": intent["payment_method"]}}
            intent.update(status="requires_payment_method", last_payment_error=error, payment_method=None)
            self._emit("charge.failed", charge)
            self._emit("payment_intent.payment_failed", intent)
            raise StripeError(402, "card_error", message, code=code, decline_code=decline_code,
                              charge=charge["id"], payment_intent=intent)
        charge.update(status="succeeded", paid=True)
        self.charges[charge["id"]] = charge
        intent.update(status="succeeded", amount_received=intent["amount"], last_payment_error=None)
        self._emit("charge.succeeded", charge)
        self._emit("payment_intent.succeeded", intent)
        return intent

    def _cancel(self, intent: dict, params: dict) -> dict:
        if intent["status"] in ("succeeded", "canceled"):
            raise StripeError(400, "invalid_request_error",
                              "You cannot cancel this PaymentIntent because it has a status of "
                              f"{intent['status']}. Only a PaymentIntent with one of the following statuses may be "
                              "canceled: requires_payment_method, requires_capture, requires_confirmation, "
                              "requires_action, processing.",
                              code="payment_intent_unexpected_state", payment_intent=intent)
        intent.update(status="canceled", canceled_at=int(time.time()),
                      cancellation_reason=params.get("cancellation_reason") or "requested_by_customer")
        self._emit("payment_intent.canceled", intent)
        return intent

    def _create_refund(self, params: dict) -> dict:
        intent = self.intents.get(params.get("payment_intent", ""))
        charge = self.charges.get(params.get("charge", ""))
        if intent is None and charge is None:
            raise StripeError(400 if not params.get("payment_intent") else 404, "invalid_request_error",
                              f"No such payment_intent: '{params.get('payment_intent')}'",
                              code="resource_missing", param="payment_intent")
        if charge is None:
            charge = self.charges.get(intent["latest_charge"] or "")
            if intent["status"] != "succeeded" or charge is None:
                raise StripeError(400, "invalid_request_error",
                                  f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                                  code="charge_not_refundable", param="payment_intent")
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise StripeError(400, "invalid_request_error", f"Charge {charge['id']} has already been refunded.",
                              code="charge_already_refunded")
        amount = params.get("amount")
        if amount is not None:
            if not re.fullmatch(r"\d+", str(amount)) or int(amount) <= 0:
                raise StripeError(400, "invalid_request_error", "Invalid positive integer",
                                  code="parameter_invalid_integer", param="amount")
            amount = int(amount)
            if amount > remaining:
                raise StripeError(400, "invalid_request_error",
                                  f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                                  code="amount_too_large", param="amount")
        else:
            amount = remaining
        status = self.next_refund_status or "succeeded"
        self.next_refund_status = None
        refund = {"id": _id("re"), "object": "refund", "amount": amount, "currency": charge["currency"],
                  "charge": charge["id"], "payment_intent": charge["payment_intent"], "status": status,
                  "metadata": params.get("metadata") or {}, "reason": params.get("reason"),
                  "created": int(time.time())}
        self.refunds[refund["id"]] = refund
        if status != "failed":
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        charge["refunds"]["data"].insert(0, refund)
        self._emit("refund.created", refund)
        if status == "succeeded":
            self._emit("charge.refunded", charge)
        return refund


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Stripe-compatible fake server for offline development")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", default=os.environ.get("STRIPE_API_KEY", DEFAULT_API_KEY))
    parser.add_argument("--webhook-secret", default=os.environ.get("STRIPE_WEBHOOK_SECRET", DEFAULT_WEBHOOK_SECRET))
    parser.add_argument("--webhook-url", default=os.environ.get("STRIPE_WEBHOOK_URL"),
                        help="deliver every event here, signed, like Stripe does")
    args = parser.parse_args(argv)
    fake = FakeStripe(api_key=args.api_key, webhook_secret=args.webhook_secret, webhook_url=args.webhook_url)
    print(f"fake Stripe on {fake.start(args.host, args.port)}"
          + (f", webhooks to {args.webhook_url}" if args.webhook_url else ""), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
