"""The waiting room in the browser (issue 20): a queued on-sale's showtime page opens on the waiting room (place in
line, estimated wait, live over SSE) instead of the seat map; when the API server's elected admitter lets the buyer
in, the page switches to the seat map by itself, holds with the admission token and books. The admin page shows the
queue live. A buyer whose admission ends is sent back to the waiting room. A buyer told SOLD_OUT is offered the
showtime's waiting list (issue 21) and joins it from the waiting room."""

import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from playwright.async_api import expect
from psycopg.types.json import Jsonb

from .conftest import BOOTSTRAP, log_in, operator


def on_sale(http, showtime_id: str, opens_at: datetime, **extra) -> None:
    r = http.put(f"/api/admin/showtimes/{showtime_id}/on-sale", headers=BOOTSTRAP,
                 json={"opensAt": opens_at.isoformat(), "queue": True, **extra})
    assert r.status_code == 200, r.text


def free_seat(http, showtime_id: str) -> str:
    rows = http.get(f"/api/showtimes/{showtime_id}/seats").json()["layout"]["rows"]
    special = {f["id"] for f in http.get(f"/api/showtimes/{showtime_id}/seat-features").json()}
    return next(s["id"] for r in rows for s in r["seats"]
                if s["type"] == "STANDARD" and s["status"] == "AVAILABLE" and s["id"] not in special)


@pytest.fixture(scope="module")
def owner(web):
    import httpx
    with httpx.Client(base_url=web, timeout=30) as c:
        return operator(c, "OWNER", None)


async def test_buyer_waits_is_admitted_and_books(web, new_page, showtimes, http, db, owner):
    showtime_id = showtimes.take()
    on_sale(http, showtime_id, datetime.now(timezone.utc) + timedelta(hours=1), admitPerMinute=600,
            admissionMinutes=10)
    # two buyers joined before this one (over the API): the page's place is provisional until the opening draw
    for _ in range(2):
        assert http.post(f"/api/showtimes/{showtime_id}/queue",
                         json={"sessionToken": f"early-{uuid.uuid4().hex[:8]}"}).status_code == 201

    page = await new_page()
    await page.goto(f"{web}/showtime/{showtime_id}")
    room = page.locator("#waiting-room")
    await expect(room).to_be_visible()
    await expect(page.locator("#seat-layout")).to_be_hidden()
    await expect(room).to_have_attribute("data-live", "live")
    await expect(room).to_have_attribute("data-status", "WAITING")
    await expect(page.locator("#wr-position")).to_have_text("3 (until the opening draw)")
    await expect(page.locator("#wr-wait")).to_have_text(re.compile(r"^about (59 minutes|1 hour)"))
    token = await page.evaluate(f"localStorage.getItem('marquee.sessionToken.{showtime_id}') || "
                                "localStorage.getItem('marquee.sessionToken')")
    entry = db.execute("SELECT id::text, status FROM booking.queue_entries WHERE showtime_id = %s AND session_token = %s",
                       (showtime_id, token)).fetchone()
    assert entry and entry[1] == "WAITING"

    # reloading keeps the same place (joining is idempotent per session token)
    await page.reload()
    await expect(page.locator("#wr-position")).to_have_text("3 (until the opening draw)")
    assert db.execute("SELECT count(*) FROM booking.queue_entries WHERE showtime_id = %s", (showtime_id,)).fetchone()[0] == 3

    # the admin page shows the queue live
    admin = await new_page()
    await log_in(admin, web, owner)
    await expect(admin.locator("#who-text")).to_contain_text("Signed in as")
    await admin.goto(f"{web}/admin?showtime={showtime_id}")
    await expect(admin.locator("#q-waiting")).to_have_text("3")
    await expect(admin.locator("#q-admitted")).to_have_text("0")
    await expect(admin.locator("#q-rate")).to_have_text("600 / min")
    await expect(admin.locator("#queue-state")).to_contain_text("Opens")

    # the sale opens: the API server's admitter draws the order and lets everyone in (600 a minute, seats to spare);
    # no reload: the page follows its SSE stream and moves on to the seat map
    db.execute("UPDATE booking.on_sales SET opens_at = now() - interval '1 second' WHERE showtime_id = %s",
               (showtime_id,))
    await expect(page.locator("#seat-layout")).to_be_visible(timeout=30_000)
    await expect(room).to_be_hidden()
    await expect(page.locator("#admitted")).to_contain_text("It is your turn")
    await expect(page.locator("#booking")).to_have_attribute("data-live", "live")
    await expect(admin.locator("#q-admitted")).to_have_text("3")
    await expect(admin.locator("#q-waiting")).to_have_text("0")

    # a hold without the token is refused; the page's holds carry it
    seat = free_seat(http, showtime_id)
    refused = http.post("/api/bookings/hold", json={"showtimeId": showtime_id, "seatIds": [seat], "sessionToken": token})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "ADMISSION_REQUIRED"
    button = page.locator(f'button[data-seat="{seat}"]')
    await button.click()
    await expect(button).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#countdown")).to_contain_text(re.compile(r"held for you for \d+:\d\d"))
    assert db.execute("SELECT count(*) FROM booking.holds WHERE showtime_id = %s AND session_token = %s AND status = 'ACTIVE'",
                      (showtime_id, token)).fetchone()[0] == 1

    await page.fill("#name", "Queue Buyer")
    await page.fill("#email", "queue.buyer@example.com")
    await page.select_option("#card", "tok_visa")
    await page.click("#pay")
    await expect(page.get_by_role("heading", name=re.compile(r"^Booking BK"))).to_be_visible()
    # booking frees the place for the next buyer (the admitter notes it) and the admin page counts the sold seat
    await expect(admin.locator("#q-sold")).to_have_text("1")
    await expect(admin.locator("#q-shopping")).to_have_text("2")
    assert page.js_errors == [] and admin.js_errors == []


