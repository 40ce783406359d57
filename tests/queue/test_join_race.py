"""Joins in flight at the opening (issue 20, "no one lost", "admission order equals position order"), with real
concurrent connections: a join whose clock read "before opensAt" but that reaches the schedule row while the draw
holds it is placed after the drawn ones (it was left without a position, never to be admitted, before
booking.queue_join read the draw under its lock); and an admission step waits for a join that has its position
number but has not committed, so it never passes over that smaller position."""

import threading
import time
from datetime import datetime, timedelta, timezone

import psycopg

from .conftest import BOOTSTRAP
from .test_queue_api import showtime  # noqa: F401 - the fixture


def _blocked(conn: psycopg.Connection) -> bool:
    """Whether the backend of `conn` is waiting for a lock."""
    pid = conn.info.backend_pid
    with psycopg.connect(conn.info.dsn, autocommit=True) as probe:
        return probe.execute("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
                             (pid,)).fetchone()[0] or False


def _wait_blocked(conn) -> None:
    for _ in range(100):
        if _blocked(conn):
            return
        time.sleep(0.05)
    raise AssertionError("the second session never waited for the first")


def test_a_join_in_flight_at_the_draw_gets_a_position(http, db, db_url, showtime):  # noqa: F811
    opens = datetime.now(timezone.utc) + timedelta(hours=1)
    assert http.put(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP, json={
        "opensAt": opens.isoformat(), "admitPerMinute": 1}).status_code == 200
    db.execute("UPDATE booking.on_sales SET paused = true WHERE showtime_id = %s", (showtime,))
    before, after = (opens - timedelta(seconds=1)).isoformat(), (opens + timedelta(seconds=1)).isoformat()
    for i in range(3):
        db.execute("SELECT set_config('marquee.now', %s, false), booking.queue_join(%s, %s)", (before, showtime, f"e{i}"))
    db.execute("RESET marquee.now")
    with psycopg.connect(db_url, options="-c lock_timeout=10s") as drawer, \
            psycopg.connect(db_url, options="-c lock_timeout=10s") as joiner:
        # the draw (at the opening) holds the schedule row; a join whose clock still says "before" arrives meanwhile
        drawer.execute("SELECT set_config('marquee.now', %s, true)", (after,))
        assert drawer.execute("SELECT booking_internal.queue_draw(%s, %s)", (showtime, after)).fetchone()[0]
        out = {}
        t = threading.Thread(daemon=True, target=lambda: out.update(e=joiner.execute(
            "SELECT set_config('marquee.now', %s, true), booking.queue_join(%s, 'in-flight')",
            (before, showtime)).fetchone()[1]))
        t.start()
        _wait_blocked(joiner)
        drawer.commit()
        t.join(10)
        joiner.commit()
    pos = db.execute("SELECT position FROM booking.queue_entries WHERE showtime_id = %s AND session_token = 'in-flight'",
                     (showtime,)).fetchone()[0]
    assert pos is not None, "the join in flight at the draw was left without a position (never admitted)"
    assert pos > 3, "it comes after the drawn ones"
    assert sorted(p for (p,) in db.execute("SELECT position FROM booking.queue_entries WHERE showtime_id = %s AND "
                                           "session_token LIKE 'e%%'", (showtime,)).fetchall()) == [1, 2, 3]


def test_an_admission_step_waits_for_a_join_in_flight(http, db, db_url, showtime):  # noqa: F811
    opens = datetime.now(timezone.utc) - timedelta(seconds=5)
    assert http.put(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP, json={
        "opensAt": opens.isoformat(), "admitPerMinute": 1}).status_code == 200
    db.execute("UPDATE booking.on_sales SET paused = true WHERE showtime_id = %s", (showtime,))
    db.execute("SELECT booking_internal.queue_draw(%s, now())", (showtime,))  # opened: no one drawn
    with psycopg.connect(db_url, options="-c lock_timeout=10s") as first, \
            psycopg.connect(db_url, autocommit=True, options="-c lock_timeout=10s") as second, \
            psycopg.connect(db_url, options="-c lock_timeout=10s") as admitter:
        # the first joiner takes its place number and has not committed yet; a second joins and commits
        first.execute("SELECT booking.queue_join(%s, 'first')", (showtime,))
        second.execute("SELECT booking.queue_join(%s, 'second')", (showtime,))
        out = {}
        t = threading.Thread(daemon=True, target=lambda: out.update(n=admitter.execute(
            "SELECT booking_ops.queue_admit(%s, 1)", (showtime,)).fetchone()[0]))
        t.start()
        time.sleep(0.5)
        first.commit()
        t.join(10)
        admitter.commit()
    admitted = db.execute("SELECT session_token FROM booking.queue_entries WHERE showtime_id = %s AND status = 'ADMITTED'",
                          (showtime,)).fetchall()
    assert admitted == [("first",)], "admission passed over the smaller position of a join in flight"
