"""Issue 19 in the browser: each ticket's QR code on the booking page (decoded from what the page draws), and the
door scanner /checkin: a DOOR operator logs in, picks cinema, showtime and door, and scans: typed codes, a QR
picture fed to the page's decoder (the camera's stand-in), every result (ADMITTED, already used with when and
where, wrong showtime, invalid, void), undo; then offline: the page decides with the manifest, keeps the scans,
and uploads them when the network is back (a duplicate from another door reported). Real API, database, Chromium."""

import asyncio
import io
import re
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import zxingcpp
from PIL import Image
from playwright.async_api import expect

from marquee.checkin.codes import unb64url, verify
from marquee.notify.render import qr_png

from .conftest import BOOTSTRAP, PASSWORD, book_via_api

CINEMA = "Marquee Downtown"


class Door:
    """An auditorium of its own with a showtime starting in 30 minutes (check-in open) and a later one."""

    def __init__(self, http: httpx.Client, db):
        self.http, self.db = http, db
        self.cinema = next(c["id"] for c in http.get("/api/cinemas").json() if c["name"] == CINEMA)
        self.movie = db.execute("SELECT id::text FROM booking.movies ORDER BY title LIMIT 1").fetchone()[0]
        layout = {"rows": [{"label": r, "seats": [{"number": n} for n in range(1, 11)]} for r in "ABCD"]}
        r = http.post("/api/admin/auditoriums", headers=BOOTSTRAP,
                      json={"cinemaId": self.cinema, "name": f"Door page {uuid.uuid4().hex[:6]}", "layout": layout})
        assert r.status_code == 201, r.text
        self.auditorium = r.json()["id"]
        self.seats = (f"seat-{r}{n}" for r in "abcd" for n in range(1, 11))
        self.now = self.showtime(datetime.now(timezone.utc) + timedelta(minutes=30))
        self.later = self.showtime(datetime.now(timezone.utc) + timedelta(days=3))
        self.day = db.execute(
            "SELECT booking.local_date(s.starts_at, c.time_zone)::text FROM booking.showtimes s JOIN booking.auditoriums a "
            "ON a.id = s.auditorium_id JOIN booking.cinemas c ON c.id = a.cinema_id WHERE s.id = %s", (self.now,)).fetchone()[0]

    def showtime(self, starts_at: datetime) -> str:
        r = self.http.post("/api/admin/showtimes", headers=BOOTSTRAP, json={
            "movieId": self.movie, "auditoriumId": self.auditorium, "startsAt": starts_at.isoformat(),
            "prices": {"STANDARD": 10.00}})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def book(self, n: int = 1, showtime: str | None = None) -> dict:
        """A paid booking as GET /api/bookings/{reference}?email= shows it (with its tickets and codes)."""
        email = f"door.page+{uuid.uuid4().hex[:6]}@example.com"
        c = book_via_api(self.http, showtime or self.now, [next(self.seats) for _ in range(n)], email)
        got = self.http.get(f"/api/bookings/{c['bookingReference']}", params={"email": email})
        assert got.status_code == 200, got.text
        return {**got.json(), "email": email}

    def door_operator(self) -> str:
        email = f"door.{uuid.uuid4().hex[:6]}@page.example"
        r = self.http.post("/api/admin/operators", headers=BOOTSTRAP, json={
            "email": email, "name": "Page Door", "password": PASSWORD, "role": "DOOR", "cinemaIds": [self.cinema]})
        assert r.status_code == 201, r.text
        return email

    def door_key(self) -> dict:
        r = self.http.post("/api/admin/api-keys", headers=BOOTSTRAP, json={
            "name": f"scanner {uuid.uuid4().hex[:6]}", "role": "DOOR", "cinemaIds": [self.cinema]})
        assert r.status_code == 201, r.text
        return {"Authorization": f"Bearer {r.json()['key']}"}


@pytest.fixture(scope="module")
def door(web, db):
    with httpx.Client(base_url=web, timeout=30) as http:
        yield Door(http, db)


