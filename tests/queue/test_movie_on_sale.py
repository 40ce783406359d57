"""Issue 20's "or for all showtimes of a movie": PUT/GET/DELETE /api/admin/movies/{movieId}/on-sale[?cinemaId=]
schedules the same on-sale on every showtime of the movie that has not started and is not cancelled; all or nothing
(a manager of one cinema must name it: FORBIDDEN, nothing changed, otherwise); 404 for an unknown movie or cinema,
422 for bad input."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from .conftest import BOOTSTRAP


@pytest.fixture()
def movie(http, db):
    """A new movie with two future showtimes in one demo cinema and one in another, and a cancelled one."""
    r = http.post("/api/admin/movies", headers=BOOTSTRAP, json={"title": f"Premiere {uuid.uuid4().hex[:6]}",
                                                                 "durationMinutes": 100})
    assert r.status_code == 201, r.text
    movie = r.json()["id"]
    (a1, c1), (a2, c2) = db.execute(
        "SELECT DISTINCT ON (a.cinema_id) a.id::text, a.cinema_id::text FROM booking.auditoriums a "
        "ORDER BY a.cinema_id, a.name LIMIT 2").fetchall()
    base = datetime(2036, 1, 1, tzinfo=timezone.utc) + timedelta(days=uuid.uuid4().int % 3000)
    made = []
    for i, aud in enumerate([a1, a1, a2, a1]):
        r = http.post("/api/admin/showtimes", headers=BOOTSTRAP, json={
            "movieId": movie, "auditoriumId": aud, "startsAt": (base + timedelta(hours=4 * i)).isoformat(),
            "prices": {"STANDARD": 10.00}})
        assert r.status_code == 201, r.text
        made.append(r.json()["id"])
    assert http.post(f"/api/admin/showtimes/{made[3]}/cancel", headers=BOOTSTRAP).status_code == 200
    return {"id": movie, "cinema": c1, "other_cinema": c2, "showtimes": made[:2], "other": made[2],
            "cancelled": made[3]}


def schedules(db, showtime_ids) -> dict:
    rows = db.execute("SELECT showtime_id::text, opens_at, queue, admit_per_minute FROM booking.on_sales "
                      "WHERE showtime_id = ANY (%s::uuid[])", (list(showtime_ids),)).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_all_showtimes_of_a_movie(http, db, movie):
    opens = datetime.now(timezone.utc) + timedelta(hours=3)
    path = f"/api/admin/movies/{movie['id']}/on-sale"
    body = {"opensAt": opens.isoformat(), "queue": True, "admitPerMinute": 120}
    assert http.put(path, json=body).status_code == 401

    r = http.put(path, headers=BOOTSTRAP, json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    live = movie["showtimes"] + [movie["other"]]
    assert out["movieId"] == movie["id"] and out["cinemaId"] is None and out["count"] == 3
    assert {s["showtimeId"] for s in out["showtimes"]} == set(live)
    assert all(s["admitPerMinute"] == 120 and s["admissionMinutes"] == 10 and s["queue"] for s in out["showtimes"])
    got = schedules(db, live + [movie["cancelled"]])
    assert set(got) == set(live) and all(v == (opens, True, 120) for v in got.values())
    # each showtime's own GET shows it, and holds wait for the opening
    one = http.get(f"/api/admin/showtimes/{movie['showtimes'][0]}/on-sale", headers=BOOTSTRAP)
    assert one.status_code == 200 and datetime.fromisoformat(one.json()["opensAt"]) == opens
    hold = http.post("/api/bookings/hold", json={"showtimeId": movie["other"], "seatIds": ["seat-a1"],
                                                 "sessionToken": "early"})
    assert hold.status_code == 403 and hold.json()["error"]["code"] == "NOT_YET_ON_SALE"

    listed = http.get(path, headers=BOOTSTRAP, params={"cinemaId": movie["cinema"]})
    assert listed.status_code == 200 and listed.json()["count"] == 2
    assert {s["showtimeId"] for s in listed.json()["showtimes"]} == set(movie["showtimes"])

    # one cinema only: a new schedule there, the other cinema's is kept
    later = opens + timedelta(hours=1)
    r = http.put(path, headers=BOOTSTRAP, params={"cinemaId": movie["cinema"]},
                 json={"opensAt": later.isoformat(), "queue": False})
    assert r.status_code == 200 and r.json()["count"] == 2 and r.json()["cinemaId"] == movie["cinema"]
    got = schedules(db, live)
    assert got[movie["other"]] == (opens, True, 120)
    assert all(got[s] == (later, False, None) for s in movie["showtimes"])
    assert db.execute("SELECT count(*) FROM booking.audit_log WHERE action = 'showtime.on_sale' AND entity_id = ANY (%s)",
                      (live,)).fetchone()[0] == 5

    # cancel them all
    r = http.delete(path, headers=BOOTSTRAP)
    assert r.status_code == 200 and r.json()["count"] == 3
    assert schedules(db, live) == {}
    again = http.delete(path, headers=BOOTSTRAP)
    assert again.status_code == 200 and again.json()["count"] == 0
    assert http.get(path, headers=BOOTSTRAP).json()["count"] == 0


def test_errors(http, db, movie):
    path = f"/api/admin/movies/{movie['id']}/on-sale"
    now = datetime.now(timezone.utc).isoformat()
    r = http.put(f"/api/admin/movies/{uuid.uuid4()}/on-sale", headers=BOOTSTRAP, json={"opensAt": now})
    assert r.status_code == 404 and r.json()["error"]["code"] == "MOVIE_NOT_FOUND"
    r = http.put(path, headers=BOOTSTRAP, params={"cinemaId": str(uuid.uuid4())}, json={"opensAt": now})
    assert r.status_code == 404 and r.json()["error"]["code"] == "CINEMA_NOT_FOUND"
    for bad in ({}, {"opensAt": "soon"}, {"opensAt": now, "admitPerMinute": 0},
                {"opensAt": now, "admissionMinutes": 2000}):
        r = http.put(path, headers=BOOTSTRAP, json=bad)
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR", (bad, r.text)
    assert http.get(path, headers=BOOTSTRAP, params={"cinemaId": "x"}).status_code == 422
    assert http.get(f"/api/admin/movies/{uuid.uuid4()}/on-sale", headers=BOOTSTRAP).status_code == 404
    assert schedules(db, movie["showtimes"] + [movie["other"]]) == {}


def test_a_manager_of_one_cinema_names_it(http, db, movie):
    """All or nothing: without cinemaId the movie's showtimes in the other cinema make it FORBIDDEN, nothing set."""
    email = f"mgr.{uuid.uuid4().hex[:6]}@queue.example"
    assert http.post("/api/admin/operators", headers=BOOTSTRAP, json={
        "email": email, "name": "Queue Manager", "password": "a long password", "role": "MANAGER",
        "cinemaIds": [movie["cinema"]]}).status_code == 201
    token = http.post("/api/auth/login", json={"email": email, "password": "a long password"}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    path = f"/api/admin/movies/{movie['id']}/on-sale"
    body = {"opensAt": (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()}
    r = http.put(path, headers=auth, json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN", r.text
    assert schedules(db, movie["showtimes"] + [movie["other"]]) == {}
    r = http.put(path, headers=auth, params={"cinemaId": movie["other_cinema"]}, json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"
    r = http.put(path, headers=auth, params={"cinemaId": movie["cinema"]}, json=body)
    assert r.status_code == 200 and r.json()["count"] == 2, r.text
    assert set(schedules(db, movie["showtimes"] + [movie["other"]])) == set(movie["showtimes"])
    assert http.delete(path, headers=auth).status_code == 403
    assert http.delete(path, headers=auth, params={"cinemaId": movie["cinema"]}).json()["count"] == 2


def new_showtime(http, movie: str, auditorium: str, headers=BOOTSTRAP) -> str:
    starts = datetime(2036, 1, 1, tzinfo=timezone.utc) + timedelta(days=uuid.uuid4().int % 3000, hours=2)
    r = http.post("/api/admin/showtimes", headers=headers, json={
        "movieId": movie, "auditoriumId": auditorium, "startsAt": starts.isoformat(), "prices": {"STANDARD": 10.00}})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_a_showtime_scheduled_after_the_movie_on_sale_gets_it_too(http, db, movie):
    """The movie's schedule stands: a showtime of the movie created after PUT .../movies/{id}/on-sale goes on sale
    the same way (its cinema's standing schedule before the chain-wide one); after DELETE, none."""
    a1, a2 = (db.execute("SELECT auditorium_id::text FROM booking.showtimes WHERE id = %s", (s,)).fetchone()[0]
              for s in (movie["showtimes"][0], movie["other"]))
    path = f"/api/admin/movies/{movie['id']}/on-sale"
    opens = datetime.now(timezone.utc) + timedelta(hours=2)
    r = http.put(path, headers=BOOTSTRAP, json={"opensAt": opens.isoformat(), "admitPerMinute": 60})
    assert r.status_code == 200, r.text
    assert [(s["cinemaId"], s["admitPerMinute"], s["queue"]) for s in r.json()["standing"]] == [(None, 60, True)]

    later = new_showtime(http, movie["id"], a2)
    got = http.get(f"/api/admin/showtimes/{later}/on-sale", headers=BOOTSTRAP)
    assert got.status_code == 200, got.text
    assert datetime.fromisoformat(got.json()["opensAt"]) == opens and got.json()["admitPerMinute"] == 60
    hold = http.post("/api/bookings/hold", json={"showtimeId": later, "seatIds": ["seat-a1"], "sessionToken": "early"})
    assert hold.status_code == 403 and hold.json()["error"]["code"] == "NOT_YET_ON_SALE"
    assert http.post(f"/api/showtimes/{later}/queue", json={"sessionToken": "q-1"}).status_code == 201
    assert later in {s["showtimeId"] for s in http.get(path, headers=BOOTSTRAP).json()["showtimes"]}

    # the first cinema gets a schedule of its own: new showtimes there take it, the other cinema keeps the movie's
    own = opens + timedelta(hours=1)
    r = http.put(path, headers=BOOTSTRAP, params={"cinemaId": movie["cinema"]},
                 json={"opensAt": own.isoformat(), "queue": False})
    assert {s["cinemaId"] for s in r.json()["standing"]} == {None, movie["cinema"]}
    here, there = new_showtime(http, movie["id"], a1), new_showtime(http, movie["id"], a2)
    got = schedules(db, [here, there])
    assert got[here] == (own, False, None) and got[there] == (opens, True, 60)

    # DELETE without cinemaId: no standing schedule left; a showtime created afterwards is on sale at once
    r = http.delete(path, headers=BOOTSTRAP)
    assert r.status_code == 200 and r.json()["standing"] == []
    after = new_showtime(http, movie["id"], a1)
    assert http.get(f"/api/admin/showtimes/{after}/on-sale", headers=BOOTSTRAP).json()["error"]["code"] == \
        "ON_SALE_NOT_FOUND"


def test_a_managers_movie_on_sale_stands_only_in_their_cinema(http, db, movie):
    """A manager of one cinema sets the movie's on-sale there: a later showtime in the other cinema is not covered."""
    a1, a2 = (db.execute("SELECT auditorium_id::text FROM booking.showtimes WHERE id = %s", (s,)).fetchone()[0]
              for s in (movie["showtimes"][0], movie["other"]))
    email = f"mgr.{uuid.uuid4().hex[:6]}@queue.example"
    assert http.post("/api/admin/operators", headers=BOOTSTRAP, json={
        "email": email, "name": "Queue Manager", "password": "a long password", "role": "MANAGER",
        "cinemaIds": [movie["cinema"]]}).status_code == 201
    token = http.post("/api/auth/login", json={"email": email, "password": "a long password"}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    path = f"/api/admin/movies/{movie['id']}/on-sale"
    opens = datetime.now(timezone.utc) + timedelta(hours=1)
    r = http.put(path, headers=auth, params={"cinemaId": movie["cinema"]}, json={"opensAt": opens.isoformat()})
    assert r.status_code == 200, r.text
    here, there = new_showtime(http, movie["id"], a1), new_showtime(http, movie["id"], a2)
    assert set(schedules(db, [here, there])) == {here}
    # removing it with cinemaId removes the standing schedule too
    r = http.delete(path, headers=auth, params={"cinemaId": movie["cinema"]})
    assert r.status_code == 200 and r.json()["standing"] == []
    assert set(schedules(db, [new_showtime(http, movie["id"], a1)])) == set()
