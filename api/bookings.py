"""The seed's booking flow: hold, release, price, confirm, pay, look up, cancel."""

import logging
import uuid
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import Parameter
from psycopg_pool import AsyncConnectionPool

from .errors import ApiError
from .idempotency import run_idempotent
from .payments.gateway import PaymentProviderUnavailable
from .models import (CancelRequest, CancelResponse, ConfirmRequest, ConfirmResponse, HeldSeat, HoldRequest,
                     HoldResponse, PaymentRequest, PaymentResponse, PriceRequest, PriceResponse, RefundInfo,
                     ReleaseResponse, to)
from .queries import Q
from .ratelimit import rate_limit_guard
from .smart import hold_query as smart_hold_query
from .responses import MarqueeResponse, encode

log = logging.getLogger("marquee.api")

SessionHeader = Annotated[str | None, Parameter(header="X-Session-Token", required=False, max_length=200)]


def _gateway():
    # Imported late: the payments package is another module's work and may configure itself from the environment.
    from .payments.gateway import get_gateway
    return get_gateway()


def _provider_unavailable(exc: Exception) -> ApiError:
    return ApiError(503, "PAYMENT_PROVIDER_UNAVAILABLE", "the payment provider cannot be reached; retry shortly",
                    {"reason": str(exc)[:200]}, headers={"Retry-After": "5"})


async def execute_refund(pool: AsyncConnectionPool, refund_id: UUID) -> str:
    """Send a refund to the provider now (payments module); if that is unavailable it stays PENDING for the worker."""
    try:
        from .payments.refunds import execute_refund as _execute
    except ImportError:
        return "PENDING"
    try:
        status = await _execute(pool, refund_id)
    except Exception as exc:  # noqa: BLE001 - the cancellation is done; the refund worker retries PENDING refunds
        log.warning('{"event":"refund_deferred","refundId":"%s","error":%r}', refund_id, str(exc))
        async with pool.connection() as conn:
            row = await (await conn.execute(Q.refund_status, {"refund_id": refund_id})).fetchone()
        return row[0] if row else "PENDING"
    return str(status)