def forged(code: str) -> str:
    """The code with one byte of its signature flipped (still well-formed base64url)."""
    raw = bytearray(unb64url(code))
    raw[-5] ^= 0x01
    import base64
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def cancel(db, booking: dict) -> None:
    db.execute("SELECT booking.cancel(%s, 'test', NULL, 'operator', true)", (booking["bookingId"],))


def checkins(db, ticket_id: str) -> list[tuple]:
    return db.execute("SELECT door, device_id, offline FROM booking.checkins WHERE ticket_id = %s AND undone_at IS NULL",
                      (ticket_id,)).fetchall()


async def open_booking(page, web: str, booking: dict) -> None:
    await page.goto(f"{web}/booking")
    await page.get_by_label("Booking reference").fill(booking["bookingReference"])
    await page.get_by_label("Email used for the booking").fill(booking["email"])
    await page.get_by_role("button", name="Find booking").click()
    await expect(page.get_by_role("heading", name=re.compile(r"^Booking BK"))).to_be_visible()


async def test_booking_page_shows_each_tickets_qr_code(web, new_page, door, db):
    b = door.book(n=2)
    assert len(b["tickets"]) == 2 and all(t["status"] == "VALID" for t in b["tickets"])
    keys = {k["keyId"]: unb64url(k["publicKey"]) for k in db.execute("SELECT booking.ticket_public_keys()").fetchone()[0]}
    page = await new_page()
    await open_booking(page, web, b)
    qrs = page.locator("img.ticket-qr")
    await expect(qrs).to_have_count(2)
    for t in b["tickets"]:
        img = page.locator(f'li[data-ticket-id="{t["ticketId"]}"] img.ticket-qr')
        await expect(img).to_have_attribute("data-code", t["code"])
        await expect(img).to_have_attribute("alt", f"Ticket QR code, row {t['rowLabel']} seat {t['seatNumber']}")
        assert await img.evaluate("i => i.complete && i.naturalWidth > 0")
        # what the customer's screen shows decodes to the ticket's signed code
        [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(await img.screenshot())))
        assert found.text == t["code"]
        assert str(verify(found.text, keys).ticket_id) == t["ticketId"]
    # the booking reference's QR code is still there, for the box office
    await expect(page.get_by_role("img", name=f"QR code of booking reference {b['bookingReference']}")).to_be_visible()

    # a cancelled booking's tickets are void: listed, with no code to show
    cancel(db, b)
    await open_booking(page, web, b)
    await expect(page.locator("li.ticket-item[data-status=VOID]")).to_have_count(2)
    await expect(page.locator("img.ticket-qr")).to_have_count(0)
    assert page.js_errors == []


async def start_scanner(page, web: str, door: Door, email: str, door_name: str, showtime: str | None = None) -> None:
    """/checkin sends a visitor without a session to the login, which comes back; then cinema, date, showtime, door."""
    await page.goto(f"{web}/checkin")
    await expect(page).to_have_url(re.compile(r"/admin/login\?next=/checkin$"))
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/checkin$"))
    await expect(page.locator("#who-text")).to_contain_text("Signed in as Page Door")
    await page.locator("#c-cinema").select_option(door.cinema)
    await page.get_by_label("Date").fill(door.day)
    await page.get_by_label("Date").dispatch_event("change")
    showtime = showtime or door.now
    await expect(page.locator(f'#c-show option[value="{showtime}"]')).to_have_count(1)
    await page.locator("#c-show").select_option(showtime)
    await page.get_by_label("Door", exact=True).fill(door_name)
    await page.get_by_role("button", name="Start scanning").click()
    await expect(page.locator("#scanner")).to_be_visible()
    await expect(page.locator("#counts")).to_contain_text("tickets checked in")


