"""The admin pages: log in at /admin/login (a Secure, HttpOnly, SameSite=Strict cookie that Chromium keeps on
http://127.0.0.1), a showtime's live map with its bookings, blocking seats, the mailbox, reports, logging out; and
the page shows each role only what it may do, for its cinemas."""

import re
import uuid

import pytest
from playwright.async_api import expect

from .conftest import BOOTSTRAP, PASSWORD, book_via_api, log_in, operator, seat_status

@pytest.fixture(scope="module")
def owner(web):
    import httpx
    with httpx.Client(base_url=web, timeout=30) as c:
        return operator(c, "OWNER", None)


async def test_owner_logs_in_sees_bookings_blocks_seats_and_logs_out(web, new_page, showtimes, http, db, owner):
    showtime_id = showtimes.take()
    booking = book_via_api(http, showtime_id, ["seat-c1"], f"op+{uuid.uuid4().hex[:6]}@example.com")
    page = await new_page()
    await page.goto(f"{web}/admin?showtime={showtime_id}")
    await expect(page).to_have_url(re.compile(r"/admin/login$"))

    await log_in(page, web, owner, "not the password")
    await expect(page.locator("#login-message")).to_have_text("Wrong email or password.")
    await log_in(page, web, owner)
    await expect(page.locator("#who-text")).to_contain_text(f"Signed in as Page Owner <{owner}>")
    await expect(page.locator("#who-text")).to_contain_text("all cinemas")

    # the session lives in a cookie the page's script cannot read; Chromium keeps a Secure cookie on 127.0.0.1
    cookies = {c["name"]: c for c in await page.context.cookies()}
    session = cookies["marquee_admin"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Strict", session
    assert "marquee_admin" not in await page.evaluate("document.cookie")
    assert await page.evaluate("JSON.stringify(sessionStorage) + JSON.stringify(localStorage)") == "{}{}"

    await page.goto(f"{web}/admin?showtime={showtime_id}")
    await expect(page.locator("#bookings")).to_contain_text(booking["bookingReference"])
    await expect(page.locator("#bookings")).to_contain_text("confirmed")
    await expect(page.locator('#seatmap button[data-seat="seat-c1"]')).to_have_class(re.compile(r"\bstatus-booked\b"))
    assert await page.locator("#a-show option").count() >= 1
    await expect(page.locator("#operators")).to_contain_text(owner)

    for code in ("seat-a2", "seat-a3"):
        await page.locator(f'#seatmap button[data-seat="{code}"]').click()
        await expect(page.locator(f'#seatmap button[data-seat="{code}"]')).to_have_attribute("aria-pressed", "true")
    await page.get_by_role("button", name="Block selected", exact=True).click()
    await expect(page.locator("#admin-message")).to_have_text("Blocked 2 seat(s).")
    await expect(page.locator('#seatmap button[data-seat="seat-a2"]')).to_have_class(re.compile(r"\bstatus-blocked\b"))
    assert seat_status(db, showtime_id, "seat-a3") == "BLOCKED"
    await page.locator('#seatmap button[data-seat="seat-a2"]').click()
    await page.get_by_role("button", name="Unblock selected").click()
    await expect(page.locator("#admin-message")).to_have_text("Unblocked 1 seat(s).")
    assert seat_status(db, showtime_id, "seat-a2") == "AVAILABLE"
    actor = db.execute("SELECT actor, actor_kind FROM booking.audit_log WHERE action = 'seats.unblock' "
                       "AND entity_id = %s ORDER BY id DESC LIMIT 1", (showtime_id,)).fetchone()
    assert actor == (owner, "session")

    await page.get_by_label("Reference or email").fill(booking["bookingReference"])
    await page.get_by_role("button", name="Find", exact=True).click()
    await expect(page.locator("#find-results")).to_contain_text(booking["bookingReference"])
    await expect(page.locator("#mail")).to_be_visible()  # the OWNER reads the demo mailbox

    # read-only pages opened as links use the same cookie
    await page.goto(f"{web}/admin/reports")
    await expect(page.locator("svg").first).to_be_visible()

    await page.goto(f"{web}/admin")
    await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(re.compile(r"/admin/login$"))
    assert "marquee_admin" not in {c["name"] for c in await page.context.cookies()}
    # the token is dead on the server too, not only forgotten by the browser
    r = http.get("/api/auth/me", headers={"Authorization": f"Bearer {session['value']}"})
    assert r.status_code == 401
    assert page.js_errors == []


async def test_each_role_sees_only_what_it_may_for_its_cinemas(web, new_page, http):
    manager = operator(http, "MANAGER", "Marquee Riverside")
    page = await new_page()
    await log_in(page, web, manager)
    await expect(page.locator("#who-text")).to_contain_text("manager, Marquee Riverside.")
    options = page.locator("#a-cinema option")
    await expect(options).to_have_count(1)
    await expect(options.first).to_contain_text("Marquee Riverside")
    await expect(page.locator("#reports-link")).to_be_visible()
    await expect(page.locator("#operators")).to_be_hidden()
    await expect(page.locator("#mail")).to_be_hidden()
    # the reports page offers only the manager's cinema
    await page.goto(f"{web}/admin/reports")
    await expect(page.locator("select option")).to_have_count(1)

    door = operator(http, "DOOR", "Marquee Downtown")
    page = await new_page()
    await log_in(page, web, door)
    await expect(page.locator("#nothing")).to_be_visible()
    for section in ("#pick-show", "#find", "#reports-link", "#operators", "#mail"):
        await expect(page.locator(section)).to_be_hidden()
    assert page.js_errors == []