async def test_an_ended_admission_goes_back_to_the_waiting_room(web, new_page, showtimes, http, db):
    showtime_id = showtimes.take()
    on_sale(http, showtime_id, datetime.now(timezone.utc) - timedelta(seconds=1), admitPerMinute=600)
    page = await new_page()
    await page.goto(f"{web}/showtime/{showtime_id}")
    await expect(page.locator("#seat-layout")).to_be_visible(timeout=30_000)
    await expect(page.locator("#booking")).to_have_attribute("data-live", "live")
    # the admission window ends while the buyer is choosing: the next pick is refused ADMISSION_EXPIRED
    db.execute("UPDATE booking.queue_entries SET admitted_until = now() - interval '1 second' WHERE showtime_id = %s",
               (showtime_id,))
    await page.locator(f'button[data-seat="{free_seat(http, showtime_id)}"]').click()
    await expect(page.locator("#waiting-room")).to_be_visible()
    await expect(page.locator("#waiting-room")).to_have_attribute("data-status", "EXPIRED")
    await expect(page.locator("#wr-message")).to_contain_text("ran out")
    # joining again puts a new session at the back of the line; with seats to spare it is let in again
    await page.get_by_role("button", name="Join the queue again").click()
    await expect(page.locator("#seat-layout")).to_be_visible(timeout=30_000)
    assert db.execute("SELECT count(*) FROM booking.queue_entries WHERE showtime_id = %s", (showtime_id,)).fetchone()[0] == 2
    assert page.js_errors == []


def sold_out_room(db, http) -> str:
    """A 3-seat showtime with a waiting room whose opening is an hour away; sell_out(db, id) then blocks every
    seat and opens it, so the admitter tells everyone waiting SOLD_OUT."""
    tag = uuid.uuid4().hex[:8]
    layout = {"rows": [{"label": "A", "seats": [{"number": n} for n in range(1, 4)]}]}
    cinema = db.execute("SELECT booking.create_cinema(%s, 'Web', 'Europe/London', 'GBP')", (f"Room {tag}",)).fetchone()[0]
    aud = db.execute("SELECT booking.create_auditorium(%s, 'Hall', %s)", (cinema, Jsonb(layout))).fetchone()[0]
    movie = db.execute("SELECT booking.create_movie(%s, 95)", (f"Premiere {tag}",)).fetchone()[0]
    st = str(db.execute("SELECT booking.create_showtime(%s, %s, date_trunc('hour', now()) + interval '3 days',"
                        " '{\"STANDARD\": 9.00}')", (movie, aud)).fetchone()[0])
    on_sale(http, st, datetime.now(timezone.utc) + timedelta(hours=1), admitPerMinute=600)
    return st


def sell_out(db, showtime_id: str) -> None:
    db.execute("SELECT booking.block_seats(%s, '{seat-a1,seat-a2,seat-a3}', 'test', 'sold elsewhere')", (showtime_id,))
    db.execute("UPDATE booking.on_sales SET opens_at = now() - interval '1 second' WHERE showtime_id = %s",
               (showtime_id,))


async def test_a_buyer_told_sold_out_joins_the_waiting_list(web, new_page, http, db):
    showtime_id = sold_out_room(db, http)
    page = await new_page()
    await page.goto(f"{web}/showtime/{showtime_id}")
    room = page.locator("#waiting-room")
    await expect(room).to_have_attribute("data-live", "live")
    await expect(page.locator("#wr-waitlist")).to_be_hidden()  # only once sold out
    sell_out(db, showtime_id)
    await expect(room).to_have_attribute("data-status", "SOLD_OUT", timeout=30_000)
    await expect(page.locator("#wr-state")).to_have_text(re.compile("sold out"))
    form = page.get_by_role("form", name="Join the waiting list")
    await expect(form).to_be_visible()
    await expect(page.locator("#seat-layout")).to_be_hidden()

    # no email: refused in the page, said in the live region, nothing sent
    await form.get_by_label("Name").fill("Wait Lister")
    await form.get_by_label("Number of seats").fill("2")
    await form.get_by_role("button", name="Join the waiting list").click()
    result = page.locator("#wl-result")
    await expect(result).to_have_attribute("aria-live", "polite")
    await expect(result).to_contain_text("email address")
    await expect(form.get_by_label("Email")).to_be_focused()
    # the API's own refusal is said there too (more seats than one party may hold)
    await form.get_by_label("Email").fill("wait.lister@example.com")
    await form.get_by_label("Number of seats").fill("50")
    await form.get_by_role("button", name="Join the waiting list").click()
    await expect(result).to_contain_text(re.compile("at most 10 seats"))
    assert db.execute("SELECT count(*) FROM booking.waitlist WHERE showtime_id = %s", (showtime_id,)).fetchone()[0] == 0

    await form.get_by_label("Number of seats").fill("2")
    await form.get_by_role("button", name="Join the waiting list").click()
    await expect(result).to_contain_text("You are number 1 on the waiting list for 2 seats")
    await expect(result).to_contain_text("wait.lister@example.com")
    await expect(form).to_be_hidden()
    row = db.execute("SELECT email, name, quantity, status FROM booking.waitlist WHERE showtime_id = %s",
                     (showtime_id,)).fetchall()
    assert row == [("wait.lister@example.com", "Wait Lister", 2, "WAITING")]

    # a reload finds the entry (remembered per showtime) instead of offering the form again
    await page.reload()
    await expect(room).to_have_attribute("data-status", "SOLD_OUT")
    await expect(result).to_contain_text("You are number 1 on the waiting list for 2 seats")
    await expect(form).to_be_hidden()
    assert page.js_errors == []
