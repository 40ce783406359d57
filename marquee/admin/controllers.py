"""Operator endpoints under /api/admin: catalogue, seat blocks, bookings, overrides, the payments
reconciliation report (GET /api/admin/payments/discrepancies, docs/payments.md), and smart seating (rules in
sql/functions/75_smart_seating.sql; docs/smart-seating.md).

Each handler runs its function inside `as_operator(request, pool)`: the request's credential goes to the database
with the call, and the function's booking.require(permission, cinema) decides (docs/security.md). The handlers
never check a role themselves.

GET  /api/admin/bookings?q=&limit=                        find bookings (reference, its start, or email)
GET  /api/admin/showtimes/{id}/seat-history?seatId=&since=&limit=   who changed which seat when, from -> to
PUT  /api/admin/showtimes/{id}/lone-seat-rule            {"enabled": true|false|null}
POST /api/admin/showtimes/{id}/channels                  {"channel", "seatIds", "releaseAt"?}
POST /api/admin/showtimes/{id}/channels/{channel}/release {"seatIds"?}
PUT  /api/admin/auditoriums/{id}/companions              {"wheelchairSeatId", "companionSeatIds"}
PUT  /api/admin/auditoriums/{id}/focal-point             {"x", "y"} (nulls: back to the default)
"""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.params import Parameter
from psycopg_pool import AsyncConnectionPool

from ..booking.cancellation import cancel_booking
from ..booking.schemas import CancelResponse
from ..db import Queries, scalar
from ..http.auth import as_operator, operator_guard
from ..http.openapi import errors
from ..http.responses import encode, json_text
from ..http.schemas import NO_NUL, Count, Created, Ok
from .schemas import (AdminCancelIn, AuditoriumIn, BlockIn, ChannelAllocation, ChannelRelease, CinemaIn, CinemaPatch,
                      Companions, FocalPoint, LoneSeatRule, MovieIn, MoviePatch, Prices, PromoActiveIn, PromoIn,
                      SeatsActiveIn, ShowtimeIn)

Q = Queries.beside(__file__)


async def call(request: Request, pool: AsyncConnectionPool, query: str, params: dict):
    """One operator function call, with the request's credential in its transaction (SQL checks it)."""
    async with as_operator(request, pool) as db:
        return await scalar(db, query, params)


