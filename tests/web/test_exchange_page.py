"""'Change seats or time' on the booking page (issue 21): a customer looks a booking up, picks another showtime of
the same film at the same cinema, chooses seats on its seat map (mouse and keyboard) and moves the booking through
POST /api/bookings/{bookingId}/exchange; a refused move (a seat someone else holds) is explained and changes nothing."""

import re
import uuid

from playwright.async_api import expect

from .conftest import (
    IMG_DIR,
    book_via_api,
    grab_on_the_way,
    middle_seats,
    open_exchange,
    seat_status,
)


def booking_now(db, reference: str, email: str) -> dict:
    return db.execute("SELECT booking.find_booking(%s, %s)", (reference, email)).fetchone()[0]


async def test_a_customer_moves_a_booking_to_other_seats_of_another_showtime(web, new_page, http, showtimes, db):
    source, target = showtimes.take_pair()
    old = middle_seats(http, source, 2)
    email = f"move+{uuid.uuid4().hex[:6]}@example.com"
    booking = book_via_api(http, source, [s["id"] for s in old], email)
    new = middle_seats(http, target, 2, max_price=old[0]["price"])  # the same price or cheaper: no payment
    page = await new_page()
    await open_exchange(page, web, booking, email, target)
    assert booking["bookingReference"] in await page.locator("h1").inner_text()
    # the first seat by its accessible name (mouse), the second with the keyboard: arrow right, then Enter
    first = page.get_by_role("button", name=re.compile(rf"^Row {new[0]['rowLabel']}, seat {new[0]['seatNumber']}, standard, available"))
    await first.click()
    first = page.locator(f'#x-seatmap button[data-seat="{new[0]["id"]}"]')  # its name now says "selected by you"
    await expect(first).to_have_attribute("aria-pressed", "true")
    await expect(first).to_have_attribute("aria-label", re.compile("selected by you"))
    await first.focus()
    await page.keyboard.press("ArrowRight")
    second = page.locator(f'#x-seatmap button[data-seat="{new[1]["id"]}"]')
    await expect(second).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(second).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#x-chosen li")).to_have_count(2)
    await page.locator("#exchange").screenshot(path=str(IMG_DIR / "exchange.png"))
    await page.get_by_role("button", name="Change my booking").click()

    result = page.locator("#x-result")
    await expect(result).to_have_attribute("data-outcome", "moved")
    await expect(result).to_be_focused()
    await expect(result).to_contain_text(f"Row {new[0]['rowLabel']} seat {new[0]['seatNumber']}")
    await expect(result).to_contain_text(re.compile(r"nothing to pay or refund|less\. We refund"))
    await expect(page.locator("#b-seats")).to_contain_text(f"Row {new[1]['rowLabel']} seat {new[1]['seatNumber']}")
    # the database: the booking (same reference) is on the new showtime's seats; the old seats are free again
    now = booking_now(db, booking["bookingReference"], email)
    assert now["showtimeId"] == target and now["status"] == "CONFIRMED"
    assert sorted(s["id"] for s in now["seats"]) == sorted(s["id"] for s in new)
    assert all(seat_status(db, target, s["id"]) == "BOOKED" for s in new)
    assert all(seat_status(db, source, s["id"]) == "AVAILABLE" for s in old)
    # the updated booking page shows the new seats and their tickets
    await page.get_by_role("button", name="Show my updated booking and tickets").click()
    await expect(page.get_by_text("Your booking was changed")).to_be_visible()
    await expect(page.locator("#b-seats")).to_contain_text(f"Row {new[0]['rowLabel']} seat {new[0]['seatNumber']}")
    await expect(page.locator(".ticket-item[data-status=VALID]")).to_have_count(2)
    assert page.js_errors == []


