"""A Stripe-compatible HTTP server for offline tests and `make run`, modelling Stripe where money can be lost.

It implements only what Marquee uses, with Stripe's wire format so the real `stripe` SDK talks to it unchanged
(point it here with STRIPE_API_BASE); every body it returns is checked against an excerpt of Stripe's published
OpenAPI description by tests/payments/test_stripe_contract.py:

    POST /v1/payment_intents                  create (form-encoded, metadata[...], optional confirm=true)
    GET  /v1/payment_intents/{id}             retrieve
    POST /v1/payment_intents/{id}/confirm     payment_method=pm_card_visa | payment_method_data[card][token]=tok_visa,
                                              return_url (3-D Secure then redirects there)
    POST /v1/payment_intents/{id}/cancel
    POST /v1/refunds                          payment_intent=..., amount (minor units, default: what is left), metadata
    GET  /v1/refunds/{id}                     retrieve
    GET  /v1/refunds?payment_intent=&charge=  list (newest first, limit / starting_after paging)

Stripe behaviour reproduced because our correctness depends on it (docs/payments.md, "The fake Stripe server"):

* Idempotency-Key: the FIRST answer is saved (a deep copy, never the live object) and replayed with
  `Idempotent-Replayed: true` for 24 hours (on the fake's clock, which tests can move: `advance_clock`, or
  POST /_fake/clock/advance); after that the key is forgotten and the same request runs again. The same key with
  other parameters is a 400 `idempotency_error`; a request while another with the same key is still running is a
  409 `idempotency_error` (per-key in-flight tracking: requests with different keys run concurrently). Parameter
  validation failures (400 before the endpoint starts) are NOT saved; answers of an endpoint that started are,
  5xx included, and a saved 5xx is replayed with `Stripe-Should-Retry: false` (the SDK does not retry it).
* Amounts: per-currency minimum (`amount_too_small`) and the eight-digit maximum (`amount_too_large`), unknown
  currencies refused (`param: currency`).
* Test payment methods, by Stripe's documented names (https://docs.stripe.com/testing):
  tok_visa / pm_card_visa, tok_mastercard succeed; *chargeDeclined* ... decline (402 card_error);
  tok_threeDSecure2Required / tok_authenticationRequired -> `requires_action` with `next_action` (redirect_to_url
  when confirmed with return_url, else use_stripe_sdk); the challenge is completed or failed on the fake's page
  GET/POST /_fake/3ds/{intent} (or `complete_3ds`); tok_authenticationRequiredChargeDeclinedInsufficientFunds and
  tok_threeDSecureRequiredChargeDeclined are declined after authentication; tok_pendingRefund: its refunds start
  `pending`; tok_refundFail: its refunds succeed, then fail (`expired_or_canceled_card`) when settled.
  tok_fakeProcessing is the fake's own (Stripe documents no card that stays `processing`; bank debits do): the
  intent stays `processing` until `settle_intent` / POST /_fake/payment_intents/{id}/settle.
* Refunds change after creation: `settle_refund` / POST /_fake/refunds/{id}/settle moves pending -> succeeded or
  failed, succeeded -> failed, announced by refund.updated / refund.failed / charge.refund.updated. Events carry
  the charge WITHOUT `refunds` (not expanded since API 2022-11-15; webhooks cannot expand).
* Webhooks: signed (Stripe-Signature: t=<unix>,v1=HMAC-SHA256(secret, "<t>.<payload>")) and, when a webhook_url is
  set, delivered off the request thread and retried with backoff (`webhook_retry_delays`) until a 2xx.

Where Stripe's behaviour is not documented the fake says so ("UNSURE") and does what is worse for us.

Run standalone: python -m testing.stripe --port 12111 [--webhook-url URL] [--webhook-secret whsec_...]
                [--settle-after SECONDS]   (pending refunds, failing refunds and processing payments settle)
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import hmac
import html
import json
import os
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

DEFAULT_API_KEY = "sk_test_marquee_fake_key"
DEFAULT_WEBHOOK_SECRET = "whsec_marquee_dev_secret"
# The API version of the OpenAPI excerpt the fake's bodies are checked against (tests/payments/stripe_openapi/).
API_VERSION = "2026-06-24.dahlia"
IDEMPOTENCY_KEY_TTL = 24 * 3600  # Stripe: "keys are eligible to be removed ... after they're at least 24 hours old"

_DECLINED = ("card_declined", "generic_decline", "Your card was declined.")
_INSUFFICIENT = ("card_declined", "insufficient_funds", "Your card has insufficient funds.")


@dataclass(frozen=True)
class Card:
    decline: tuple[str, str | None, str] | None = None  # (code, decline_code, message): declined at confirm
    three_ds: bool = False                                # confirm -> requires_action until the challenge
    decline_after_3ds: tuple[str, str | None, str] | None = None
    processing: bool = False                              # confirm -> processing until settled
    refund: str = "succeeded"                             # how its refunds start: succeeded | pending | fail_later


# Stripe's test payment methods (pm_card_<name> / tok_<name>) that the fake knows.
CARDS: dict[str, Card] = {
    "visa": Card(),
    "mastercard": Card(),
    "chargeDeclined": Card(decline=_DECLINED),
    "chargeDeclinedInsufficientFunds": Card(decline=_INSUFFICIENT),
    "chargeDeclinedExpiredCard": Card(decline=("expired_card", "expired_card", "Your card has expired.")),
    "chargeDeclinedIncorrectCvc": Card(decline=("incorrect_cvc", "incorrect_cvc",
                                                "Your card's security code is incorrect.")),
    "threeDSecure2Required": Card(three_ds=True),
    "authenticationRequired": Card(three_ds=True),
    "authenticationRequiredChargeDeclinedInsufficientFunds": Card(three_ds=True, decline_after_3ds=_INSUFFICIENT),
    "threeDSecureRequiredChargeDeclined": Card(three_ds=True, decline_after_3ds=_DECLINED),
    "pendingRefund": Card(refund="pending"),
    "refundFail": Card(refund="fail_later"),
    "fakeProcessing": Card(processing=True),  # the fake's own name, see the module docstring
}

# Smallest chargeable amounts in minor units (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts,
# for the currencies listed there; others: 1). UNSURE: Stripe converts to the settlement currency to check the
# minimum; the fake checks the presentment currency's own minimum.
MINIMUM_AMOUNT = {"usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500,
                  "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50, "mxn": 1000,
                  "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200, "sek": 300, "sgd": 50, "thb": 1000}
# "The amount value supports up to eight digits (e.g., a value of 99999999 for a USD charge of $999,999.99)."
# UNSURE: a few currencies (IDR...) allow more digits; the fake applies eight digits to every currency.
MAXIMUM_AMOUNT = 99_999_999
# Currencies Stripe accepts for card payments (lowercase ISO 4217). UNSURE: Stripe's list depends on the account's
# country; this is the general presentment list. Anything else is refused like an unknown currency.
CURRENCIES = frozenset("""
usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd cad cdf chf clp
cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk
jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn
nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std
szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw""".split())


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
    """An answer of an endpoint that started: saved under the request's Idempotency-Key."""

    saved = True

    def __init__(self, status: int, type_: str, message: str, code: str | None = None, param: str | None = None,
                 **extra):
        super().__init__(message)
        self.status = status
        self.body = {"error": {k: v for k, v in {"type": type_, "message": message, "code": code, "param": param,
                                                 **extra}.items() if v is not None}}


