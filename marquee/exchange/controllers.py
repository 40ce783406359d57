"""POST /api/bookings/{bookingId}/exchange (issue 21): move a CONFIRMED booking to other seats of its showtime or
to another showtime of its cinema, in one transaction (sql/functions/93_exchange.sql decides everything); a cheaper
exchange's refund is sent to the provider at once, like a cancellation's (the payments job retries it)."""

from uuid import UUID

from litestar import Controller, Request, Response, post
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, scalar
from ..http.errors import ApiError
from ..http.idempotency import IDEMPOTENT, run_idempotent
from ..http.openapi import errors
from ..http.ratelimit import rate_limit_guard
from ..http.responses import MarqueeResponse
from ..payments.refunds import refund_now
from .schemas import ExchangeRequest, ExchangeResponse

Q = Queries.beside(__file__)


class ExchangeController(Controller):
    path = "/api/bookings"
    tags = ["booking"]

    @post("/{booking_id:uuid}/exchange", guards=[rate_limit_guard], status_code=200,
          summary="Change seats or showtime of a booking (Idempotency-Key supported); refunds a cheaper exchange",
          responses=errors("BOOKING_NOT_FOUND", "BOOKING_NOT_CONFIRMED", "TOO_LATE_TO_EXCHANGE", "EXCHANGE_OTHER_CINEMA",
                           "EXCHANGE_PAYMENT_REQUIRED", "SHOWTIME_NOT_FOUND", "SHOWTIME_NOT_ON_SALE",
                           "SEAT_UNAVAILABLE", "SEAT_NOT_FOUND", "SEAT_LONE", "BEST_AVAILABLE_NOT_FOUND",
                           "TOO_MANY_SEATS", "COMPANION_SEAT_RESERVED", "CHANNEL_RESERVED", *IDEMPOTENT))
    async def exchange(self, request: Request, booking_id: UUID, data: ExchangeRequest,
                       pool: AsyncConnectionPool) -> Response[ExchangeResponse]:
        if (data.seat_ids is None) == (data.best_available is None):
            raise ApiError("VALIDATION_ERROR", "give either seatIds or bestAvailable", {"field": "seatIds/bestAvailable"})
        best = data.best_available

        async def work(_key: str | None) -> Response:
            body = await scalar(pool, Q.exchange, {
                "booking_id": booking_id, "showtime_id": data.showtime_id, "seat_ids": data.seat_ids,
                "quantity": best.quantity if best else None, "together": best.together if best else True,
                "types": best.types if best else None})
            if body.get("refundId"):
                body["refundStatus"] = await refund_now(pool, UUID(body["refundId"]))
            return MarqueeResponse(body, status_code=200)

        return await run_idempotent(request, pool, "bookings.exchange", work)
