"""The waiting list over HTTP (issue 21, docs/waitlist.md). Every rule is in sql/functions/92_waitlist.sql.

POST   /api/showtimes/{showtimeId}/waitlist        join (201 WAITING; 409 SEATS_AVAILABLE when it can book now)
GET    /api/waitlist/{waitlistId}                  the entry: position, status, offer when OFFERED
DELETE /api/waitlist/{waitlistId}                  leave it (CANCELLED; an offer's seats go to the next in line)
GET    /api/admin/showtimes/{showtimeId}/waitlist  operators (bookings.read): the whole line with contact details
"""

from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, scalar
from ..http.auth import as_operator, operator_guard
from ..http.openapi import errors
from ..http.ratelimit import rate_limit_guard
from ..http.responses import MarqueeResponse, json_text
from .schemas import AdminWaitlist, WaitlistEntry, WaitlistJoined, WaitlistRequest

Q = Queries.beside(__file__)


class WaitlistController(Controller):
    path = "/api"
    tags = ["waiting list"]

    @post("/showtimes/{showtime_id:uuid}/waitlist", guards=[rate_limit_guard], status_code=201,
          summary="Join the waiting list of a sold-out showtime",
          responses=errors("SHOWTIME_NOT_FOUND", "SHOWTIME_NOT_ON_SALE", "SEATS_AVAILABLE", "TOO_MANY_SEATS"))
    async def join(self, showtime_id: UUID, data: WaitlistRequest, pool: AsyncConnectionPool) -> Response[WaitlistJoined]:
        text = await scalar(pool, Q.join_waitlist, {
            "showtime_id": showtime_id, "email": data.email, "name": data.name, "phone": data.phone,
            "quantity": data.quantity, "together": data.together, "accessible": data.accessible,
            "seat_types": data.seat_types})
        return MarqueeResponse(text.encode(), status_code=201, media_type="application/json",
                               headers={"Cache-Control": "no-store"})

    @get("/waitlist/{waitlist_id:uuid}", summary="A waiting-list entry: place in line, status, offer",
         responses=errors("WAITLIST_NOT_FOUND"))
    async def entry(self, waitlist_id: UUID, pool: AsyncConnectionPool) -> Response[WaitlistEntry]:
        return json_text(await scalar(pool, Q.waitlist_entry, {"waitlist_id": waitlist_id}))

    @delete("/waitlist/{waitlist_id:uuid}", status_code=200, summary="Leave the waiting list",
            responses=errors("WAITLIST_NOT_FOUND", "WAITLIST_NOT_ACTIVE"))
    async def leave(self, waitlist_id: UUID, pool: AsyncConnectionPool) -> Response[WaitlistEntry]:
        return json_text(await scalar(pool, Q.leave_waitlist, {"waitlist_id": waitlist_id}))


class WaitlistAdminController(Controller):
    path = "/api/admin"
    guards = [operator_guard]
    tags = ["admin", "waiting list"]
    security = [{"BearerToken": []}]

    @get("/showtimes/{showtime_id:uuid}/waitlist", summary="The waiting list of a showtime (bookings.read)",
         responses=errors("SHOWTIME_NOT_FOUND"))
    async def showtime_waitlist(self, request: Request, showtime_id: UUID, pool: AsyncConnectionPool
                                ) -> Response[AdminWaitlist]:
        async with as_operator(request, pool) as db:
            return json_text(await scalar(db, Q.showtime_waitlist, {"showtime_id": showtime_id}))
