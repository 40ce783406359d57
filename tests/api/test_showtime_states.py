"""Started, sold-out and few-seats showtimes: onSale / availableSeats / fewSeatsLeft in the API, badges (words, not
colour alone) on the home page. The "few seats" threshold is the setting few_seats_left (booking.settings)."""

from datetime import datetime, timedelta, timezone

from .conftest import ADMIN


def _cinema_of(db, auditorium_id):
    return db.execute("SELECT cinema_id, (SELECT time_zone FROM booking.cinemas c WHERE c.id = a.cinema_id) "
                      "FROM booking.auditoriums a WHERE id = %s", (auditorium_id,)).fetchone()


def test_started_sold_out_and_few_seats(client, db, grand):
    movie_id, auditorium_id = grand
    cinema_id, zone = _cinema_of(db, auditorium_id)
    r = client.post("/api/admin/movies", headers=ADMIN, json={"title": "States Test Movie", "durationMinutes": 30})
    movie = r.json()["id"]
    now = datetime.now(timezone.utc).replace(microsecond=0)
    started = client.post("/api/admin/showtimes", headers=ADMIN, json={
        "movieId": movie, "auditoriumId": str(auditorium_id), "startsAt": (now - timedelta(minutes=5)).isoformat(),
        "prices": {"STANDARD": 12.00, "PREMIUM": 15.00, "VIP": 20.00}})
    assert started.status_code in (201, 409), started.text  # 409: another test's showtime is in the Grand now
    # The demo's schedule fills the Grand at fixed local times: take the first free slot from six hours on.
    for step in range(48):
        starts = now + timedelta(hours=6, minutes=20 * step)
        later = client.post("/api/admin/showtimes", headers=ADMIN, json={
            "movieId": movie, "auditoriumId": str(auditorium_id), "startsAt": starts.isoformat(),
            "prices": {"STANDARD": 12.00, "PREMIUM": 15.00, "VIP": 20.00}})
        if later.status_code != 409:
            break
    assert later.status_code == 201, later.text
    later_id = later.json()["id"]
    day = db.execute("SELECT booking.local_date(%s, %s)", (starts, zone)).fetchone()[0]

    def listed():
        r = client.get(f"/api/showtimes/movie/{movie}", params={"cinema": str(cinema_id), "date": day.isoformat()})
        assert r.status_code == 200, r.text
        return {s["id"]: s for s in r.json()}

    shows = listed()
    assert shows[later_id]["onSale"] is True and shows[later_id]["availableSeats"] > 10
    assert shows[later_id]["fewSeatsLeft"] is False
    if started.status_code == 201 and started.json()["id"] in shows:
        assert shows[started.json()["id"]]["onSale"] is False

    # block all but 3 seats: few seats left; then all: sold out
    codes = [r[0] for r in db.execute("SELECT code FROM booking.seats WHERE auditorium_id = %s AND is_active "
                                      "ORDER BY code", (auditorium_id,)).fetchall()]
    assert client.post(f"/api/admin/showtimes/{later_id}/block", headers=ADMIN,
                       json={"seatIds": codes[3:], "reason": "test"}).status_code == 200
    assert listed()[later_id]["fewSeatsLeft"] is True and listed()[later_id]["availableSeats"] == 3
    page = client.get("/", params={"cinema": str(cinema_id), "date": day.isoformat()}).text
    assert "Few seats left: 3" in page
    assert client.post(f"/api/admin/showtimes/{later_id}/block", headers=ADMIN,
                       json={"seatIds": codes[:3], "reason": "test"}).status_code == 200
    assert listed()[later_id]["availableSeats"] == 0 and listed()[later_id]["fewSeatsLeft"] is False
    page = client.get("/", params={"cinema": str(cinema_id), "date": day.isoformat()}).text
    assert "Sold out" in page and ": sold out" in page
    started_day = db.execute("SELECT booking.local_date(%s, %s)", (now - timedelta(minutes=5), zone)).fetchone()[0]
    if started.status_code == 201 and started_day == day:
        assert "Started" in page


def test_head_is_answered_on_every_get(client, showtime):
    for path in ("/", "/api/cinemas", f"/api/showtimes/{showtime}/seats", "/health/live", "/static/app.css",
                 "/schema/openapi.json", f"/api/showtimes/{showtime}/events"):
        get = client.get(path) if not path.endswith("/events") else None
        head = client.head(path)
        assert head.status_code == 200, (path, head.status_code)
        assert head.content == b""
        if get is not None:
            assert head.headers.get("content-type") == get.headers.get("content-type"), path
    assert client.head("/no/such/page").status_code == 404
    assert client.head("/api/bookings/hold").status_code == 405  # a POST-only route: no GET, so no HEAD


def test_options_lists_every_method_of_the_path(client):
    # two handlers on one path (GET and POST /api/admin/operators): Litestar's own answer listed only one
    r = client.options("/api/admin/operators", headers=ADMIN)  # operators' routes want a credential even here
    allow = {m.strip() for m in r.headers["allow"].split(",")}
    assert {"GET", "HEAD", "POST", "OPTIONS"} <= allow
    allow = {m.strip() for m in client.options("/api/bookings/hold").headers["allow"].split(",")}
    assert allow == {"POST", "OPTIONS"}