async def type_code(page, code: str, expected: str) -> None:
    # the previous scan is decided first (a step expecting the same result as the one before passes at once)
    await expect(page.locator("#result")).not_to_have_attribute("aria-busy", "true")
    await page.get_by_label("Ticket code").fill(code)
    await page.get_by_role("button", name="Check in").click()
    await expect(page.locator("#result")).to_have_attribute("data-result", expected)
    await expect(page.locator("#result")).not_to_have_attribute("aria-busy", "true")


async def test_door_scanner_admits_once_and_says_why_not(web, new_page, door, db, tmp_path):
    pair, other_showtime = door.book(n=2), door.book(showtime=door.later)
    cancelled = door.book()
    cancel(db, cancelled)
    first, second = pair["tickets"]
    page = await new_page()
    await start_scanner(page, web, door, door.door_operator(), "North")
    result = page.locator("#result")

    await type_code(page, first["code"], "ADMITTED")
    await expect(page.locator("#result-word")).to_have_text("ADMITTED")
    await expect(page.locator("#result-seat")).to_have_text(f"Row {first['rowLabel']}, seat {first['seatNumber']}")
    await expect(result).to_have_class(re.compile("result-ok"))
    [(door_name, _device, offline)] = checkins(db, first["ticketId"])
    assert (door_name, offline) == ("North", False)

    await type_code(page, first["code"], "TICKET_ALREADY_USED")
    await expect(page.locator("#result-word")).to_have_text("ALREADY USED")
    await expect(page.locator("#result-detail")).to_contain_text(re.compile(r"First scanned .+ at door North"))
    await expect(result).to_have_class(re.compile("result-bad"))

    await type_code(page, forged(second["code"]), "TICKET_INVALID")
    await expect(page.locator("#result-word")).to_have_text("INVALID")
    await type_code(page, "not a ticket", "TICKET_INVALID")
    await type_code(page, other_showtime["tickets"][0]["code"], "TICKET_WRONG_SHOWTIME")
    await expect(page.locator("#result-detail")).to_contain_text("This ticket is for")
    await type_code(page, cancelled["tickets"][0]["code"], "TICKET_VOID")

    # the camera's stand-in: a picture of the second ticket's QR code, read by the page's decoder
    picture = tmp_path / "ticket.png"
    picture.write_bytes(qr_png(second["code"]))
    await page.locator("#photo").set_input_files(str(picture))
    await expect(result).to_have_attribute("data-result", "ADMITTED")
    await expect(page.locator("#result-seat")).to_have_text(f"Row {second['rowLabel']}, seat {second['seatNumber']}")
    await expect(page.locator("#decoder")).to_have_text(re.compile(r"QR decoder: (BarcodeDetector|jsQR)\."))
    assert len(checkins(db, second["ticketId"])) == 1
    await expect(page.locator("#counts")).to_have_text("2 of 2 tickets checked in")

    # a mistaken scan reversed
    await page.get_by_role("button", name="Undo this admission").click()
    await expect(result).to_have_attribute("data-result", "UNDONE")
    assert checkins(db, second["ticketId"]) == []
    await expect(page.locator("#counts")).to_have_text("1 of 2 tickets checked in")
    assert page.js_errors == []


async def test_a_ticket_scanned_while_the_last_is_decided_is_not_dropped(web, new_page, door, db):
    first, second = door.book(n=2)["tickets"]
    page = await new_page()
    await start_scanner(page, web, door, door.door_operator(), "South")
    code = page.get_by_label("Ticket code")
    await code.fill(first["code"])
    await page.get_by_role("button", name="Check in").click()
    await code.fill(second["code"])  # at once: the first is still on its way to the server
    await page.get_by_role("button", name="Check in").click()
    await expect(page.locator("#result-seat")).to_have_text(f"Row {second['rowLabel']}, seat {second['seatNumber']}")
    await expect(page.locator("#result")).not_to_have_attribute("aria-busy", "true")
    assert [len(checkins(db, t["ticketId"])) for t in (first, second)] == [1, 1]


