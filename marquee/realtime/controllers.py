"""Server-Sent Events: GET /api/showtimes/{showtimeId}/events, for clients without Socket.IO.

Events (event name: JSON data), each with an id "<epoch>-<seq>" the browser sends back as Last-Event-ID:
  ready          {showtimeId}                 first, when the client did not ask to resume
  seats:updated  {showtimeId, seatIds, status, timestamp}
  resync         {showtimeId, reason}         refetch the seat map: the server cannot say what was missed
A comment line (": ping") every heartbeat interval keeps proxies from closing an idle stream.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from uuid import UUID

from litestar import Request, get
from litestar.response import ServerSentEvent, ServerSentEventMessage
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, one
from ..http.errors import ApiError
from ..http.openapi import errors
from .hub import SeatEvent, SeatHub

Q = Queries.beside(__file__)

RETRY_MS = 2000


def _message(item) -> ServerSentEventMessage:
    event = "seats:updated" if isinstance(item, SeatEvent) else "resync"
    return ServerSentEventMessage(data=json.dumps(item.payload(), separators=(",", ":")), event=event, id=item.id)


async def _stream(hub: SeatHub, showtime_id: str, last_event_id: str | None,
                  heartbeat: float) -> AsyncIterator[ServerSentEventMessage]:
    # Subscribe before anything is awaited, so no event published from here on can be missed.
    sub, backlog = hub.subscribe(showtime_id, last_event_id)
    position = hub.position()
    try:
        await hub.track(showtime_id)  # the hub diffs this showtime from now on (its statuses read once)
        if not last_event_id:
            yield ServerSentEventMessage(data=json.dumps({"showtimeId": showtime_id}), event="ready",
                                         id=position, retry=RETRY_MS)
        for item in backlog:
            yield _message(item)
        while True:
            try:
                item = await sub.get(timeout=heartbeat)
            except asyncio.TimeoutError:
                yield ServerSentEventMessage(data=None, comment="ping")
                continue
            yield _message(item)
    finally:
        sub.close()


@get("/api/showtimes/{showtime_id:uuid}/events", summary="Live seat changes of a showtime (Server-Sent Events)",
     media_type="text/event-stream", tags=["realtime"], responses=errors("SHOWTIME_NOT_FOUND"))
async def showtime_events(request: Request, pool: AsyncConnectionPool, showtime_id: UUID) -> ServerSentEvent:
    await one(pool, Q.showtime_exists, {"showtime_id": showtime_id})  # 404 SHOWTIME_NOT_FOUND
    hub: SeatHub | None = getattr(request.app.state, "realtime_hub", None)
    if hub is None:  # an app built without marquee.realtime.mount (some test clients)
        raise ApiError("SERVICE_UNAVAILABLE", "live updates are not enabled in this process")
    heartbeat = request.app.state.settings.sse_heartbeat_seconds
    last = request.headers.get("last-event-id") or request.query_params.get("lastEventId")
    return ServerSentEvent(_stream(hub, str(showtime_id), last, heartbeat),
                           headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
