"""The read-scaling path of docs/scaling.md, for real: a PRIVATE primary (initdb in a temp dir), a streaming
replica made with pg_basebackup over loopback, and bi_reader reading reporting.* from the replica while the
primary keeps selling. Checks: the replica replays a sale within seconds, bi_reader gets the same report rows as
on the primary, sees nothing outside reporting, and cannot write."""

import time

import psycopg
import pytest

from marquee.migrate import migrate
from testing.data import make_showtime
from testing.services import PrivatePostgres

pytestmark = pytest.mark.timeout(150)


@pytest.fixture(scope="module")
def cluster():
    primary = PrivatePostgres("marquee_replica").init().start()
    replica = None
    try:
        primary.create_db()
        migrate(primary.url, quiet=True)
        replica = primary.replica().start()
        yield primary, replica
    finally:
        if replica:
            replica.destroy()
        primary.destroy()


def sell(url: str, showtime: str, seats: list[str]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        hold = conn.execute("SELECT hold_id FROM booking.hold(%s, %s, 'replica-test')", (showtime, seats)).fetchone()[0]
        booking = conn.execute("SELECT booking_id FROM booking.confirm(%s, 'r@example.com', 'Replica')", (hold,)
                               ).fetchone()[0]
        conn.execute("SELECT booking.attach_payment_intent(%s, %s)", (booking, f"pi_{booking}"))
        conn.execute("SELECT * FROM booking.record_payment(%s, 'succeeded')", (f"pi_{booking}",))
        conn.execute("SELECT booking_ops.refresh_reports()")


def occupancy(url: str, showtime: str):
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT capacity, sold, revenue FROM reporting.showtime_occupancy WHERE showtime_id = %s",
                            (showtime,)).fetchone()


def test_replica_streams_and_serves_reporting_to_bi_reader(cluster):
    primary, replica = cluster
    with psycopg.connect(primary.admin_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").fetchone()[0] == 1
    with psycopg.connect(replica.url_for("bi_reader"), autocommit=True) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True

    showtime, codes = make_showtime(primary.url, 2, 10)
    sell(primary.url, showtime, codes[0:2])
    t0 = time.monotonic()
    bi_replica = replica.url_for("bi_reader")
    while True:
        try:
            if occupancy(bi_replica, showtime) == (20, 2, 24):
                break
        except psycopg.Error:
            pass
        assert time.monotonic() - t0 < 15, "the replica did not replay the sale within 15 s"
        time.sleep(0.1)
    lag = time.monotonic() - t0

    # the same answers on both sides for the BI views
    with psycopg.connect(primary.url_for("bi_reader"), autocommit=True) as p, \
         psycopg.connect(bi_replica, autocommit=True) as r:
        for view in ("daily_bookings", "popular_movies", "revenue_by_seat_type"):
            q = f"SELECT * FROM reporting.{view} ORDER BY 1, 2"
            assert p.execute(q).fetchall() == r.execute(q).fetchall(), view
        assert r.execute("SELECT count(*) FROM reporting.daily_bookings").fetchone()[0] >= 1

        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            r.execute("SELECT customer_email FROM booking.bookings")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            r.execute("CREATE TEMP TABLE x (i int)")
    print(f"\n[replica] sale visible to bi_reader on the replica after {lag:.2f}s")

    # and it keeps following: a second sale arrives too
    sell(primary.url, showtime, codes[2:4])
    t0 = time.monotonic()
    while occupancy(bi_replica, showtime) != (20, 4, 48):
        assert time.monotonic() - t0 < 15
        time.sleep(0.1)