class AdminController(Controller):
    path = "/api/admin"
    guards = [operator_guard]
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/cinemas", summary="Create a cinema (cinemas.create: OWNER)", responses=errors("NAME_TAKEN"))
    async def create_cinema(self, request: Request, data: CinemaIn, pool: AsyncConnectionPool) -> Created:
        return Created(id=await call(request, pool, Q.create_cinema, {
            "name": data.name, "city": data.city, "time_zone": data.time_zone.value, "currency": data.currency}))

    @patch("/cinemas/{cinema_id:uuid}", summary="Update a cinema (cinemas.update)",
           responses=errors("CINEMA_NOT_FOUND", "NAME_TAKEN"))
    async def update_cinema(self, request: Request, cinema_id: UUID, data: CinemaPatch, pool: AsyncConnectionPool
                            ) -> Ok:
        await call(request, pool, Q.update_cinema, {"cinema_id": cinema_id, "name": data.name, "city": data.city,
                                                    "time_zone": data.time_zone and data.time_zone.value,
                                                    "currency": data.currency})
        return Ok()

    @post("/auditoriums", summary="Create an auditorium with its seat layout (auditoriums.manage)",
          responses=errors("CINEMA_NOT_FOUND", "NAME_TAKEN"))
    async def create_auditorium(self, request: Request, data: AuditoriumIn, pool: AsyncConnectionPool) -> Created:
        return Created(id=await call(request, pool, Q.create_auditorium, {
            "cinema_id": data.cinema_id, "name": data.name, "layout": encode(data.layout).decode()}))

    @post("/auditoriums/{auditorium_id:uuid}/seats/active", status_code=200,
          summary="Take seats out of (or back into) service permanently (auditoriums.manage)",
          responses=errors("AUDITORIUM_NOT_FOUND"))
    async def set_seats_active(self, request: Request, auditorium_id: UUID, data: SeatsActiveIn,
                               pool: AsyncConnectionPool) -> Count:
        return Count(count=await call(request, pool, Q.set_seats_active, {
            "auditorium_id": auditorium_id, "seat_ids": data.seat_ids, "active": data.active}))

    @post("/movies", summary="Create a movie (movies.manage: OWNER or a MANAGER of every cinema)")
    async def create_movie(self, request: Request, data: MovieIn, pool: AsyncConnectionPool) -> Created:
        return Created(id=await call(request, pool, Q.create_movie, {
            "title": data.title, "duration_minutes": data.duration_minutes, "rating": data.rating,
            "description": data.description}))

    @patch("/movies/{movie_id:uuid}", summary="Update a movie (movies.manage)", responses=errors("MOVIE_NOT_FOUND"))
    async def update_movie(self, request: Request, movie_id: UUID, data: MoviePatch, pool: AsyncConnectionPool) -> Ok:
        await call(request, pool, Q.update_movie, {"movie_id": movie_id, "title": data.title,
                                                   "duration_minutes": data.duration_minutes, "rating": data.rating,
                                                   "description": data.description})
        return Ok()

    @post("/showtimes", summary="Schedule a showtime with prices per seat type (showtimes.manage, prices.manage)",
          responses=errors("MOVIE_NOT_FOUND", "AUDITORIUM_NOT_FOUND", "SHOWTIME_OVERLAP"))
    async def create_showtime(self, request: Request, data: ShowtimeIn, pool: AsyncConnectionPool) -> Created:
        return Created(id=await call(request, pool, Q.create_showtime, {
            "movie_id": data.movie_id, "auditorium_id": data.auditorium_id, "starts_at": data.starts_at,
            "prices": encode(data.prices).decode()}))

    @put("/showtimes/{showtime_id:uuid}/prices",
         summary="Set prices per seat type, e.g. {\"STANDARD\": 12.00} (prices.manage)",
         responses=errors("SHOWTIME_NOT_FOUND"))
    async def set_prices(self, request: Request, showtime_id: UUID, data: Prices,
                         pool: AsyncConnectionPool) -> Ok:
        await call(request, pool, Q.set_prices, {"showtime_id": showtime_id, "prices": encode(data).decode()})
        return Ok()

    @post("/showtimes/{showtime_id:uuid}/cancel", status_code=200, summary="Take a showtime off sale (showtimes.manage)",
          responses=errors("SHOWTIME_NOT_FOUND"))
    async def cancel_showtime(self, request: Request, showtime_id: UUID, pool: AsyncConnectionPool) -> Ok:
        await call(request, pool, Q.cancel_showtime, {"showtime_id": showtime_id})
        return Ok()

    @post("/showtimes/{showtime_id:uuid}/block", status_code=200, summary="Block seats of one showtime (seats.block)",
          responses=errors("SHOWTIME_NOT_FOUND", "SEAT_NOT_FOUND", "SEAT_UNAVAILABLE"))
    async def block(self, request: Request, showtime_id: UUID, data: BlockIn, pool: AsyncConnectionPool) -> Count:
        return Count(count=await call(request, pool, Q.block_seats, {
            "showtime_id": showtime_id, "seat_ids": data.seat_ids, "reason": data.reason}))

    @post("/showtimes/{showtime_id:uuid}/unblock", status_code=200, summary="Unblock seats of one showtime (seats.block)",
          responses=errors("SHOWTIME_NOT_FOUND", "SEAT_NOT_FOUND"))
    async def unblock(self, request: Request, showtime_id: UUID, data: BlockIn, pool: AsyncConnectionPool) -> Count:
        return Count(count=await call(request, pool, Q.unblock_seats, {
            "showtime_id": showtime_id, "seat_ids": data.seat_ids}))

    @get("/showtimes/{showtime_id:uuid}/bookings", summary="Bookings of a showtime (bookings.read)",
         responses=errors("SHOWTIME_NOT_FOUND"))
    async def showtime_bookings(self, request: Request, showtime_id: UUID, pool: AsyncConnectionPool
                                ) -> Response[list[dict]]:
        return json_text(await call(request, pool, Q.showtime_bookings, {"showtime_id": showtime_id}))

    @get("/bookings", summary="Find bookings of your cinemas by reference (or its start) or customer email (bookings.read)")
    async def search_bookings(self, request: Request, pool: AsyncConnectionPool,
                              q: Annotated[str, Parameter(min_length=3, max_length=254, pattern=NO_NUL)],
                              limit: int = Parameter(default=50, ge=1, le=500)) -> Response[list[dict]]:
        return json_text(await call(request, pool, Q.search_bookings, {"q": q, "limit": limit}))

    @post("/promo-codes", summary="Create a promo code (promo_codes.manage: OWNER or a MANAGER of every cinema)",
          responses=errors("NAME_TAKEN"))
    async def create_promo(self, request: Request, data: PromoIn, pool: AsyncConnectionPool) -> Created:
        return Created(id=await call(request, pool, Q.create_promo_code, {
            "code": data.code, "kind": data.kind, "value": data.value, "valid_from": data.valid_from,
            "valid_until": data.valid_until, "max_uses": data.max_uses, "min_tickets": data.min_tickets}))

    @patch("/promo-codes/{code:str}", summary="Enable or disable a promo code (promo_codes.manage)",
           responses=errors("PROMO_NOT_FOUND"))
    async def set_promo_active(self, request: Request, code: Annotated[str, Parameter(max_length=40, pattern=NO_NUL)],
                               data: PromoActiveIn, pool: AsyncConnectionPool) -> Ok:
        await call(request, pool, Q.set_promo_code_active, {"code": code, "active": data.active})
        return Ok()

    @post("/bookings/{booking_id:uuid}/cancel", status_code=200,
          summary="Cancel on a customer's behalf (bookings.cancel); overridePolicy=true inside the cutoff "
                  "(bookings.override), a refundAmount other than all (bookings.refund); audited",
          responses=errors("BOOKING_NOT_FOUND", "ALREADY_CANCELLED", "BOOKING_NOT_CANCELLABLE", "CANCEL_TOO_LATE",
                           "REFUND_EXCEEDS_PAID", "PAYMENT_REJECTED", "PAYMENT_PROVIDER_UNAVAILABLE"))
    async def cancel(self, request: Request, booking_id: UUID, data: AdminCancelIn, pool: AsyncConnectionPool
                     ) -> CancelResponse:
        return await cancel_booking(pool, booking_id, data.reason, data.refund_amount,
                                    reason_category=data.reason_category, override_policy=data.override_policy,
                                    operator=request)

    @get("/payments/discrepancies", summary="Bookings of my cinemas whose money and status disagree (refunds "
                                            "failed, even after succeeding; stuck; charged twice...) and webhook "
                                            "errors (bookings.refund)")
    async def payment_discrepancies(self, request: Request, pool: AsyncConnectionPool,
                                    limit: int = Parameter(default=200, ge=1, le=5000)) -> Response[list[dict]]:
        return json_text(await call(request, pool, Q.payment_discrepancy_report, {"limit": limit}))


