"""A customer books from the home page to the confirmation, then finds and cancels the booking."""

import re
import uuid
from decimal import Decimal

from playwright.async_api import expect

from .conftest import IMG_DIR, book_via_api


def _amount(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.]", "", text))


async def test_full_booking_from_home_page_to_confirmation(web, new_page, db):
    page = await new_page()
    # other test packages add cinemas of their own: pick the demo's Downtown (it has the 300-seat Grand)
    downtown = db.execute("SELECT id FROM booking.cinemas WHERE name = 'Marquee Downtown'").fetchone()[0]
    await page.goto(web + f"/?cinema={downtown}")
    await expect(page.get_by_role("heading", name="What's on")).to_be_visible()
    # Choosing a date reloads the list for that local date (tomorrow: every showtime is still on sale).
    async with page.expect_navigation():
        await page.select_option("#date", index=1)
    await page.screenshot(path=str(IMG_DIR / "home.png"))
    link = page.locator("a.time[aria-label*=' in Grand,']").first
    href = await link.get_attribute("href")
    showtime_id = href.rsplit("/", 1)[1]
    await link.click()
    await page.wait_for_url(f"**/showtime/{showtime_id}")
    await expect(page.locator("#seatmap button.seat")).to_have_count(300)

    for code in ("seat-h10", "seat-h11"):
        await page.locator(f'button[data-seat="{code}"]').click()
        await expect(page.locator(f'button[data-seat="{code}"]')).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#chosen li")).to_have_count(2)
    await expect(page.locator("#countdown")).to_contain_text(re.compile(r"held for you for [45]:\d\d"))
    # the hold is real: the database shows the seats held for this browser's session
    token = await page.evaluate("localStorage.getItem('marquee.sessionToken')")
    assert db.execute("SELECT count(*) FROM booking.seat_map(%s, %s) WHERE status = 'SELECTED'",
                      (showtime_id, token)).fetchone()[0] == 2

    await expect(page.locator("#discount")).to_have_text(re.compile(r"\$0\.00"))
    subtotal = _amount(await page.locator("#subtotal").text_content())
    await page.fill("#promo", "save20")
    await page.click("#promo-form button")
    await expect(page.locator("#discount")).not_to_have_text(re.compile(r"\$0\.00"))
    discount = _amount(await page.locator("#discount").text_content())
    total = _amount(await page.locator("#total").text_content())
    assert discount == (subtotal * Decimal("0.20")).quantize(Decimal("0.01"))
    assert total == subtotal - discount

    await page.fill("#name", "Grace Hopper")
    email = f"grace+{uuid.uuid4().hex[:6]}@example.com"
    await page.fill("#email", email)
    await page.fill("#phone", "+15551234567")
    # A declined card is explained, and the customer can try another card on the same booking.
    await page.select_option("#card", "tok_chargeDeclined")
    await page.click("#pay")
    await expect(page.locator("#message")).to_contain_text("declined")
    await expect(page.locator("#countdown")).to_contain_text("Complete payment within")
    await page.select_option("#card", "tok_visa")
    await page.click("#pay")

    await expect(page.get_by_role("heading", name=re.compile(r"^Booking BK\d{8}[A-Z0-9]{4}$"))).to_be_visible()
    await expect(page.get_by_role("status").first).to_contain_text("confirmed")
    reference = (await page.locator("#reference").text_content()).strip()
    qr = page.get_by_role("img", name=re.compile("QR code of booking reference " + reference))
    await expect(qr).to_be_visible()
    assert await qr.evaluate("img => img.complete && img.naturalWidth > 0")
    await expect(page.locator(".facts")).to_contain_text("Row H seat 10")
    await expect(page.locator(".facts")).to_contain_text(f"${total}")
    await page.screenshot(path=str(IMG_DIR / "confirmation.png"), full_page=True)

    row = db.execute("""SELECT b.status::text, b.final_amount, b.discount, pc.code, b.customer_email
                          FROM booking.bookings b LEFT JOIN booking.promo_codes pc ON pc.id = b.promo_code_id
                         WHERE b.reference = %s""", (reference,)).fetchone()
    assert row == ("CONFIRMED", total, discount, "SAVE20", email)
    assert page.js_errors == []


async def test_find_and_cancel_a_booking_shows_the_refund(web, new_page, http, db, showtimes):
    showtime_id = showtimes.take()
    email = f"ada+{uuid.uuid4().hex[:6]}@example.com"
    booking = book_via_api(http, showtime_id, ["seat-b3", "seat-b4"], email)
    page = await new_page()
    await page.goto(web + "/booking")

    # a wrong email is told plainly, and reveals nothing about the booking
    await page.get_by_label("Booking reference").fill(booking["bookingReference"])
    await page.get_by_label("Email used for the booking").fill("someone.else@example.com")
    await page.get_by_role("button", name="Find booking").click()
    await expect(page.get_by_role("alert")).to_contain_text("could not find a booking")

    await page.get_by_label("Booking reference").fill(booking["bookingReference"].lower())
    await page.get_by_label("Email used for the booking").fill(email)
    await page.get_by_role("button", name="Find booking").click()
    await expect(page.locator("#reference")).to_have_text(booking["bookingReference"])
    amount = booking["amount"]
    await expect(page.locator("#refund-quote")).to_have_text(f"${Decimal(str(amount)):.2f}")
    await page.wait_for_load_state("load")  # booking.js (deferred) listens to the button only once it has run

    await page.get_by_role("button", name="Cancel this booking").click()
    await page.screenshot(path=str(IMG_DIR / "cancel.png"), full_page=True)
    await expect(page.locator("#cancel-result")).to_contain_text("Are you sure")
    await page.get_by_role("button", name="Yes, cancel my booking").click()
    await expect(page.locator("#cancel-result")).to_contain_text(f"A refund of ${Decimal(str(amount)):.2f} is on its way")
    await expect(page.locator("#status")).to_have_text("Status: Cancelled")

    status, refunded = db.execute(
        "SELECT b.status::text, (SELECT sum(amount) FROM booking.refunds r WHERE r.booking_id = b.id) "
        "FROM booking.bookings b WHERE b.id = %s", (booking["bookingId"],)).fetchone()
    assert status == "CANCELLED" and refunded == Decimal(str(amount))
    # the seats are on sale again
    assert db.execute("SELECT status FROM booking.seat_map(%s) WHERE seat_id = 'seat-b3'", (showtime_id,)
                      ).fetchone()[0] == "AVAILABLE"

    # looked up again, the page says why it cannot be cancelled twice
    await page.goto(web + "/booking")
    await page.get_by_label("Booking reference").fill(booking["bookingReference"])
    await page.get_by_label("Email used for the booking").fill(email)
    await page.get_by_role("button", name="Find booking").click()
    await expect(page.locator("#cancel-policy")).to_have_text("This booking is already cancelled.")
    assert page.js_errors == []
