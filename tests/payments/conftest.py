"""Payments tests: the real API subprocess + the fake Stripe server + the real test database."""

import uuid
from decimal import Decimal

import httpx
import psycopg
import pytest



@pytest.fixture(autouse=True)
def _fresh_faults(fake_stripe):
    """Faults a test injected but the code did not consume (the SDK stops retrying a replayed 5xx) never leak."""
    fake_stripe.reset_faults()
    yield
    fake_stripe.reset_faults()


@pytest.fixture(scope="session")
def api_env(stripe_env):  # overrides tests/conftest.py: the API talks to the fake
    return dict(stripe_env)


@pytest.fixture(scope="session")
def db(demo_data):
    """An autocommit connection to the test database (with the demo data), for assertions and setup."""
    with psycopg.connect(demo_data, autocommit=True) as conn:
        yield conn


@pytest.fixture
def api(api_server):
    with httpx.Client(base_url=api_server, timeout=30) as client:
        yield client


class Flow:
    """Drives the customer flow through the HTTP API."""

    def __init__(self, api: httpx.Client, db: psycopg.Connection, api_url: str):
        self.api, self.db, self.url = api, db, api_url

    def showtime(self, currency: str = "USD", free: int = 4) -> str:
        """The earliest demo showtime (far enough ahead that the cancellation cutoff never applies) that still has
        `free` free standard seats: the payments tests book many seats, so they move on to the next showtime."""
        candidates = self.db.execute(
            """SELECT st.id FROM booking.showtimes st JOIN booking.auditoriums a ON a.id = st.auditorium_id
                 JOIN booking.cinemas c ON c.id = a.cinema_id
                WHERE c.currency = %s AND NOT st.is_cancelled AND st.starts_at > now() + interval '1 day'
                  AND c.name LIKE 'Marquee %%'  -- the demo's, not another test module's small halls
                ORDER BY st.starts_at, st.id LIMIT 40""", (currency,)).fetchall()
        for (showtime_id,) in candidates:
            left = self.db.execute("SELECT count(*) FROM booking.seat_map(%s) WHERE status = 'AVAILABLE' "
                                   "AND seat_type = 'STANDARD'", (showtime_id,)).fetchone()[0]
            if left >= free:
                return showtime_id
        raise AssertionError("no demo showtime has free seats left")

    def free_seats(self, showtime_id, n: int = 2) -> list[str]:
        rows = self.db.execute(
            "SELECT seat_id FROM booking.seat_map(%s) WHERE status = 'AVAILABLE' AND seat_type = 'STANDARD' "
            "ORDER BY y, x LIMIT %s", (showtime_id, n)).fetchall()
        assert len(rows) == n, "demo showtime has no free seats left"
        return [r[0] for r in rows]

    def hold(self, showtime_id, seats, session=None):
        session = session or f"pay-{uuid.uuid4()}"
        r = self.api.post("/api/bookings/hold", json={"showtimeId": str(showtime_id), "seatIds": seats,
                                                       "sessionToken": session})
        return r

    def confirm(self, hold_id, api: httpx.Client | None = None):
        return (api or self.api).post("/api/bookings/confirm", json={
            "holdId": hold_id, "userDetails": {"email": "pay@example.com", "name": "Pay Tester",
                                               "phone": "+1234567890"}, "paymentMethod": "CARD"})

    def booking(self, currency: str = "USD", n: int = 2) -> dict:
        """A fresh PENDING_PAYMENT booking with a payment intent (the confirm response, plus seats/showtime)."""
        st = self.showtime(currency)
        seats = self.free_seats(st, n)
        h = self.hold(st, seats)
        assert h.status_code == 201, h.text
        c = self.confirm(h.json()["holdId"])
        assert c.status_code == 201, c.text
        return {**c.json(), "seats": seats, "showtimeId": str(st), "holdId": h.json()["holdId"]}

    def pay(self, b: dict, token: str = "tok_visa", headers: dict | None = None, api: httpx.Client | None = None):
        return (api or self.api).post("/api/payments/process", headers=headers or {}, json={
            "bookingId": b["bookingId"], "paymentIntentId": b["paymentIntentId"],
            "paymentMethod": {"type": "card", "token": token}})

    def row(self, booking_id) -> dict:
        cur = self.db.execute("SELECT status::text, payment_status::text, final_amount FROM booking.bookings "
                              "WHERE id = %s", (booking_id,))
        status, pay_status, amount = cur.fetchone()
        return {"status": status, "paymentStatus": pay_status, "amount": amount}

    def payments(self, booking_id) -> list[tuple[str, Decimal]]:
        return self.db.execute("SELECT status, amount FROM booking.payments WHERE booking_id = %s ORDER BY created_at",
                               (booking_id,)).fetchall()

    def refunds(self, booking_id) -> list[tuple[str, Decimal, str | None]]:
        return self.db.execute("SELECT status, amount, provider_refund_id FROM booking.refunds WHERE booking_id = %s "
                               "ORDER BY created_at", (booking_id,)).fetchall()

    def seat_status(self, showtime_id, seat: str) -> str:
        return self.db.execute("SELECT status FROM booking.seat_map(%s) WHERE seat_id = %s",
                               (showtime_id, seat)).fetchone()[0]

    def discrepancies(self, booking_id) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT problem FROM booking.payment_discrepancies WHERE booking_id = %s", (booking_id,)).fetchall()]

    def webhook(self, fake, event, **kw):
        return fake.send_webhook(self.url + "/api/payments/webhook", event, **kw)


@pytest.fixture
def flow(api, db, api_server, demo_data) -> Flow:
    return Flow(api, db, api_server)


@pytest.fixture
def short_payment_window(db):
    """Payment window of 2 s for bookings confirmed inside the test (the setting is read at confirm time)."""
    old = db.execute("SELECT value FROM booking.settings WHERE key = 'payment_window_seconds'").fetchone()[0]
    db.execute("UPDATE booking.settings SET value = '2' WHERE key = 'payment_window_seconds'")
    yield 2
    db.execute("UPDATE booking.settings SET value = %s WHERE key = 'payment_window_seconds'", (old,))


def pytest_configure(config):
    # the stripe SDK's HTTPX client passes bytes as data=; harmless, and not ours to change
    config.addinivalue_line("filterwarnings", "ignore:Use 'content=<...>':DeprecationWarning")
