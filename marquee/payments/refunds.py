"""Send a refund row to Stripe and record the answer, with the ledger deciding before every call.

A refund is first a PENDING row (written by booking.cancel, or by booking.record_payment for money that arrived
after the booking expired). The API, the webhook handler and the payments worker may all try the same refund at any
time; booking.begin_refund_attempt (sql/functions/60_payments.sql) says what the caller may do:

    CREATE    never sent: POST /v1/refunds under the idempotency key the ledger recorded first;
    RETRIEVE  Stripe has it (its id is known): GET /v1/refunds/{id}, never a second POST: Stripe replays the
              *first* answer to a repeated POST (a refund created `pending` would read `pending` for ever), and
              forgets the key after 24 hours (a repeated POST would then refund again);
    FIND      a POST was sent and no answer recorded (crash, timeout, lost answer, 5xx): list the intent's refunds
              and take ours by metadata.refund_id; only when Stripe has none is it sent again
              (booking.refund_send_key: the same key while Stripe keeps it, else a new one);
    BUSY / DONE / NO_INTENT: nothing to send.

Whatever the answer, booking.apply_provider_refund records it: a refund only moves forward (PENDING -> SUCCEEDED ->
FAILED), and one that fails after succeeding reopens what the booking owes. Call after the transaction that created
the row has committed.
"""

import json
import logging
from uuid import UUID

from ..db import Queries, one, scalar, transaction
from .gateway import PaymentProviderUnavailable, PaymentRejected, RefundResult, get_gateway

log = logging.getLogger("marquee.payments")
PQ = Queries.beside(__file__)

# Stripe's refusals that may mean "this charge was refunded already": ours, if a lost POST did take effect.
_MAYBE_OURS = frozenset({"charge_already_refunded", "amount_too_large"})


async def execute_refund(conn_or_pool, refund_id: UUID | str) -> str:
    """Work on one refund; returns its status afterwards: SUCCEEDED, FAILED, or PENDING (provider unreachable,
    still pending at the provider, or another sender busy with it). Raises REFUND_NOT_FOUND (SQL)."""
    async with transaction(conn_or_pool) as conn:
        row = await one(conn, PQ.begin_refund_attempt, {"refund_id": refund_id})
    refund_id, booking_id, status, amount, currency, intent_id, attempts, action, key, provider_id = row
    if action == "DONE":
        return status
    if action == "BUSY":
        return "PENDING"
    if action == "NO_INTENT":  # nothing was ever charged through the provider: nothing to give back there
        return await _record_failed(conn_or_pool, refund_id, "booking has no payment intent")
    gw = get_gateway()
    posting = False
    try:
        try:
            if action == "RETRIEVE":
                return await _apply(conn_or_pool, refund_id, await gw.retrieve_refund(provider_id), "refund_read")
            if action == "FIND":
                found = await gw.find_refund(intent_id, str(refund_id))
                if found is not None:
                    return await _apply(conn_or_pool, refund_id, found, "refund_found")
        except PaymentRejected as exc:  # Stripe cannot show it (unknown id...): an operator must look
            log.error(json.dumps({"event": "refund_unreadable", "refundId": str(refund_id), "code": exc.code,
                                  "error": exc.message[:200]}))
            async with transaction(conn_or_pool) as conn:
                await one(conn, PQ.note_refund_error, {"refund_id": refund_id, "error": f"{exc.code}: {exc.message}"})
            return "PENDING"
        if action == "FIND":
            async with transaction(conn_or_pool) as conn:
                key = await scalar(conn, PQ.refund_send_key, {"refund_id": refund_id})
            if key is None:  # finished or known meanwhile (a webhook): nothing to send
                async with transaction(conn_or_pool) as conn:
                    await one(conn, PQ.note_refund_error, {"refund_id": refund_id,
                                                           "error": "known at the provider meanwhile"})
                return await scalar(conn_or_pool, PQ.refund_status, {"refund_id": refund_id}) or "PENDING"
        posting = True
        try:
            result = await gw.refund(intent_id, amount, currency, idempotency_key=key,
                                     metadata={"refund_id": str(refund_id), "booking_id": str(booking_id)})
        except PaymentRejected as exc:
            if exc.code in _MAYBE_OURS:
                try:
                    found = await gw.find_refund(intent_id, str(refund_id))
                except PaymentRejected:
                    found = None
                if found is not None:
                    return await _apply(conn_or_pool, refund_id, found, "refund_found")
            # Stripe refuses this refund for good (refunded elsewhere, more than is left...): an operator must
            # look; the reconciliation report lists FAILED refunds.
            log.error(json.dumps({"event": "refund_rejected", "refundId": str(refund_id), "code": exc.code,
                                  "error": exc.message[:200]}))
            return await _record_failed(conn_or_pool, refund_id, f"{exc.code}: {exc.message}")
        return await _apply(conn_or_pool, refund_id, result, "refund_sent")
    except PaymentProviderUnavailable as exc:
        log.warning(json.dumps({"event": "refund_deferred", "refundId": str(refund_id), "action": action,
                                "attempts": attempts, "providerAnswered": exc.provider_answered,
                                "error": str(exc)[:200]}))
        async with transaction(conn_or_pool) as conn:
            await one(conn, PQ.note_refund_send_failed, {
                "refund_id": refund_id, "error": str(exc),
                "provider_answered": exc.provider_answered and posting})  # a 5xx to the POST spends its key
        return "PENDING"


async def _apply(conn_or_pool, refund_id, result: RefundResult, event: str) -> str:
    refund = result.raw or {"id": result.id, "status": result.status}
    if not (refund.get("metadata") or {}).get("refund_id"):  # our own call's answer: it is this refund
        refund["metadata"] = {**(refund.get("metadata") or {}), "refund_id": str(refund_id)}
    async with transaction(conn_or_pool) as conn:
        out = json.loads(await scalar(conn, PQ.apply_provider_refund, {"refund": json.dumps(refund)}))
    log.info(json.dumps({"event": event, "refundId": str(refund_id), "providerRefundId": result.id,
                         "providerStatus": result.status, "status": out.get("status"), "problem": out.get("problem")}))
    if out.get("problem"):
        async with transaction(conn_or_pool) as conn:
            await one(conn, PQ.note_refund_error, {"refund_id": refund_id, "error": out["problem"]})
    return out.get("status") or "PENDING"


async def _record_failed(conn_or_pool, refund_id, error: str) -> str:
    async with transaction(conn_or_pool) as conn:
        await one(conn, PQ.note_refund_error, {"refund_id": refund_id, "error": error})
        row = await one(conn, PQ.record_refund, {"refund_id": refund_id, "succeeded": False,
                                                 "provider_refund_id": None})
    return row[2]


async def refund_now(pool, refund_id: UUID) -> str:
    """Send a refund at once where a customer is waiting (cancel, late payment); any failure leaves it PENDING for
    the payments job and answers the status the refund has."""
    try:
        return str(await execute_refund(pool, refund_id))
    except Exception as exc:  # noqa: BLE001 - the cancellation is done; the payments job retries PENDING refunds
        log.warning('{"event":"refund_deferred","refundId":"%s","error":%r}', refund_id, str(exc))
        return await scalar(pool, PQ.refund_status, {"refund_id": refund_id}) or "PENDING"
