"""The admin page: token kept per tab, a showtime's live map with its bookings, blocking seats, the mailbox."""

import re
import uuid

from playwright.async_api import expect

from .conftest import book_via_api, seat_status


async def test_admin_sees_bookings_and_blocks_seats(web, new_page, showtimes, http, db):
    showtime_id = showtimes.take()
    booking = book_via_api(http, showtime_id, ["seat-c1"], f"op+{uuid.uuid4().hex[:6]}@example.com")
    page = await new_page()
    await page.goto(f"{web}/admin?showtime={showtime_id}")
    await expect(page.locator("#seatmap button.seat").first).to_be_visible()

    await page.get_by_label("Admin token").fill("wrong-token")
    await page.get_by_role("button", name="Use token").click()
    await expect(page.locator("#admin-message")).to_contain_text("admin token was not accepted")

    await page.get_by_label("Admin token").fill("test-admin-token")
    await page.get_by_role("button", name="Use token").click()
    await expect(page.locator("#bookings")).to_contain_text(booking["bookingReference"])
    await expect(page.locator("#bookings")).to_contain_text("confirmed")
    assert await page.evaluate("sessionStorage.getItem('marquee.adminToken')") == "test-admin-token"
    await expect(page.locator('#seatmap button[data-seat="seat-c1"]')).to_have_class(re.compile(r"\bstatus-booked\b"))
    # the picker lists today's showtimes of the first cinema
    assert await page.locator("#a-show option").count() >= 1

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

    # the demo mailbox is shown exactly when the server offers one
    has_mail = http.get("/api/admin/mail", headers={"Authorization": "Bearer test-admin-token"}).status_code == 200
    if has_mail:
        await expect(page.locator("#mail")).to_be_visible()
    else:
        await expect(page.locator("#mail")).to_be_hidden()
    assert page.js_errors == []