async def test_a_seat_someone_else_holds_is_named_and_nothing_changes(web, new_page, http, showtimes, db):
    source, target = showtimes.take_pair()
    old = middle_seats(http, source, 1)
    email = f"taken+{uuid.uuid4().hex[:6]}@example.com"
    booking = book_via_api(http, source, [old[0]["id"]], email)
    seat = middle_seats(http, target, 1, max_price=old[0]["price"])[0]
    page = await new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    await open_exchange(page, web, booking, email, target)
    button = page.locator(f'#x-seatmap button[data-seat="{seat["id"]}"]')
    await button.click()
    await expect(button).to_have_attribute("aria-pressed", "true")
    # another customer holds that seat just as this one confirms the move (before the live map can show it)
    await grab_on_the_way(page, http, target, seat["id"])
    await page.get_by_role("button", name="Change my booking").click()
    result = page.locator("#x-result")
    await expect(result).to_contain_text(f"Row {seat['rowLabel']}, seat {seat['seatNumber']} is no longer available")
    await expect(result).to_contain_text("Nothing was changed")
    await expect(result).to_be_focused()
    await page.screenshot(path=str(IMG_DIR / "exchange-refused-phone.png"), full_page=True)
    # the map was refreshed: the seat shows held by someone else (words and mark, not only colour)
    await expect(button).to_have_attribute("aria-label", re.compile("held by another customer"))
    await expect(button).to_have_text("…")
    await button.click()
    await expect(result).to_contain_text("is being held by another customer")
    now = booking_now(db, booking["bookingReference"], email)
    assert now["showtimeId"] == source and now["bookingId"] == booking["bookingId"]
    assert [s["id"] for s in now["seats"]] == [old[0]["id"]]
    assert seat_status(db, source, old[0]["id"]) == "BOOKED"
    assert seat_status(db, target, seat["id"]) == "LOCKED"
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # live: a chosen seat that someone else takes while the customer looks leaves the choice, and says so
    other = middle_seats(http, target, 1, max_price=old[0]["price"])[0]
    mine = page.locator(f'#x-seatmap button[data-seat="{other["id"]}"]')
    await mine.click()
    await expect(mine).to_have_attribute("aria-pressed", "true")
    hold = http.post("/api/bookings/hold", json={"showtimeId": target, "seatIds": [other["id"]],
                                                 "sessionToken": uuid.uuid4().hex})
    assert hold.status_code == 201, hold.text
    await expect(result).to_contain_text(f"Row {other['rowLabel']}, seat {other['seatNumber']} was just taken by someone else")
    await expect(mine).to_have_attribute("aria-pressed", "false")
    await expect(page.locator("#x-chosen li")).to_have_count(0)
    assert page.js_errors == []


async def test_dearer_seats_are_refused_or_wait_for_the_difference(web, new_page, http, showtimes, db):
    """Until the dearer case lands the API answers EXCHANGE_PAYMENT_REQUIRED: the page says so and nothing changes.
    Once it answers 202 PENDING_PAYMENT, the page shows the difference to pay and pays it with the test card."""
    source, target = showtimes.take_pair()
    old = middle_seats(http, source, 1)
    email = f"dear+{uuid.uuid4().hex[:6]}@example.com"
    booking = book_via_api(http, source, [old[0]["id"]], email)
    rows = http.get(f"/api/showtimes/{target}/seats").json()["layout"]["rows"]
    dearer = [(r["label"], s) for r in rows for s in r["seats"] if s["status"] == "AVAILABLE"
              and s["price"] is not None and float(s["price"]) > float(old[0]["price"])
              and s["type"] in ("PREMIUM", "VIP")]
    assert dearer, "no dearer seat to try"
    page = await new_page()
    await open_exchange(page, web, booking, email, target)
    # best available would pick any seat: choose the dearer one on the map
    button = page.locator(f'#x-seatmap button[data-seat="{dearer[0][1]["id"]}"]')
    await button.click()
    await expect(button).to_have_attribute("aria-pressed", "true")
    await page.get_by_role("button", name="Change my booking").click()
    result = page.locator("#x-result")
    await expect(result).to_contain_text(re.compile(r"more than you paid|Pay the difference"))
    if await page.locator("#x-pay-form").is_visible():  # the dearer case (202) has landed
        await expect(result).to_have_attribute("data-outcome", "pending")
        await page.locator("#x-pay").click()
        await expect(page.get_by_text("Your booking was changed")).to_be_visible()
        assert booking_now(db, booking["bookingReference"], email)["showtimeId"] == target
    else:
        await expect(result).to_contain_text("Nothing was changed")
        await expect(result).to_be_focused()
        now = booking_now(db, booking["bookingReference"], email)
        assert now["bookingId"] == booking["bookingId"] and [s["id"] for s in now["seats"]] == [old[0]["id"]]
        assert seat_status(db, target, dearer[0][1]["id"]) == "AVAILABLE"
    assert page.js_errors == []


