"""The waiting list over HTTP (issue 21), through the real API process (whose elected leader runs the sweep) and
database: joining, every error, an offer made when seats come free, the offer email, confirming the offer,
leaving, and the operators' view."""

import time
import uuid

import httpx
import psycopg
import pytest
from psycopg.types.json import Jsonb

from marquee.notify.render import render
from testing.services import TEST_ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {TEST_ADMIN_TOKEN}"}


@pytest.fixture(scope="module")
def api(api_server):
    with httpx.Client(base_url=api_server, timeout=30) as c:
        yield c


@pytest.fixture
def show(db_url):
    """A committed 4-seat showtime (A1-A4, 10.00) and a connection to it."""
    tag = uuid.uuid4().hex[:8]
    layout = {"rows": [{"label": "A", "seats": [{"number": n} for n in range(1, 5)]}]}
    with psycopg.connect(db_url, autocommit=True) as conn:
        cinema = conn.execute("SELECT booking.create_cinema(%s, 'WL', 'Europe/London', 'GBP')",
                              (f"Waitlist {tag}",)).fetchone()[0]
        aud = conn.execute("SELECT booking.create_auditorium(%s, 'Hall', %s)", (cinema, Jsonb(layout))).fetchone()[0]
        movie = conn.execute("SELECT booking.create_movie(%s, 95)", (f"Waitlist {tag}",)).fetchone()[0]
        st = conn.execute("SELECT booking.create_showtime(%s, %s, date_trunc('hour', now()) + interval '3 days',"
                          " '{\"STANDARD\": 10.00}')", (movie, aud)).fetchone()[0]
        yield str(st), conn


def _join(api, st, quantity, **extra):
    return api.post(f"/api/showtimes/{st}/waitlist",
                    json={"email": "wait@example.com", "name": "Wai Ting", "quantity": quantity, **extra})


def _fill(conn, st, seats=("seat-a1", "seat-a2", "seat-a3", "seat-a4")) -> str:
    return str(conn.execute("SELECT hold_id FROM booking.hold(%s, %s, 'filler', 3600)", (st, list(seats))).fetchone()[0])


