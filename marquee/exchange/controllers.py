"""POST /api/bookings/{bookingId}/exchange (issue 21): move a CONFIRMED booking to other seats of its showtime or
to another showtime of its cinema (sql/functions/93_exchange.sql decides everything). Same price or cheaper: done in
one transaction (200; a cheaper exchange's refund is sent to the provider at once, like a cancellation's). Dearer:
the new seats are held until the payment deadline and the answer is 202 PENDING_PAYMENT with the payment intent of
the difference, created as a confirm creates a booking's (no connection held while the provider answers); paying
it (POST /api/payments/process, or the webhook) swaps the seats."""

from decimal import Decimal
from uuid import UUID

from litestar import Controller, Request, Response, post
from litestar.openapi import ResponseSpec
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, one, scalar, transaction
from ..http.errors import ApiError
from ..http.idempotency import IDEMPOTENT, finish_key, run_idempotent
from ..http.openapi import errors
from ..http.ratelimit import rate_limit_guard
from ..http.responses import MarqueeResponse
from ..http.schemas import to
from ..payments.gateway import PaymentProviderUnavailable, PaymentRejected, get_gateway
from ..payments.refunds import refund_now
from .schemas import ExchangePendingResponse, ExchangeRequest, ExchangeResponse

Q = Queries.beside(__file__)


def _provider_unavailable(exc: Exception) -> ApiError:
    return ApiError("PAYMENT_PROVIDER_UNAVAILABLE", "the payment provider cannot be reached; retry shortly",
                    {"reason": str(exc)[:200]}, headers={"Retry-After": "5"})


async def _pending(pool: AsyncConnectionPool, key: str | None, body: dict) -> Response:
    """The exchange is committed (new seats held); create the difference's intent with no connection held, then
    attach it and store the Idempotency-Key's answer in one transaction. A provider failure gives the exchange up
    (hold released, booking unchanged): asking again starts afresh."""
    try:
        intent_id = await get_gateway().create_intent(
            booking_id=body["bookingId"], reference=body["bookingReference"],
            amount=Decimal(str(body["priceDifference"])), currency=body["currency"], exchange_id=body["exchangeId"])
    except (PaymentProviderUnavailable, PaymentRejected) as exc:
        await scalar(pool, Q.abandon_exchange, {"exchange_id": body["exchangeId"]})
        if isinstance(exc, PaymentProviderUnavailable):
            raise _provider_unavailable(exc) from exc
        raise
    async with transaction(pool) as conn:
        await one(conn, Q.attach_exchange_intent, {"exchange_id": body["exchangeId"], "payment_intent_id": intent_id})
        response = MarqueeResponse(to(ExchangePendingResponse, {**body, "paymentIntentId": intent_id}), status_code=202)
        await finish_key(conn, "bookings.exchange", key, response)
    return response


class ExchangeController(Controller):
    path = "/api/bookings"
    tags = ["booking"]

    @post("/{booking_id:uuid}/exchange", guards=[rate_limit_guard], status_code=200,
          summary="Change seats or showtime of a booking (Idempotency-Key supported): 200 done (a cheaper exchange "
                  "is refunded); 202 PENDING_PAYMENT when it costs more",
          responses={202: ResponseSpec(
              data_container=ExchangePendingResponse, generate_examples=False,
              description="Dearer: the new seats are held until paymentDeadline (the payment window of a confirm) "
                          "and the booking stays CONFIRMED on its old seats. Pay priceDifference with "
                          "POST /api/payments/process {bookingId, paymentIntentId}: the seats swap atomically. "
                          "Never paid, the exchange expires and the booking stays as it was."),
              **errors("BOOKING_NOT_FOUND", "BOOKING_NOT_CONFIRMED", "TOO_LATE_TO_EXCHANGE", "EXCHANGE_OTHER_CINEMA",
                       "EXCHANGE_PENDING", "SHOWTIME_NOT_FOUND", "SHOWTIME_NOT_ON_SALE",
                       "SEAT_UNAVAILABLE", "SEAT_NOT_FOUND", "SEAT_LONE", "BEST_AVAILABLE_NOT_FOUND",
                       "TOO_MANY_SEATS", "COMPANION_SEAT_RESERVED", "CHANNEL_RESERVED", "PAYMENT_REJECTED",
                       "PAYMENT_PROVIDER_UNAVAILABLE", *IDEMPOTENT)})
    async def exchange(self, request: Request, booking_id: UUID, data: ExchangeRequest,
                       pool: AsyncConnectionPool) -> Response[ExchangeResponse]:
        if (data.seat_ids is None) == (data.best_available is None):
            raise ApiError("VALIDATION_ERROR", "give either seatIds or bestAvailable", {"field": "seatIds/bestAvailable"})
        best = data.best_available

        async def work(key: str | None) -> Response:
            body = await scalar(pool, Q.exchange, {
                "booking_id": booking_id, "showtime_id": data.showtime_id, "seat_ids": data.seat_ids,
                "quantity": best.quantity if best else None, "together": best.together if best else True,
                "types": best.types if best else None})
            if body["status"] == "PENDING_PAYMENT":
                return await _pending(pool, key, body)
            if body.get("refundId"):
                body["refundStatus"] = await refund_now(pool, UUID(body["refundId"]))
            return MarqueeResponse(body, status_code=200)

        return await run_idempotent(request, pool, "bookings.exchange", work)
