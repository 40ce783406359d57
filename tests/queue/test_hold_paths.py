"""Issue 20: the admission token is honoured on every hold path of POST /api/bookings/hold (seat ids, bestAvailable,
a sales channel), and refused the same way on each without it; the waiting list's own offers on a queued showtime
are not held up by the waiting room (they are a fair line of their own)."""

import uuid
from datetime import datetime, timedelta, timezone

from .conftest import BOOTSTRAP
from .test_queue_api import seats, showtime  # noqa: F401 - the fixture


def open_queue(http, db, showtime_id: str) -> None:
    r = http.put(f"/api/admin/showtimes/{showtime_id}/on-sale", headers=BOOTSTRAP, json={
        "opensAt": (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat(), "admitPerMinute": 1})
    assert r.status_code == 200, r.text
    db.execute("UPDATE booking.on_sales SET paused = true WHERE showtime_id = %s", (showtime_id,))  # admit by hand


def admitted(http, db, showtime_id: str) -> tuple[str, str]:
    """(session token, admission token) of a buyer let in by a DBA's booking_ops.queue_admit."""
    token = f"paths-{uuid.uuid4().hex[:8]}"
    q = http.post(f"/api/showtimes/{showtime_id}/queue", json={"sessionToken": token}).json()
    assert db.execute("SELECT booking_ops.queue_admit(%s, 1)", (showtime_id,)).fetchone()[0] == 1
    entry = http.get(f"/api/queue/{q['queueId']}").json()
    assert entry["status"] == "ADMITTED", entry
    return token, entry["admissionToken"]


def post_hold(http, body: dict, admission: str | None = None):
    return http.post("/api/bookings/hold", json=body, headers={"X-Admission-Token": admission} if admission else {})


def test_best_available_hold_needs_and_honours_the_admission_token(http, db, showtime):  # noqa: F811
    open_queue(http, db, showtime)
    token, admission = admitted(http, db, showtime)
    body = {"showtimeId": showtime, "sessionToken": token, "bestAvailable": {"quantity": 2}}
    r = post_hold(http, body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "ADMISSION_REQUIRED", r.text
    r = post_hold(http, body, "not-the-token")
    assert r.status_code == 403 and r.json()["error"]["code"] == "ADMISSION_REQUIRED", r.text
    other, _ = admitted(http, db, showtime)  # another session's token is not this one's
    r = post_hold(http, {**body, "sessionToken": other}, admission)
    assert r.status_code == 403 and r.json()["error"]["code"] == "ADMISSION_REQUIRED", r.text
    assert db.execute("SELECT count(*) FROM booking.holds WHERE showtime_id = %s", (showtime,)).fetchone()[0] == 0
    r = post_hold(http, body, admission)
    assert r.status_code == 201, r.text
    assert len(r.json()["seats"]) == 2
    # the window ends: ADMISSION_EXPIRED, with when it ended
    db.execute("UPDATE booking.queue_entries SET admitted_until = now() - interval '1 second' "
               "WHERE showtime_id = %s AND session_token = %s", (showtime, token))
    r = post_hold(http, body, admission)
    assert r.status_code == 403 and r.json()["error"]["code"] == "ADMISSION_EXPIRED", r.text
    assert r.json()["error"]["details"]["admittedUntil"]


def test_best_available_before_the_opening_is_not_yet_on_sale(http, showtime):  # noqa: F811
    opens = datetime.now(timezone.utc) + timedelta(hours=2)
    assert http.put(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP,
                    json={"opensAt": opens.isoformat()}).status_code == 200
    r = post_hold(http, {"showtimeId": showtime, "sessionToken": "early", "bestAvailable": {"quantity": 1}})
    assert r.status_code == 403 and r.json()["error"]["code"] == "NOT_YET_ON_SALE", r.text
    assert datetime.fromisoformat(r.json()["error"]["details"]["opensAt"]) == opens


def test_channel_hold_needs_and_honours_the_admission_token(http, db, showtime):  # noqa: F811
    seat = seats(http, showtime, 3)[-1:]
    r = http.post(f"/api/admin/showtimes/{showtime}/channels", headers=BOOTSTRAP,
                  json={"channel": "partner", "seatIds": seat})
    assert r.status_code in (200, 201), r.text
    open_queue(http, db, showtime)
    token, admission = admitted(http, db, showtime)
    body = {"showtimeId": showtime, "sessionToken": token, "seatIds": seat, "channel": "partner"}
    r = post_hold(http, body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "ADMISSION_REQUIRED", r.text
    r = post_hold(http, body, admission)
    assert r.status_code == 201, r.text
    assert [s["id"] for s in r.json()["seats"]] == seat
    # the channel rule still applies to an admitted buyer
    r = post_hold(http, {**body, "channel": "other"}, admission)
    assert r.status_code == 409 and r.json()["error"]["code"] == "CHANNEL_RESERVED", r.text


def test_waiting_list_offers_pass_a_queued_showtime(http, db, showtime):  # noqa: F811
    """Sold out, everyone waiting is told SOLD_OUT and may join the waiting list: a seat freed later is offered to
    the list's first entry (booking_internal.waitlist_match holds it without an admission token)."""
    open_queue(http, db, showtime)
    every = seats(http, showtime, 10000)
    assert http.post(f"/api/admin/showtimes/{showtime}/block", headers=BOOTSTRAP,
                     json={"seatIds": every, "reason": "sold"}).status_code == 200
    db.execute("SELECT booking.queue_tick()")
    late = http.post(f"/api/showtimes/{showtime}/queue", json={"sessionToken": f"late-{uuid.uuid4().hex[:6]}"})
    assert late.json()["status"] == "SOLD_OUT"
    w = http.post(f"/api/showtimes/{showtime}/waitlist", json={"email": "wl@example.com", "name": "W L", "quantity": 1})
    assert w.status_code == 201, w.text
    assert http.post(f"/api/admin/showtimes/{showtime}/unblock", headers=BOOTSTRAP,
                     json={"seatIds": every[:1]}).status_code == 200
    db.execute("SELECT * FROM booking.waitlist_sweep()")
    entry = http.get(f"/api/waitlist/{w.json()['waitlistId']}").json()
    assert entry["status"] == "OFFERED", entry
    assert [s["id"] for s in entry["offer"]["seats"]] == every[:1]
    # the bypass lives only inside the matcher: a buyer's hold still needs an admission
    r = post_hold(http, {"showtimeId": showtime, "sessionToken": "waitlist:" + w.json()["waitlistId"],
                         "seatIds": every[1:2]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "ADMISSION_REQUIRED", r.text
