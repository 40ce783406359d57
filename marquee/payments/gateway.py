"""The payment gateway (Stripe through its official SDK), the payments domain's public face:

    gw = get_gateway()                                   # process-wide, configured from the settings (STRIPE_*)
    intent_id = await gw.create_intent(booking_id=..., reference=..., amount=Decimal("19.20"), currency="USD")
    outcome = await gw.confirm_intent(intent_id, payment_method_token="tok_visa", idempotency_key="...",
                                      return_url="https://.../showtime/...")   # where 3-D Secure comes back to
    outcome = await gw.intent_outcome(intent_id)         # after 3-D Secure: what the intent says now
        -> PaymentOutcome(status="succeeded" | "declined" | "requires_action" | "processing" | "canceled"
                          | "incomplete", error_code, message, client_secret, next_action)
    await gw.cancel_intent(intent_id)
    refund = await gw.refund(intent_id, Decimal("10.00"), "USD", idempotency_key="refund-<id>", metadata={...})
    refund = await gw.retrieve_refund("re_...")          # RefundResult(id, status, raw provider object)
    refund = await gw.find_refund(intent_id, refund_id)  # ours by metadata.refund_id, or None

Errors: raises PaymentProviderUnavailable when Stripe cannot be reached, answers 5xx or 409 (a concurrent request
with the same key) after the SDK's retries (the API answers 503, code PAYMENT_PROVIDER_UNAVAILABLE); its
`provider_answered` says whether Stripe itself answered (5xx: saved under the key, replayed for 24 h). Amounts are
Decimal in major units; the gateway converts to minor units. cancel_intent returns the intent's final status
("canceled", or "succeeded" when the money arrived first); PaymentRejected is raised when Stripe refuses a request
for good (an amount outside Stripe's bounds, an unknown currency...), so the caller can answer 4xx.
"""

from __future__ import annotations

import asyncio
import json
import uuid
import weakref
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import stripe

from ..http.errors import ApiError
from ..settings import Settings, load

# Stripe's currencies without minor unit, and with three decimals (their amounts must end in 0).
ZERO_DECIMAL = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())

class PaymentProviderUnavailable(Exception):
    """Stripe could not be reached, or answered 5xx / 409 after retries. provider_answered: Stripe itself answered
    (a 5xx it saved under the idempotency key: retrying that key replays it), as opposed to no answer at all."""

    def __init__(self, message: str, provider_answered: bool = False, http_status: int | None = None):
        super().__init__(message)
        self.provider_answered = provider_answered
        self.http_status = http_status


class PaymentRejected(ApiError):
    """Stripe refused the request itself (not a card decline): retrying the same request will not help.
    An ApiError, so an endpoint that lets it through answers 422 PAYMENT_REJECTED (never a 500); `code` is
    Stripe's code (details.providerCode)."""

    def __init__(self, code: str | None, message: str):
        super().__init__("PAYMENT_REJECTED", message, {"providerCode": code or "payment_rejected"})
        self.code = code or "payment_rejected"
        self.message = message


@dataclass(frozen=True)
class PaymentOutcome:
    # succeeded | declined (try another card) | requires_action (3-D Secure: client_secret, next_action) |
    # processing (settles later; the webhook decides) | canceled | incomplete (nothing was tried yet)
    status: str
    error_code: str | None = None
    message: str | None = None
    decline_code: str | None = None
    client_secret: str | None = None
    next_action: dict | None = None


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str  # Stripe's: "succeeded" | "pending" | "failed" | "canceled" | "requires_action"
    raw: dict | None = None  # the provider's refund object (for booking.apply_provider_refund)


@dataclass(frozen=True)
class StripeSettings:
    api_key: str
    webhook_secret: str
    api_base: str
    max_network_retries: int = 2
    timeout_seconds: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "StripeSettings":
        s = settings or load()
        return cls(api_key=s.stripe_api_key, webhook_secret=s.stripe_webhook_secret, api_base=s.stripe_api_base,
                   max_network_retries=s.stripe_max_network_retries, timeout_seconds=s.stripe_timeout_seconds)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Decimal major units -> Stripe's integer amount; refuses amounts the currency cannot represent."""
    cur = currency.upper()
    exponent = 0 if cur in ZERO_DECIMAL else 3 if cur in THREE_DECIMAL else 2
    scaled = Decimal(amount) * (Decimal(10) ** exponent)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {cur} has more decimals than the currency allows")
    minor = int(scaled)
    if cur in THREE_DECIMAL and minor % 10:
        raise ValueError(f"{amount} {cur}: Stripe needs three-decimal amounts rounded to 0.01")
    return minor


