"""POST /api/payments/webhook: Stripe's events, verified with the SDK's own construct_event, applied once each.

What each event does is decided in SQL (booking.apply_payment_event): this handler only verifies, passes the raw
event to Postgres in one transaction, sends a refund that the event made due (a payment after expiry), and reads
from Stripe the pending refunds a charge.refunded event names (that event no longer carries them).
Any non-2xx makes Stripe deliver the event again later, so only a bad signature or body is refused.
"""

import json
import logging

import stripe
from litestar import Controller, Request, Response, post
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, scalar, transaction
from ..http.errors import ApiError
from ..http.openapi import errors
from ..http.responses import MarqueeResponse
from .gateway import get_gateway
from .refunds import execute_refund

log = logging.getLogger("marquee.payments")
PQ = Queries.beside(__file__)


async def handle_event(pool_or_conn, payload: bytes, signature: str | None) -> dict:
    """Verify and apply one webhook delivery; returns the outcome (also used by tests without HTTP)."""
    try:
        get_gateway().construct_event(payload, signature)
    except stripe.SignatureVerificationError as exc:
        raise ApiError("INVALID_SIGNATURE", "the Stripe-Signature header is missing, wrong or too old",
                       {"reason": str(exc.user_message or exc)[:200]}) from exc
    except ValueError as exc:
        raise ApiError("WEBHOOK_EVENT_INVALID", "the body is not a JSON Stripe event") from exc
    async with transaction(pool_or_conn) as conn:
        result = json.loads(await scalar(conn, PQ.apply_payment_event, {"event": payload.decode()}))
    log.info(json.dumps({"event": "stripe_webhook", "eventId": result.get("eventId"), "type": result.get("type"),
                         "outcome": result.get("outcome"), "bookingId": result.get("bookingId")}))
    if result.get("outcome") == "APPLIED" and result.get("refundId") and result.get("type", "").startswith(
            "payment_intent."):
        # a payment that arrived after the booking expired: give the money back now (the worker retries if not)
        try:
            result["refundStatus"] = await execute_refund(pool_or_conn, result["refundId"])
        except Exception as exc:  # noqa: BLE001 - the event is applied; the refund row stays PENDING for the worker
            log.warning(json.dumps({"event": "refund_deferred", "refundId": result["refundId"], "error": str(exc)[:200]}))
    if result.get("outcome") == "APPLIED" and result.get("refundsToCheck"):
        # charge.refunded no longer carries the refunds: read ours that are still PENDING (GET, never a POST)
        checked = {}
        for refund_id in result["refundsToCheck"]:
            try:
                checked[refund_id] = await execute_refund(pool_or_conn, refund_id)
            except Exception as exc:  # noqa: BLE001 - the worker reads it later; the event stays applied
                log.warning(json.dumps({"event": "refund_check_deferred", "refundId": refund_id,
                                        "error": str(exc)[:200]}))
        result["refundsChecked"] = checked
    return result


class PaymentWebhookController(Controller):
    path = "/api/payments"
    tags = ["payments"]

    @post("/webhook", status_code=200, summary="Stripe webhook (Stripe-Signature verified; idempotent by event id)",
          responses=errors("INVALID_SIGNATURE", "WEBHOOK_EVENT_INVALID", "BOOKING_NOT_FOUND", "PAYMENT_MISMATCH"))
    async def webhook(self, request: Request, pool: AsyncConnectionPool) -> Response:
        result = await handle_event(pool, await request.body(), request.headers.get("stripe-signature"))
        return MarqueeResponse({"received": True, "eventId": result.get("eventId"), "outcome": result.get("outcome")})