class ValidationError(StripeError):
    """A parameter refused before the endpoint started: Stripe does not save it under the Idempotency-Key
    ("If incoming parameters fail validation ... no idempotent result is saved")."""

    saved = False

    def __init__(self, message: str, code: str | None = None, param: str | None = None):
        super().__init__(400, "invalid_request_error", message, code=code, param=param)


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header value Stripe would send for this payload."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


@dataclass
class _Saved:
    created: float
    path: str
    fingerprint: str
    status: int
    body: str  # JSON text: a replay is a deep copy of the first answer by construction


@dataclass
class _Fault:
    status: int | None  # None: drop the connection without an answer
    stage: str          # before (never reached the endpoint) | started (nothing done) | after (done, then 5xx) | drop
    path: str | None    # regex the request path must match, None = any API request
    delay: float = 0.0
    method: str | None = None  # only requests with this method


class FakeStripe:
    """State and behaviour. Thread safe: shared state is changed under one short lock, never held while a request
    waits (an injected delay), so requests with different idempotency keys run concurrently."""

    def __init__(self, api_key: str | None = DEFAULT_API_KEY, webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
                 webhook_url: str | None = None, webhook_retry_delays: tuple[float, ...] = (5, 30, 120, 600, 3600),
                 settle_after: float | None = None):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        # Stripe retries a failed delivery with exponential backoff for up to three days (live mode); the
        # delays here are configurable so tests need not wait.
        self.webhook_retry_delays = tuple(webhook_retry_delays)
        self.webhook_first_delay = 0.2
        self.settle_after = settle_after  # standalone: pending/processing objects settle by themselves
        self.lock = threading.RLock()
        self.clock_offset = 0.0
        self.intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.events: list[dict] = []          # every event this server would emit, oldest first
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, params) actually executed (no replays)
        self.deliveries: list[dict] = []      # webhook delivery attempts: {"event", "attempt", "status", "at"}
        self.responses: list[tuple[str, str, int, dict]] = []  # every API answer (method, path, status, body)
        self._idempotency: dict[tuple[str, str], _Saved] = {}
        self._in_flight: set[tuple[str, str]] = set()
        self._faults: list[_Fault] = []
        self._card_of_charge: dict[str, str] = {}
        self._fail_later: set[str] = set()    # refunds that succeed first and fail when settled (refundFail)
        self._return_urls: dict[str, str] = {}
        self.next_refund_status: str | None = None  # "pending" or "failed" for the next refund created
        self.refunds_start_pending = False          # every refund starts pending (Stripe may do so for any card)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- the fake's clock --------------------------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self.clock_offset

    def advance_clock(self, seconds: float) -> float:
        """Move the fake's clock (idempotency key expiry, `created` stamps). Webhook signatures keep real time."""
        with self.lock:
            self.clock_offset += seconds
            return self.now()

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
            return [copy.deepcopy(e) for e in self.events if about(e) and (type_ is None or e["type"] == type_)]

    def fail_next(self, count: int = 1, status: int = 500, stage: str = "started", path: str | None = None,
                  method: str | None = None) -> None:
        """Answer the next `count` API requests (matching `path`) with `status`:
        stage "started" (default): the endpoint started and did nothing; the answer is saved under the key;
        "after": the endpoint did its work (a refund exists, a card was charged) and then answered `status`, saved;
        "before": refused before the endpoint (an overloaded edge): not saved, Stripe-Should-Retry: true."""
        with self.lock:
            self._faults.extend(_Fault(status, stage, path, method=method) for _ in range(count))

    def drop_next(self, count: int = 1, path: str | None = None, method: str | None = None) -> None:
        """Process the next `count` API requests normally (replays included) but close the connection without
        answering: the request reached Stripe, the answer never reached us."""
        with self.lock:
            self._faults.extend(_Fault(None, "drop", path, method=method) for _ in range(count))

    def delay_next(self, seconds: float, count: int = 1, path: str | None = None, method: str | None = None) -> None:
        """The next `count` API requests take `seconds` inside the endpoint (their key stays in flight)."""
        with self.lock:
            self._faults.extend(_Fault(None, "delay", path, seconds, method) for _ in range(count))

    def reset_faults(self) -> None:
        """Forget injected faults not consumed yet and per-test switches (a session-wide fake between tests)."""
        with self.lock:
            self._faults.clear()
            self.next_refund_status = None
            self.refunds_start_pending = False

    def make_event(self, type_: str, obj: dict, created: int | None = None,
                   previous_attributes: dict | None = None) -> dict:
        data = {"object": json.loads(json.dumps(obj))}
        if previous_attributes is not None:
            data["previous_attributes"] = previous_attributes
        return {"id": _id("evt"), "object": "event", "api_version": API_VERSION, "type": type_,
                "created": int(self.now()) if created is None else created, "livemode": False,
                "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None}, "data": data}

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

    # ---- lifecycle helpers (also over HTTP under /_fake/) --------------------------------------------------
    def settle_refund(self, refund_id: str, status: str = "succeeded", reason: str = "expired_or_canceled_card") -> dict:
        """What the card network eventually says about a refund: pending -> succeeded | failed, succeeded ->
        failed (the money comes back to the merchant's balance: the customer was not refunded)."""
        with self.lock:
            refund = self.refunds[refund_id]
            before = refund["status"]
            if status not in ("succeeded", "failed") or before in ("failed", "canceled") or before == status:
                raise ValueError(f"cannot move refund {refund_id} from {before} to {status}")
            charge = self.charges[refund["charge"]]
            refund["status"] = status
            refund.pop("pending_reason", None)
            previous = {"status": before}
            if status == "failed":
                refund["failure_reason"] = reason
                previous["failure_reason"] = None
                # UNSURE: whether amount_refunded drops back; the fake gives the amount back so it can be refunded
                # again (and so a full refund retried after a failure is not refused as already refunded).
                charge["amount_refunded"] -= refund["amount"]
                charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
            self._fail_later.discard(refund_id)
            self._emit("refund.updated", refund, previous)
            if status == "failed":
                self._emit("refund.failed", refund)
            self._emit("charge.refund.updated", refund, previous)
            return copy.deepcopy(refund)

    def settle_intent(self, intent_id: str, outcome: str = "succeeded") -> dict:
        """A `processing` payment ends: succeeded, or failed (the intent wants another payment method)."""
        with self.lock:
            intent = self.intents[intent_id]
            if intent["status"] != "processing" or outcome not in ("succeeded", "failed"):
                raise ValueError(f"intent {intent_id} is {intent['status']}")
            charge = self.charges[intent["latest_charge"]]
            if outcome == "succeeded":
                self._charge_succeeded(intent, charge)
            else:
                self._charge_failed(intent, charge, ("card_declined", "generic_decline", "Your card was declined."))
            return copy.deepcopy(intent)

    def complete_3ds(self, intent_id: str, success: bool = True) -> tuple[dict, str | None]:
        """The customer passes (or fails) the 3-D Secure challenge; returns (intent, return_url with the query
        Stripe appends: payment_intent, payment_intent_client_secret, redirect_status)."""
        with self.lock:
            intent = self.intents[intent_id]
            if intent["status"] != "requires_action":
                raise ValueError(f"intent {intent_id} is {intent['status']}")
            card = CARDS[intent["payment_method"][len("pm_card_"):]]
            intent["next_action"] = None
            if not success:
                error = {"type": "invalid_request_error", "code": "payment_intent_authentication_failure",
                         "message": "The provided PaymentMethod has failed authentication. You can provide "
                                    "payment_method_data or a new PaymentMethod to attempt to fulfill this "
                                    "PaymentIntent again.",
                         "payment_method": self._pm_object(intent["payment_method"])}
                intent.update(status="requires_payment_method", last_payment_error=error, payment_method=None)
                self._emit("payment_intent.payment_failed", intent)
                status = "failed"
            else:
                charge = self._new_charge(intent, "pending")
                if card.decline_after_3ds:
                    self._charge_failed(intent, charge, card.decline_after_3ds)
                    status = "failed"
                else:
                    self._charge_succeeded(intent, charge)
                    status = "succeeded"
            back = self._return_urls.pop(intent_id, None)
            if back:
                sep = "&" if "?" in back else "?"
                back += sep + urlencode({"payment_intent": intent_id,
                                         "payment_intent_client_secret": intent["client_secret"],
                                         "redirect_status": status})
            return copy.deepcopy(intent), back

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
                split = urlsplit(self.path)
                pairs = parse_qsl(split.query, keep_blank_values=True)
                if method != "GET":
                    pairs += parse_qsl(raw_body.decode(), keep_blank_values=True)
                status, headers, payload = fake.handle(method, split.path, dict(self.headers.items()), pairs)
                if status is None:  # an injected lost answer
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(2)
                    return
                if isinstance(payload, bytes):
                    data = payload
                else:
                    data = json.dumps(payload).encode()
                    headers = {"Content-Type": "application/json", **headers}
                self.send_response(status)
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

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        with self.lock:
            for i, fault in enumerate(self._faults):
                if (fault.path is None or re.search(fault.path, path)) and fault.method in (None, method):
                    return self._faults.pop(i)
        return None

    def handle(self, method: str, path: str, headers: dict[str, str], pairs: list[tuple[str, str]]):
        """One request -> (status, headers, JSON-able body | bytes); status None = close without answering."""
        headers = {k.lower(): v for k, v in headers.items()}
        if path.startswith("/_fake/"):
            return self._helper(method, path, parse_form(pairs))
        fault = self._take_fault(method, path)
        status, out_headers, body = self._api(method, path, headers, parse_form(pairs), fault)
        with self.lock:  # for the contract test (tests/payments/test_stripe_contract.py)
            self.responses.append((method, path, status, copy.deepcopy(body)))
        if fault is not None and fault.stage == "drop":
            return None, {}, {}
        return status, out_headers, body

    def _api(self, method, path, headers, params, fault):
        try:
            key = self._authenticate(headers)
        except StripeError as err:
            return err.status, {}, err.body
        if fault is not None and fault.stage == "before":
            return fault.status, {"Stripe-Should-Retry": "true"}, StripeError(
                fault.status, "api_error", "An unexpected error occurred (injected, before the endpoint).").body
        idem = headers.get("idempotency-key") if method == "POST" else None
        fingerprint = json.dumps(params, sort_keys=True)
        if idem:
            with self.lock:
                saved = self._idempotency.get((key, idem))
                if saved is not None and self.now() - saved.created >= IDEMPOTENCY_KEY_TTL:
                    del self._idempotency[(key, idem)]  # forgotten: the same request is a new request now
                    saved = None
                if saved is not None:
                    if saved.path != path or saved.fingerprint != fingerprint:
                        err = StripeError(400, "idempotency_error",
                                          "Keys for idempotent requests can only be used with the same parameters "
                                          f"they were first used with. Try using a key other than '{idem}' if you "
                                          "meant to execute a different request.")
                        return err.status, {"Idempotency-Key": idem}, err.body
                    out = {"Idempotent-Replayed": "true", "Idempotency-Key": idem}
                    if saved.status >= 500:
                        out["Stripe-Should-Retry"] = "false"
                    return saved.status, out, json.loads(saved.body)
                if (key, idem) in self._in_flight:
                    # UNSURE: the exact message, and whether Stripe adds Stripe-Should-Retry here. The fake says
                    # "false" (the SDK then gives up at once), which is worse for us than letting it retry.
                    err = StripeError(409, "idempotency_error",
                                      "There is currently another in-progress request using this Idempotent Key "
                                      "(that probably means you submitted twice, and the other request is still "
                                      f"going through): {idem}. Please try again later.")
                    return err.status, {"Idempotency-Key": idem, "Stripe-Should-Retry": "false"}, err.body
                self._in_flight.add((key, idem))
        try:
            if fault is not None and fault.delay:
                time.sleep(fault.delay)
            save = True
            try:
                with self.lock:
                    self.requests.append((method, path, params))
                    if fault is not None and fault.stage == "started":
                        raise StripeError(fault.status, "api_error", "An unexpected error occurred (injected).")
                    status, body = 200, copy.deepcopy(self._route(method, path, params))
                    if fault is not None and fault.stage == "after":
                        status = fault.status
                        body = StripeError(status, "api_error", "An unexpected error occurred (injected, after the "
                                                                "request took effect).").body
            except StripeError as err:
                status, body, save = err.status, err.body, err.saved
            out = {"Idempotency-Key": idem} if idem else {}
            if idem and save:
                with self.lock:
                    self._idempotency[(key, idem)] = _Saved(self.now(), path, fingerprint, status, json.dumps(body))
            if status >= 500:
                # a saved 5xx is the endpoint's final answer for this key: retrying the same key replays it
                out["Stripe-Should-Retry"] = "false" if (idem and save) else "true"
            return status, out, body
        finally:
            if idem:
                with self.lock:
                    self._in_flight.discard((key, idem))

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
        if parts == ["v1", "refunds"] and method == "GET":
            return self._list_refunds(params)
        if parts[:2] == ["v1", "refunds"] and method == "GET" and len(parts) == 3:
            if parts[2] not in self.refunds:
                raise StripeError(404, "invalid_request_error", f"No such refund: '{parts[2]}'",
                                  code="resource_missing", param="id")
            return self.refunds[parts[2]]
        raise StripeError(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    # ---- test helpers over HTTP (not Stripe's API; no key needed, like Stripe's hosted test pages) ----------
    def _helper(self, method: str, path: str, params: dict):
        parts = path.strip("/").split("/")
        try:
            if parts == ["_fake", "clock", "advance"] and method == "POST":
                return 200, {}, {"now": int(self.advance_clock(float(params.get("seconds", 0))))}
            if parts[:2] == ["_fake", "refunds"] and parts[3:] == ["settle"] and method == "POST":
                return 200, {}, self.settle_refund(parts[2], params.get("status", "succeeded"))
            if parts[:2] == ["_fake", "payment_intents"] and parts[3:] == ["settle"] and method == "POST":
                return 200, {}, self.settle_intent(parts[2], params.get("outcome", "succeeded"))
            if parts[:2] == ["_fake", "3ds"] and len(parts) == 3:
                return self._challenge(method, parts[2], params)
        except (KeyError, ValueError) as exc:
            return 400, {}, {"error": {"type": "invalid_request_error", "message": str(exc)}}
        return 404, {}, {"error": {"type": "invalid_request_error", "message": f"no test helper {method} {path}"}}

    def _challenge(self, method: str, intent_id: str, params: dict):
        """The 3-D Secure test page (Stripe's shows "Complete" and "Fail" buttons too)."""
        with self.lock:
            intent = self.intents.get(intent_id)
            if intent is None:
                raise KeyError(f"No such payment_intent: '{intent_id}'")
        if method == "GET":
            amount = f"{intent['amount']} {intent['currency'].upper()} (minor units)"
            page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>3D Secure 2 Test Page</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:3rem auto}}button{{font-size:1.1rem;margin:.5rem}}</style>