def from_minor_units(amount: int, currency: str) -> Decimal:
    cur = currency.upper()
    exponent = 0 if cur in ZERO_DECIMAL else 3 if cur in THREE_DECIMAL else 2
    return (Decimal(amount) / (Decimal(10) ** exponent)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _unavailable(err: stripe.StripeError) -> bool:
    # Auth/permission failures are our configuration, but to the customer it is the same: we cannot take money now.
    # A 409 idempotency_error is another request with the same key still running: try again later.
    return isinstance(err, (stripe.APIConnectionError, stripe.RateLimitError, stripe.AuthenticationError,
                            stripe.PermissionError)) or (err.http_status or 0) >= 500 or (
        isinstance(err, stripe.APIError)) or (isinstance(err, stripe.IdempotencyError) and err.http_status == 409)


def _plain(obj) -> dict:
    """A StripeObject (or a dict) as plain JSON-able dicts and lists."""
    return json.loads(json.dumps(obj.to_dict() if hasattr(obj, "to_dict") else obj, default=str))


def _outcome(intent) -> PaymentOutcome:
    """What a PaymentIntent's status means for the booking."""
    status = intent.status
    if status == "succeeded":
        return PaymentOutcome("succeeded")
    if status == "processing":
        return PaymentOutcome("processing")
    if status == "requires_action":
        return PaymentOutcome("requires_action", client_secret=intent.client_secret,
                              next_action=_plain(intent.next_action) if intent.next_action else None)
    if status == "canceled":
        return PaymentOutcome("canceled", "payment_intent_canceled", "the payment was canceled")
    error = _plain(intent.last_payment_error) if intent.last_payment_error else None
    if status == "requires_payment_method" and error:
        return PaymentOutcome("declined", error.get("code") or "card_declined",
                              error.get("message") or "the payment was declined", error.get("decline_code"))
    return PaymentOutcome("incomplete", f"intent_{status}", f"the payment is {status}")


class StripeGateway:
    def __init__(self, settings: StripeSettings):
        self.settings = settings
        # httpx's async client is bound to the event loop that first used it: one StripeClient per loop.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, stripe.StripeClient] = (
            weakref.WeakKeyDictionary())

    @property
    def client(self) -> stripe.StripeClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = stripe.StripeClient(
                self.settings.api_key,
                base_addresses={"api": self.settings.api_base},
                # StripeClient retries 0 times unless told; it adds its own idempotency key when we pass none.
                max_network_retries=self.settings.max_network_retries,
                http_client=stripe.HTTPXClient(timeout=self.settings.timeout_seconds),
            )
            self._clients[loop] = client
        return client

    async def _call(self, coro):
        try:
            return await coro
        except stripe.StripeError as err:
            if _unavailable(err):
                status = err.http_status
                raise PaymentProviderUnavailable(str(err.user_message or err), provider_answered=bool(
                    status and status >= 500), http_status=status) from err
            raise

    async def create_intent(self, *, booking_id, reference: str, amount: Decimal, currency: str,
                            exchange_id=None) -> str:
        """One intent per booking: the idempotency key is the booking, so a retried confirm gets the same intent.
        exchange_id: the intent for the difference of a dearer exchange (issue 21), one per exchange, under its own
        key (intent-exchange-<exchange id>), with metadata.exchange_id."""
        try:
            minor = to_minor_units(amount, currency)
        except ValueError as err:
            raise PaymentRejected("invalid_amount", str(err)) from err
        metadata = {"booking_id": str(booking_id), "reference": reference}
        key, description = f"intent-{booking_id}", f"Marquee booking {reference}"
        if exchange_id is not None:
            metadata["exchange_id"] = str(exchange_id)
            key, description = f"intent-exchange-{exchange_id}", f"Marquee booking {reference}: exchange"
        try:
            intent = await self._call(self.client.v1.payment_intents.create_async(
                params={"amount": minor, "currency": currency.lower(), "payment_method_types": ["card"],
                        "description": description, "metadata": metadata},
                options={"idempotency_key": key}))
        except stripe.InvalidRequestError as err:
            raise PaymentRejected(err.code, str(err.user_message or err)) from err
        return intent.id

    async def confirm_intent(self, intent_id: str, payment_method_token: str, idempotency_key: str | None = None,
                             return_url: str | None = None) -> PaymentOutcome:
        """Charge the card. A decline is an outcome, not an exception: the customer may retry with another card.
        3-D Secure answers requires_action (the client secret and next_action go to the buyer; with return_url
        next_action is a redirect_to_url); a payment that settles later answers processing. Confirming an intent
        that already succeeded or is processing (double submit) reports that without charging again; so does a
        5xx after which the intent turns out to have been charged."""
        if payment_method_token.startswith("tok_"):
            params: dict = {"payment_method_data": {"type": "card", "card": {"token": payment_method_token}}}
        else:
            params = {"payment_method": payment_method_token}
        if return_url:
            params["return_url"] = return_url
        # The key only makes the SDK's own retries of this call safe: a PaymentIntent never succeeds twice, so a
        # confirm is never repeated under a key Stripe may have saved a 5xx for (it would replay it for a day).
        key = idempotency_key or f"confirm-{intent_id}-{uuid.uuid4()}"
        try:
            intent = await self._call(self.client.v1.payment_intents.confirm_async(
                intent_id, params=params, options={"idempotency_key": key}))
        except stripe.CardError as err:
            return PaymentOutcome("declined", err.code or "card_declined", err.user_message or str(err),
                                  err.error.decline_code if err.error else None)
        except stripe.InvalidRequestError as err:
            if err.code == "payment_intent_unexpected_state":
                outcome = _outcome(await self.retrieve_intent(intent_id))
                if outcome.status in ("succeeded", "processing", "requires_action"):
                    return outcome
            return PaymentOutcome("declined", err.code or "invalid_request", err.user_message or str(err))
        except PaymentProviderUnavailable:
            # Stripe may have charged before its 5xx (or before the answer was lost): ask the intent.
            try:
                outcome = _outcome(await self.retrieve_intent(intent_id))
            except PaymentProviderUnavailable:
                outcome = None
            if outcome is not None and outcome.status in ("succeeded", "processing", "requires_action"):
                return outcome
            raise
        outcome = _outcome(intent)
        return outcome if outcome.status != "incomplete" else PaymentOutcome(
            "declined", outcome.error_code, outcome.message)

    async def intent_outcome(self, intent_id: str) -> PaymentOutcome:
        """What the intent says now (after the buyer's 3-D Secure challenge, or to check a processing payment)."""
        return _outcome(await self.retrieve_intent(intent_id))

    async def retrieve_intent(self, intent_id: str) -> stripe.PaymentIntent:
        return await self._call(self.client.v1.payment_intents.retrieve_async(intent_id))

    async def cancel_intent(self, intent_id: str) -> str:
        """Cancel an unpaid intent; returns its final status. "succeeded" means the money already arrived."""
        try:
            intent = await self._call(self.client.v1.payment_intents.cancel_async(
                intent_id, options={"idempotency_key": f"cancel-{intent_id}"}))
            return intent.status
        except stripe.InvalidRequestError as err:
            if err.code == "payment_intent_unexpected_state":
                return (await self.retrieve_intent(intent_id)).status
            if err.code == "resource_missing":
                return "missing"
            raise PaymentRejected(err.code, str(err.user_message or err)) from err

    async def refund(self, intent_id: str, amount: Decimal, currency: str, idempotency_key: str,
                     metadata: dict[str, str] | None = None) -> RefundResult:
        """POST /v1/refunds under the ledger's key (booking.begin_refund_attempt / refund_send_key)."""
        try:
            refund = await self._call(self.client.v1.refunds.create_async(
                params={"payment_intent": intent_id, "amount": to_minor_units(amount, currency),
                        "metadata": metadata or {}},
                options={"idempotency_key": idempotency_key}))
        except stripe.InvalidRequestError as err:
            raise PaymentRejected(err.code, str(err.user_message or err)) from err
        return RefundResult(refund.id, refund.status or "pending", _plain(refund))

    async def retrieve_refund(self, refund_id: str) -> RefundResult:
        """GET /v1/refunds/{id}: how a refund the provider has stands now (never a POST)."""
        try:
            refund = await self._call(self.client.v1.refunds.retrieve_async(refund_id))
        except stripe.InvalidRequestError as err:
            raise PaymentRejected(err.code, str(err.user_message or err)) from err
        return RefundResult(refund.id, refund.status or "pending", _plain(refund))

    async def find_refund(self, intent_id: str, refund_id: str) -> RefundResult | None:
        """Our refund among the intent's refunds at the provider (metadata.refund_id), or None: how a POST whose
        answer was lost (a crash, a timeout, a 5xx) is resolved without sending it again."""
        try:
            page = await self._call(self.client.v1.refunds.list_async(
                params={"payment_intent": intent_id, "limit": 100}))
        except stripe.InvalidRequestError as err:
            raise PaymentRejected(err.code, str(err.user_message or err)) from err
        while True:
            for refund in page.data:
                if _plain(refund.metadata or {}).get("refund_id") == str(refund_id):
                    return RefundResult(refund.id, refund.status or "pending", _plain(refund))
            if not page.has_more or not page.data:
                return None
            page = await self._call(self.client.v1.refunds.list_async(
                params={"payment_intent": intent_id, "limit": 100, "starting_after": page.data[-1].id}))

    async def create_refund(self, intent_id: str, amount: Decimal, idempotency_key: str,
                            currency: str | None = None) -> str:
        if currency is None:  # the minor unit depends on the currency: ask the intent
            currency = (await self.retrieve_intent(intent_id)).currency
        return (await self.refund(intent_id, amount, currency, idempotency_key)).id

    def construct_event(self, payload: bytes, signature: str | None) -> stripe.Event:
        """Verify Stripe-Signature (HMAC and 5-minute tolerance) with the SDK itself; raises
        stripe.SignatureVerificationError or ValueError (not JSON)."""
        return stripe.Webhook.construct_event(payload, signature, self.settings.webhook_secret)


_gateway: StripeGateway | None = None


def get_gateway() -> StripeGateway:
    """The process-wide gateway, configured from the settings on first use."""
    global _gateway
    if _gateway is None:
        _gateway = StripeGateway(StripeSettings.from_settings())
    return _gateway


def reset_gateway(settings: StripeSettings | None = None) -> StripeGateway:
    """Replace the process-wide gateway (tests, or after changing the environment)."""
    global _gateway
    _gateway = StripeGateway(settings or StripeSettings.from_settings())
    return _gateway
