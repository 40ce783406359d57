"""Check-in tests: an auditorium of their own with a showtime starting soon (check-in open), paid bookings made
through the customer API (fake Stripe), DOOR operators and keys."""

import itertools
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import psycopg
import pytest

from testing.fixtures import fake_stripe, stripe_env  # noqa: F401
from testing.services import TEST_ADMIN_TOKEN

BOOTSTRAP = {"Authorization": f"Bearer {TEST_ADMIN_TOKEN}"}
_hours = itertools.count()


@pytest.fixture(scope="session")
def api_env(stripe_env):  # noqa: F811
    return dict(stripe_env)


@pytest.fixture()
def db(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="module")
def http(api_server, demo_data):
    with httpx.Client(base_url=api_server, timeout=30) as c:
        yield c


class Venue:
    def __init__(self, http: httpx.Client, db_url: str):
        self.http = http
        with psycopg.connect(db_url) as conn:
            self.cinema = conn.execute("SELECT id::text FROM booking.cinemas WHERE name = 'Marquee Downtown'").fetchone()[0]
            self.other_cinema = conn.execute("SELECT id::text FROM booking.cinemas WHERE name = 'Marquee Riverside'").fetchone()[0]
            self.movie = conn.execute("SELECT id::text FROM booking.movies ORDER BY title LIMIT 1").fetchone()[0]
        layout = {"rows": [{"label": r, "seats": [{"number": n} for n in range(1, 21)]} for r in "ABCDEFGHIJKLMNO"]}
        r = http.post("/api/admin/auditoriums", headers=BOOTSTRAP,
                      json={"cinemaId": self.cinema, "name": f"Door {uuid.uuid4().hex[:6]}", "layout": layout})
        assert r.status_code == 201, r.text
        self.auditorium = r.json()["id"]
        self.seats = (f"seat-{r}{n}" for r in "abcdefghijklmno" for n in range(1, 21))
        # one showtime starting in 30 minutes (check-in open), later ones every 4 hours (too early)
        self.now_showtime = self.showtime(datetime.now(timezone.utc) + timedelta(minutes=30))

    def showtime(self, starts_at: datetime | None = None) -> str:
        starts_at = starts_at or datetime.now(timezone.utc) + timedelta(days=2, hours=4 * next(_hours))
        r = self.http.post("/api/admin/showtimes", headers=BOOTSTRAP, json={
            "movieId": self.movie, "auditoriumId": self.auditorium, "startsAt": starts_at.isoformat(),
            "prices": {"STANDARD": 10.00}})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def book(self, showtime: str | None = None, n: int = 1) -> dict:
        """A paid booking; returns the booking as GET /api/bookings/{reference}?email= shows it."""
        showtime = showtime or self.now_showtime
        session = uuid.uuid4().hex
        seats = [next(self.seats) for _ in range(n)]
        hold = self.http.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": seats, "sessionToken": session})
        assert hold.status_code == 201, hold.text
        email = f"door{uuid.uuid4().hex[:6]}@example.com"
        conf = self.http.post("/api/bookings/confirm", json={
            "holdId": hold.json()["holdId"], "userDetails": {"email": email, "name": "Door Guest"}, "paymentMethod": "CARD"})
        assert conf.status_code == 201, conf.text
        c = conf.json()
        pay = self.http.post("/api/payments/process", json={
            "bookingId": c["bookingId"], "paymentIntentId": c["paymentIntentId"],
            "paymentMethod": {"type": "card", "token": "tok_visa"}})
        assert pay.status_code == 200, pay.text
        got = self.http.get(f"/api/bookings/{c['bookingReference']}", params={"email": email})
        assert got.status_code == 200, got.text
        return {**got.json(), "email": email}

    def key(self, role: str = "DOOR", cinemas: list | None = None) -> dict:
        r = self.http.post("/api/admin/api-keys", headers=BOOTSTRAP, json={
            "name": f"scanner {uuid.uuid4().hex[:6]}", "role": role, "cinemaIds": cinemas or [self.cinema]})
        assert r.status_code == 201, r.text
        return {"Authorization": f"Bearer {r.json()['key']}"}


@pytest.fixture(scope="module")
def venue(http, db_url) -> Venue:
    return Venue(http, db_url)


@pytest.fixture(scope="module")
def door(venue) -> dict:
    return venue.key("DOOR")
