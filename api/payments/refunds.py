"""Send a refund row to Stripe and record the answer.

A refund is first a PENDING row (written by booking.cancel, or by booking.record_payment for money that arrived
after the booking expired). This module sends it with the idempotency key "refund-<refund_id>", so the API, the
webhook and the payments worker may all try the same refund, at any time and any number of times, and Stripe
still refunds once. Call it after the transaction that created the row has committed.
"""

import json
import logging
from uuid import UUID

from .db import PQ, transaction
from .gateway import PaymentProviderUnavailable, PaymentRejected, get_gateway

log = logging.getLogger("marquee.payments")


async def execute_refund(conn_or_pool, refund_id: UUID | str) -> str:
    """Send one refund; returns its status afterwards: SUCCEEDED, FAILED, or PENDING (provider unreachable or
    still processing: the payments worker retries / the webhook finishes it). Raises REFUND_NOT_FOUND (SQL)."""
    async with transaction(conn_or_pool) as conn:
        row = await (await conn.execute(PQ.begin_refund_attempt, {"refund_id": refund_id})).fetchone()
    refund_id, booking_id, status, amount, currency, intent_id, attempts = row
    if status != "PENDING":
        return status
    if not intent_id:  # nothing was ever charged through the provider: nothing to give back there
        return await _record(conn_or_pool, refund_id, False, None, "booking has no payment intent")
    try:
        result = await get_gateway().refund(intent_id, amount, currency, idempotency_key=f"refund-{refund_id}",
                                            metadata={"refund_id": str(refund_id), "booking_id": str(booking_id)})
    except PaymentProviderUnavailable as exc:
        log.warning(json.dumps({"event": "refund_deferred", "refundId": str(refund_id), "attempts": attempts,
                                "error": str(exc)[:200]}))
        async with transaction(conn_or_pool) as conn:
            await conn.execute(PQ.note_refund_error, {"refund_id": refund_id, "error": str(exc)})
        return "PENDING"
    except PaymentRejected as exc:
        # Stripe refuses this refund for good (already refunded there, more than is left...): an operator must
        # look; the reconciliation report lists FAILED refunds.
        log.error(json.dumps({"event": "refund_rejected", "refundId": str(refund_id), "code": exc.code,
                              "error": exc.message[:200]}))
        return await _record(conn_or_pool, refund_id, False, None, f"{exc.code}: {exc.message}")
    refund = {"id": result.id, "status": result.status, "metadata": {"refund_id": str(refund_id)}}
    async with transaction(conn_or_pool) as conn:
        out = json.loads((await (await conn.execute(PQ.apply_provider_refund, {"refund": json.dumps(refund)}
                                                      )).fetchone())[0])
    log.info(json.dumps({"event": "refund_sent", "refundId": str(refund_id), "providerRefundId": result.id,
                         "status": out.get("status")}))
    return out.get("status") or "PENDING"


async def _record(conn_or_pool, refund_id, succeeded: bool, provider_id: str | None, error: str) -> str:
    async with transaction(conn_or_pool) as conn:
        await conn.execute(PQ.note_refund_error, {"refund_id": refund_id, "error": error})
        row = await (await conn.execute(PQ.record_refund, {"refund_id": refund_id, "succeeded": succeeded,
                                                           "provider_refund_id": provider_id})).fetchone()
    return row[2]