async def test_a_code_typed_while_the_last_is_decided_stays_in_the_field(web, new_page, door, db):
    first, second = door.book(n=2)["tickets"]
    page = await new_page()
    await start_scanner(page, web, door, door.door_operator(), "West")
    answer_first = asyncio.Event()

    async def hold_first_answer(route):
        response = await route.fetch()
        await answer_first.wait()  # the first answer arrives only after the next code has been typed
        await route.fulfill(response=response)

    await page.route(re.compile(r".*/api/checkin/scan$"), hold_first_answer, times=1)
    code = page.get_by_label("Ticket code")
    await code.fill(first["code"])
    await page.get_by_role("button", name="Check in").click()
    await expect(page.locator("#result")).to_have_attribute("aria-busy", "true")
    await code.fill(second["code"])
    answer_first.set()
    await expect(page.locator("#result-seat")).to_have_text(f"Row {first['rowLabel']}, seat {first['seatNumber']}")
    await expect(page.locator("#result")).not_to_have_attribute("aria-busy", "true")
    await expect(code).to_have_value(second["code"])  # the first answer did not wipe what was typed since
    await page.get_by_role("button", name="Check in").click()
    await expect(page.locator("#result-seat")).to_have_text(f"Row {second['rowLabel']}, seat {second['seatNumber']}")
    assert [len(checkins(db, t["ticketId"])) for t in (first, second)] == [1, 1]


async def test_door_scanner_works_offline_and_syncs(web, new_page, door, db):
    b, void = door.book(n=3), door.book()
    cancel(db, void)
    mine, theirs, later = b["tickets"]
    page = await new_page()
    await start_scanner(page, web, door, door.door_operator(), "South")
    net, pending = page.locator("#net"), page.locator("#pending")

    await page.context.set_offline(True)
    await type_code(page, mine["code"], "ADMITTED")
    await expect(page.locator("#result")).to_have_attribute("data-offline", "yes")
    await expect(net).to_have_attribute("data-state", "offline")
    await expect(pending).to_have_attribute("data-count", "1")
    await type_code(page, mine["code"], "TICKET_ALREADY_USED")
    await expect(page.locator("#result-detail")).to_contain_text("at door South")
    await type_code(page, forged(later["code"]), "TICKET_INVALID")  # the signature is checked on the device
    await type_code(page, void["tickets"][0]["code"], "TICKET_VOID")
    assert checkins(db, mine["ticketId"]) == []  # nothing reached the server

    # meanwhile another door, online, admits a ticket that this one then scans offline too (later)
    r = door.http.post("/api/checkin/scan", headers=door.door_key(),
                       json={"code": theirs["code"], "showtimeId": door.now, "door": "East"})
    assert r.status_code == 200, r.text
    await type_code(page, theirs["code"], "ADMITTED")
    await expect(pending).to_have_attribute("data-count", "2")

    # back online: the kept scans are uploaded; the duplicate is reported with the door that came first
    await page.context.set_offline(False)
    await expect(net).to_have_attribute("data-state", "online", timeout=20_000)
    await expect(pending).to_have_attribute("data-count", "0", timeout=20_000)
    await expect(page.locator("#sync-result")).to_contain_text("Uploaded 2 offline scans: 1 admitted, 1 duplicate")
    dup = page.locator(f'#sync-problems li[data-ticket-id="{theirs["ticketId"]}"]')
    await expect(dup).to_have_attribute("data-result", "DUPLICATE")
    await expect(dup).to_contain_text("at door East")
    [(door_name, device, offline)] = checkins(db, mine["ticketId"])
    assert (door_name, offline) == ("South", True) and device.startswith("web-")
    assert [c[0] for c in checkins(db, theirs["ticketId"])] == ["East"]

    # online again: the next scan goes to the server
    await type_code(page, later["code"], "ADMITTED")
    await expect(page.locator("#result")).to_have_attribute("data-offline", "no")
    assert len(checkins(db, later["ticketId"])) == 1
    assert page.js_errors == []


