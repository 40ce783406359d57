"""3-D Secure on the payment page: the bank's (fake Stripe's) challenge page, and back (issue 26); the operators'
page lists a refund that failed after it had succeeded."""

import re
import uuid

from playwright.async_api import expect

from .conftest import IMG_DIR, book_via_api, log_in, operator


async def _choose_and_fill(page, web, showtime_id, seats, email):
    await page.goto(f"{web}/showtime/{showtime_id}")
    for code in seats:
        await page.locator(f'button[data-seat="{code}"]').click()
        await expect(page.locator(f'button[data-seat="{code}"]')).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#chosen li")).to_have_count(len(seats))
    await page.fill("#name", "Ada Lovelace")
    await page.fill("#email", email)


async def test_3ds_challenge_completed_confirms_the_booking(web, new_page, showtimes, db, fake_stripe):
    showtime_id = showtimes.take()
    page = await new_page()
    email = f"3ds+{uuid.uuid4().hex[:6]}@example.com"
    await _choose_and_fill(page, web, showtime_id, ["seat-d4", "seat-d5"], email)
    await page.select_option("#card", "tok_threeDSecure2Required")
    await page.click("#pay")
    # the bank's page (Stripe's 3-D Secure test page, served by the fake)
    await page.wait_for_url(re.compile(r"/_fake/3ds/pi_"))
    await expect(page.get_by_role("heading", name="3D Secure 2 Test Page")).to_be_visible()
    await page.screenshot(path=str(IMG_DIR / "3ds-challenge.png"))
    await page.get_by_role("button", name="Complete").click()
    # back on our page, which finishes the payment and shows the booking
    await expect(page.get_by_role("heading", name=re.compile(r"^Booking BK\d{8}[A-Z0-9]{4}$"))).to_be_visible()
    await expect(page.get_by_role("status").first).to_contain_text("confirmed")
    reference = (await page.locator("#reference").text_content()).strip()
    row = db.execute("SELECT status::text, payment_intent_id FROM booking.bookings WHERE reference = %s",
                     (reference,)).fetchone()
    assert row[0] == "CONFIRMED"
    assert len(fake_stripe.charges_for(row[1])) == 1
    assert page.js_errors == []


async def test_3ds_challenge_failed_lets_the_buyer_pay_with_another_card(web, new_page, showtimes, db, fake_stripe):
    showtime_id = showtimes.take()
    page = await new_page()
    email = f"3dsfail+{uuid.uuid4().hex[:6]}@example.com"
    await _choose_and_fill(page, web, showtime_id, ["seat-e4"], email)
    await page.select_option("#card", "tok_threeDSecure2Required")
    await page.click("#pay")
    await page.wait_for_url(re.compile(r"/_fake/3ds/pi_"))
    await page.get_by_role("button", name="Fail").click()
    await page.wait_for_url(re.compile(r"/showtime/"))
    await expect(page.locator("#message")).to_contain_text("3-D Secure failed")
    await expect(page.locator("#countdown")).to_contain_text("Complete payment within")
    assert "payment_intent" not in page.url  # the return query is cleaned up
    booking = db.execute("SELECT status::text FROM booking.bookings WHERE customer_email = %s", (email,)).fetchone()
    assert booking == ("PENDING_PAYMENT",)
    await page.select_option("#card", "tok_visa")
    await page.click("#pay")
    await expect(page.get_by_role("heading", name=re.compile(r"^Booking BK"))).to_be_visible()
    assert db.execute("SELECT status::text FROM booking.bookings WHERE customer_email = %s",
                      (email,)).fetchone() == ("CONFIRMED",)
    assert page.js_errors == []


async def test_operators_see_a_refund_that_failed_after_succeeding(web, new_page, showtimes, http, db, fake_stripe):
    showtime_id = showtimes.take()
    b = book_via_api(http, showtime_id, ["seat-f2"], f"rf+{uuid.uuid4().hex[:6]}@example.com", token="tok_refundFail")
    r = http.post(f"/api/bookings/{b['bookingId']}/cancel", json={"reason": "x"})
    assert r.status_code == 200 and r.json()["refund"]["status"] == "SUCCEEDED", r.text
    [refund] = fake_stripe.refunds_for(b["paymentIntentId"])
    fake_stripe.settle_refund(refund["id"], "failed")
    [event] = fake_stripe.events_for(b["paymentIntentId"], "refund.failed")
    status, _ = fake_stripe.send_webhook(web + "/api/payments/webhook", event)
    assert status == 200
    page = await new_page()
    await log_in(page, web, operator(http, "OWNER", None))
    row = page.locator("#discrepancy-list tr[data-problem='REFUND_REVERSED']", has_text=b["bookingReference"])
    await expect(row).to_contain_text("failed after it had succeeded")
    await expect(row).to_contain_text("expired_or_canceled_card")
    assert page.js_errors == []
