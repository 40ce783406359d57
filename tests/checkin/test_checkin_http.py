"""Check-in over HTTP (issue 19): tickets on the booking, each scan error code with its status, forged and
unknown-key codes, a cancelled booking's tickets VOID, two doors at once (exactly one ADMITTED), undo, the
manifest and offline sync."""

import base64
import threading
import uuid

import pytest

from marquee.checkin import codes

from .conftest import BOOTSTRAP


def err(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert body["code"] == code, r.text
    assert body["message"]
    return body["details"]


def scan(http, auth, code, **extra):
    return http.post("/api/checkin/scan", headers=auth, json={"code": code, **extra})


def test_a_paid_booking_lists_one_signed_ticket_per_seat(venue):
    b = venue.book(n=2)
    tickets = b["tickets"]
    assert len(tickets) == 2
    assert [set(t) for t in tickets] == [{"ticketId", "seatId", "rowLabel", "seatNumber", "code", "status"}] * 2
    assert {t["status"] for t in tickets} == {"VALID"}
    assert sorted(t["seatId"] for t in tickets) == sorted(s["id"] for s in b["seats"])
    for t in tickets:
        assert len(t["code"]) < 140 and codes.parse(t["code"]).ticket_id == uuid.UUID(t["ticketId"])
    again = venue.http.get(f"/api/bookings/{b['bookingReference']}", params={"email": b["email"]}).json()
    assert [t["code"] for t in again["tickets"]] == [t["code"] for t in tickets], "codes are the same every time"


def test_the_code_verifies_with_the_published_key(venue, door, http):
    b = venue.book()
    m = http.get(f"/api/checkin/showtimes/{venue.now_showtime}/manifest", headers=door)
    assert m.status_code == 200, m.text
    keys = {k["keyId"]: codes.unb64url(k["publicKey"]) for k in m.json()["keys"]}
    parsed = codes.verify(b["tickets"][0]["code"], keys)  # what an offline scanner does
    assert str(parsed.ticket_id) == b["tickets"][0]["ticketId"]


def test_scan_admits_once_then_already_used(venue, door, http):
    t = venue.book()["tickets"][0]
    r = scan(http, door, t["code"], door="North", showtimeId=venue.now_showtime)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["result"] == "ADMITTED"
    assert (body["ticketId"], body["seatId"], body["rowLabel"], body["seatNumber"]) == (
        t["ticketId"], t["seatId"], t["rowLabel"], t["seatNumber"])
    assert body["movie"] and body["startsAt"]
    d = err(scan(http, door, t["code"], door="South"), 409, "TICKET_ALREADY_USED")
    assert d["door"] == "North" and d["firstScannedAt"].startswith(body["scannedAt"][:19])


def test_forged_unknown_key_and_malformed_codes_are_invalid(venue, door, http, db):
    t = venue.book()["tickets"][0]
    raw = bytearray(codes.unb64url(t["code"]))
    raw[-5] ^= 0x01  # one flipped bit of the signature
    err(scan(http, door, codes.b64url(bytes(raw))), 422, "TICKET_INVALID")
    raw = bytearray(codes.unb64url(t["code"]))
    raw[-70] ^= 0x01  # one flipped bit of the ticket id
    err(scan(http, door, codes.b64url(bytes(raw))), 422, "TICKET_INVALID")
    kid, key = codes.new_key()  # a key the server never saw
    err(scan(http, door, codes.sign(key, kid, uuid.UUID(t["ticketId"]))), 422, "TICKET_INVALID")
    current = db.execute("SELECT key_id FROM booking.ticket_keys WHERE is_current").fetchone()[0]
    err(scan(http, door, codes.sign(key, current, uuid.UUID(t["ticketId"]))), 422, "TICKET_INVALID")  # right id, wrong key
    for junk in ["x", "not a code!", base64.urlsafe_b64encode(b"\x01\x02ab").decode()]:
        err(scan(http, door, junk), 422, "TICKET_INVALID")
    assert db.execute("SELECT count(*) FROM booking.checkins WHERE ticket_id = %s", (t["ticketId"],)).fetchone()[0] == 0
    assert scan(http, door, t["code"]).status_code == 200, "the genuine code still works"


def test_cancelled_booking_tickets_are_void(venue, door, http, db):
    b = venue.book(n=2)
    db.execute("SELECT booking.cancel(%s, 'test', NULL, 'operator', true)", (b["bookingId"],))
    got = http.get(f"/api/bookings/{b['bookingReference']}", params={"email": b["email"]}).json()
    assert {t["status"] for t in got["tickets"]} == {"VOID"}
    d = err(scan(http, door, got["tickets"][0]["code"]), 409, "TICKET_VOID")
    assert d["reason"] == "CANCELLED"


def test_wrong_showtime_and_too_early(venue, door, http):
    later = venue.showtime()
    t = venue.book()["tickets"][0]
    d = err(scan(http, door, t["code"], showtimeId=later), 409, "TICKET_WRONG_SHOWTIME")
    assert d["showtimeId"] == venue.now_showtime
    early = venue.book(later)["tickets"][0]
    d = err(scan(http, door, early["code"]), 409, "TICKET_TOO_EARLY")
    assert d["opensAt"]


def test_two_doors_at_the_same_instant_admit_exactly_once(venue, door, http):
    for _ in range(3):
        t = venue.book()["tickets"][0]
        barrier = threading.Barrier(4)
        results = []

        def go(name):
            barrier.wait()
            results.append(scan(http, door, t["code"], door=name))

        threads = [threading.Thread(target=go, args=(f"door-{i}",)) for i in range(4)]
        [th.start() for th in threads]
        [th.join() for th in threads]
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200, 409, 409, 409], [r.text for r in results]
        assert {r.json()["error"]["code"] for r in results if r.status_code == 409} == {"TICKET_ALREADY_USED"}


