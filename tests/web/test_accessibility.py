"""Every page passes axe-core: the open-source accessibility engine (from npm, pinned in scripts/test-deps.sh,
installed into the ignored .data/npm; vendored nowhere) is injected by Playwright into each page of PAGES, in the
state a customer or an operator sees it, on a desktop and a phone viewport, and must find no violation of the
WCAG 2.0 A / AA and 2.1 AA rules. A failure lists each rule, its impact, the elements and the help link.

A new page is one line in PAGES: a name and an async function that brings a fresh browser page into the state to
check (it gets the page and the module's Site helper: base URL, API client, an operator to log in as, free seats)."""

import re
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from playwright.async_api import expect

from .conftest import BOOTSTRAP, ROOT, book_via_api, grab_on_the_way, log_in, middle_seats, open_exchange, operator
from .test_waiting_room import sell_out, sold_out_room
from .test_waitlist_offer import offered_entry

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
AXE_JS = ROOT / ".data" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = re.search(r"^AXE_VERSION=(\S+)", (ROOT / "scripts" / "test-deps.sh").read_text(), re.MULTILINE).group(1)

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
              "has_touch": True},
}


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe.min.js at the pinned version (installed by scripts/test-deps.sh, which `make test` runs first; run here
    too when missing, e.g. for a lone `pytest tests/web/test_accessibility.py`)."""
    if not AXE_JS.exists() or f'"version": "{AXE_VERSION}"' not in (AXE_JS.parent / "package.json").read_text():
        subprocess.run(["bash", str(ROOT / "scripts" / "test-deps.sh")], check=True)
    return AXE_JS.read_text()


@dataclass
class Site:
    web: str
    http: httpx.Client
    showtime_id: str     # one showtime for the module: earlier pages leave held and sold seats on its map
    operator: str        # an OWNER, for the admin pages
    free: list[str]      # standard seats nobody has taken yet, handed out one at a time
    cinema_id: str = ""  # the showtime's cinema and its local date, for the home page
    day: str = ""
    queued: str = ""     # another showtime, with a waiting room that opens in an hour (issue 20)
    exchange: tuple = ()  # two more showtimes of one film at one cinema: an exchange's from and to (issue 21)
    sold_out: str = ""   # a waiting room that has sold out: the page offers the waiting list (issue 21)
    db: object = None    # the test database (autocommit), for states only psql can set up

    def seat(self) -> str:
        return self.free.pop(0)

    async def open_showtime(self, page, held: int = 1) -> list[str]:
        """The showtime page with `held` seats picked (so held for this browser), the countdown running."""
        await page.goto(f"{self.web}/showtime/{self.showtime_id}")
        await expect(page.locator("#booking")).to_have_attribute("data-live", "live")
        seats = [self.seat() for _ in range(held)]
        for code in seats:
            await page.locator(f'button[data-seat="{code}"]').click()
            await expect(page.locator(f'button[data-seat="{code}"]')).to_have_attribute("aria-pressed", "true")
        if held:
            await expect(page.locator("#countdown")).to_contain_text(re.compile(r"held for you for \d+:\d\d"))
            await expect(page.locator("#total")).not_to_be_empty()
        return seats

    async def open_exchange(self, page) -> dict:
        """A booking of the exchange's first showtime, its "Change seats or time" panel open on the second one's
        seat map with a seat of the same price chosen; returns that seat."""
        source, target = self.exchange
        old = middle_seats(self.http, source, 1, types=("PREMIUM",))[0]  # auditoriums have few standard seats
        email = f"axe+{uuid.uuid4().hex[:6]}@example.com"
        booking = book_via_api(self.http, source, [old["id"]], email)
        seat = middle_seats(self.http, target, 1, max_price=old["price"], types=("STANDARD", "PREMIUM"))[0]
        await open_exchange(page, self.web, booking, email, target)
        button = page.locator(f'#x-seatmap button[data-seat="{seat["id"]}"]')
        await button.click()
        await expect(button).to_have_attribute("aria-pressed", "true")
        return seat

    def booking(self) -> tuple[dict, str]:
        email = f"axe+{uuid.uuid4().hex[:6]}@example.com"
        return book_via_api(self.http, self.showtime_id, [self.seat()], email), email


@pytest.fixture(scope="module")
def site(web, showtimes, db) -> Site:
    showtime_id = showtimes.take()
    with httpx.Client(base_url=web, timeout=30) as http:
        owner = operator(http, "OWNER", None)
        rows = http.get(f"/api/showtimes/{showtime_id}/seats").json()["layout"]["rows"]
        special = {f["id"] for f in http.get(f"/api/showtimes/{showtime_id}/seat-features").json()}
        free = [s["id"] for r in rows for s in r["seats"]
                if s["type"] == "STANDARD" and s["status"] == "AVAILABLE" and s["id"] not in special]
        cinema_id, day = db.execute(
            "SELECT a.cinema_id::text, booking.local_date(s.starts_at, c.time_zone)::text FROM booking.showtimes s "
            "JOIN booking.auditoriums a ON a.id = s.auditorium_id JOIN booking.cinemas c ON c.id = a.cinema_id "
            "WHERE s.id = %s", (showtime_id,)).fetchone()
        queued = showtimes.take()
        r = http.put(f"/api/admin/showtimes/{queued}/on-sale", headers=BOOTSTRAP, json={
            "opensAt": (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat(), "queue": True})
        assert r.status_code == 200, r.text
        sold_out = sold_out_room(db, http)
        sell_out(db, sold_out)
        for _ in range(100):  # the API's admitter notes the sell-out within a tick or two
            if db.execute("SELECT sold_out_at IS NOT NULL FROM booking.on_sales WHERE showtime_id = %s",
                          (sold_out,)).fetchone()[0]:
                break
            time.sleep(0.1)
        site = Site(web, http, showtime_id, owner, free, cinema_id, day, queued, showtimes.take_pair(), sold_out, db)
        site.booking()  # a sold seat on the map from the start
        yield site


# ------------------------------------------------------------------ the pages, each in the state it is checked in
async def home(page, site):
    # the first cinema of the list may be another test's empty one: the module's showtime's cinema, on its day
    await page.goto(f"{site.web}/?cinema={site.cinema_id}&date={site.day}")
    await expect(page.locator("a.time").first).to_be_visible()


async def showtime_held(page, site):
    await site.open_showtime(page, held=2)


async def promo(page, site):
    await site.open_showtime(page)
    await page.fill("#promo", "save20")
    await page.click("#promo-form button")
    await expect(page.locator("#discount")).not_to_have_text(re.compile(r"\$0\.00"))


async def details(page, site):
    await site.open_showtime(page)
    await page.fill("#name", "Grace Hopper")
    await page.fill("#email", "grace@example.com")
    await page.fill("#phone", "+15551234567")


async def payment(page, site):
    """After a declined card: the booking waits for payment, with the time left to pay and the error shown."""
    await details(page, site)
    await page.select_option("#card", "tok_chargeDeclined")
    await page.click("#pay")
    await expect(page.locator("#message")).to_contain_text("declined")
    await expect(page.locator("#countdown")).to_contain_text("Complete payment within")


async def confirmation(page, site):
    await details(page, site)
    await page.click("#pay")
    await expect(page.get_by_role("heading", name=re.compile(r"^Booking BK"))).to_be_visible()
    await expect(page.get_by_role("img", name=re.compile("QR code of booking reference"))).to_be_visible()
    await expect(page.get_by_role("img", name=re.compile("Ticket QR code"))).to_be_visible()  # one ticket, one QR


async def lookup(page, site):
    """The lookup form after a failed lookup (its error shown)."""
    await page.goto(site.web + "/booking")
    await page.get_by_label("Booking reference").fill("BK20990101ZZZZ")
    await page.get_by_label("Email used for the booking").fill("nobody@example.com")
    await page.get_by_role("button", name="Find booking").click()
    await expect(page.get_by_role("alert")).to_contain_text("could not find a booking")


async def cancel(page, site):
    """A booking found, its cancellation asked for (the confirmation question shown), then done."""
    booking, email = site.booking()
    await page.goto(site.web + "/booking")
    await page.get_by_label("Booking reference").fill(booking["bookingReference"])
    await page.get_by_label("Email used for the booking").fill(email)
    await page.get_by_role("button", name="Find booking").click()
    await expect(page.locator("#refund-quote")).not_to_be_empty()
    await page.wait_for_load_state("load")
    await page.get_by_role("button", name="Cancel this booking").click()
    await expect(page.locator("#cancel-result")).to_contain_text("Are you sure")


async def cancelled(page, site):
    await cancel(page, site)
    await page.get_by_role("button", name="Yes, cancel my booking").click()
    await expect(page.locator("#status")).to_have_text("Status: Cancelled")


async def admin(page, site):
    """An owner's admin page on the module's showtime: live map, its bookings, a picked seat, the operators."""
    await log_in(page, site.web, site.operator)
    await expect(page.locator("#who-text")).to_contain_text("Signed in as")
    await page.goto(f"{site.web}/admin?showtime={site.showtime_id}")
    await expect(page.locator("#bookings")).to_contain_text("BK")
    await expect(page.locator("#operators")).to_contain_text(site.operator)
    picked = page.locator(f'#seatmap button[data-seat="{site.free[-1]}"]')
    await picked.click()
    await expect(picked).to_have_attribute("aria-pressed", "true")


async def waiting_room(page, site):
    """A queued on-sale's showtime page before the opening: the place in line and the wait, live."""
    await page.goto(f"{site.web}/showtime/{site.queued}")
    await expect(page.locator("#waiting-room")).to_have_attribute("data-live", "live")
    await expect(page.locator("#wr-position")).not_to_be_empty()


