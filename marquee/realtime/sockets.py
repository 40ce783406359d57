"""Socket.IO, for browser code written against the original Socket.IO interface.

Client -> server: `watch:showtime` / `unwatch:showtime` with the showtime id (a string; {"showtimeId": id} is
accepted too). Server -> client: `seats:updated` {showtimeId, seatIds, status, timestamp} to room
`showtime:{id}`, and `resync` {showtimeId, reason} when the client must refetch the seat map: right after it
starts watching (closes the gap between its map fetch and its join, and covers client reconnects, which
re-watch) and after the server's own database connection came back (events in between were lost).
"""

import json
import logging
import uuid

import socketio

from .hub import Resync, SeatEvent, SeatHub

log = logging.getLogger("marquee.realtime")

ROOM_PREFIX = "showtime:"


def _showtime_id(data) -> str | None:
    if isinstance(data, dict):
        data = data.get("showtimeId")
    if not isinstance(data, str):
        return None
    try:
        return str(uuid.UUID(data))
    except ValueError:
        return None


def create_sio(hub: SeatHub, cors_origins: tuple[str, ...]) -> socketio.AsyncServer:
    # Same CORS rule as the HTTP API: listed origins only; none listed means same-origin only.
    sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins=list(cors_origins) or None,
                               logger=False, engineio_logger=False)

    @sio.on("watch:showtime")
    async def watch(sid, data):
        showtime_id = _showtime_id(data)
        if showtime_id is None:
            return {"ok": False, "error": {"code": "VALIDATION_ERROR", "message": "showtime id must be a uuid"}}
        await sio.enter_room(sid, ROOM_PREFIX + showtime_id)
        await hub.track(showtime_id)  # the hub diffs this showtime from now on (its statuses read once)
        await sio.emit("resync", {"showtimeId": showtime_id, "reason": "watch"}, to=sid)
        return {"ok": True, "showtimeId": showtime_id}

    @sio.on("unwatch:showtime")
    async def unwatch(sid, data):
        showtime_id = _showtime_id(data)
        if showtime_id is None:
            return {"ok": False, "error": {"code": "VALIDATION_ERROR", "message": "showtime id must be a uuid"}}
        await sio.leave_room(sid, ROOM_PREFIX + showtime_id)
        return {"ok": True, "showtimeId": showtime_id}

    async def sink(item) -> None:
        if isinstance(item, SeatEvent):
            await sio.emit("seats:updated", item.payload(), room=ROOM_PREFIX + item.showtime_id)
        elif isinstance(item, Resync):
            rooms = [r for r in sio.manager.rooms.get("/", {}) if isinstance(r, str) and r.startswith(ROOM_PREFIX)]
            for room in rooms:
                await sio.emit("resync", {"showtimeId": room[len(ROOM_PREFIX):], "reason": item.reason}, room=room)
            log.info(json.dumps({"event": "realtime_resync_sent", "rooms": len(rooms), "reason": item.reason}))

    def watched(showtime_id: str) -> bool:
        return bool(sio.manager.rooms.get("/", {}).get(ROOM_PREFIX + showtime_id))

    hub.add_sink(sink)
    hub.add_watch_probe(watched)
    return sio
