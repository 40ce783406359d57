"""Browser tests of the web pages: Debian's chromium driven by Playwright against the real API subprocess, the
real test database (with the demo data) and the fake Stripe server. Nothing of ours is mocked."""

import os
import re
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest
import pytest_asyncio
from playwright.async_api import async_playwright, expect

from testing.services import TEST_ADMIN_TOKEN

# expect() waits 5 s by default: a hold answered while the suite loads both cores can take longer than that. The
# assertions stay the same; they only wait as long as the pages' own actions do (set_default_timeout below).
expect.set_options(timeout=15_000)


ROOT = Path(__file__).resolve().parents[2]
# Screenshots go to an ignored folder, so a test run leaves the work tree as it was; `make screenshots` points
# MARQUEE_SCREENSHOTS at docs/img to refresh the docs' pictures.
IMG_DIR = Path(os.environ.get("MARQUEE_SCREENSHOTS") or ROOT / ".data" / "screenshots")
IMG_DIR.mkdir(parents=True, exist_ok=True)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHORT_TTL = 3  # seconds a hold lives on the short-hold server


@pytest.fixture(scope="session")
def api_env(stripe_env):  # overrides tests/conftest.py: the API pays through the fake Stripe server
    return dict(stripe_env)


@pytest.fixture(scope="module")
def web(api_server, demo_data) -> str:
    """Base URL of the app serving the pages (and the API) over the demo data."""
    return api_server


@pytest.fixture(scope="session")
def web_short_hold(start_api, stripe_env, demo_data) -> str:
    """A second server whose holds live SHORT_TTL seconds: libpq's PGOPTIONS sets the marquee.hold_ttl_seconds
    GUC on each of its connections, which booking.setting() prefers to the settings table."""
    return start_api({**stripe_env, "PGOPTIONS": f"-c marquee.hold_ttl_seconds={SHORT_TTL}"}).url


@pytest.fixture(scope="session")
def db(demo_data):
    with psycopg.connect(demo_data, autocommit=True) as conn:
        yield conn


@pytest.fixture
def http(web):
    with httpx.Client(base_url=web, timeout=30) as c:
        yield c


@pytest_asyncio.fixture(scope="session")
async def browser():
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest_asyncio.fixture
async def new_page(browser):
    """Factory: await new_page(viewport=...) -> a page in its own context (own localStorage = own customer)."""
    contexts = []

    async def make(**kwargs):
        ctx = await browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **kwargs})
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        page = await ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.js_errors = errors
        return page

    yield make
    for ctx in contexts:
        await ctx.close()


class Showtimes:
    """Hands each test its own future showtime, so tests never see each other's seats."""

    def __init__(self, conn):
        self.conn = conn
        self.used: set = set()

    def take(self, auditorium: str = "Studio 2") -> str:
        rows = self.conn.execute(
            """SELECT st.id::text FROM booking.showtimes st JOIN booking.auditoriums a ON a.id = st.auditorium_id
                WHERE a.name = %s AND NOT st.is_cancelled AND st.starts_at > now() + interval '1 day'
                  -- untouched by any other test package either (they book demo showtimes too)
                  AND NOT EXISTS (SELECT 1 FROM booking.seat_claims c WHERE c.showtime_id = st.id)
                ORDER BY st.starts_at""", (auditorium,)).fetchall()
        for (sid,) in rows:
            if sid not in self.used:
                self.used.add(sid)
                return sid
        raise AssertionError(f"no unused future showtime in {auditorium}")

    def take_pair(self) -> tuple[str, str]:
        """Two unused future showtimes of one film at one cinema on one local date (an exchange's from and to)."""
        rows = self.conn.execute(
            """SELECT st.movie_id, a.cinema_id, booking.local_date(st.starts_at, c.time_zone), st.id::text
                 FROM booking.showtimes st JOIN booking.auditoriums a ON a.id = st.auditorium_id
                 JOIN booking.cinemas c ON c.id = a.cinema_id
                WHERE NOT st.is_cancelled AND st.starts_at > now() + interval '1 day' AND c.name LIKE 'Marquee %%'
                  AND NOT EXISTS (SELECT 1 FROM booking.seat_claims cl WHERE cl.showtime_id = st.id)
                ORDER BY st.starts_at""").fetchall()
        groups: dict = {}
        for movie, cinema, day, sid in rows:
            if sid in self.used:
                continue
            group = groups.setdefault((movie, cinema, day), [])
            group.append(sid)
            if len(group) == 2:
                self.used.update(group)
                return group[0], group[1]
        raise AssertionError("no two unused future showtimes of one film at one cinema on one day")


@pytest.fixture(scope="session")
def showtimes(db) -> Showtimes:
    return Showtimes(db)