async def waiting_room_sold_out(page, site):
    """The waiting room told SOLD_OUT: the waiting-list form (name, email, seats), an error said in its live region."""
    await page.goto(f"{site.web}/showtime/{site.sold_out}")
    await expect(page.locator("#waiting-room")).to_have_attribute("data-status", "SOLD_OUT")
    form = page.get_by_role("form", name="Join the waiting list")
    await expect(form).to_be_visible()
    await form.get_by_label("Name").fill("Ada Lovelace")
    await form.get_by_role("button", name="Join the waiting list").click()
    await expect(page.locator("#wl-result")).to_contain_text("email address")


async def waiting_room_waitlist_joined(page, site):
    await waiting_room_sold_out(page, site)
    form = page.get_by_role("form", name="Join the waiting list")
    await form.get_by_label("Email").fill(f"ada+{uuid.uuid4().hex[:6]}@example.com")
    await form.get_by_role("button", name="Join the waiting list").click()
    await expect(page.locator("#wl-result")).to_contain_text("on the waiting list for 2 seats")


async def admin_waiting_room(page, site):
    await log_in(page, site.web, site.operator)
    await expect(page.locator("#who-text")).to_contain_text("Signed in as")
    await page.goto(f"{site.web}/admin?showtime={site.queued}")
    await expect(page.locator("#q-waiting")).not_to_be_empty()


