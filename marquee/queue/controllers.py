"""The waiting room over HTTP (docs/waiting-room.md); rules in sql/functions/91_queue.sql.

PUT/GET/DELETE /api/admin/showtimes/{id}/on-sale      the on-sale schedule (showtimes.manage, checked in SQL)
GET    /api/admin/showtimes/{id}/queue                 the queue at a glance (showtimes.manage)
PUT/GET/DELETE /api/admin/movies/{id}/on-sale[?cinemaId] the same schedule for all showtimes of a movie
POST   /api/showtimes/{id}/queue {"sessionToken"}      join (201; idempotent per session token)
GET    /api/queue/{queueId}                            position, status, estimated wait, admission token
DELETE /api/queue/{queueId}  (X-Session-Token)         leave: the place goes to the next
GET    /api/queue/{queueId}/events                     the same, live (Server-Sent Events)
"""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.params import Parameter
from litestar.response import ServerSentEvent, ServerSentEventMessage
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, scalar
from ..http.auth import as_operator, operator_guard
from ..http.openapi import errors
from ..http.schemas import SessionHeader
from .schemas import JoinIn, MovieOnSale, OnSale, OnSaleIn, QueueEntry, QueueStatus

Q = Queries.beside(__file__)


async def _operator(request: Request, pool: AsyncConnectionPool, query: str, params: dict) -> str:
    async with as_operator(request, pool) as db:
        return await scalar(db, query, params)


class OnSaleAdminController(Controller):
    path = "/api/admin/showtimes/{showtime_id:uuid}"
    guards = [operator_guard]
    tags = ["admin", "waiting room"]
    security = [{"BearerToken": []}]

    @put("/on-sale", summary="Schedule the on-sale of a showtime, with or without a waiting room (showtimes.manage)",
         responses=errors("SHOWTIME_NOT_FOUND"))
    async def put_on_sale(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID,
                          data: OnSaleIn) -> OnSale:
        return msgspec.json.decode(await _operator(request, pool, Q.set_on_sale, {
            "showtime_id": showtime_id, "opens_at": data.opens_at, "queue": data.queue,
            "admit_per_minute": data.admit_per_minute, "admission_minutes": data.admission_minutes}), type=OnSale)

    @get("/on-sale", summary="The on-sale schedule of a showtime (showtimes.manage)",
         responses=errors("SHOWTIME_NOT_FOUND", "ON_SALE_NOT_FOUND"))
    async def get_on_sale(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID) -> OnSale:
        return msgspec.json.decode(await _operator(request, pool, Q.get_on_sale, {"showtime_id": showtime_id}),
                                   type=OnSale)

    @delete("/on-sale", status_code=200, summary="Cancel the on-sale schedule and its waiting room (showtimes.manage)",
            responses=errors("SHOWTIME_NOT_FOUND", "ON_SALE_NOT_FOUND"))
    async def delete_on_sale(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID) -> OnSale:
        return msgspec.json.decode(await _operator(request, pool, Q.cancel_on_sale, {"showtime_id": showtime_id}),
                                   type=OnSale)

    @get("/queue", summary="The waiting room at a glance: waiting, admitted, rate, sold seats (showtimes.manage)",
         responses=errors("SHOWTIME_NOT_FOUND", "ON_SALE_NOT_FOUND"))
    async def queue_status(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID) -> QueueStatus:
        return msgspec.json.decode(await _operator(request, pool, Q.queue_status_admin, {"showtime_id": showtime_id}),
                                   type=QueueStatus)


CinemaScope = Annotated[UUID | None, Parameter(
    query="cinemaId", required=False,
    description="only the showtimes of this cinema (an operator scoped to some cinemas must name one of them)")]


