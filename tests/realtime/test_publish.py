"""Every seat status change is published by the database on channel seat_changes, by the one publisher
(booking.publish_seat_changes, polled by the API's elected publisher), never by the booking transaction itself:
once per poll, showtime and status (not per seat), with the seat's current status, split under the 8000-byte
payload limit, and switchable with the publish_seat_changes setting. Each step below polls once (whoever polls first,
the test or a running API's publisher, publishes it: the cursor is shared, so each change goes out once)."""

import uuid

import psycopg
import pytest

from .conftest import ROWS, SEATS_PER_ROW


def hold(db, showtime, seats, token=None, ttl=None) -> str:
    return str(db.execute("SELECT hold_id FROM booking.hold(%s, %s, %s, %s)",
                          (showtime, seats, token or uuid.uuid4().hex, ttl)).fetchone()[0])


def book(db, showtime, seats, intent: str) -> str:
    h = hold(db, showtime, seats)
    db.execute("SELECT * FROM booking.publish_seat_changes()")  # the hold is published before the confirm
    booking = db.execute("SELECT booking_id FROM booking.confirm(%s, 'rt@example.com', 'R T')", (h,)).fetchone()[0]
    db.execute("SELECT booking.attach_payment_intent(%s, %s)", (booking, intent))
    return str(booking)


def published(db, listener, showtime, wait=0.3):
    """What LISTEN seat_changes receives once the publisher has polled."""
    db.execute("SELECT * FROM booking.publish_seat_changes()")
    return listener.take(showtime, wait)


def changes(events):
    return [(e["status"], sorted(e["seatIds"])) for e in events]


def test_hold_release_rehold(db, listener, showtime):
    token = "tok-" + uuid.uuid4().hex
    h = hold(db, showtime, ["seat-a1", "seat-a2"], token)
    events = published(db, listener, showtime)
    assert changes(events) == [("LOCKED", ["seat-a1", "seat-a2"])]
    assert set(events[0]) == {"showtimeId", "seatIds", "status", "at"}
    # the same session re-holds a different set: one LOCKED for the new seat, one AVAILABLE for the dropped
    hold(db, showtime, ["seat-a2", "seat-a3"], token)
    assert changes(published(db, listener, showtime)) == [("LOCKED", ["seat-a3"]), ("AVAILABLE", ["seat-a1"])]
    db.execute("SELECT booking.release_hold(%s, %s)", (h, token))
    assert changes(published(db, listener, showtime)) == [("AVAILABLE", ["seat-a2", "seat-a3"])]


def test_failed_hold_publishes_nothing(db, listener, showtime):
    hold(db, showtime, ["seat-b1"])
    published(db, listener, showtime)
    with pytest.raises(psycopg.Error):
        hold(db, showtime, ["seat-b1", "seat-b2"])
    assert published(db, listener, showtime) == []


def test_confirm_payment_failure_and_cancel(db, listener, showtime):
    failed = book(db, showtime, ["seat-c1", "seat-c2"], "pi_rt_fail_" + showtime)
    assert changes(published(db, listener, showtime)) == [("LOCKED", ["seat-c1", "seat-c2"]), ("BOOKED", ["seat-c1", "seat-c2"])]
    db.execute("SELECT * FROM booking.record_payment(%s, 'failed')", ("pi_rt_fail_" + showtime,))
    assert changes(published(db, listener, showtime)) == [("AVAILABLE", ["seat-c1", "seat-c2"])]
    assert db.execute("SELECT status FROM booking.bookings WHERE id = %s", (failed,)).fetchone()[0] == "PAYMENT_FAILED"

    paid = book(db, showtime, ["seat-c3"], "pi_rt_ok_" + showtime)
    db.execute("SELECT * FROM booking.record_payment(%s, 'succeeded')", ("pi_rt_ok_" + showtime,))
    assert changes(published(db, listener, showtime)) == [("LOCKED", ["seat-c3"]), ("BOOKED", ["seat-c3"])]  # paying: no change
    db.execute("SELECT * FROM booking.cancel(%s, 'rt test')", (paid,))
    assert changes(published(db, listener, showtime)) == [("AVAILABLE", ["seat-c3"])]