class SmartSeatingAdminController(Controller):
    path = "/api/admin"
    guards = [operator_guard]
    tags = ["admin", "smart seating"]
    security = [{"BearerToken": []}]

    @get("/showtimes/{showtime_id:uuid}/seat-history",
         summary="Seat status history of a showtime (or one seat) (bookings.read)",
         responses=errors("SHOWTIME_NOT_FOUND", "SEAT_NOT_FOUND"))
    async def seat_history(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID,
                           seat_id: str | None = Parameter(query="seatId", default=None, min_length=1, max_length=40,
                                                           pattern=NO_NUL),
                           since: datetime | None = Parameter(default=None),
                           limit: int = Parameter(default=1000, ge=1, le=100000)) -> Response:
        return json_text(await call(request, pool, Q.seat_history, {"showtime_id": showtime_id, "seat_id": seat_id,
                                                                    "since": since, "limit": limit}))

    @put("/showtimes/{showtime_id:uuid}/lone-seat-rule",
         summary="No-lone-empty-seat rule of one showtime (showtimes.manage)", responses=errors("SHOWTIME_NOT_FOUND"))
    async def lone_seat_rule(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID,
                             data: LoneSeatRule) -> dict:
        enabled = await call(request, pool, Q.set_lone_seat_rule, {"showtime_id": showtime_id,
                                                                   "enabled": data.enabled})
        return {"showtimeId": str(showtime_id), "enabled": enabled}

    @post("/showtimes/{showtime_id:uuid}/channels", status_code=200,
          summary="Keep seats for a sales channel (channels.manage)",
          responses=errors("SHOWTIME_NOT_FOUND", "SEAT_NOT_FOUND"))
    async def allocate(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID,
                       data: ChannelAllocation) -> dict:
        n = await call(request, pool, Q.allocate_channel_seats, {
            "showtime_id": showtime_id, "seat_ids": data.seat_ids, "channel": data.channel,
            "release_at": data.release_at})
        return {"channel": data.channel, "allocated": n}

    @post("/showtimes/{showtime_id:uuid}/channels/{channel:str}/release", status_code=200,
          summary="Release a channel's seats to general sale now (channels.manage)",
          responses=errors("SHOWTIME_NOT_FOUND", "SEAT_NOT_FOUND"))
    async def release(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID,
                      channel: Annotated[str, Parameter(pattern=r"^[A-Za-z0-9_.-]{1,60}$")],
                      data: ChannelRelease | None = None) -> dict:
        n = await call(request, pool, Q.release_channel_seats, {
            "showtime_id": showtime_id, "channel": channel, "seat_ids": data.seat_ids if data else None})
        return {"channel": channel, "released": n}

    @put("/auditoriums/{auditorium_id:uuid}/companions",
         summary="Link companion seats to a wheelchair space (auditoriums.manage)",
         responses=errors("AUDITORIUM_NOT_FOUND", "SEAT_NOT_FOUND"))
    async def companions(self, request: Request, pool: AsyncConnectionPool, auditorium_id: UUID,
                         data: Companions) -> dict:
        n = await call(request, pool, Q.link_companion_seats, {
            "auditorium_id": auditorium_id, "wheelchair_seat_id": data.wheelchair_seat_id,
            "companion_seat_ids": data.companion_seat_ids})
        return {"wheelchairSeatId": data.wheelchair_seat_id, "linked": n}

    @put("/auditoriums/{auditorium_id:uuid}/focal-point",
         summary="Best-available focal point of an auditorium (auditoriums.manage)",
         responses=errors("AUDITORIUM_NOT_FOUND"))
    async def focal_point(self, request: Request, pool: AsyncConnectionPool, auditorium_id: UUID,
                          data: FocalPoint) -> dict:
        await call(request, pool, Q.set_focal_point, {"auditorium_id": auditorium_id, "x": data.x, "y": data.y})
        return {"auditoriumId": str(auditorium_id), "x": None if data.x is None else float(data.x),
                "y": None if data.y is None else float(data.y)}
