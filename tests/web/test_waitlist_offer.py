"""The waiting-list offer link (issue 21) opens the offer's hold in the booking page: the seats are this browser's
(SELECTED, counting down), and paying books them; the entry is then BOOKED."""

import asyncio
import re
import uuid

import psycopg
from playwright.async_api import expect
from psycopg.types.json import Jsonb


async def offered_entry(db, http) -> dict:
    """A 3-seat showtime held in full by another session, a party of 2 on its waiting list, the hold released:
    the elected leader offers the party two seats; returns the entry (status OFFERED, its offer and link)."""
    tag = uuid.uuid4().hex[:8]
    layout = {"rows": [{"label": "A", "seats": [{"number": n} for n in range(1, 4)]}]}
    cinema = db.execute("SELECT booking.create_cinema(%s, 'Web', 'Europe/London', 'GBP')", (f"Offer {tag}",)).fetchone()[0]
    aud = db.execute("SELECT booking.create_auditorium(%s, 'Hall', %s)", (cinema, Jsonb(layout))).fetchone()[0]
    movie = db.execute("SELECT booking.create_movie(%s, 95)", (f"Offer {tag}",)).fetchone()[0]
    st = str(db.execute("SELECT booking.create_showtime(%s, %s, date_trunc('hour', now()) + interval '3 days',"
                        " '{\"STANDARD\": 9.00}')", (movie, aud)).fetchone()[0])
    filler = db.execute("SELECT hold_id FROM booking.hold(%s, '{seat-a1,seat-a2,seat-a3}', 'filler', 3600)",
                        (st,)).fetchone()[0]
    joined = http.post(f"/api/showtimes/{st}/waitlist", json={"email": "offer@example.com", "name": "Of Fer",
                                                              "quantity": 2})
    assert joined.status_code == 201, joined.text
    wid = joined.json()["waitlistId"]
    db.execute("SELECT booking.release_hold(%s, 'filler')", (filler,))
    for _ in range(75):  # the server's elected leader makes the offer within a sweep or two
        entry = http.get(f"/api/waitlist/{wid}").json()
        if entry["status"] == "OFFERED":
            break
        await asyncio.sleep(0.2)
    assert entry["status"] == "OFFERED", entry
    assert entry["offer"]["bookingUrl"] == f"/showtime/{st}?waitlist={wid}"
    return entry


async def test_offer_link_opens_the_hold_and_books_it(web, new_page, db, http):
    entry = await offered_entry(db, http)
    wid, link = entry["waitlistId"], entry["offer"]["bookingUrl"]

    page = await new_page()
    await page.goto(web + link)
    await expect(page.locator("#message")).to_contain_text("held for you from the waiting list")
    for seat in entry["offer"]["seats"]:
        await expect(page.locator(f'button[data-seat="{seat["id"]}"]')).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#chosen li")).to_have_count(2)
    await expect(page.locator("#countdown")).to_contain_text(re.compile(r"held for you for 1[45]:\d\d"))

    await page.fill("#name", "Of Fer")
    await page.fill("#email", "offer@example.com")
    await page.select_option("#card", "tok_visa")
    await page.click("#pay")
    await expect(page.get_by_role("heading", name=re.compile(r"^Booking BK\d{8}[A-Z0-9]{4}$"))).to_be_visible()
    assert http.get(f"/api/waitlist/{wid}").json()["status"] == "BOOKED"
    assert page.js_errors == []
