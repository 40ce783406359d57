"""Issue 20 over HTTP: the on-sale schedule, NOT_YET_ON_SALE on holds (single and group-commit paths), joining the
waiting room (idempotent), admission with X-Admission-Token bound to the session, ADMISSION_REQUIRED /
ADMISSION_EXPIRED, leaving, SOLD_OUT, 404 and 422."""

import itertools
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from .conftest import BOOTSTRAP

_slots = itertools.count()


def _iso(dt: datetime) -> str:
    return dt.isoformat()


@pytest.fixture()
def showtime(http, db):
    """A new showtime of a demo auditorium in a free slot far in the future."""
    movie, auditorium = db.execute(
        # a movie without a standing on-sale (booking.movie_on_sales): its new showtime has no schedule of its own
        "SELECT (SELECT id::text FROM booking.movies m WHERE NOT EXISTS (SELECT 1 FROM booking.movie_on_sales s "
        "        WHERE s.movie_id = m.id) ORDER BY title LIMIT 1), "
        "(SELECT id::text FROM booking.auditoriums ORDER BY name LIMIT 1)").fetchone()
    for _ in range(200):
        start = datetime(2034, 1, 1, tzinfo=timezone.utc) + timedelta(hours=5 * next(_slots) + 5 * 24 * (uuid.uuid4().int % 300))
        r = http.post("/api/admin/showtimes", headers=BOOTSTRAP, json={
            "movieId": movie, "auditoriumId": auditorium, "startsAt": _iso(start),
            "prices": {"STANDARD": 10.00, "PREMIUM": 12.00, "VIP": 15.00, "WHEELCHAIR": 10.00}})
        if r.status_code == 201:
            return r.json()["id"]
        assert r.json()["error"]["code"] == "SHOWTIME_OVERLAP", r.text
    raise AssertionError("no free slot")


def seats(http, showtime, n):
    m = http.get(f"/api/showtimes/{showtime}/seats").json()
    free = [s["id"] for row in m["layout"]["rows"] for s in row["seats"] if s["status"] == "AVAILABLE"]
    return free[:n]


def hold(http, showtime, seat_ids, token, admission=None):
    headers = {"X-Admission-Token": admission} if admission else {}
    return http.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": seat_ids, "sessionToken": token},
                     headers=headers)


def test_on_sale_schedule_and_not_yet_on_sale(http, showtime):
    opens = datetime.now(timezone.utc) + timedelta(hours=1)
    r = http.put(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP,
                 json={"opensAt": _iso(opens), "queue": False})
    assert r.status_code == 200, r.text
    assert r.json()["admissionMinutes"] == 10 and r.json()["queue"] is False
    got = http.get(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP)
    assert got.status_code == 200 and datetime.fromisoformat(got.json()["opensAt"]) == opens
    seat = seats(http, showtime, 1)
    r = hold(http, showtime, seat, "early-bird")
    assert r.status_code == 403, r.text
    err = r.json()["error"]
    assert err["code"] == "NOT_YET_ON_SALE" and datetime.fromisoformat(err["details"]["opensAt"]) == opens
    # many at once go through group commit (hold_batch): each is refused the same way
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: hold(http, showtime, seats(http, showtime, 1), f"rush-{i}"), range(16)))
    assert {a.status_code for a in answers} == {403}
    assert {a.json()["error"]["code"] for a in answers} == {"NOT_YET_ON_SALE"}
    assert http.delete(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP).status_code == 200
    assert http.get(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP).json()["error"]["code"] == "ON_SALE_NOT_FOUND"
    assert hold(http, showtime, seat, "early-bird").status_code == 201


