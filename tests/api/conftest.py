"""API test fixtures: the fake Stripe server, clients, a fresh showtime per test, database snapshots."""

import itertools
from datetime import datetime, timedelta, timezone

import httpx
import psycopg
import pytest

from testing.stripe import FakeStripe

ADMIN = {"Authorization": "Bearer test-admin-token"}
_days = itertools.count(1)


@pytest.fixture(scope="session")
def fake_stripe():
    fake = FakeStripe()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def api_env(fake_stripe) -> dict[str, str]:
    return {"STRIPE_API_BASE": fake_stripe.url, "STRIPE_MAX_NETWORK_RETRIES": "0", "STRIPE_TIMEOUT_SECONDS": "5"}


@pytest.fixture()
def client(api_server, demo_data):
    with httpx.Client(base_url=api_server, timeout=30) as c:
        yield c


@pytest.fixture()
def db(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="session")
def grand(demo_data):
    """(movie id, Grand auditorium id) from the demo data."""
    with psycopg.connect(demo_data) as conn:
        return conn.execute(
            "SELECT (SELECT id FROM booking.movies ORDER BY title LIMIT 1), "
            "(SELECT a.id FROM booking.auditoriums a WHERE a.name = 'Grand')").fetchone()


def make_showtime(client: httpx.Client, grand, starts_at: datetime | None = None) -> str:
    """A new showtime in the Grand (300 seats, STANDARD 12.00 / PREMIUM 15.00 / VIP 20.00), far from other tests'."""
    movie_id, auditorium_id = grand
    starts_at = starts_at or datetime(2031, 1, 1, 19, tzinfo=timezone.utc) + timedelta(days=next(_days))
    r = client.post("/api/admin/showtimes", headers=ADMIN, json={
        "movieId": str(movie_id), "auditoriumId": str(auditorium_id), "startsAt": starts_at.isoformat(),
        "prices": {"STANDARD": 12.00, "PREMIUM": 15.00, "VIP": 20.00}})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture()
def showtime(client, grand) -> str:
    return make_showtime(client, grand)


TABLES = ("holds", "seat_claims", "bookings", "booking_seats", "payments", "refunds", "outbox", "idempotency_keys")


def snapshot(conn) -> dict[str, int]:
    """Row counts and a digest of the rows that matter, to prove an error wrote nothing."""
    out = {}
    for t in TABLES:
        out[t] = conn.execute(f"SELECT count(*), md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) "
                              f"FROM booking.{t} x").fetchone()
    return out