def test_block_and_unblock(db, listener, showtime):
    db.execute("SELECT booking.block_seats(%s, %s)", (showtime, ["seat-d1", "seat-d2"]))
    assert changes(published(db, listener, showtime)) == [("BLOCKED", ["seat-d1", "seat-d2"])]
    db.execute("SELECT booking.unblock_seats(%s, %s)", (showtime, ["seat-d1", "seat-d2"]))
    assert changes(published(db, listener, showtime)) == [("AVAILABLE", ["seat-d1", "seat-d2"])]


def test_large_change_is_split_under_8000_bytes(db, listener, showtime):
    every = [f"seat-{r.lower()}{n}" for r in ROWS for n in range(1, SEATS_PER_ROW + 1)]
    db.execute("SELECT booking.block_seats(%s, %s)", (showtime, every))
    events = published(db, listener, showtime)  # take() asserts each payload is under 8000 bytes
    assert [e["status"] for e in events] == ["BLOCKED", "BLOCKED"]
    assert sorted(s for e in events for s in e["seatIds"]) == sorted(every)


def test_switch_off(db, listener, showtime):
    with db.transaction():
        db.execute("SET LOCAL marquee.publish_seat_changes = 'off'")
        hold(db, showtime, ["seat-e1"])
    assert published(db, listener, showtime) == []
    hold(db, showtime, ["seat-e2"])
    assert changes(published(db, listener, showtime)) == [("LOCKED", ["seat-e2"])]


def at(db, when: str):
    db.execute("SELECT set_config('marquee.now', %s, false)", (when,))


def test_expired_holds_and_unpaid_bookings_are_published(db, listener, showtime):
    # Time is pinned (marquee.now) in 2031, long before the 2032 showtime and far from the real clock, so the
    # API's own expiry publisher (real clock) never touches these windows.
    at(db, "2031-06-01 10:00Z")
    try:
        db.execute("SET marquee.payment_window_seconds = '600'")
        hold(db, showtime, ["seat-f1", "seat-f2"], ttl=60)
        hold(db, showtime, ["seat-f3"], ttl=300)
        book(db, showtime, ["seat-f4"], "pi_rt_late_" + showtime)          # payment deadline 10:10
        paid = book(db, showtime, ["seat-f5"], "pi_rt_paid_" + showtime)
        db.execute("SELECT * FROM booking.record_payment(%s, 'succeeded')", ("pi_rt_paid_" + showtime,))
        released_token = "tok-" + uuid.uuid4().hex
        released = hold(db, showtime, ["seat-f6"], released_token, ttl=60)
        db.execute("SELECT booking.release_hold(%s, %s)", (released, released_token))
        published(db, listener, showtime)

        # A window that ends before anything expires publishes nothing and returns where it stopped.
        at(db, "2031-06-01 10:00:30Z")
        row = db.execute("SELECT published_until, notifications, seats FROM booking.publish_expirations('2031-06-01 10:00Z')").fetchone()
        assert row[1:] == (0, 0) and row[0].isoformat().startswith("2031-06-01T10:00:30")
        assert published(db, listener, showtime) == []

        # The 60 s hold expired: AVAILABLE for its seats (not for the released hold's, published long ago).
        at(db, "2031-06-01 10:01:30Z")
        db.execute("SELECT booking.publish_expirations('2031-06-01 10:00:30Z')")
        assert changes(published(db, listener, showtime)) == [("AVAILABLE", ["seat-f1", "seat-f2"])]

        # A window can never reach into the future: p_until is capped at the clock.
        db.execute("SELECT booking.publish_expirations('2031-06-01 10:01:30Z', '2031-06-01 11:00Z')")
        assert published(db, listener, showtime) == []

        # f3's hold expires at 10:05, but someone else holds f3 again before the publisher runs: not announced.
        at(db, "2031-06-01 10:05:10Z")
        hold(db, showtime, ["seat-f3"])
        published(db, listener, showtime)
        db.execute("SELECT booking.publish_expirations('2031-06-01 10:01:30Z')")
        assert published(db, listener, showtime) == []

        # The unpaid booking's payment window ends at 10:10: f4 is free again; the paid f5 is not announced.
        at(db, "2031-06-01 10:10:05Z")
        db.execute("SELECT booking.publish_expirations('2031-06-01 10:05:10Z')")
        assert changes(published(db, listener, showtime)) == [("AVAILABLE", ["seat-f4"])]
        assert db.execute("SELECT status FROM booking.bookings WHERE id = %s", (paid,)).fetchone()[0] == "CONFIRMED"
    finally:
        db.execute("RESET marquee.now")
        db.execute("RESET marquee.payment_window_seconds")