async def reports(page, site):
    await log_in(page, site.web, site.operator)
    await expect(page.locator("#who-text")).to_contain_text("Signed in as")
    # the first report of a server imports matplotlib and draws its charts: slow when the suite loads both cores
    await page.goto(f"{site.web}/admin/reports", timeout=60_000)
    await expect(page.locator("h1")).to_be_visible()


async def checkin(page, site):
    """The door scanner on the module's showtime, a ticket scanned (too early: the showtime is days away)."""
    booking, email = site.booking()
    tickets = site.http.get(f"/api/bookings/{booking['bookingReference']}", params={"email": email}).json()["tickets"]
    await log_in(page, site.web, site.operator)
    await expect(page.locator("#who-text")).to_contain_text("Signed in as")
    await page.goto(f"{site.web}/checkin")
    await expect(page.locator("#who-text")).to_contain_text("Signed in as")
    await page.locator("#c-cinema").select_option(site.cinema_id)
    await page.get_by_label("Date").fill(site.day)
    await page.get_by_label("Date").dispatch_event("change")
    await expect(page.locator(f'#c-show option[value="{site.showtime_id}"]')).to_have_count(1)
    await page.locator("#c-show").select_option(site.showtime_id)
    await page.get_by_label("Door", exact=True).fill("Main")
    await page.get_by_role("button", name="Start scanning").click()
    await page.get_by_label("Ticket code").fill(tickets[0]["code"])
    await page.get_by_role("button", name="Check in").click()
    await expect(page.locator("#result")).to_have_attribute("data-result", "TICKET_TOO_EARLY")


