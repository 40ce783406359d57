"""Smart seating endpoints (rules in sql/functions/75_smart_seating.sql; docs/smart-seating.md).

GET  /api/showtimes/{id}/seat-features?channel=          companion links, held-back companions, channel seats
GET  /api/admin/showtimes/{id}/seat-history?seatId=&since=&limit=   who changed which seat when, from -> to
PUT  /api/admin/showtimes/{id}/lone-seat-rule            {"enabled": true|false|null}
POST /api/admin/showtimes/{id}/channels                  {"channel", "seatIds", "releaseAt"?}
POST /api/admin/showtimes/{id}/channels/{channel}/release {"seatIds"?}
PUT  /api/admin/auditoriums/{id}/companions              {"wheelchairSeatId", "companionSeatIds"}
PUT  /api/admin/auditoriums/{id}/focal-point             {"x", "y"} (nulls: back to the default)
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, Response, get, post, put
from litestar.params import Parameter
from msgspec import Meta
from psycopg_pool import AsyncConnectionPool

from ..auth import admin_actor, admin_guard
from ..models import Camel, SeatId
from ..queries import Q

Channel = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,60}$")]
SeatList = Annotated[list[SeatId], Meta(min_length=1, max_length=1000)]


class LoneSeatRule(Camel):
    enabled: bool | None


class ChannelAllocation(Camel):
    channel: Channel
    seat_ids: SeatList
    release_at: datetime | None = None


class ChannelRelease(Camel):
    seat_ids: SeatList | None = None


class Companions(Camel):
    wheelchair_seat_id: SeatId
    companion_seat_ids: Annotated[list[SeatId], Meta(max_length=20)]


class FocalPoint(Camel):
    x: Decimal | None
    y: Decimal | None


def _json(text: str) -> Response:
    return Response(text, media_type="application/json", headers={"Cache-Control": "no-store"})


async def _one(pool: AsyncConnectionPool, query: str, params: dict):
    async with pool.connection() as conn:
        return (await (await conn.execute(query, params)).fetchone())[0]


class SeatFeaturesController(Controller):
    path = "/api/showtimes"
    tags = ["smart seating"]

    @get("/{showtime_id:uuid}/seat-features", summary="Wheelchair companions and channel seats of a showtime")
    async def seat_features(self, pool: AsyncConnectionPool, showtime_id: UUID,
                            channel: Channel | None = Parameter(default=None)) -> Response:
        return _json(await _one(pool, Q.seat_features, {"showtime_id": showtime_id, "channel": channel}))


class SmartSeatingAdminController(Controller):
    path = "/api/admin"
    guards = [admin_guard]
    tags = ["admin", "smart seating"]
    security = [{"BearerToken": []}]

    @get("/showtimes/{showtime_id:uuid}/seat-history", summary="Seat status history of a showtime (or one seat)")
    async def seat_history(self, pool: AsyncConnectionPool, showtime_id: UUID,
                           seat_id: SeatId | None = Parameter(query="seatId", default=None),
                           since: datetime | None = Parameter(default=None),
                           limit: int = Parameter(default=1000, ge=1, le=100000)) -> Response:
        return _json(await _one(pool, Q.seat_history, {"showtime_id": showtime_id, "seat_id": seat_id,
                                                       "since": since, "limit": limit}))

    @put("/showtimes/{showtime_id:uuid}/lone-seat-rule", summary="No-lone-empty-seat rule of one showtime")
    async def lone_seat_rule(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID,
                             data: LoneSeatRule) -> dict:
        enabled = await _one(pool, Q.set_lone_seat_rule, {"showtime_id": showtime_id, "enabled": data.enabled,
                                                          "actor": admin_actor(request)})
        return {"showtimeId": str(showtime_id), "enabled": enabled}

    @post("/showtimes/{showtime_id:uuid}/channels", status_code=200, summary="Keep seats for a sales channel")
    async def allocate(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID,
                       data: ChannelAllocation) -> dict:
        n = await _one(pool, Q.allocate_channel_seats, {
            "showtime_id": showtime_id, "seat_ids": data.seat_ids, "channel": data.channel,
            "release_at": data.release_at, "actor": admin_actor(request)})
        return {"channel": data.channel, "allocated": n}

    @post("/showtimes/{showtime_id:uuid}/channels/{channel:str}/release", status_code=200,
          summary="Release a channel's seats to general sale now")
    async def release(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID, channel: str,
                      data: ChannelRelease | None = None) -> dict:
        n = await _one(pool, Q.release_channel_seats, {
            "showtime_id": showtime_id, "channel": channel, "seat_ids": data.seat_ids if data else None,
            "actor": admin_actor(request)})
        return {"channel": channel, "released": n}

    @put("/auditoriums/{auditorium_id:uuid}/companions", summary="Link companion seats to a wheelchair space")
    async def companions(self, request: Request, pool: AsyncConnectionPool, auditorium_id: UUID,
                         data: Companions) -> dict:
        n = await _one(pool, Q.link_companion_seats, {
            "auditorium_id": auditorium_id, "wheelchair_seat_id": data.wheelchair_seat_id,
            "companion_seat_ids": data.companion_seat_ids, "actor": admin_actor(request)})
        return {"wheelchairSeatId": data.wheelchair_seat_id, "linked": n}

    @put("/auditoriums/{auditorium_id:uuid}/focal-point", summary="Best-available focal point of an auditorium")
    async def focal_point(self, request: Request, pool: AsyncConnectionPool, auditorium_id: UUID,
                          data: FocalPoint) -> dict:
        await _one(pool, Q.set_focal_point, {"auditorium_id": auditorium_id, "x": data.x, "y": data.y,
                                             "actor": admin_actor(request)})
        return {"auditoriumId": str(auditorium_id), "x": None if data.x is None else float(data.x),
                "y": None if data.y is None else float(data.y)}