def _wait_status(api, wid, status, timeout=15.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = api.get(f"/api/waitlist/{wid}").json()
        if body["status"] == status or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def test_seats_available_refuses_to_queue(api, show):
    st, _ = show
    r = _join(api, st, 2)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "SEATS_AVAILABLE"


@pytest.mark.parametrize("body, status, code", [
    ({"email": "w@example.com", "name": "W", "quantity": 0}, 422, "VALIDATION_ERROR"),
    ({"email": "nope", "name": "W", "quantity": 1}, 422, "VALIDATION_ERROR"),
    ({"email": "w@example.com", "name": "W", "quantity": 1, "seatTypes": ["GOLD"]}, 422, "VALIDATION_ERROR"),
    ({"email": "w@example.com", "quantity": 1}, 422, "VALIDATION_ERROR"),
    ({"email": "w@example.com", "name": "W", "quantity": 11}, 409, "TOO_MANY_SEATS"),
    ({"email": "w@example.com", "name": "W", "quantity": 1, "phone": "0\u0000"}, 422, "VALIDATION_ERROR"),
])
def test_bad_requests(api, show, body, status, code):
    st, conn = show
    _fill(conn, st)
    r = api.post(f"/api/showtimes/{st}/waitlist", json=body)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


def test_the_document_states_the_phone_rule_the_database_applies(api):
    # schemathesis (300 examples) sent a schema-valid phone with a NUL byte: the document must say what is refused,
    # and it is the rule of the booking's own phone (booking_internal.check_customer checks both)
    schemas = api.get("/schema/openapi.json").json()["components"]["schemas"]

    def string_of(prop: dict) -> dict:
        return next(alt for alt in prop.get("oneOf", prop.get("anyOf", [prop])) if alt.get("type") == "string")

    waitlist = string_of(schemas["WaitlistRequest"]["properties"]["phone"])
    booking = string_of(schemas["UserDetails"]["properties"]["phone"])
    assert waitlist.get("pattern") and waitlist["pattern"] == booking["pattern"]


def test_unknown_ids(api):
    r = _join(api, uuid.uuid4(), 1)
    assert r.status_code == 404 and r.json()["error"]["code"] == "SHOWTIME_NOT_FOUND"
    for r in (api.get(f"/api/waitlist/{uuid.uuid4()}"), api.delete(f"/api/waitlist/{uuid.uuid4()}")):
        assert r.status_code == 404 and r.json()["error"]["code"] == "WAITLIST_NOT_FOUND"


def test_offer_when_seats_come_free_then_book_and_leave(api, show):
    st, conn = show
    filler = _fill(conn, st)
    first = _join(api, st, 3)
    assert first.status_code == 201, first.text
    one = first.json()
    assert one["status"] == "WAITING" and one["position"] == 1 and one["waitlistId"]
    second = _join(api, st, 2, together=True)
    assert second.status_code == 201 and second.json()["position"] == 2
    two = second.json()
    got = api.get(f"/api/waitlist/{one['waitlistId']}").json()
    assert got["status"] == "WAITING" and got["showtimeId"] == st and got["quantity"] == 3 and "offer" not in got

    # the filler lets go: the first in line fits (3 of 4 seats), the pair behind it does not (1 seat left)
    conn.execute("SELECT booking.release_hold(%s, 'filler')", (filler,))
    got = _wait_status(api, one["waitlistId"], "OFFERED")
    assert got["status"] == "OFFERED", got
    offer = got["offer"]
    assert len(offer["seats"]) == 3 and offer["totalAmount"] == 30.0 and offer["holdId"] and offer["expiresAt"]
    assert api.get(f"/api/waitlist/{two['waitlistId']}").json()["status"] == "WAITING"
    locked = {r[0] for r in conn.execute("SELECT seat_id FROM booking.seat_map(%s) WHERE status = 'LOCKED'", (st,))}
    assert locked == {s["id"] for s in offer["seats"]}

    # the offer email, through the outbox
    row = conn.execute("SELECT id FROM booking.outbox WHERE waitlist_id = %s AND kind = 'WAITLIST_OFFER'",
                       (one["waitlistId"],)).fetchone()
    assert row is not None
    ctx = conn.execute("SELECT booking.mail_context(%s)", (row[0],)).fetchone()[0]
    msg = render(ctx, "Marquee <tickets@marquee.example>", "marquee.example", "https://cinema.example")
    assert msg["To"] == "Wai Ting <wait@example.com>"
    assert f"https://cinema.example/showtime/{st}?waitlist={one['waitlistId']}" in msg.get_body(("plain",)).get_content()

    # confirming the offer's hold is the normal confirm
    r = api.post("/api/bookings/confirm", json={"holdId": offer["holdId"],
                                                "userDetails": {"email": "wait@example.com", "name": "Wai Ting"}})
    assert r.status_code == 201, r.text
    assert api.get(f"/api/waitlist/{one['waitlistId']}").json()["status"] == "BOOKED"
    r = api.delete(f"/api/waitlist/{one['waitlistId']}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "WAITLIST_NOT_ACTIVE"

    # leaving, twice
    for _ in range(2):
        r = api.delete(f"/api/waitlist/{two['waitlistId']}")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "CANCELLED"


def test_admin_list_needs_an_operator(api, show):
    st, conn = show
    _fill(conn, st)
    wid = _join(api, st, 2).json()["waitlistId"]
    assert api.get(f"/api/admin/showtimes/{st}/waitlist").status_code == 401
    r = api.get(f"/api/admin/showtimes/{st}/waitlist", headers=ADMIN)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["showtimeId"] == st
    assert [(e["waitlistId"], e["email"], e["status"], e["position"]) for e in body["entries"]] == \
        [(wid, "wait@example.com", "WAITING", 1)]
    r = api.get(f"/api/admin/showtimes/{uuid.uuid4()}/waitlist", headers=ADMIN)
    assert r.status_code == 404 and r.json()["error"]["code"] == "SHOWTIME_NOT_FOUND"