async def test_admin_map_shows_checked_in_seats(web, new_page, door, db):
    b = door.book(n=2)
    (first, second), key = b["tickets"], door.door_key()
    r = door.http.post("/api/checkin/scan", headers=key, json={"code": first["code"], "door": "West"})
    assert r.status_code == 200, r.text
    email = f"owner.{uuid.uuid4().hex[:6]}@page.example"
    r = door.http.post("/api/admin/operators", headers=BOOTSTRAP, json={
        "email": email, "name": "Page Owner", "password": PASSWORD, "role": "OWNER", "cinemaIds": None})
    assert r.status_code == 201, r.text
    page = await new_page()
    await page.goto(f"{web}/admin/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.locator("#who-text")).to_contain_text("Signed in as Page Owner")
    await expect(page.locator("#checkin-link")).to_be_visible()
    await page.goto(f"{web}/admin?showtime={door.now}")
    seat = page.locator(f'#seatmap button[data-seat="{first["seatId"]}"]')
    other = page.locator(f'#seatmap button[data-seat="{second["seatId"]}"]')
    await expect(seat).to_have_class(re.compile(r"\bchecked-in\b"))
    await expect(seat).to_have_attribute("aria-label", re.compile(r"sold, checked in at door West$"))
    await expect(other).not_to_have_class(re.compile(r"\bchecked-in\b"))
    await expect(page.locator("#legend")).to_contain_text("Checked in at the door")
    # the map follows the door: the second seat's scan shows without a reload
    r = door.http.post("/api/checkin/scan", headers=key, json={"code": second["code"]})
    assert r.status_code == 200, r.text
    await expect(other).to_have_class(re.compile(r"\bchecked-in\b"), timeout=25_000)
    assert page.js_errors == []


def y4m_of(png: bytes, path, frames: int = 10) -> None:
    """A Y4M video (what Chromium's fake camera plays) showing the picture: its gray levels as Y, neutral chroma."""
    img = Image.open(io.BytesIO(png)).convert("L")
    w, h = (img.width + 63) // 64 * 64 + 64, (img.height + 63) // 64 * 64 + 64
    canvas = Image.new("L", (w, h), 255)
    canvas.paste(img, ((w - img.width) // 2, (h - img.height) // 2))
    frame = b"FRAME\n" + canvas.tobytes() + bytes([128]) * (w * h // 2)
    path.write_bytes(f"YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * frames)


async def test_door_scanner_reads_the_camera(web, door, db, tmp_path):
    """The camera itself: Chromium's fake capture device plays a video of a ticket's QR code."""
    from playwright.async_api import async_playwright

    from .conftest import CHROMIUM, CHROMIUM_ARGS
    # only the scanner page may use the camera (Permissions-Policy), and only for this origin
    assert "camera=(self)" in door.http.get("/checkin").headers["permissions-policy"]
    assert "camera=()" in door.http.get("/booking").headers["permissions-policy"]
    ticket = door.book()["tickets"][0]
    video = tmp_path / "ticket.y4m"
    y4m_of(qr_png(ticket["code"]), video)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"])
        try:
            ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
            ctx.set_default_timeout(15000)
            await ctx.grant_permissions(["camera"], origin=web)
            page = await ctx.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await start_scanner(page, web, door, door.door_operator(), "Camera")
            await page.get_by_role("button", name="Start camera").click()
            await expect(page.locator("#video")).to_be_visible()
            await expect(page.locator("#result")).to_have_attribute("data-result", "ADMITTED")
            await expect(page.locator("#result-seat")).to_have_text(f"Row {ticket['rowLabel']}, seat {ticket['seatNumber']}")
            # the camera keeps seeing the code: it is scanned once (one scan per code per 3 s), admitted once
            await page.wait_for_timeout(1500)
            await expect(page.locator("#result")).to_have_attribute("data-result", "ADMITTED")
            [(door_name, _device, _offline)] = checkins(db, ticket["ticketId"])
            assert door_name == "Camera"
            await page.get_by_role("button", name="Stop camera").click()
            await expect(page.locator("#video")).to_be_hidden()
            assert errors == []
        finally:
            await browser.close()
