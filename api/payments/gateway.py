"""The payment gateway the HTTP layer calls. CONTRACT (owned by the payments work; the API codes against it):

    gw = get_gateway()                                   # process-wide, configured from the environment
    intent_id = await gw.create_intent(booking_id=..., reference=..., amount=Decimal("19.20"), currency="USD")
    result = await gw.confirm_intent(intent_id, payment_method_token="tok_visa", idempotency_key="...")
        -> PaymentOutcome(status="succeeded" | "declined", error_code: str | None, message: str | None)
    await gw.cancel_intent(intent_id)
    refund_id = await gw.create_refund(intent_id, amount=Decimal("10.00"), idempotency_key="refund-<id>")

Errors: raises PaymentProviderUnavailable when Stripe cannot be reached (the API answers 503,
code PAYMENT_PROVIDER_UNAVAILABLE). Amounts are Decimal in major units; the gateway converts to minor units.

Additions (compatible): cancel_intent returns the intent's final status ("canceled", or "succeeded" when the money
arrived first); refund() returns the provider's refund id *and* status; PaymentRejected is raised when Stripe refuses
a request for good (e.g. an amount below Stripe's minimum), so the caller can answer 4xx instead of retrying.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import stripe

from ..errors import ApiError

# Stripe's currencies without minor unit, and with three decimals (their amounts must end in 0).
ZERO_DECIMAL = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())

DEFAULT_API_KEY = "sk_test_marquee_fake_key"  # only the local fake server accepts it
DEFAULT_WEBHOOK_SECRET = "whsec_marquee_dev_secret"
DEFAULT_API_BASE = "https://api.stripe.com"


class PaymentProviderUnavailable(Exception):
    """Stripe could not be reached or answered 5xx after retries."""


class PaymentRejected(ApiError):
    """Stripe refused the request itself (not a card decline): retrying the same request will not help.
    An ApiError, so an endpoint that lets it through answers 422 PAYMENT_REJECTED (never a 500)."""

    def __init__(self, code: str | None, message: str):
        super().__init__(422, "PAYMENT_REJECTED", message, {"providerCode": code or "payment_rejected"})
        self.code = code or "payment_rejected"
        self.message = message


@dataclass(frozen=True)
class PaymentOutcome:
    status: str  # "succeeded" | "declined"
    error_code: str | None = None
    message: str | None = None
    decline_code: str | None = None


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str  # Stripe's: "succeeded" | "pending" | "failed" | "canceled" | "requires_action"


@dataclass(frozen=True)
class StripeSettings:
    api_key: str
    webhook_secret: str
    api_base: str
    max_network_retries: int = 2
    timeout_seconds: float = 20.0

    @classmethod
    def from_env(cls) -> "StripeSettings":
        return cls(
            api_key=os.environ.get("STRIPE_API_KEY") or DEFAULT_API_KEY,
            webhook_secret=os.environ.get("STRIPE_WEBHOOK_SECRET") or DEFAULT_WEBHOOK_SECRET,
            api_base=(os.environ.get("STRIPE_API_BASE") or DEFAULT_API_BASE).rstrip("/"),
            max_network_retries=int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "2")),
            timeout_seconds=float(os.environ.get("STRIPE_TIMEOUT_SECONDS", "20")),
        )


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
    return isinstance(err, (stripe.APIConnectionError, stripe.RateLimitError, stripe.AuthenticationError,
                            stripe.PermissionError)) or (err.http_status or 0) >= 500 or (
        isinstance(err, stripe.APIError))


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
                raise PaymentProviderUnavailable(str(err.user_message or err)) from err
            raise

    async def create_intent(self, *, booking_id, reference: str, amount: Decimal, currency: str) -> str:
        """One intent per booking: the idempotency key is the booking, so a retried confirm gets the same intent."""
        try:
            minor = to_minor_units(amount, currency)
        except ValueError as err:
            raise PaymentRejected("invalid_amount", str(err)) from err
        try:
            intent = await self._call(self.client.v1.payment_intents.create_async(
                params={"amount": minor, "currency": currency.lower(), "payment_method_types": ["card"],
                        "description": f"Marquee booking {reference}",
                        "metadata": {"booking_id": str(booking_id), "reference": reference}},
                options={"idempotency_key": f"intent-{booking_id}"}))
        except stripe.InvalidRequestError as err:
            raise PaymentRejected(err.code, str(err.user_message or err)) from err
        return intent.id

    async def confirm_intent(self, intent_id: str, payment_method_token: str,
                             idempotency_key: str | None = None) -> PaymentOutcome:
        """Charge the card. A decline is an outcome, not an exception: the customer may retry with another card.
        Confirming an intent that already succeeded (double submit) reports success without charging again."""
        if payment_method_token.startswith("tok_"):
            params = {"payment_method_data": {"type": "card", "card": {"token": payment_method_token}}}
        else:
            params = {"payment_method": payment_method_token}
        # Same intent + same card = the same charge attempt: a double submit replays instead of charging twice.
        key = idempotency_key or f"confirm-{intent_id}-{payment_method_token}"
        try:
            intent = await self._call(self.client.v1.payment_intents.confirm_async(
                intent_id, params=params, options={"idempotency_key": key}))
        except stripe.CardError as err:
            return PaymentOutcome("declined", err.code or "card_declined", err.user_message or str(err),
                                  err.error.decline_code if err.error else None)
        except stripe.InvalidRequestError as err:
            if err.code == "payment_intent_unexpected_state":
                current = await self.retrieve_intent(intent_id)
                if current.status == "succeeded":
                    return PaymentOutcome("succeeded")
            return PaymentOutcome("declined", err.code or "invalid_request", err.user_message or str(err))
        if intent.status == "succeeded":
            return PaymentOutcome("succeeded")
        # requires_action (3-D Secure) and friends: not supported for server-side confirmation
        return PaymentOutcome("declined", f"intent_{intent.status}", f"payment needs {intent.status}")

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
        try:
            refund = await self._call(self.client.v1.refunds.create_async(
                params={"payment_intent": intent_id, "amount": to_minor_units(amount, currency),
                        "metadata": metadata or {}},
                options={"idempotency_key": idempotency_key}))
        except stripe.InvalidRequestError as err:
            raise PaymentRejected(err.code, str(err.user_message or err)) from err
        return RefundResult(refund.id, refund.status or "pending")

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
    """The process-wide gateway, configured from the environment on first use."""
    global _gateway
    if _gateway is None:
        _gateway = StripeGateway(StripeSettings.from_env())
    return _gateway


def reset_gateway(settings: StripeSettings | None = None) -> StripeGateway:
    """Replace the process-wide gateway (tests, or after changing the environment)."""
    global _gateway
    _gateway = StripeGateway(settings or StripeSettings.from_env())
    return _gateway