</head><body><h1>3D Secure 2 Test Page</h1><p>Fake Stripe (test mode). Payment {html.escape(intent_id)}: {amount}.</p>
<form method="post"><button type="submit" name="action" value="complete">Complete</button>
<button type="submit" name="action" value="fail">Fail</button></form></body></html>"""
            return 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}, page.encode()
        intent, back = self.complete_3ds(intent_id, success=params.get("action") == "complete")
        if back:
            return 303, {"Location": back, "Content-Type": "text/plain"}, b""
        return 200, {}, intent

    # ---- the resources -------------------------------------------------------------------------------------
    def _emit(self, type_: str, obj: dict, previous_attributes: dict | None = None) -> None:
        event = self.make_event(type_, obj, previous_attributes=previous_attributes)
        self.events.append(event)
        if self.webhook_url:  # delivered like Stripe: after the API answer, off the request thread, retried
            threading.Thread(target=self._deliver, args=(event, self.webhook_url), daemon=True,
                             name=f"webhook-{event['id']}").start()

    def _deliver(self, event: dict, url: str) -> None:
        delays = (self.webhook_first_delay,) + self.webhook_retry_delays
        for attempt, delay in enumerate(delays, start=1):
            time.sleep(delay)
            try:
                status, _ = self.send_webhook(url, event)  # signed afresh at each attempt, like Stripe
            except OSError:
                status = None
            with self.lock:
                self.deliveries.append({"event": event["id"], "type": event["type"], "attempt": attempt,
                                        "status": status, "at": time.time()})
            if status is not None and 200 <= status < 300:
                return
        # Stripe gives up after its retries (days in live mode); reconciliation covers what was never delivered.

    def _later(self, fn, *args) -> None:
        if self.settle_after is not None:
            def run():
                with contextlib.suppress(KeyError, ValueError):
                    fn(*args)
            timer = threading.Timer(self.settle_after, run)
            timer.daemon = True
            timer.start()

    @staticmethod
    def _pm_object(pm: str) -> dict:
        return {"id": pm, "object": "payment_method", "type": "card"}

    def _create_intent(self, params: dict) -> dict:
        amount = params.get("amount")
        if amount is None:
            raise ValidationError("Missing required param: amount.", code="parameter_missing", param="amount")
        if not re.fullmatch(r"\d+", str(amount)):
            raise ValidationError("Invalid integer: " + str(amount), code="parameter_invalid_integer", param="amount")
        currency = str(params.get("currency", "")).lower()
        if not currency:
            raise ValidationError("Missing required param: currency.", code="parameter_missing", param="currency")
        if currency not in CURRENCIES:
            # UNSURE: Stripe's code for this; its message lists the supported currencies.
            raise ValidationError(f"Invalid currency: {currency}. Stripe currently supports these currencies: "
                                  + ", ".join(sorted(CURRENCIES)), code="parameter_invalid_string", param="currency")
        if int(amount) < MINIMUM_AMOUNT.get(currency, 1):
            raise ValidationError("Amount must be at least the minimum charge amount "
                                  f"({MINIMUM_AMOUNT.get(currency, 1)} {currency} in minor units).",
                                  code="amount_too_small", param="amount")
        if int(amount) > MAXIMUM_AMOUNT:
            raise ValidationError("Amount must be no more than 99999999 (eight digits).", code="amount_too_large",
                                  param="amount")
        intent = {
            "id": _id("pi"), "object": "payment_intent", "amount": int(amount), "amount_capturable": 0,
            "amount_received": 0, "currency": currency, "status": "requires_payment_method",
            "metadata": params.get("metadata") or {}, "description": params.get("description"),
            "payment_method": None, "payment_method_types": params.get("payment_method_types") or ["card"],
            "latest_charge": None, "last_payment_error": None, "canceled_at": None, "cancellation_reason": None,
            "capture_method": "automatic_async", "confirmation_method": "automatic", "created": int(self.now()),
            "livemode": False, "next_action": None, "processing": None, "customer": None,
        }
        intent["client_secret"] = f"{intent['id']}_secret_{secrets.token_hex(8)}"
        self.intents[intent["id"]] = intent
        self._emit("payment_intent.created", intent)
        if params.get("payment_method"):
            intent["payment_method"] = self._payment_method(params["payment_method"])
            intent["status"] = "requires_confirmation"
        if str(params.get("confirm", "")).lower() == "true":
            return self._confirm(intent, {k: v for k, v in params.items() if k in ("return_url", "payment_method_data")})
        return intent

    def _payment_method(self, ref: str) -> str:
        m = re.fullmatch(r"(?:pm_card_|tok_)(\w+)", ref or "")
        if not m or m.group(1) not in CARDS:
            raise StripeError(400, "invalid_request_error", f"No such PaymentMethod: '{ref}'",
                              code="resource_missing", param="payment_method")
        return "pm_card_" + m.group(1)

    def _new_charge(self, intent: dict, status: str) -> dict:
        charge = {"id": _id("ch"), "object": "charge", "amount": intent["amount"], "amount_captured": 0,
                  "amount_refunded": 0, "currency": intent["currency"], "payment_intent": intent["id"],
                  "metadata": intent["metadata"], "payment_method": intent["payment_method"], "refunded": False,
                  "created": int(self.now()), "livemode": False, "captured": False, "disputed": False,
                  "paid": False, "status": status, "failure_code": None, "failure_message": None,
                  "description": intent.get("description"),
                  "billing_details": {"address": None, "email": None, "name": None, "phone": None, "tax_id": None}}
        # Charges carry no `refunds` list: not included since API 2022-11-15 (list them with GET /v1/refunds).
        self.charges[charge["id"]] = charge
        self._card_of_charge[charge["id"]] = intent["payment_method"][len("pm_card_"):]
        intent["latest_charge"] = charge["id"]
        return charge

    def _charge_succeeded(self, intent: dict, charge: dict) -> None:
        charge.update(status="succeeded", paid=True, captured=True, amount_captured=charge["amount"])
        intent.update(status="succeeded", amount_received=intent["amount"], last_payment_error=None,
                      next_action=None, processing=None)
        self._emit("charge.succeeded", charge)
        self._emit("payment_intent.succeeded", intent)

    def _charge_failed(self, intent: dict, charge: dict, decline: tuple[str, str | None, str]) -> dict:
        code, decline_code, message = decline
        charge.update(status="failed", paid=False, failure_code=code, failure_message=message)
        error = {"type": "card_error", "code": code, "decline_code": decline_code, "message": message,
                 "charge": charge["id"], "payment_method": self._pm_object(intent["payment_method"])}
        error = {k: v for k, v in error.items() if v is not None}
        intent.update(status="requires_payment_method", last_payment_error=error, payment_method=None,
                      next_action=None, processing=None)
        self._emit("charge.failed", charge)
        self._emit("payment_intent.payment_failed", intent)
        return error

    def _confirm(self, intent: dict, params: dict) -> dict:
        if intent["status"] in ("succeeded", "canceled", "processing"):
            verb = {"succeeded": "has already succeeded", "canceled": "has a status of canceled",
                    "processing": "is processing"}[intent["status"]]
            raise StripeError(400, "invalid_request_error",
                              f"You cannot confirm this PaymentIntent because it {verb}.",
                              code="payment_intent_unexpected_state", payment_intent=copy.deepcopy(intent))
        pm_data = params.get("payment_method_data") or {}
        ref = params.get("payment_method") or (pm_data.get("card") or {}).get("token")
        if ref:
            intent["payment_method"] = self._payment_method(ref)
        if not intent["payment_method"]:
            raise StripeError(400, "invalid_request_error",
                              "You cannot confirm this PaymentIntent because it's missing a payment method.",
                              code="payment_intent_unexpected_state", param="payment_method",
                              payment_intent=copy.deepcopy(intent))
        card = CARDS[intent["payment_method"][len("pm_card_"):]]
        if card.decline:
            charge = self._new_charge(intent, "pending")
            error = self._charge_failed(intent, charge, card.decline)
            raise StripeError(402, "card_error", error["message"], code=error["code"],
                              decline_code=error.get("decline_code"), charge=charge["id"],
                              payment_intent=copy.deepcopy(intent))
        if card.three_ds:
            back = params.get("return_url")
            challenge = f"{self.url if self._server else ''}/_fake/3ds/{intent['id']}"
            if back:
                self._return_urls[intent["id"]] = back
                next_action = {"type": "redirect_to_url", "redirect_to_url": {"url": challenge, "return_url": back}}
            else:  # what Stripe.js handles (stripe.handleNextAction with the client secret)
                next_action = {"type": "use_stripe_sdk",
                               "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": challenge,
                                                  "source": _id("src")}}
            intent.update(status="requires_action", next_action=next_action, last_payment_error=None)
            self._emit("payment_intent.requires_action", intent)
            return intent
        charge = self._new_charge(intent, "pending")
        if card.processing:
            intent.update(status="processing", last_payment_error=None,
                          processing={"type": "card", "card": {}})
            self._emit("charge.pending", charge)
            self._emit("payment_intent.processing", intent)
            self._later(self.settle_intent, intent["id"], "succeeded")
            return intent
        self._charge_succeeded(intent, charge)
        return intent

    def _cancel(self, intent: dict, params: dict) -> dict:
        if intent["status"] in ("succeeded", "canceled"):
            raise StripeError(400, "invalid_request_error",
                              "You cannot cancel this PaymentIntent because it has a status of "
                              f"{intent['status']}. Only a PaymentIntent with one of the following statuses may be "
                              "canceled: requires_payment_method, requires_capture, requires_confirmation, "
                              "requires_action, processing.",
                              code="payment_intent_unexpected_state", payment_intent=copy.deepcopy(intent))
        if intent["status"] == "processing":
            # UNSURE: card payments in processing generally cannot be canceled; worse for us: refused, the money
            # may still arrive after the booking expired (a late payment, refunded).
            raise StripeError(400, "invalid_request_error",
                              "You cannot cancel this PaymentIntent because it has a status of processing.",
                              code="payment_intent_unexpected_state", payment_intent=copy.deepcopy(intent))
        reason = params.get("cancellation_reason") or "requested_by_customer"
        intent.update(status="canceled", canceled_at=int(self.now()), cancellation_reason=reason, next_action=None)
        self._emit("payment_intent.canceled", intent)
        return intent

    def _create_refund(self, params: dict) -> dict:
        amount = params.get("amount")
        if amount is not None and (not re.fullmatch(r"\d+", str(amount)) or int(amount) <= 0):
            raise ValidationError("Invalid positive integer", code="parameter_invalid_integer", param="amount")
        if not params.get("payment_intent") and not params.get("charge"):
            raise ValidationError("One of the following params should be provided for this request: "
                                  "payment_intent or charge.", code="parameter_missing", param="payment_intent")
        intent = self.intents.get(params.get("payment_intent", ""))
        charge = self.charges.get(params.get("charge", ""))
        if intent is None and charge is None:
            raise StripeError(404, "invalid_request_error", f"No such payment_intent: '{params.get('payment_intent')}'",
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
        if amount is not None:
            amount = int(amount)
            if amount > remaining:
                raise StripeError(400, "invalid_request_error",
                                  f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                                  code="amount_too_large", param="amount")
        else:
            amount = remaining
        card = CARDS.get(self._card_of_charge.get(charge["id"], "visa"), Card())
        status = self.next_refund_status or ("pending" if card.refund == "pending" or self.refunds_start_pending
                                             else "succeeded")
        self.next_refund_status = None
        refund = {"id": _id("re"), "object": "refund", "amount": amount, "currency": charge["currency"],
                  "charge": charge["id"], "payment_intent": charge["payment_intent"], "status": status,
                  "metadata": params.get("metadata") or {}, "reason": params.get("reason"),
                  "created": int(self.now()), "balance_transaction": None, "receipt_number": None}
        if status == "pending":
            refund["pending_reason"] = "processing"
        if status == "failed":
            refund["failure_reason"] = "unknown"
        self.refunds[refund["id"]] = refund
        if status != "failed":
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        self._emit("refund.created", refund)
        if status != "failed":
            # Sent when the refund is created, pending or not (UNSURE: Stripe may wait for a pending refund; the
            # fake sends it early, which is worse for us), and without the refunds (not expanded since 2022-11-15).
            self._emit("charge.refunded", charge)
        if status == "pending":
            self._later(self.settle_refund, refund["id"], "succeeded")
        if card.refund == "fail_later" and status == "succeeded":
            # "the refund will appear to be successful at first and will only have the failed status on
            # subsequent fetches" (Stripe's testing docs, 4000000000005126): settle_refund(id, "failed")
            self._fail_later.add(refund["id"])
            self._later(self.settle_refund, refund["id"], "failed")
        return refund

    def _list_refunds(self, params: dict) -> dict:
        limit = int(params.get("limit") or 10)
        if not 1 <= limit <= 100:
            raise ValidationError("Invalid limit: must be between 1 and 100", code="parameter_invalid_integer",
                                  param="limit")
        rows = [r for r in self.refunds.values()
                if (not params.get("payment_intent") or r["payment_intent"] == params["payment_intent"])
                and (not params.get("charge") or r["charge"] == params["charge"])]
        rows.reverse()  # newest first, as Stripe lists (the dict keeps creation order)
        after = params.get("starting_after")
        if after:
            ids = [r["id"] for r in rows]
            rows = rows[ids.index(after) + 1:] if after in ids else []
        return {"object": "list", "data": rows[:limit], "has_more": len(rows) > limit, "url": "/v1/refunds"}


@contextlib.contextmanager
def serving():
    """A fake Stripe for the block; yields the environment that points an API process (its SDK) at it."""
    fake = FakeStripe()
    fake.start()
    try:
        yield {"STRIPE_API_BASE": fake.url, "STRIPE_API_KEY": DEFAULT_API_KEY}
    finally:
        fake.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Stripe-compatible fake server for offline development")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", default=os.environ.get("STRIPE_API_KEY", DEFAULT_API_KEY))
    parser.add_argument("--webhook-secret", default=os.environ.get("STRIPE_WEBHOOK_SECRET", DEFAULT_WEBHOOK_SECRET))
    parser.add_argument("--webhook-url", default=os.environ.get("STRIPE_WEBHOOK_URL"),
                        help="deliver every event here, signed and retried until a 2xx, like Stripe does")
    parser.add_argument("--settle-after", type=float, default=5.0,
                        help="seconds after which pending refunds, failing refunds and processing payments settle")
    args = parser.parse_args(argv)
    fake = FakeStripe(api_key=args.api_key, webhook_secret=args.webhook_secret, webhook_url=args.webhook_url,
                      settle_after=args.settle_after)
    print(f"fake Stripe on {fake.start(args.host, args.port)}"
          + (f", webhooks to {args.webhook_url}" if args.webhook_url else ""), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
