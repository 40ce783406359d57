"""Issue 22: PostgreSQL has no privileges on NOTIFY channels, so anyone who can log in can send a well-formed
seat_changes payload. The hub must not believe it: a NOTIFY sent by bi_reader, and by booking_api outside the booking
functions, changes nothing any watcher sees (Socket.IO, SSE, the seat map), while a real change still arrives."""

import asyncio
import json
import uuid

import httpx
import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .clients import SioWatcher, SseWatcher


def as_role(db_url: str, role: str) -> psycopg.Connection:
    return psycopg.connect(make_conninfo(**{**conninfo_to_dict(db_url), "user": role}), autocommit=True)


async def test_a_forged_notify_changes_nothing_any_watcher_sees(rt_api, db_url, db, showtime):
    sio = await SioWatcher().connect(rt_api)
    sse = await SseWatcher(rt_api, showtime).start()
    try:
        assert (await sio.watch(showtime))["ok"]
        assert (await sio.next())[0] == "resync"
        assert (await sse.next())[0] == "ready"
        async with httpx.AsyncClient(base_url=rt_api) as http:
            before = (await http.get(f"/api/showtimes/{showtime}/seats")).json()

            forged = json.dumps({"showtimeId": showtime, "seatIds": ["seat-a1", "seat-a2"], "status": "BOOKED",
                                 "at": "2030-01-01T00:00:00Z"})
            for role in ("bi_reader", "booking_api"):
                with as_role(db_url, role) as conn:
                    assert conn.execute("SELECT current_user").fetchone()[0] == role
                    conn.execute("SELECT pg_notify('seat_changes', %s)", (forged,))
                    conn.execute(f"NOTIFY seat_changes, '{forged}'")
            await asyncio.sleep(1.0)
            assert sio.events.empty()
            while not sse.events.empty():
                event, data, _, _ = sse.events.get_nowait()
                assert event != "seats:updated", data
            after = (await http.get(f"/api/showtimes/{showtime}/seats")).json()
            assert after == before
            statuses = {s["id"]: s["status"] for row in after["layout"]["rows"] for s in row["seats"]}
            assert statuses["seat-a1"] == statuses["seat-a2"] == "AVAILABLE"

            # a real change made through the functions still reaches both watchers, with the database's status
            db.execute("SELECT booking.hold(%s, %s, %s)", (showtime, ["seat-a1"], uuid.uuid4().hex))
            name, data = await sio.next(timeout=5)
            assert (name, data["status"], data["seatIds"]) == ("seats:updated", "LOCKED", ["seat-a1"])
            event, data, _ = await sse.next(timeout=5)
            assert (event, data["status"], data["seatIds"]) == ("seats:updated", "LOCKED", ["seat-a1"])
    finally:
        await sio.close()
        await sse.close()