def seat_status(conn, showtime_id: str, code: str) -> str:
    return conn.execute("SELECT status FROM booking.seat_map(%s) WHERE seat_id = %s", (showtime_id, code)).fetchone()[0]


def middle_seats(http, showtime: str, n: int, max_price=None, types=("STANDARD",)) -> list[dict]:
    """The first n seats of a block of a row (seats between aisles) that is wholly free and plain (no companion
    or channel seat) and at least n + 2 long, of the types and at most max_price each when given: neither taking
    nor leaving them can trip the lone-seat rule, and the next call takes another block."""
    special = {f["id"] for f in http.get(f"/api/showtimes/{showtime}/seat-features").json()}
    for row in http.get(f"/api/showtimes/{showtime}/seats").json()["layout"]["rows"]:
        seats = sorted(row["seats"], key=lambda s: s["x"])
        blocks, block = [], []
        for s in seats:
            if block and s["x"] - block[-1]["x"] > 1:
                blocks.append(block)
                block = []
            block.append(s)
        blocks.append(block)
        for block in blocks:
            if len(block) >= n + 2 and all(
                    s["status"] == "AVAILABLE" and s["type"] in types and s["id"] not in special
                    and (max_price is None or float(s["price"]) <= float(max_price)) for s in block):
                return [{**s, "rowLabel": row["label"]} for s in block[:n]]
    raise AssertionError(f"no free block of {n} + 2 plain seats in {showtime}")


def book_via_api(http: httpx.Client, showtime_id: str, seats: list[str], email: str, token: str = "tok_visa") -> dict:
    """A paid booking made through the public API (setup for pages that start from an existing booking)."""
    session = uuid.uuid4().hex
    hold = http.post("/api/bookings/hold", json={"showtimeId": showtime_id, "seatIds": seats, "sessionToken": session})
    assert hold.status_code == 201, hold.text
    conf = http.post("/api/bookings/confirm", json={
        "holdId": hold.json()["holdId"], "userDetails": {"email": email, "name": "Ada Lovelace", "phone": None},
        "paymentMethod": "CARD"})
    assert conf.status_code == 201, conf.text
    c = conf.json()
    pay = http.post("/api/payments/process", json={"bookingId": c["bookingId"], "paymentIntentId": c["paymentIntentId"],
                                                    "paymentMethod": {"type": "card", "token": token}})
    assert pay.status_code == 200, pay.text
    return c


async def open_exchange(page, web, booking, email, target):
    """The booking page of a booking, its "Change seats or time" panel open on the target showtime's seat map."""
    await page.goto(web + "/booking")
    await page.get_by_label("Booking reference").fill(booking["bookingReference"])
    await page.get_by_label("Email used for the booking").fill(email)
    await page.get_by_role("button", name="Find booking").click()
    await expect(page.get_by_role("heading", name="Change seats or time")).to_be_visible()
    await page.wait_for_load_state("load")
    opener = page.get_by_role("button", name="Change seats or time")
    await opener.click()
    await expect(opener).to_have_attribute("aria-expanded", "true")
    picker = page.get_by_label("Showtime", exact=True)
    await expect(picker.locator(f'option[value="{target}"]')).to_have_count(1)
    await picker.select_option(target)
    await expect(page.locator("#x-map-state")).to_contain_text("Seat map of")


async def grab_on_the_way(page, http, showtime: str, seat: str) -> None:
    """Another customer holds the seat while this page's exchange request is on its way (a lost race the live
    map could not show yet): the request goes on once the hold is made."""
    async def race(route):
        hold = http.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": [seat],
                                                     "sessionToken": uuid.uuid4().hex})
        assert hold.status_code == 201, hold.text
        await route.continue_()

    await page.route(re.compile(r".*/api/bookings/[^/]+/exchange$"), race, times=1)


# Operators for the admin pages: made with the bootstrap OWNER key, logged in through /admin/login.
BOOTSTRAP = {"Authorization": f"Bearer {TEST_ADMIN_TOKEN}"}
PASSWORD = "admin page password"


def operator(http, role: str, cinema: str | None) -> str:
    cinema_ids = None
    if cinema:
        cinema_ids = [next(c["id"] for c in http.get("/api/cinemas").json() if c["name"] == cinema)]
    email = f"{role.lower()}.{uuid.uuid4().hex[:6]}@page.example"
    r = http.post("/api/admin/operators", headers=BOOTSTRAP, json={
        "email": email, "name": f"Page {role.title()}", "password": PASSWORD, "role": role, "cinemaIds": cinema_ids})
    assert r.status_code == 201, r.text
    return email


async def log_in(page, web: str, email: str, password: str = PASSWORD) -> None:
    await page.goto(f"{web}/admin/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
