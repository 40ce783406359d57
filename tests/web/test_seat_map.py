"""The live seat map: other customers' holds appear without a reload, lost races and expired holds are explained,
the map works by keyboard alone, and a screenshot of it is saved for the docs."""

import re
import uuid

import httpx
from playwright.async_api import expect

from .conftest import IMG_DIR, SHORT_TTL, book_via_api, seat_status


def seat(page, code):
    return page.locator(f'#seatmap button[data-seat="{code}"]')


async def open_map(page, base: str, showtime_id: str, live: bool = True):
    await page.goto(f"{base}/showtime/{showtime_id}")
    await expect(page.locator("#seatmap button.seat").first).to_be_visible()
    if live:  # subscribed to the SSE stream, so no event from here on can be missed
        await expect(page.locator("#booking")).to_have_attribute("data-live", "live")


async def test_a_hold_in_one_browser_turns_the_seat_locked_live_in_another(web, new_page, showtimes, db):
    showtime_id = showtimes.take()
    alice, bob = await new_page(), await new_page()
    await open_map(alice, web, showtime_id)
    await open_map(bob, web, showtime_id)
    await expect(seat(bob, "seat-e7")).to_have_attribute("aria-label", re.compile(r"^Row E, seat 7, premium, available"))

    await seat(alice, "seat-e7").click()
    await expect(seat(alice, "seat-e7")).to_have_attribute("aria-label", re.compile("selected by you"))
    # Bob never reloads: the change arrives over the event stream.
    await expect(seat(bob, "seat-e7")).to_have_class(re.compile(r"\bstatus-locked\b"), timeout=5000)
    await expect(seat(bob, "seat-e7")).to_have_attribute("aria-label", "Row E, seat 7, premium, held by another customer")
    assert seat_status(db, showtime_id, "seat-e7") == "LOCKED"

    await seat(bob, "seat-e7").click()
    await expect(bob.locator("#message")).to_have_text(re.compile(
        r"Row E, seat 7 is being held by another customer right now"))
    await expect(seat(bob, "seat-e7")).to_have_attribute("aria-pressed", "false")
    await expect(bob.locator("#chosen li")).to_have_count(0)

    # Alice lets it go: Bob sees it free again, live, and can take it.
    await seat(alice, "seat-e7").click()
    await expect(seat(bob, "seat-e7")).to_have_class(re.compile(r"\bstatus-available\b"), timeout=5000)
    await seat(bob, "seat-e7").click()
    await expect(seat(bob, "seat-e7")).to_have_attribute("aria-pressed", "true")
    await expect(seat(alice, "seat-e7")).to_have_class(re.compile(r"\bstatus-locked\b"), timeout=5000)
    assert alice.js_errors == [] and bob.js_errors == []


async def test_a_lost_race_is_explained_and_the_map_refreshes(web, new_page, showtimes):
    showtime_id = showtimes.take()
    page = await new_page()
    # This browser gets no live events (its stream never answers), so its map goes stale: the race is real.
    await page.route("**/events*", lambda route: None)
    await open_map(page, web, showtime_id, live=False)
    await expect(seat(page, "seat-a3")).to_have_class(re.compile(r"\bstatus-available\b"))
    with httpx.Client(base_url=web) as http:
        r = http.post("/api/bookings/hold", json={"showtimeId": showtime_id, "seatIds": ["seat-a3"],
                                                  "sessionToken": "someone-else-" + uuid.uuid4().hex})
        assert r.status_code == 201, r.text
    await expect(seat(page, "seat-a3")).to_have_class(re.compile(r"\bstatus-available\b"))  # still stale

    await seat(page, "seat-a3").click()
    await expect(page.locator("#message")).to_have_text(
        "Sorry — Row A, seat 3 was just taken by someone else. The map has been refreshed; please choose another seat.")
    await expect(seat(page, "seat-a3")).to_have_class(re.compile(r"\bstatus-locked\b"))
    await expect(page.locator("#chosen li")).to_have_count(0)
    assert page.js_errors == []


async def test_hold_expiry_is_shown_and_the_seats_come_back(web_short_hold, new_page, showtimes, db):
    showtime_id = showtimes.take()
    page = await new_page()
    await open_map(page, web_short_hold, showtime_id)
    await seat(page, "seat-b5").click()
    await expect(seat(page, "seat-b5")).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#countdown")).to_have_text(re.compile(
        rf"Seats held for you for 0:0[0-{SHORT_TTL}] — less than a minute left"))  # in words, not only red

    await expect(page.locator("#message")).to_have_text(
        "Your hold expired, so the seats went back on sale. The map is up to date — please choose your seats again.",
        timeout=(SHORT_TTL + 5) * 1000)
    await expect(seat(page, "seat-b5")).to_have_class(re.compile(r"\bstatus-available\b"))
    await expect(seat(page, "seat-b5")).to_have_attribute("aria-pressed", "false")
    await expect(page.locator("#pay-form")).to_be_hidden()
    assert seat_status(db, showtime_id, "seat-b5") == "AVAILABLE"

    # paying for an expired hold is impossible: choosing again starts a fresh hold
    await seat(page, "seat-b5").click()
    await expect(seat(page, "seat-b5")).to_have_attribute("aria-pressed", "true")
    assert page.js_errors == []