class MovieOnSaleAdminController(Controller):
    """Issue 20's "or for all showtimes of a movie": one schedule on every showtime of the movie that has not started
    and is not cancelled (in one cinema with ?cinemaId=, else in all). All or nothing: showtimes.manage is needed for
    every cinema involved (403 FORBIDDEN, nothing changed)."""
    path = "/api/admin/movies/{movie_id:uuid}"
    guards = [operator_guard]
    tags = ["admin", "waiting room"]
    security = [{"BearerToken": []}]

    @put("/on-sale", summary="Schedule the same on-sale for all showtimes of a movie (showtimes.manage)",
         responses=errors("MOVIE_NOT_FOUND", "CINEMA_NOT_FOUND", "SHOWTIME_NOT_FOUND"))
    async def put_movie_on_sale(self, request: Request, pool: AsyncConnectionPool, movie_id: UUID, data: OnSaleIn,
                                cinema_id: CinemaScope = None) -> MovieOnSale:
        return msgspec.json.decode(await _operator(request, pool, Q.set_movie_on_sale, {
            "movie_id": movie_id, "cinema_id": cinema_id, "opens_at": data.opens_at, "queue": data.queue,
            "admit_per_minute": data.admit_per_minute, "admission_minutes": data.admission_minutes}), type=MovieOnSale)

    @get("/on-sale", summary="The on-sale schedules of a movie's showtimes (showtimes.manage)",
         responses=errors("MOVIE_NOT_FOUND", "CINEMA_NOT_FOUND"))
    async def get_movie_on_sale(self, request: Request, pool: AsyncConnectionPool, movie_id: UUID,
                                cinema_id: CinemaScope = None) -> MovieOnSale:
        return msgspec.json.decode(await _operator(request, pool, Q.movie_on_sales,
                                                   {"movie_id": movie_id, "cinema_id": cinema_id}), type=MovieOnSale)

    @delete("/on-sale", status_code=200,
            summary="Cancel the on-sale schedules and waiting rooms of all showtimes of a movie (showtimes.manage)",
            responses=errors("MOVIE_NOT_FOUND", "CINEMA_NOT_FOUND", "SHOWTIME_NOT_FOUND", "ON_SALE_NOT_FOUND"))
    async def delete_movie_on_sale(self, request: Request, pool: AsyncConnectionPool, movie_id: UUID,
                                   cinema_id: CinemaScope = None) -> MovieOnSale:
        return msgspec.json.decode(await _operator(request, pool, Q.cancel_movie_on_sale,
                                                   {"movie_id": movie_id, "cinema_id": cinema_id}), type=MovieOnSale)


def _entry(text: str) -> QueueEntry:
    return msgspec.json.decode(text, type=QueueEntry)


async def _events(pool: AsyncConnectionPool, queue_id: UUID, interval: float, heartbeat: float
                  ) -> AsyncIterator[ServerSentEventMessage]:
    last, quiet = None, 0.0
    while True:
        text = await scalar(pool, Q.entry, {"queue_id": queue_id})
        if text != last:
            last, quiet = text, 0.0
            yield ServerSentEventMessage(data=msgspec.json.encode(_entry(text)).decode(), event="queue:updated")
            if json.loads(text)["status"] in ("EXPIRED", "SOLD_OUT"):
                return
        elif quiet >= heartbeat:
            quiet = 0.0
            yield ServerSentEventMessage(data=None, comment="ping")
        await asyncio.sleep(interval)
        quiet += interval


class QueueController(Controller):
    path = "/api"
    tags = ["waiting room"]

    @post("/showtimes/{showtime_id:uuid}/queue", status_code=201,
          summary="Join the waiting room of a showtime (idempotent per session token)",
          responses=errors("SHOWTIME_NOT_FOUND", "QUEUE_NOT_ENABLED"))
    async def join_queue(self, pool: AsyncConnectionPool, showtime_id: UUID, data: JoinIn) -> QueueEntry:
        return _entry(await scalar(pool, Q.join, {"showtime_id": showtime_id, "session_token": data.session_token}))

    @get("/queue/{queue_id:uuid}", summary="A place in a waiting room: position, status, admission token when ADMITTED",
         responses=errors("QUEUE_NOT_FOUND"))
    async def queue_entry(self, pool: AsyncConnectionPool, queue_id: UUID) -> QueueEntry:
        return _entry(await scalar(pool, Q.entry, {"queue_id": queue_id}))

    @delete("/queue/{queue_id:uuid}", status_code=200,
            summary="Leave the waiting room (X-Session-Token): the place goes to the next",
            responses=errors("QUEUE_NOT_FOUND"))
    async def leave_queue(self, pool: AsyncConnectionPool, queue_id: UUID, session_token: SessionHeader = None) -> QueueEntry:
        return _entry(await scalar(pool, Q.leave, {"queue_id": queue_id, "session_token": session_token}))

    @get("/queue/{queue_id:uuid}/events", media_type="text/event-stream",
         summary="Live position and status of a place in a waiting room (Server-Sent Events: queue:updated)",
         responses=errors("QUEUE_NOT_FOUND"))
    async def queue_events(self, request: Request, pool: AsyncConnectionPool, queue_id: UUID) -> ServerSentEvent:
        await scalar(pool, Q.entry, {"queue_id": queue_id})  # 404 QUEUE_NOT_FOUND before the stream starts
        settings = request.app.state.settings
        return ServerSentEvent(_events(pool, queue_id, settings.queue_events_seconds, settings.sse_heartbeat_seconds),
                               headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