async def login(page, site):
    """The login form after a wrong password (its message shown)."""
    await log_in(page, site.web, site.operator, "not the password")
    await expect(page.locator("#login-message")).to_have_text("Wrong email or password.")


async def exchange_chosen(page, site):
    """"Change seats or time": another showtime's seat map, a seat chosen."""
    await site.open_exchange(page)
    await expect(page.locator("#x-chosen li")).to_have_count(1)


async def exchange_moved(page, site):
    await site.open_exchange(page)
    await page.get_by_role("button", name="Change my booking").click()
    await expect(page.locator("#x-result")).to_have_attribute("data-outcome", "moved")


async def exchange_refused(page, site):
    """The chosen seat was taken by another customer meanwhile: the refusal names it."""
    seat = await site.open_exchange(page)
    await grab_on_the_way(page, site.http, site.exchange[1], seat["id"])
    await page.get_by_role("button", name="Change my booking").click()
    await expect(page.locator("#x-result")).to_contain_text("Nothing was changed")


async def exchange_to_pay(page, site):
    """A dearer move's 202 PENDING_PAYMENT (the contract being built; played by page.route until the API has it):
    the difference and the deadline, a test card and the pay button."""
    async def pending(route):
        await route.fulfill(status=202, json={
            "bookingId": str(uuid.uuid4()), "bookingReference": "BK20990101ZZZZ", "status": "PENDING_PAYMENT",
            "showtimeId": site.exchange[1], "seats": [{"id": "seat-x1", "rowLabel": "X", "seatNumber": 1,
                                                       "type": "PREMIUM", "price": 13}],
            "priceDifference": 2.5, "paymentIntentId": "pi_axe", "exchangeId": str(uuid.uuid4()),
            "paymentDeadline": (datetime.now(timezone.utc) + timedelta(minutes=10)).isoformat()})
    await page.route(re.compile(r".*/api/bookings/[^/]+/exchange$"), pending)
    await site.open_exchange(page)
    await page.get_by_role("button", name="Change my booking").click()
    await expect(page.locator("#x-result")).to_have_attribute("data-outcome", "pending")
    await expect(page.locator("#x-pay-form")).to_be_visible()


async def waitlist_offer(page, site):
    entry = await offered_entry(site.db, site.http)
    await page.goto(site.web + entry["offer"]["bookingUrl"])
    await expect(page.locator("#message")).to_contain_text("held for you from the waiting list")
    await expect(page.locator("#countdown")).to_contain_text(re.compile(r"held for you for \d+:\d\d"))


async def not_found(page, site):
    await page.goto(f"{site.web}/showtime/{uuid.uuid4()}")
    await expect(page.locator("h1")).to_be_visible()


PAGES = [  # (name, how to bring a new page into the state checked): one line per page
    ("home", home),
    ("showtime: seats held, countdown", showtime_held),
    ("showtime: promo applied", promo),
    ("showtime: details entered", details),
    ("showtime: payment declined, time to pay", payment),
    ("confirmation", confirmation),
    ("booking lookup: not found", lookup),
    ("cancel: asked to confirm", cancel),
    ("cancel: cancelled", cancelled),
    ("admin (owner, showtime open)", admin),
    ("showtime: waiting room", waiting_room),
    ("showtime: waiting room sold out, waiting-list form", waiting_room_sold_out),
    ("showtime: waiting room sold out, on the waiting list", waiting_room_waitlist_joined),
    ("admin: waiting room figures", admin_waiting_room),
    ("reports", reports),
    ("door scanner: a scan refused", checkin),
    ("login: wrong password", login),
    ("not found", not_found),
    ("exchange: another showtime's seat map, a seat chosen", exchange_chosen),
    ("exchange: moved", exchange_moved),
    ("exchange: refused, a seat taken meanwhile", exchange_refused),
    ("exchange: a dearer move's difference to pay", exchange_to_pay),
    ("waiting-list offer: the offered seats held in the booking page", waitlist_offer),
]


