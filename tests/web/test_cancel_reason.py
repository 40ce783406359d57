"""The customer's cancel form asks why (issue 22): the categories come from GET /api/cancellation-reasons (the
customer's list, never an operator-only one), the chosen one is stored as the booking's cancel_reason_category
(what reporting.cancellations groups by), and leaving it unchosen files NOT_GIVEN."""

import uuid

from playwright.async_api import expect

from .conftest import book_via_api


async def _cancel_with(page, web, booking, email, label):
    await page.goto(web + "/booking")
    await page.get_by_label("Booking reference").fill(booking["bookingReference"])
    await page.get_by_label("Email used for the booking").fill(email)
    await page.get_by_role("button", name="Find booking").click()
    picker = page.get_by_label("Why are you cancelling? (optional)")
    await expect(picker.locator("option")).not_to_have_count(1)  # the catalogue's categories arrived
    if label:
        await picker.select_option(label=label)
    await page.get_by_role("button", name="Cancel this booking").click()
    await page.get_by_role("button", name="Yes, cancel my booking").click()
    await expect(page.locator("#status")).to_have_text("Status: Cancelled")


async def test_the_chosen_reason_category_is_stored(web, new_page, http, showtimes, db):
    showtime = showtimes.take()
    page = await new_page()
    customer = {c["label"] for c in http.get("/api/cancellation-reasons").json()}
    operator_only = {c["label"] for c in http.get("/api/cancellation-reasons", params={"for": "operator"}).json()} - customer
    seats = [s["id"] for r in http.get(f"/api/showtimes/{showtime}/seats").json()["layout"]["rows"] for s in r["seats"]
             if s["status"] == "AVAILABLE" and s["type"] == "STANDARD"]
    for seat, label, category in ((seats[0], "Illness", "ILLNESS"), (seats[3], None, "NOT_GIVEN")):
        email = f"why+{uuid.uuid4().hex[:6]}@example.com"
        booking = book_via_api(http, showtime, [seat], email)
        await _cancel_with(page, web, booking, email, label)
        shown = set(await page.get_by_label("Why are you cancelling? (optional)").locator("option").all_inner_texts())
        assert operator_only and not (shown & operator_only), shown
        assert "Illness" in shown
        assert db.execute("SELECT cancel_reason_category FROM booking.bookings WHERE id = %s",
                          (booking["bookingId"],)).fetchone()[0] == category
    assert page.js_errors == []
