"""Operator endpoints under /api/admin (bearer ADMIN_TOKEN): catalogue, seat blocks, bookings, overrides."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, patch, post, put
from psycopg_pool import AsyncConnectionPool

from .auth import admin_actor, admin_guard
from .bookings import cancel_booking
from .models import (AdminCancelIn, AuditoriumIn, BlockIn, CancelResponse, CinemaIn, CinemaPatch, Count, Created,
                     MovieIn, MoviePatch, Ok, PromoActiveIn, PromoIn, SeatsActiveIn, ShowtimeIn)
from .queries import Q
from .responses import MarqueeResponse, encode


async def _one(pool: AsyncConnectionPool, query: str, params: dict) -> Any:
    async with pool.connection() as conn, conn.transaction():
        row = await (await conn.execute(query, params)).fetchone()
    return row[0] if row else None


class AdminController(Controller):
    path = "/api/admin"
    guards = [admin_guard]
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/cinemas", summary="Create a cinema")
    async def create_cinema(self, data: CinemaIn, pool: AsyncConnectionPool) -> Created:
        return Created(id=await _one(pool, Q.create_cinema, {
            "name": data.name, "city": data.city, "time_zone": data.time_zone, "currency": data.currency}))

    @patch("/cinemas/{cinema_id:uuid}", summary="Update a cinema")
    async def update_cinema(self, cinema_id: UUID, data: CinemaPatch, pool: AsyncConnectionPool) -> Ok:
        await _one(pool, Q.update_cinema, {"cinema_id": cinema_id, "name": data.name, "city": data.city,
                                           "time_zone": data.time_zone, "currency": data.currency})
        return Ok()

    @post("/auditoriums", summary="Create an auditorium with its seat layout")
    async def create_auditorium(self, data: AuditoriumIn, pool: AsyncConnectionPool) -> Created:
        return Created(id=await _one(pool, Q.create_auditorium, {
            "cinema_id": data.cinema_id, "name": data.name, "layout": encode(data.layout).decode()}))

    @post("/auditoriums/{auditorium_id:uuid}/seats/active", status_code=200,
          summary="Take seats out of (or back into) service permanently")
    async def set_seats_active(self, request: Request, auditorium_id: UUID, data: SeatsActiveIn,
                               pool: AsyncConnectionPool) -> Count:
        return Count(count=await _one(pool, Q.set_seats_active, {
            "auditorium_id": auditorium_id, "seat_ids": data.seat_ids, "active": data.active,
            "actor": admin_actor(request)}))

    @post("/movies", summary="Create a movie")
    async def create_movie(self, data: MovieIn, pool: AsyncConnectionPool) -> Created:
        return Created(id=await _one(pool, Q.create_movie, {
            "title": data.title, "duration_minutes": data.duration_minutes, "rating": data.rating,
            "description": data.description}))

    @patch("/movies/{movie_id:uuid}", summary="Update a movie")
    async def update_movie(self, movie_id: UUID, data: MoviePatch, pool: AsyncConnectionPool) -> Ok:
        await _one(pool, Q.update_movie, {"movie_id": movie_id, "title": data.title,
                                          "duration_minutes": data.duration_minutes, "rating": data.rating,
                                          "description": data.description})
        return Ok()

    @post("/showtimes", summary="Schedule a showtime (with prices per seat type)")
    async def create_showtime(self, data: ShowtimeIn, pool: AsyncConnectionPool) -> Created:
        return Created(id=await _one(pool, Q.create_showtime, {
            "movie_id": data.movie_id, "auditorium_id": data.auditorium_id, "starts_at": data.starts_at,
            "prices": encode(data.prices).decode()}))

    @put("/showtimes/{showtime_id:uuid}/prices", summary="Set prices per seat type, e.g. {\"STANDARD\": 12.00}")
    async def set_prices(self, showtime_id: UUID, data: dict[str, Decimal], pool: AsyncConnectionPool) -> Ok:
        await _one(pool, Q.set_prices, {"showtime_id": showtime_id, "prices": encode(data).decode()})
        return Ok()

    @post("/showtimes/{showtime_id:uuid}/cancel", status_code=200, summary="Take a showtime off sale")
    async def cancel_showtime(self, request: Request, showtime_id: UUID, pool: AsyncConnectionPool) -> Ok:
        await _one(pool, Q.cancel_showtime, {"showtime_id": showtime_id, "actor": admin_actor(request)})
        return Ok()

    @post("/showtimes/{showtime_id:uuid}/block", status_code=200, summary="Block seats of one showtime")
    async def block(self, request: Request, showtime_id: UUID, data: BlockIn, pool: AsyncConnectionPool) -> Count:
        return Count(count=await _one(pool, Q.block_seats, {
            "showtime_id": showtime_id, "seat_ids": data.seat_ids, "actor": admin_actor(request),
            "reason": data.reason}))

    @post("/showtimes/{showtime_id:uuid}/unblock", status_code=200, summary="Unblock seats of one showtime")
    async def unblock(self, request: Request, showtime_id: UUID, data: BlockIn, pool: AsyncConnectionPool) -> Count:
        return Count(count=await _one(pool, Q.unblock_seats, {
            "showtime_id": showtime_id, "seat_ids": data.seat_ids, "actor": admin_actor(request)}))

    @get("/showtimes/{showtime_id:uuid}/bookings", summary="Bookings of a showtime")
    async def showtime_bookings(self, showtime_id: UUID, pool: AsyncConnectionPool) -> Response[list[dict]]:
        body = await _one(pool, Q.showtime_bookings, {"showtime_id": showtime_id})
        return MarqueeResponse(body.encode(), media_type="application/json", headers={"Cache-Control": "no-store"})

    @post("/promo-codes", summary="Create a promo code")
    async def create_promo(self, data: PromoIn, pool: AsyncConnectionPool) -> Created:
        return Created(id=await _one(pool, Q.create_promo_code, {
            "code": data.code, "kind": data.kind, "value": data.value, "valid_from": data.valid_from,
            "valid_until": data.valid_until, "max_uses": data.max_uses, "min_tickets": data.min_tickets}))

    @patch("/promo-codes/{code:str}", summary="Enable or disable a promo code")
    async def set_promo_active(self, code: str, data: PromoActiveIn, pool: AsyncConnectionPool) -> Ok:
        await _one(pool, Q.set_promo_code_active, {"code": code, "active": data.active})
        return Ok()

    @post("/bookings/{booking_id:uuid}/cancel", status_code=200,
          summary="Cancel on a customer's behalf; overridePolicy=true allows it inside the cutoff (audited)")
    async def cancel(self, request: Request, booking_id: UUID, data: AdminCancelIn, pool: AsyncConnectionPool
                     ) -> CancelResponse:
        return await cancel_booking(pool, booking_id, data.reason, data.refund_amount,
                                    actor=admin_actor(request), override_policy=data.override_policy)
