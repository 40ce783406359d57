"""Realtime test fixtures: a 300-seat auditorium made with the SQL functions, fresh showtimes, LISTEN helpers."""

import itertools
import json
import time
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

_days = itertools.count(1)
SEATS_PER_ROW = 25
ROWS = "ABCDEFGHIJKL"  # 12 x 25 = 300 seats: enough to split a notification (250 seats each)


def create_hall(url: str) -> dict:
    """The RT Hall (and its cinema and movie), made once per database with the catalogue functions."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT a.id, (SELECT id FROM booking.movies WHERE title = 'RT Movie') "
                           "FROM booking.auditoriums a WHERE a.name = 'RT Hall'").fetchone()
        if row:
            return {"auditorium": row[0], "movie": row[1]}
        cinema = conn.execute("SELECT booking.create_cinema('RT Cinema', 'Boston', 'America/New_York', 'USD')").fetchone()[0]
        layout = {"rows": [{"label": r, "seats": [{"number": n} for n in range(1, SEATS_PER_ROW + 1)]} for r in ROWS]}
        auditorium = conn.execute("SELECT booking.create_auditorium(%s, 'RT Hall', %s::jsonb)",
                                  (cinema, json.dumps(layout))).fetchone()[0]
        movie = conn.execute("SELECT booking.create_movie('RT Movie', 90)").fetchone()[0]
        return {"auditorium": auditorium, "movie": movie}


@pytest.fixture(scope="session")
def hall(db_url) -> dict:
    return create_hall(db_url)


def make_showtime(conn, hall) -> str:
    """A new showtime in the RT Hall (STANDARD 10.00, no lone-seat rule), on its own day in 2032."""
    starts = datetime(2032, 1, 1, 19, tzinfo=timezone.utc) + timedelta(days=next(_days))
    showtime = str(conn.execute("SELECT booking.create_showtime(%s, %s, %s, '{\"STANDARD\": 10.00}')",
                                (hall["movie"], hall["auditorium"], starts)).fetchone()[0])
    # these tests are about publishing, not seating etiquette: single seats anywhere are fine here
    conn.execute("SELECT booking.set_lone_seat_rule(%s, false)", (showtime,))
    return showtime


@pytest.fixture()
def db(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        yield conn


@pytest.fixture()
def showtime(db, hall) -> str:
    return make_showtime(db, hall)


@pytest.fixture()
def other_showtime(db, hall) -> str:
    return make_showtime(db, hall)


class Listener:
    """A plain LISTEN seat_changes connection, as a DBA would open in psql."""

    def __init__(self, url: str):
        self.conn = psycopg.connect(url, autocommit=True)
        self.conn.execute("LISTEN seat_changes")

    def take(self, showtime_id: str | None = None, wait: float = 0.3) -> list[dict]:
        """Notifications received within `wait` seconds (for one showtime if given), in order."""
        out = []
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            for n in self.conn.notifies(timeout=left):
                assert n.channel == "seat_changes"
                assert len(n.payload.encode()) < 8000
                out.append(json.loads(n.payload))
        return [p for p in out if showtime_id is None or p["showtimeId"] == showtime_id]

    def close(self):
        self.conn.close()


@pytest.fixture()
def listener(db_url):
    lst = Listener(db_url)
    lst.take(wait=0.05)
    yield lst
    lst.close()


@pytest.fixture(scope="session")
def rt_api(start_api) -> str:
    """An API server with the realtime layer, a 1 s SSE heartbeat so tests can see one."""
    return start_api({"SSE_HEARTBEAT_SECONDS": "1"}).url
