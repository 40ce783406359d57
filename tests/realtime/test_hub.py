"""The hub's in-memory rules, without a database: resume from a ring buffer, gaps, slow clients, eviction, and
what it makes of notifications (nothing but a hint: the statuses come from database reads, apply_state)."""

import json

from marquee.realtime.hub import Resync, SeatEvent, SeatHub

A, B = "00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"


def notify(hub: SeatHub, showtime: str, seat: str, status: str = "LOCKED") -> None:
    hub.emit(showtime, [seat], status, "2030-01-01T00:00:00Z")


def drain(sub) -> list:
    out = []
    while not sub.queue.empty():
        out.append(sub.queue.get_nowait())
    return out


async def test_subscribers_get_only_their_showtime():
    hub = SeatHub("unused")
    sub_a, backlog = hub.subscribe(A)
    assert backlog == []
    notify(hub, B, "seat-a1")
    notify(hub, A, "seat-a2")
    got = drain(sub_a)
    assert [(e.showtime_id, e.seat_ids) for e in got] == [(A, ["seat-a2"])]
    sub_a.close()
    notify(hub, A, "seat-a3")
    assert drain(sub_a) == [] and hub.subscriber_count == 0


async def test_resume_replays_missed_events_and_gaps_resync():
    hub = SeatHub("unused", ring_size=3)
    hub.subscribe(A)[0].close()
    start = hub.position()
    for n in range(1, 4):
        notify(hub, A, f"seat-a{n}")
    notify(hub, B, "seat-b1")
    _, backlog = hub.subscribe(A, start)
    assert [e.seat_ids for e in backlog] == [["seat-a1"], ["seat-a2"], ["seat-a3"]]
    _, backlog = hub.subscribe(A, backlog[1].id)
    assert [e.seat_ids for e in backlog] == [["seat-a3"]]
    # a fourth event pushes the first out of the 3-event ring: resuming from before it is a gap
    notify(hub, A, "seat-a4")
    _, backlog = hub.subscribe(A, start)
    assert len(backlog) == 1 and isinstance(backlog[0], Resync) and backlog[0].reason == "gap"
    # ids of another epoch (a restarted process or database) or from the future cannot be resumed either
    for bad in (f"other-{hub.seq}", f"{hub.epoch}-{hub.seq + 5}", "garbage", f"{hub.epoch}-x"):
        _, backlog = hub.subscribe(A, bad)
        assert isinstance(backlog[0], Resync), bad
    # resuming from the newest id: nothing to replay, no resync
    assert hub.subscribe(A, hub.position())[1] == []


async def test_a_slow_client_gets_a_resync_instead_of_unbounded_memory():
    hub = SeatHub("unused", queue_size=5)
    sub, _ = hub.subscribe(A)
    for n in range(20):
        notify(hub, A, f"seat-a{n}")
    got = drain(sub)
    assert len(got) <= 5 and any(isinstance(i, Resync) and i.reason == "too_slow" for i in got)


async def test_reconnect_resyncs_every_subscriber_and_starts_a_new_epoch():
    hub = SeatHub("unused")
    sub_a, _ = hub.subscribe(A)
    sub_b, _ = hub.subscribe(B)
    notify(hub, A, "seat-a1")
    old = drain(sub_a)[0].id
    hub.epoch = "newepoch"
    hub._resync_everyone("reconnected")
    assert [(i.showtime_id, i.reason) for i in drain(sub_a)] == [(A, "reconnected")]
    assert [(i.showtime_id, i.reason) for i in drain(sub_b)] == [(B, "reconnected")]
    assert isinstance(hub.subscribe(A, old)[1][0], Resync)


async def test_idle_showtimes_are_forgotten_but_watched_ones_kept():
    hub = SeatHub("unused", max_showtimes=2)
    watched, _ = hub.subscribe(A)
    for n in range(10):
        notify(hub, f"00000000-0000-0000-0000-{n:012d}", "seat-a1")
    notify(hub, A, "seat-a2")
    assert isinstance(drain(watched)[-1], SeatEvent)
    assert len(hub._showtimes) <= 3 and A in hub._showtimes


async def test_bad_payloads_are_ignored():
    hub = SeatHub("unused")
    sub, _ = hub.subscribe(A)
    hub.handle_notify("not json")
    hub.handle_notify(json.dumps({"showtimeId": "not-a-uuid"}))
    assert drain(sub) == [] and not hub._dirty


async def test_a_notification_is_only_a_hint_to_read_the_database():
    hub = SeatHub("unused")
    sub, _ = hub.subscribe(A)
    hub.apply_state(A, {}, "2030-01-01T00:00:00Z", None)          # baseline: the first read
    # a well-formed notification claiming a seat is BOOKED emits nothing: it only marks the showtime to re-read
    hub.handle_notify(json.dumps({"showtimeId": A, "seatIds": ["seat-a1"], "status": "BOOKED", "at": "x"}))
    assert drain(sub) == [] and hub._dirty == {A}
    # what the database says is what watchers get, as differences from the previous read, one event per status
    hub.apply_state(A, {"seat-a1": "LOCKED", "seat-a2": "LOCKED", "seat-a3": "BLOCKED"}, "t1", None)
    got = drain(sub)
    assert [(e.status, e.seat_ids, e.at) for e in got] == [("LOCKED", ["seat-a1", "seat-a2"], "t1"),
                                                          ("BLOCKED", ["seat-a3"], "t1")]
    hub.apply_state(A, {"seat-a2": "BOOKED", "seat-a3": "BLOCKED"}, "t2", None)
    assert [(e.status, e.seat_ids) for e in drain(sub)] == [("BOOKED", ["seat-a2"]), ("AVAILABLE", ["seat-a1"])]
    hub.apply_state(A, {"seat-a2": "BOOKED", "seat-a3": "BLOCKED"}, "t3", None)   # nothing changed: nothing sent
    assert drain(sub) == []
    # a notification for a showtime nobody follows is not even read
    hub.handle_notify(json.dumps({"showtimeId": B}))
    assert B not in hub._dirty