async def test_keyboard_only_seat_selection(web, new_page, showtimes, db):
    showtime_id = showtimes.take()
    page = await new_page()
    await open_map(page, web, showtime_id)
    # From the top of the page, Tab reaches the map (skip link, nav, then the first seat).
    await page.locator("body").focus()
    for _ in range(10):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.classList.contains('seat')"):
            break
    focused = page.locator("button.seat:focus")
    await expect(focused).to_have_attribute("aria-label", re.compile(r"^Row A, seat 1, standard, available"))

    # Arrows move across the grid (jumping the aisle after seat 6) and between rows.
    for _ in range(6):
        await page.keyboard.press("ArrowRight")
    await expect(focused).to_have_attribute("data-seat", "seat-a7")
    await page.keyboard.press("ArrowDown")
    await expect(focused).to_have_attribute("data-seat", "seat-b7")
    await page.keyboard.press("Enter")
    await expect(seat(page, "seat-b7")).to_have_attribute("aria-label", re.compile(r"^Row B, seat 7, standard, selected by you"))
    await page.keyboard.press("ArrowLeft")
    await page.keyboard.press(" ")
    await expect(seat(page, "seat-b6")).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#chosen li")).to_have_count(2)
    # focus stays where the customer is, through the map's re-render
    await expect(focused).to_have_attribute("data-seat", "seat-b6")
    await page.keyboard.press(" ")  # Space again toggles it off
    await expect(seat(page, "seat-b6")).to_have_attribute("aria-pressed", "false")
    await expect(page.locator("#chosen li")).to_have_count(1)  # the panel follows the server's answer
    token = await page.evaluate("localStorage.getItem('marquee.sessionToken')")
    assert [r[0] for r in db.execute("SELECT seat_id FROM booking.seat_map(%s, %s) WHERE status = 'SELECTED'",
                                     (showtime_id, token))] == ["seat-b7"]
    assert page.js_errors == []


async def test_seat_map_screenshot_for_the_docs(web, new_page, showtimes, http):
    """Every status and type on one map (Studio 2 has wheelchair spaces and broken seats), saved for the docs."""
    showtime_id = showtimes.take()
    book_via_api(http, showtime_id, ["seat-f5", "seat-f6", "seat-f7"], f"shot+{uuid.uuid4().hex[:6]}@example.com")
    r = http.post("/api/bookings/hold", json={"showtimeId": showtime_id, "seatIds": ["seat-e8", "seat-e9"],
                                             "sessionToken": "another-customer-" + uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    r = http.post(f"/api/admin/showtimes/{showtime_id}/block", json={"seatIds": ["seat-a1", "seat-a12"], "reason": "camera"},
                  headers={"Authorization": "Bearer test-admin-token"})
    assert r.status_code == 200, r.text

    page = await new_page()
    await open_map(page, web, showtime_id)
    await seat(page, "seat-d6").click()
    await seat(page, "seat-d7").click()
    await expect(page.locator("#chosen li")).to_have_count(2)
    await expect(page.locator("#total")).not_to_be_empty()
    for code, status in {"seat-f5": "booked", "seat-e8": "locked", "seat-a1": "blocked", "seat-c5": "blocked",
                         "seat-d7": "selected", "seat-h1": "available"}.items():
        await expect(seat(page, code)).to_have_class(re.compile(rf"\bstatus-{status}\b"))
    await expect(seat(page, "seat-h1")).to_have_attribute("aria-label", re.compile(r"^Row H, seat 1, wheelchair space, available"))
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    await page.locator(".layout").screenshot(path=str(IMG_DIR / "seat-map.png"))

    phone = await new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    await open_map(phone, web, showtime_id)
    # the whole map fits a phone's width: no seat is cut off or needs sideways scrolling
    assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = await seat(phone, "seat-h12").bounding_box()
    assert box and box["x"] + box["width"] <= 390
    await seat(phone, "seat-g3").tap()
    await expect(seat(phone, "seat-g3")).to_have_attribute("aria-pressed", "true")
    await phone.screenshot(path=str(IMG_DIR / "seat-map-phone.png"), full_page=False)
    assert page.js_errors == [] and phone.js_errors == []


async def test_companion_seats_are_marked_and_kept_for_wheelchair_buyers(web, new_page, showtimes):
    showtime_id = showtimes.take()  # Studio 2: wheelchair spaces H1, H2, H11, H12 with companions G1, H3, H10, G12
    page = await new_page()
    await open_map(page, web, showtime_id, live=False)
    companion = seat(page, "seat-g1")
    await expect(companion).to_have_attribute(
        "aria-label", re.compile(r"^Row G, seat 1, premium, available, companion seat for a wheelchair space, kept for "
                                 r"wheelchair bookings until \d\d:\d\d"))
    await expect(companion).to_have_class(re.compile(r"\bcompanion\b"))
    await expect(companion).to_have_text("C")  # not colour alone
    await expect(seat(page, "seat-g2")).not_to_have_class(re.compile(r"\bcompanion\b"))
    await expect(page.locator("#legend")).to_contain_text("Companion seat")
