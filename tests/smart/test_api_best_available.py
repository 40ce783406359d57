"""POST /api/bookings/hold with bestAvailable and channel, through the real API process and database."""

import uuid

import httpx
import psycopg
import pytest
from psycopg.types.json import Jsonb


@pytest.fixture(scope="module")
def hall(db_url):
    """A committed 2-row hall (A1-A6, B1-B6), lone-seat rule on, B1-B2 kept for the box office."""
    tag = uuid.uuid4().hex[:8]
    layout = {"rows": [{"label": r, "seats": [{"number": n} for n in range(1, 7)]} for r in "AB"]}
    with psycopg.connect(db_url, autocommit=True) as conn:
        cinema = conn.execute("SELECT booking.create_cinema(%s, 'API', 'Europe/London', 'GBP')",
                              (f"Smart API {tag}",)).fetchone()[0]
        aud = conn.execute("SELECT booking.create_auditorium(%s, 'Hall', %s)", (cinema, Jsonb(layout))).fetchone()[0]
        movie = conn.execute("SELECT booking.create_movie(%s, 95)", (f"Smart API {tag}",)).fetchone()[0]
        st = conn.execute("SELECT booking.create_showtime(%s, %s, date_trunc('hour', now()) + interval '2 days',"
                          " '{\"STANDARD\": 11.50}')", (movie, aud)).fetchone()[0]
        conn.execute("SELECT booking.set_lone_seat_rule(%s, true)", (st,))
        conn.execute("SELECT booking.allocate_channel_seats(%s, '{seat-b1,seat-b2}', 'boxoffice')", (st,))
    return str(st)


@pytest.fixture(scope="module")
def api(api_server):
    with httpx.Client(base_url=api_server, timeout=30) as c:
        yield c


def _hold(api, body: dict) -> httpx.Response:
    return api.post("/api/bookings/hold", json=body)


def test_best_available_holds_the_best_pair(api, hall):
    r = _hold(api, {"showtimeId": hall, "sessionToken": f"t-{uuid.uuid4()}",
                    "bestAvailable": {"quantity": 2, "types": ["STANDARD"], "together": True}})
    assert r.status_code == 201, r.text
    body = r.json()
    # focal point: centre x, two thirds back = row B; B1-B2 are the box office's, so B3-B4 (leaving B1-B2, B5-B6)
    assert [s["id"] for s in body["seats"]] == ["seat-b3", "seat-b4"]
    assert body["totalAmount"] == 23.00 and '"totalAmount":23.00' in r.text.replace(" ", "")
    assert body["holdId"] and body["expiresAt"]


def test_best_available_not_found_is_a_stable_409(api, hall):
    r = _hold(api, {"showtimeId": hall, "sessionToken": "t-none", "bestAvailable": {"quantity": 7}})
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "BEST_AVAILABLE_NOT_FOUND"


def test_seat_ids_or_best_available_not_both(api, hall):
    r = _hold(api, {"showtimeId": hall, "sessionToken": "t-both", "seatIds": ["seat-a5"],
                    "bestAvailable": {"quantity": 1}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    r = _hold(api, {"showtimeId": hall, "sessionToken": "t-neither"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    r = _hold(api, {"showtimeId": hall, "sessionToken": "t-zero", "bestAvailable": {"quantity": 0}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"


def test_lone_seat_is_refused_with_the_seat_to_add(api, hall):
    r = _hold(api, {"showtimeId": hall, "sessionToken": "t-lone", "seatIds": ["seat-a5"]})
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "SEAT_LONE" and err["details"]["seatIds"] == ["seat-a6"]


def test_channel_seats_only_through_their_channel(api, hall):
    r = _hold(api, {"showtimeId": hall, "sessionToken": "t-web", "seatIds": ["seat-b1", "seat-b2"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "CHANNEL_RESERVED"
    r = _hold(api, {"showtimeId": hall, "sessionToken": "t-box", "seatIds": ["seat-b1", "seat-b2"],
                    "channel": "boxoffice"})
    assert r.status_code == 201, r.text
    assert [s["id"] for s in r.json()["seats"]] == ["seat-b1", "seat-b2"]


ADMIN = {"Authorization": "Bearer test-admin-token", "X-Operator": "ops-carla"}  # X-Operator is ignored now


def test_operator_endpoints_and_history(api, hall, db_url):
    allocation = {"channel": "partner", "seatIds": ["seat-a3", "seat-a4"]}
    r = api.post(f"/api/admin/showtimes/{hall}/channels", json=allocation)
    assert r.status_code == 401, "operator endpoints need the bearer token"
    r = api.post(f"/api/admin/showtimes/{hall}/channels", headers=ADMIN, json=allocation)
    assert r.status_code == 200 and r.json() == {"channel": "partner", "allocated": 2}, r.text
    features = {f["id"]: f for f in api.get(f"/api/showtimes/{hall}/seat-features").json()}
    assert features["seat-a3"]["channel"] == "partner" and features["seat-a3"]["reservedForOtherChannel"] is True
    r = _hold(api, {"showtimeId": hall, "sessionToken": "t-p", "bestAvailable": {"quantity": 2}, "channel": "partner"})
    assert r.status_code == 201 and [s["id"] for s in r.json()["seats"]] == ["seat-a3", "seat-a4"], r.text
    r = api.post(f"/api/admin/showtimes/{hall}/channels/partner/release", headers=ADMIN, json={})
    assert r.status_code == 200 and r.json()["released"] == 2, r.text

    r = api.put(f"/api/admin/showtimes/{hall}/lone-seat-rule", headers=ADMIN, json={"enabled": False})
    assert r.status_code == 200 and r.json()["enabled"] is False
    r = _hold(api, {"showtimeId": hall, "sessionToken": "t-lone2", "seatIds": ["seat-a6"]})
    assert r.status_code == 201, "with the rule off a single seat next to a gap is fine"
    api.put(f"/api/admin/showtimes/{hall}/lone-seat-rule", headers=ADMIN, json={"enabled": True})

    r = api.get(f"/api/admin/showtimes/{hall}/seat-history", headers=ADMIN, params={"seatId": "seat-a3"})
    assert r.status_code == 200, r.text
    assert [(e["from"], e["to"], e["actorKind"]) for e in r.json()] == [("AVAILABLE", "LOCKED", "SESSION")]
    r = api.get(f"/api/admin/showtimes/{hall}/seat-history", headers=ADMIN, params={"seatId": "seat-zz9"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "SEAT_NOT_FOUND"
    with psycopg.connect(db_url) as conn:
        actor = conn.execute("SELECT actor FROM booking.audit_log WHERE action = 'seats.allocate_channel'"
                             " AND entity_id = %s AND details ->> 'channel' = 'partner'", (hall,)).fetchone()[0]
    assert actor == "api-key:ADMIN_TOKEN (bootstrap)", "operator actions are audited with the verified actor, never a header"