async def test_best_available_sends_the_quantity_together_with_an_idempotency_key(web, new_page, http, showtimes, db):
    source, target = showtimes.take_pair()
    old = middle_seats(http, source, 1, types=("PREMIUM",))
    email = f"best+{uuid.uuid4().hex[:6]}@example.com"
    booking = book_via_api(http, source, [old[0]["id"]], email)
    page = await new_page()
    await open_exchange(page, web, booking, email, target)
    await page.get_by_label("The best available seats, together").check()
    await expect(page.locator("#x-seatmap")).to_be_hidden()
    await page.get_by_label("Number of seats").fill("1")
    async with page.expect_request(re.compile(r"/api/bookings/[^/]+/exchange$")) as sent:
        await page.get_by_role("button", name="Change my booking").click()
    request = await sent.value
    assert request.post_data_json == {"showtimeId": target, "bestAvailable": {"quantity": 1, "together": True}}
    assert len(request.headers.get("idempotency-key", "")) >= 32
    result = page.locator("#x-result")
    await expect(result).to_be_focused()
    # the best seat may cost more than the premium seat paid for: moved, or refused with the API's reason
    await expect(result).to_contain_text(re.compile(r"^(Done — booking|.*Nothing was changed)"))
    now = booking_now(db, booking["bookingReference"], email)
    moved = await result.get_attribute("data-outcome") == "moved"
    assert now["showtimeId"] == (target if moved else source)
    assert page.js_errors == []


async def test_the_dearer_contract_202_shows_the_difference_and_pays_it(web, new_page, http, showtimes):
    """The dearer case is being built with this contract (202 PENDING_PAYMENT, then POST /api/payments/process):
    until the API answers it, the two answers are played by the browser (page.route) to check the page's side."""
    source, target = showtimes.take_pair()
    old = middle_seats(http, source, 1)
    email = f"pend+{uuid.uuid4().hex[:6]}@example.com"
    booking = book_via_api(http, source, [old[0]["id"]], email)
    seat = middle_seats(http, target, 1, types=("PREMIUM",))[0]
    page = await new_page()
    pending = {"bookingId": str(uuid.uuid4()), "bookingReference": booking["bookingReference"],
               "status": "PENDING_PAYMENT", "showtimeId": target,
               "seats": [{"id": seat["id"], "rowLabel": seat["rowLabel"], "seatNumber": seat["seatNumber"],
                          "type": "PREMIUM", "price": seat["price"]}],
               "priceDifference": 2.5, "paymentIntentId": "pi_exchange_test", "exchangeId": str(uuid.uuid4()),
               "paymentDeadline": "2099-01-01T12:00:00Z"}
    paid = []

    async def exchange(route):
        await route.fulfill(status=202, json=pending)

    async def process(route):
        paid.append((route.request.post_data_json, route.request.headers.get("idempotency-key")))
        await route.fulfill(status=200, json={"bookingId": pending["bookingId"], "status": "CONFIRMED",
                                              "bookingReference": booking["bookingReference"]})

    await page.route(re.compile(r".*/api/bookings/[^/]+/exchange$"), exchange)
    await page.route(re.compile(r".*/api/payments/process$"), process)
    await open_exchange(page, web, booking, email, target)
    await page.locator(f'#x-seatmap button[data-seat="{seat["id"]}"]').click()
    await page.get_by_role("button", name="Change my booking").click()
    result = page.locator("#x-result")
    await expect(result).to_have_attribute("data-outcome", "pending")
    await expect(result).to_be_focused()
    await expect(result).to_contain_text(re.compile(r"cost \D?2\.50 more"))  # in the cinema's currency
    await expect(result).to_contain_text("Pay the difference by")
    await page.get_by_label("Test card").select_option("tok_visa")
    async with page.expect_navigation():
        await page.get_by_role("button", name=re.compile(r"^Pay \D?2\.50$")).click()
    body, key = paid[0]
    assert body == {"bookingId": pending["bookingId"], "paymentIntentId": "pi_exchange_test",
                    "paymentMethod": {"type": "card", "token": "tok_visa"}}
    assert key
    await expect(page.get_by_role("heading", name=f"Booking {booking['bookingReference']}")).to_be_visible()
    assert page.js_errors == []