def test_undo_is_audited_and_readmits(venue, door, http, db):
    t = venue.book()["tickets"][0]
    assert scan(http, door, t["code"]).status_code == 200
    r = http.post("/api/checkin/undo", headers=door, json={"ticketId": t["ticketId"]})
    assert r.status_code == 200 and r.json()["status"] == "VALID", r.text
    assert db.execute("SELECT count(*) FROM booking.audit_log WHERE action = 'checkin.undo' AND entity_id = %s",
                      (t["ticketId"],)).fetchone()[0] == 1
    err(http.post("/api/checkin/undo", headers=door, json={"ticketId": t["ticketId"]}), 409, "TICKET_NOT_CHECKED_IN")
    err(http.post("/api/checkin/undo", headers=door, json={"ticketId": str(uuid.uuid4())}), 422, "TICKET_INVALID")
    assert scan(http, door, t["code"]).status_code == 200


def test_who_may_scan(venue, http):
    t = venue.book()["tickets"][0]
    err(scan(http, {}, t["code"]), 401, "UNAUTHORIZED")
    err(scan(http, venue.key("ANALYST"), t["code"]), 403, "FORBIDDEN")
    err(scan(http, venue.key("DOOR", [venue.other_cinema]), t["code"]), 403, "FORBIDDEN")
    err(http.get(f"/api/checkin/showtimes/{venue.now_showtime}/manifest", headers=venue.key("BOX_OFFICE")), 403, "FORBIDDEN")
    assert scan(http, BOOTSTRAP, t["code"]).status_code == 200  # an OWNER may


def test_manifest_and_offline_sync(venue, door, http, db):
    show = venue.showtime()
    a = venue.book(show, n=3)
    void = venue.book(show)
    db.execute("SELECT booking.cancel(%s, 'test', NULL, 'operator', true)", (void["bookingId"],))
    m = http.get(f"/api/checkin/showtimes/{show}/manifest", headers=door)
    assert m.status_code == 200, m.text
    body = m.json()
    ids = [t["ticketId"] for t in a["tickets"]]
    assert set(ids) <= set(body["validTicketIds"]) and void["tickets"][0]["ticketId"] in body["voidTicketIds"]
    assert body["keys"] and body["scans"] == []
    err(http.get(f"/api/checkin/showtimes/{uuid.uuid4()}/manifest", headers=door), 404, "SHOWTIME_NOT_FOUND")
    scans = [
        {"ticketId": ids[0], "scannedAt": "2030-01-01T10:05:00Z", "door": "East", "deviceId": "d1"},
        {"ticketId": ids[0], "scannedAt": "2030-01-01T10:01:00Z", "door": "West", "deviceId": "d2"},
        {"ticketId": ids[1], "scannedAt": "2030-01-01T10:02:00Z", "door": "West", "deviceId": "d2"},
        {"ticketId": void["tickets"][0]["ticketId"], "scannedAt": "2030-01-01T10:03:00Z", "door": "West", "deviceId": "d2"},
    ]
    r = http.post("/api/checkin/sync", headers=door, json=scans)
    assert r.status_code == 200, r.text
    out = r.json()
    assert [x["result"] for x in out["results"]] == ["DUPLICATE", "ADMITTED", "ADMITTED", "CONFLICT"]
    assert out["results"][0]["firstDeviceId"] == "d2" and out["results"][0]["firstDoor"] == "West"
    assert (out["admitted"], out["duplicates"], out["conflicts"]) == (2, 1, 1)
    # the same upload again: all duplicates (idempotent), the void one a conflict again
    again = http.post("/api/checkin/sync", headers=door, json=scans).json()
    assert [x["result"] for x in again["results"]] == ["DUPLICATE", "DUPLICATE", "DUPLICATE", "CONFLICT"]
    assert len(http.get(f"/api/checkin/showtimes/{show}/manifest", headers=door).json()["scans"]) == 2
    err(http.post("/api/checkin/sync", headers=door, json=[{"ticketId": "nope"}]), 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": "x" * 401}, {"code": "abc", "showtimeId": "nope"}])
def test_bad_scan_bodies_are_validation_errors(door, http, body):
    err(http.post("/api/checkin/scan", headers=door, json=body), 422, "VALIDATION_ERROR")
