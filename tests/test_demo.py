"""Issue 22: the demo data on a database in use, its history for BI, and data_freshness after a migrate."""

import os
from datetime import timedelta

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from marquee import migrate as migrate_mod
from marquee.migrate import migrate
from testing.services import drop_database

BASE_URL = os.environ.get("TEST_DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
DEMO_DB = os.environ.get("MARQUEE_TEST_DB", "marquee_test") + "_demo"


@pytest.fixture(scope="module")
def demo_url():
    """A fresh `migrate --demo` database of this module's own."""
    drop_database(BASE_URL, DEMO_DB)
    url = make_conninfo(BASE_URL, dbname=DEMO_DB)
    migrate(url, demo=True, quiet=True)
    yield url
    drop_database(BASE_URL, DEMO_DB)


def test_history_through_the_booking_functions_fills_the_reports(demo_url):
    with psycopg.connect(demo_url) as conn:
        days, bookings, cancelled = conn.execute(
            "SELECT count(DISTINCT booked_at::date), count(*), count(*) FILTER (WHERE status = 'CANCELLED') "
            "FROM booking.bookings WHERE booked_at < now() - interval '1 hour'").fetchone()
        assert days >= 14 and bookings >= 150 and cancelled >= 5
        # made through the functions: each paid booking has its payment row, its seats, their claims and history
        assert conn.execute(
            """SELECT count(*) FROM booking.bookings b
                WHERE b.confirmed_at IS NOT NULL AND (
                      NOT EXISTS (SELECT 1 FROM booking.payments p WHERE p.booking_id = b.id AND p.status = 'succeeded')
                   OR NOT EXISTS (SELECT 1 FROM booking.booking_seats s WHERE s.booking_id = b.id)
                   OR NOT EXISTS (SELECT 1 FROM booking.seat_claims c WHERE c.booking_id = b.id)
                   OR NOT EXISTS (SELECT 1 FROM booking.seat_status_history h WHERE h.booking_id = b.id))""").fetchone()[0] == 0
        # cancellations were refunded by the provider, no money is left disagreeing, no old email is waiting
        assert conn.execute("SELECT count(*) FROM booking.refunds WHERE status <> 'SUCCEEDED'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM booking.payment_discrepancies").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM booking.outbox WHERE status = 'PENDING' AND due_at < now()").fetchone()[0] == 0
        # every history view shows something for a new BI user, at once
        for view in ("daily_bookings", "popular_movies", "revenue_by_seat_type", "promo_code_usage", "cancellations",
                     "sales_pace", "data_freshness"):
            assert conn.execute(f"SELECT count(*) FROM reporting.{view}").fetchone()[0] > 0, view
        assert conn.execute("SELECT count(DISTINCT reason_category) FROM reporting.cancellations").fetchone()[0] >= 2


def test_plain_migrate_records_a_refresh(scratch_url_plain):
    migrate(scratch_url_plain, quiet=True)
    with psycopg.connect(scratch_url_plain) as conn:
        views = {r[0] for r in conn.execute("SELECT view_name FROM reporting.data_freshness")}
        cached = {r[0] for r in conn.execute("SELECT matviewname FROM pg_matviews WHERE schemaname = 'reporting_cache'")}
    assert views == cached and cached


@pytest.fixture
def scratch_url_plain():
    name = DEMO_DB + "_plain"
    drop_database(BASE_URL, name)
    yield make_conninfo(BASE_URL, dbname=name)
    drop_database(BASE_URL, name)


def test_demo_leaves_operators_auditoriums_alone_and_skips_taken_slots(demo_url, capsys):
    """The issue's case: an operator's auditorium in Marquee Downtown with a showtime at 19:59 local + 5 days, and
    an operator's showtime in the demo's Grand where the demo would schedule one: `migrate --demo` again works."""
    with psycopg.connect(demo_url, autocommit=True) as conn:
        downtown, tz = conn.execute("SELECT id, time_zone FROM booking.cinemas WHERE name = 'Marquee Downtown'").fetchone()
        movie = conn.execute("SELECT id FROM booking.movies WHERE title = 'Orbit of Glass'").fetchone()[0]
        hall = conn.execute("SELECT booking.create_auditorium(%s, 'Operator Hall', "
                            "'{\"rows\": [{\"label\": \"A\", \"seats\": [{\"number\": 1}, {\"number\": 2}]}]}')",
                            (downtown,)).fetchone()[0]
        conn.execute("SELECT booking.create_showtime(%s, %s, ((booking.cinema_today(%s) + 5) + time '19:59') "
                     "AT TIME ZONE %s, '{\"STANDARD\": 9.00}')", (movie, hall, downtown, tz))
        # the Grand, local day + 8 (the demo's window is today .. today + 7): free now, the demo's 18:00 slot tomorrow
        grand = conn.execute("SELECT id FROM booking.auditoriums WHERE cinema_id = %s AND name = 'Grand'", (downtown,)).fetchone()[0]
        conn.execute("SELECT booking.create_showtime(%s, %s, ((booking.cinema_today(%s) + 8) + time '17:30') "
                     "AT TIME ZONE %s, '{\"STANDARD\": 9.00}')", (movie, grand, downtown, tz))
        tomorrow = conn.execute("SELECT now() + interval '1 day'").fetchone()[0]
    before = capsys.readouterr()
    os.environ["PGOPTIONS"] = f"-c marquee.now={(tomorrow + timedelta(minutes=1)).isoformat()}"  # the demo's "today" + 1
    try:
        migrate(demo_url, demo=True)  # must not raise
    finally:
        del os.environ["PGOPTIONS"]
    out = capsys.readouterr().out
    assert before is not None and "showtime slot(s) skipped" in out and "Grand" in out, out
    with psycopg.connect(demo_url) as conn:
        assert conn.execute("SELECT count(*) FROM booking.showtimes WHERE auditorium_id = %s", (hall,)).fetchone()[0] == 1


def test_a_failing_demo_part_is_reported_not_fatal(demo_url, tmp_path, monkeypatch, capsys):
    broken = tmp_path / "demo.sql"
    broken.write_text("SELECT booking.create_showtime(NULL, NULL, NULL, NULL);")
    monkeypatch.setattr(migrate_mod, "DEMO_FILE", broken)
    migrate(demo_url, demo=True)
    out = capsys.readouterr().out
    assert "demo: demo.sql skipped" in out and "the service starts without it" in out
    assert "demo history: already loaded" in out