def test_bad_input(http, showtime):
    r = http.put(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP, json={"opensAt": "tomorrow"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    r = http.put(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP,
                 json={"opensAt": _iso(datetime.now(timezone.utc)), "admitPerMinute": 0})
    assert r.status_code == 422
    assert http.put(f"/api/admin/showtimes/{uuid.uuid4()}/on-sale", headers=BOOTSTRAP,
                    json={"opensAt": _iso(datetime.now(timezone.utc))}).status_code == 404
    assert http.post(f"/api/showtimes/{showtime}/queue", json={}).status_code == 422
    assert http.post(f"/api/showtimes/{showtime}/queue", json={"sessionToken": ""}).status_code == 422
    r = http.post(f"/api/showtimes/{showtime}/queue", json={"sessionToken": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "QUEUE_NOT_ENABLED"
    r = http.get(f"/api/queue/{uuid.uuid4()}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "QUEUE_NOT_FOUND"
    assert http.get(f"/api/queue/{uuid.uuid4()}/events").status_code == 404
    assert http.get("/api/queue/not-a-uuid").status_code in (404, 422)


def test_waiting_admission_and_tokens(http, db, showtime):
    opens = datetime.now(timezone.utc) + timedelta(hours=1)
    assert http.put(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP, json={
        "opensAt": _iso(opens), "queue": True, "admitPerMinute": 1, "admissionMinutes": 5}).status_code == 200
    tokens = [f"buyer-{uuid.uuid4().hex[:8]}" for _ in range(5)]
    joined = []
    for t in tokens:
        r = http.post(f"/api/showtimes/{showtime}/queue", json={"sessionToken": t})
        assert r.status_code == 201, r.text
        body = r.json()
        assert set(body) >= {"queueId", "position", "status", "opensAt", "estimatedWaitSeconds"}
        assert body["status"] == "WAITING" and "admissionToken" not in body and body["estimatedWaitSeconds"] >= 3000
        joined.append(body)
    again = http.post(f"/api/showtimes/{showtime}/queue", json={"sessionToken": tokens[0]})
    assert again.status_code == 201 and again.json()["queueId"] == joined[0]["queueId"]

    # the opening (moved to now), the draw and one admission by hand (as a DBA would)
    db.execute("UPDATE booking.on_sales SET opens_at = now() - interval '1 second' WHERE showtime_id = %s", (showtime,))
    seat = seats(http, showtime, 2)
    r = hold(http, showtime, seat[:1], tokens[0])
    assert r.status_code == 403 and r.json()["error"]["code"] == "ADMISSION_REQUIRED"
    entries = [http.get(f"/api/queue/{j['queueId']}").json() for j in joined]
    assert sorted(e["position"] for e in entries) == [1, 2, 3, 4, 5], entries
    assert db.execute("SELECT booking_ops.queue_admit(%s, 1)", (showtime,)).fetchone()[0] >= 1
    entries = [http.get(f"/api/queue/{j['queueId']}").json() for j in joined]
    admitted = [(t, e) for t, e in zip(tokens, entries) if e["status"] == "ADMITTED"]
    assert admitted, entries
    token, entry = admitted[0]
    assert entry["admissionToken"] and entry["admittedUntil"] and entry["showtimeId"] == showtime
    waiting = [e for e in entries if e["status"] == "WAITING"]
    assert sorted(e["position"] for e in waiting) == list(range(1, len(waiting) + 1))  # moved forward

    # the token is bound to its session; a wrong one is refused
    other = next(t for t in tokens if t != token)
    r = hold(http, showtime, seat[:1], other, entry["admissionToken"])
    assert r.status_code == 403 and r.json()["error"]["code"] == "ADMISSION_REQUIRED"
    r = hold(http, showtime, seat[:1], token, "not-the-token")
    assert r.status_code == 403 and r.json()["error"]["code"] == "ADMISSION_REQUIRED"
    r = hold(http, showtime, seat[:1], token, entry["admissionToken"])
    assert r.status_code == 201, r.text
    # the window ends: ADMISSION_EXPIRED
    db.execute("UPDATE booking.queue_entries SET admitted_until = now() - interval '1 second' WHERE id = %s",
               (entry["queueId"],))
    r = hold(http, showtime, seat[1:2], token, entry["admissionToken"])
    assert r.status_code == 403 and r.json()["error"]["code"] == "ADMISSION_EXPIRED", r.text
    assert http.get(f"/api/queue/{entry['queueId']}").json()["status"] == "EXPIRED"

    # leaving needs the entry's session; then the entry is EXPIRED
    w = next(j for j, e in zip(joined, entries) if e["status"] == "WAITING")
    assert http.delete(f"/api/queue/{w['queueId']}", headers={"X-Session-Token": "someone-else"}).status_code == 404
    left = http.delete(f"/api/queue/{w['queueId']}", headers={"X-Session-Token": tokens[joined.index(w)]})
    assert left.status_code == 200 and left.json()["status"] == "EXPIRED"

    # admin view
    st = http.get(f"/api/admin/showtimes/{showtime}/queue", headers=BOOTSTRAP)
    assert st.status_code == 200 and st.json()["waiting"] == 3 and st.json()["admissionRate"] == 1


def test_sold_out_tells_everyone_waiting(http, db, showtime):
    assert http.put(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP, json={
        "opensAt": _iso(datetime.now(timezone.utc) - timedelta(seconds=1)), "admitPerMinute": 1}).status_code == 200
    db.execute("UPDATE booking.on_sales SET paused = true WHERE showtime_id = %s", (showtime,))
    ids = [http.post(f"/api/showtimes/{showtime}/queue", json={"sessionToken": f"so-{i}-{uuid.uuid4().hex[:6]}"}).json()["queueId"]
           for i in range(3)]
    all_seats = seats(http, showtime, 10000)
    r = http.post(f"/api/admin/showtimes/{showtime}/block", headers=BOOTSTRAP, json={"seatIds": all_seats, "reason": "sold"})
    assert r.status_code in (200, 201), r.text
    db.execute("SELECT booking.queue_tick()")
    assert {http.get(f"/api/queue/{i}").json()["status"] for i in ids} == {"SOLD_OUT"}
    late = http.post(f"/api/showtimes/{showtime}/queue", json={"sessionToken": "too-late"})
    assert late.status_code == 201 and late.json()["status"] == "SOLD_OUT"


def test_events_stream(http, db, showtime):
    assert http.put(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP, json={
        "opensAt": _iso(datetime.now(timezone.utc) - timedelta(seconds=1)), "admitPerMinute": 1}).status_code == 200
    db.execute("UPDATE booking.on_sales SET paused = true WHERE showtime_id = %s", (showtime,))
    q = http.post(f"/api/showtimes/{showtime}/queue", json={"sessionToken": f"sse-{uuid.uuid4().hex[:6]}"}).json()
    events = []
    with http.stream("GET", f"/api/queue/{q['queueId']}/events") as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("event:"):
                events.append(line.split(":", 1)[1].strip())
            if line.startswith("data:"):
                import json
                data = json.loads(line[5:])
                if data["status"] == "WAITING":
                    db.execute("SELECT booking_ops.queue_admit(%s, 1)", (showtime,))
                elif data["status"] == "ADMITTED":
                    assert data["admissionToken"]
                    break
    assert events.count("queue:updated") == 2