def report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}\n  {v['helpUrl']}")
        for n in v["nodes"]:
            lines.append(f"    {' '.join(map(str, n['target']))}\n      {n['html'][:200]}")
            if n.get("failureSummary"):
                lines.append("      " + n["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


async def axe(page, source: str) -> dict:
    # page.evaluate runs outside the page's CSP (script-src 'self' would refuse an injected <script> tag)
    await page.evaluate(source)
    return await page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name,reach", PAGES, ids=[p[0] for p in PAGES])
async def test_page_has_no_axe_violations(name, reach, viewport, site, new_page, axe_source):
    page = await new_page(**VIEWPORTS[viewport])
    await reach(page, site)
    result = await axe(page, axe_source)
    assert result["testEngine"]["version"] == AXE_VERSION
    assert result["passes"], "axe checked nothing"
    violations = result["violations"]
    if violations:
        pytest.fail(f"{name} ({viewport}, {page.url}): {len(violations)} axe-core rule(s) violated\n"
                    + report(violations), pytrace=False)
    # WCAG 1.4.10 (reflow; axe cannot see it): nothing makes a phone scroll sideways
    if viewport == "phone":
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), \
            f"{name}: wider than the phone's screen"
    assert page.js_errors == []


async def test_screen_readers_get_the_seat_map_as_rows_of_named_seat_buttons(site, new_page):
    """Chromium's own accessibility tree (what a screen reader reads): the map is a group named after the screen,
    each row a group "Row X" whose children are the row's seat buttons, each named row, seat, type and status."""
    page = await new_page()
    await site.open_showtime(page, held=0)
    cdp = await page.context.new_cdp_session(page)
    nodes = (await cdp.send("Accessibility.getFullAXTree"))["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}

    def name(n):
        return (n.get("name") or {}).get("value", "")

    def role(n):
        return (n.get("role") or {}).get("value", "")

    def kids(n):  # children, looking through nodes the tree ignores (generic wrappers)
        for c in n.get("childIds", []):
            k = by_id.get(c)
            if k is None:
                continue
            if k.get("ignored"):
                yield from kids(k)
            else:
                yield k

    seatmap = next(n for n in nodes if role(n) == "group" and name(n) == "Seat map, screen at the front")
    rows = [k for k in kids(seatmap) if role(k) == "group"]
    assert rows and all(re.fullmatch(r"Row [A-Z]", name(r)) for r in rows), [name(r) for r in rows]
    first = rows[0]
    seats = list(kids(first))
    assert seats and all(role(k) == "button" for k in seats), [(role(k), name(k)) for k in seats]
    assert re.match(rf"^{name(first)}, seat 1, \w", name(seats[0])), name(seats[0])
    # earlier pages of this module hold and sell seats from the front row on: some row still has a free seat
    assert any("available" in name(k) for r in rows for k in kids(r))


async def test_a_planted_violation_is_reported_with_rule_element_and_help_link(site, new_page, axe_source):
    """The check can fail: the seat map's old shape (a grid of bare buttons) planted in a page is reported."""
    page = await new_page()
    await page.goto(site.web + "/booking")
    await page.evaluate("""() => {
        const g = document.createElement('div');
        g.id = 'planted'; g.setAttribute('role', 'grid'); g.setAttribute('aria-label', 'Seat map');
        g.innerHTML = '<button type="button" aria-label="Row A, seat 1">x</button>';
        document.querySelector('main').append(g); }""")
    violations = (await axe(page, axe_source))["violations"]
    assert [v["id"] for v in violations] == ["aria-required-children"]
    text = report(violations)
    assert "aria-required-children (critical)" in text and "#planted" in text and "/rules/axe/" in text
