"""A real Socket.IO client and a real SSE client watch a showtime through the running API and see its hold,
release, expiry and booking (and nothing of a showtime they do not watch)."""

import asyncio
import time
import uuid

import httpx

from .clients import SioWatcher, SseWatcher


def hold(db, showtime, seats, token=None, ttl=None):
    token = token or uuid.uuid4().hex
    return str(db.execute("SELECT hold_id FROM booking.hold(%s, %s, %s, %s)",
                          (showtime, seats, token, ttl)).fetchone()[0]), token


async def sio_updates(w: SioWatcher, n: int) -> list:
    out = []
    while len(out) < n:
        name, data = await w.next(timeout=10)
        out.append((name, data))
    return out


async def sse_updates(w: SseWatcher, n: int) -> list:
    out = []
    while len(out) < n:
        event, data, eid = await w.next(timeout=10)
        out.append((event, data, eid))
    return out


async def test_watchers_see_hold_release_expiry_booking_and_nothing_else(rt_api, db, showtime, other_showtime):
    sio = await SioWatcher().connect(rt_api)
    sse = await SseWatcher(rt_api, showtime).start()
    try:
        assert await sio.watch(showtime) == {"ok": True, "showtimeId": showtime}
        # watching starts with a resync: whatever changed between the map fetch and the join is refetched
        assert await sio.next() == ("resync", {"showtimeId": showtime, "reason": "watch"})
        event, data, ready_id = await sse.next()
        assert (event, data) == ("ready", {"showtimeId": showtime}) and ready_id

        # noise on a showtime nobody here watches, then the four kinds of change on the watched one
        hold(db, other_showtime, ["seat-a1", "seat-a2"])
        held, token = hold(db, showtime, ["seat-a1"])
        db.execute("SELECT booking.release_hold(%s, %s)", (held, token))
        hold(db, showtime, ["seat-a2"], ttl=1)
        t_expiry = time.monotonic() + 1
        booked, _ = hold(db, showtime, ["seat-a3", "seat-a4"])
        db.execute("SELECT * FROM booking.confirm(%s, 'rt@example.com', 'R T')", (booked,))

        expected = [("LOCKED", ["seat-a1"]), ("AVAILABLE", ["seat-a1"]), ("LOCKED", ["seat-a2"]),
                    ("LOCKED", ["seat-a3", "seat-a4"]), ("BOOKED", ["seat-a3", "seat-a4"]), ("AVAILABLE", ["seat-a2"])]
        got_sio = await sio_updates(sio, len(expected))
        got_sse = await sse_updates(sse, len(expected))
        expiry_seen_after = time.monotonic() - t_expiry

        assert [(n, d["status"], sorted(d["seatIds"])) for n, d in got_sio] == [("seats:updated", *e) for e in expected]
        assert [(n, d["status"], sorted(d["seatIds"])) for n, d, _ in got_sse] == [("seats:updated", *e) for e in expected]
        assert all(d["showtimeId"] == showtime and d["timestamp"] for _, d in got_sio)
        assert set(got_sio[0][1]) == {"showtimeId", "seatIds", "status", "timestamp"}
        # the expiry reached the clients within a second or two of expires_at, with no write by anyone
        assert expiry_seen_after < 3.0, expiry_seen_after
        # SSE ids increase within the stream (epoch-seq)
        seqs = [int(eid.rsplit("-", 1)[1]) for _, _, eid in got_sse]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)

        # nothing more arrives: in particular nothing about the other showtime
        await asyncio.sleep(1.5)
        assert sio.events.empty()
        while not sse.events.empty():
            event, data, _, _ = sse.events.get_nowait()
            assert event != "seats:updated", data
        assert sse.comments >= 1  # heartbeat (1 s in this server)

        # after unwatch, changes of that showtime no longer reach the Socket.IO client
        assert await sio.unwatch(showtime) == {"ok": True, "showtimeId": showtime}
        hold(db, showtime, ["seat-a9"])
        await sse.next()
        await asyncio.sleep(0.5)
        assert sio.events.empty()
    finally:
        await sio.close()
        await sse.close()


async def test_sse_resume_with_last_event_id_and_resync_after_a_gap(rt_api, db, showtime):
    first = await SseWatcher(rt_api, showtime).start()
    hold(db, showtime, ["seat-b1"])
    _, _, seen_id = await first.next()      # ready
    event, data, seen_id = await first.next()
    assert event == "seats:updated" and data["seatIds"] == ["seat-b1"]
    await first.close()

    # the client was away while two changes happened: resuming replays exactly those, in order
    hold(db, showtime, ["seat-b2"])
    hold(db, showtime, ["seat-b3"])
    await asyncio.sleep(0.5)
    again = await SseWatcher(rt_api, showtime, last_event_id=seen_id).start()
    try:
        missed = [await again.next(), await again.next()]
        assert [(e, d["seatIds"]) for e, d, _ in missed] == [("seats:updated", ["seat-b2"]), ("seats:updated", ["seat-b3"])]
        hold(db, showtime, ["seat-b4"])
        assert (await again.next())[1]["seatIds"] == ["seat-b4"]
    finally:
        await again.close()

    # an id the server cannot resume from (another process, before a restart, garbage) means: resync
    for bad in ("deadbeef-3", "nonsense"):
        lost = await SseWatcher(rt_api, showtime, last_event_id=bad).start()
        try:
            event, data, eid = await lost.next()
            assert (event, data) == ("resync", {"showtimeId": showtime, "reason": "gap"}) and eid
        finally:
            await lost.close()


async def test_sse_unknown_showtime_is_a_404_json_error(rt_api):
    unknown = str(uuid.uuid4())
    w = await SseWatcher(rt_api, unknown).start()
    await w._task
    assert w.status == 404
    assert w.body["error"]["code"] == "SHOWTIME_NOT_FOUND"
    async with httpx.AsyncClient() as http:
        r = await http.get(f"{rt_api}/api/showtimes/not-a-uuid/events")
    assert 400 <= r.status_code < 500 and "error" in r.json()


async def test_socketio_rejects_a_bad_showtime_id(rt_api):
    sio = await SioWatcher().connect(rt_api)
    try:
        reply = await sio.client.call("watch:showtime", "not-a-uuid", timeout=10)
        assert reply["ok"] is False and reply["error"]["code"] == "VALIDATION_ERROR"
        # the object form is accepted too
        showtime = str(uuid.uuid4())
        assert await sio.client.call("watch:showtime", {"showtimeId": showtime}, timeout=10) == \
            {"ok": True, "showtimeId": showtime}
    finally:
        await sio.close()