class BookingController(Controller):
    path = "/api"
    tags = ["booking"]

    @post("/bookings/hold", guards=[rate_limit_guard], status_code=201, summary="Hold seats for a session")
    async def hold(self, data: HoldRequest, pool: AsyncConnectionPool) -> HoldResponse:
        query, params = smart_hold_query(data) or (Q.hold, {
            "showtime_id": data.showtime_id, "seat_ids": data.seat_ids, "session_token": data.session_token})
        async with pool.connection() as conn:
            row = await (await conn.execute(query, params)).fetchone()
        hold_id, expires_at, total, currency, seats = row
        return HoldResponse(hold_id=hold_id, expires_at=expires_at, seats=to(list[HeldSeat], seats),
                            total_amount=total, currency=currency)

    @delete("/bookings/hold/{hold_id:uuid}", status_code=200, summary="Release a hold (X-Session-Token required)")
    async def release(self, hold_id: UUID, pool: AsyncConnectionPool, session_token: SessionHeader = None
                      ) -> ReleaseResponse:
        async with pool.connection() as conn:
            row = await (await conn.execute(Q.release_hold, {"hold_id": hold_id, "session_token": session_token})
                         ).fetchone()
        return ReleaseResponse(hold_id=hold_id, released=row[0])

    @post("/pricing/calculate", status_code=200, summary="Price a hold, optionally with a promo code")
    async def price(self, data: PriceRequest, pool: AsyncConnectionPool, session_token: SessionHeader = None
                    ) -> PriceResponse:
        async with pool.connection() as conn:
            row = await (await conn.execute(Q.price_hold, {
                "hold_id": data.hold_id, "promo_code": data.promo_code,
                "session_token": data.session_token or session_token,
            })).fetchone()
        subtotal, discount, final, currency, promo, tickets = row
        return PriceResponse(subtotal=subtotal, discount=discount, final_amount=final, currency=currency,
                             promo_code=promo, tickets=tickets)

    @post("/bookings/confirm", guards=[rate_limit_guard], status_code=201,
          summary="Confirm a hold into a booking waiting for payment (Idempotency-Key supported)")
    async def confirm(self, request: Request, data: ConfirmRequest, pool: AsyncConnectionPool,
                      session_token: SessionHeader = None) -> ConfirmResponse:
        async def work(_key: str | None) -> Response:
            async with pool.connection() as conn, conn.transaction():
                # One transaction: if the provider is down nothing is kept and the hold is untouched.
                row = await (await conn.execute(Q.confirm, {
                    "hold_id": data.hold_id, "email": data.user_details.email, "name": data.user_details.name,
                    "phone": data.user_details.phone, "payment_method": data.payment_method,
                    "session_token": data.session_token or session_token,
                })).fetchone()
                booking_id, reference, status, amount, currency, deadline = row
                intent_id = None  # a free booking is CONFIRMED by booking.confirm itself: no provider involved
                if str(status) == "PENDING_PAYMENT":
                    try:
                        intent_id = await _gateway().create_intent(
                            booking_id=str(booking_id), reference=reference, amount=amount, currency=currency)
                    except PaymentProviderUnavailable as exc:
                        raise _provider_unavailable(exc) from exc
                    await conn.execute(Q.attach_payment_intent,
                                       {"booking_id": booking_id, "payment_intent_id": intent_id})
                response = MarqueeResponse(ConfirmResponse(
                    booking_id=booking_id, booking_reference=reference, status=str(status),
                    payment_intent_id=intent_id, amount=amount, currency=currency, payment_deadline=deadline),
                    status_code=201)
                await _finish_key(conn, "bookings.confirm", _key, response)
            return response

        return await run_idempotent(request, pool, "bookings.confirm", work)

    @post("/payments/process", guards=[rate_limit_guard], status_code=200,
          summary="Pay a booking (Idempotency-Key supported); 402 PAYMENT_DECLINED keeps it waiting")
    async def process_payment(self, request: Request, data: PaymentRequest, pool: AsyncConnectionPool
                              ) -> PaymentResponse:
        async def work(key: str | None) -> Response:
            params = {"booking_id": data.booking_id, "payment_intent_id": data.payment_intent_id}
            async with pool.connection() as conn:
                payable = await (await conn.execute(Q.payable_booking, params)).fetchone()
            if payable[3]:  # already CONFIRMED with this intent: answer as the first success did, charge nothing
                return MarqueeResponse(PaymentResponse(success=True, booking_reference=payable[0], status="CONFIRMED"),
                                       status_code=200)
            try:
                outcome = await _gateway().confirm_intent(
                    data.payment_intent_id, payment_method_token=data.payment_method.token,
                    idempotency_key=f"pay:{data.booking_id}:{key or uuid.uuid4()}")
            except PaymentProviderUnavailable as exc:
                raise _provider_unavailable(exc) from exc
            async with pool.connection() as conn, conn.transaction():
                row = await (await conn.execute(Q.record_payment, {
                    "payment_intent_id": data.payment_intent_id, "result": outcome.status,
                    "error_code": outcome.error_code})).fetchone()
                if outcome.status == "succeeded" and str(row[2]) == "CONFIRMED":
                    await _finish_key(conn, "payments.process", key, MarqueeResponse(PaymentResponse(
                        success=True, booking_reference=row[1], status="CONFIRMED"), status_code=200))
            _booking_id, reference, status, _pay_status, refund_id, refund_amount = row
            if outcome.status != "succeeded":
                raise ApiError(402, "PAYMENT_DECLINED", outcome.message or "the payment was declined", {
                    "bookingReference": reference, "status": str(status), "declineCode": outcome.error_code})
            if str(status) != "CONFIRMED":
                # paid after the window closed: the money is refunded in full, the seats were not kept
                if refund_id is not None:
                    await execute_refund(pool, refund_id)
                raise ApiError(410, "PAYMENT_WINDOW_EXPIRED", "the payment window ended; the payment is refunded",
                               {"bookingReference": reference, "status": str(status),
                                "refundId": str(refund_id) if refund_id else None, "refundAmount": refund_amount})
            return MarqueeResponse(PaymentResponse(success=True, booking_reference=reference, status="CONFIRMED"),
                                   status_code=200)

        return await run_idempotent(request, pool, "payments.process", work)

    @get("/bookings/{reference:str}", summary="Look up a booking by reference and email")
    async def find(self, pool: AsyncConnectionPool, reference: Annotated[str, Parameter(max_length=40)],
                   email: Annotated[str, Parameter(query="email", min_length=3, max_length=254)]) -> Response[dict]:
        async with pool.connection() as conn:
            row = await (await conn.execute(Q.find_booking, {"reference": reference, "email": email})).fetchone()
        return MarqueeResponse(row[0].encode(), media_type="application/json",
                               headers={"Cache-Control": "no-store"})

    @post("/bookings/{booking_id:uuid}/cancel", guards=[rate_limit_guard], status_code=200,
          summary="Cancel a booking (Idempotency-Key supported); refunds what was paid, or refundAmount")
    async def cancel(self, request: Request, booking_id: UUID, pool: AsyncConnectionPool,
                     data: CancelRequest | None = None) -> CancelResponse:
        data = data or CancelRequest()

        async def work(_key: str | None) -> Response:
            return MarqueeResponse(await cancel_booking(pool, booking_id, data.reason, data.refund_amount,
                                                        actor="customer", override_policy=False), status_code=200)

        return await run_idempotent(request, pool, "bookings.cancel", work)


async def _finish_key(conn, endpoint: str, key: str | None, response: Response) -> None:
    # Stored in the same transaction as the change: a crash after the commit can no longer leave the key
    # "in progress" and let a retry redo the work (found by chaos/kill_api.py).
    if key:
        await conn.execute(Q.idempotency_finish, {"endpoint": endpoint, "key": key,
                                                  "status_code": response.status_code,
                                                  "response": encode(response.content).decode()})


async def cancel_booking(pool: AsyncConnectionPool, booking_id: UUID, reason: str, refund_amount, *, actor: str,
                         override_policy: bool) -> CancelResponse:
    async with pool.connection() as conn:
        row = await (await conn.execute(Q.cancel, {
            "booking_id": booking_id, "reason": reason, "refund_amount": refund_amount, "actor": actor,
            "override_policy": override_policy})).fetchone()
    bid, reference, status, refund_id, amount, refund_status = row
    refund = None
    if refund_id is not None:
        refund_status = await execute_refund(pool, refund_id)
        refund = RefundInfo(refund_id=refund_id, amount=amount, status=refund_status)
    return CancelResponse(booking_id=bid, booking_reference=reference, status=str(status), refund_amount=amount,
                          refund=refund)
