"""Role x endpoint: every admin route of the OpenAPI document, called with a token of each role (for cinema A, and a
manager of the other cinema B) on objects of cinema A: 2xx where the role may, 403 FORBIDDEN where it may not, with
nothing changed (row digests of every table an operator can touch, the audit log included), 401 without a token.
Every allowed write is in the audit log with the operator's id and email."""

import functools
import itertools
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from .conftest import BOOTSTRAP, book, create_operator

ROLES = ["OWNER", "MANAGER", "MANAGER_B", "BOX_OFFICE", "DOOR", "ANALYST"]
OWNER = {"OWNER"}
MANAGE = {"OWNER", "MANAGER"}
DESK = MANAGE | {"BOX_OFFICE"}
REPORTS = MANAGE | {"ANALYST"}
DOORS = MANAGE | {"DOOR"}  # permission checkin (issue 19)
# listings filter to the operator's cinemas instead of refusing: the other cinema's manager gets 200 without A's rows
FILTERED = {"MANAGER_B"}

TABLES = ("cinemas", "auditoriums", "seats", "movies", "showtimes", "prices", "promo_codes", "seat_claims", "holds",
          "bookings", "booking_seats", "refunds", "channel_allocations", "companion_seats", "showtime_seating",
          "outbox", "operators", "api_keys", "operator_sessions", "audit_log", "waitlist", "on_sales", "queue_entries",
          "movie_on_sales", "tickets", "checkins", "checkin_conflicts")
_seats = (f"seat-{r}{n}" for r in "abcdefgh" for n in range(1, 13))
_times = itertools.count()
_door_seats = (f"seat-{r}{n}" for r in "abcdefgh" for n in range(1, 13))


def snapshot(db) -> dict:
    return {t: db.execute(f"SELECT count(*), md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) "
                          f"FROM booking.{t} x").fetchone() for t in TABLES}


class World:
    """Objects of cinema A the matrix acts on, made with the bootstrap OWNER key."""

    def __init__(self, http, db, cast):
        self.http, self.db, self.cast = http, db, cast
        self.scheduled_movies: list[str] = []
        a = cast.cinema_a
        layout = {"rows": [{"label": r, "seats": [{"number": n} for n in range(1, 13)]} for r in "ABCDEFGH"]
                  + [{"label": "W", "seats": [{"number": 1, "type": "WHEELCHAIR"}, {"number": 2}, {"number": 3}]}]}
        r = http.post("/api/admin/auditoriums", headers=BOOTSTRAP,
                      json={"cinemaId": a, "name": f"Matrix {uuid.uuid4().hex[:6]}", "layout": layout})
        assert r.status_code == 201, r.text
        self.auditorium = r.json()["id"]
        self.movie = db.execute("SELECT id::text FROM booking.movies ORDER BY title LIMIT 1").fetchone()[0]
        self.showtime = self.new_showtime()
        self.booking = book(http, self.showtime, [next(_seats)])
        self.outbox_id = db.execute("SELECT id FROM booking.outbox WHERE booking_id = %s AND kind = 'CONFIRMATION'",
                                    (self.booking["bookingId"],)).fetchone()[0]
        self.target_operator = create_operator(http, "BOX_OFFICE", [a])["id"]
        self.promo = f"MX{uuid.uuid4().hex[:8].upper()}"
        assert http.post("/api/admin/promo-codes", headers=BOOTSTRAP,
                         json={"code": self.promo, "kind": "PERCENT", "value": 10}).status_code == 201

    def start(self) -> str:
        return (datetime(2033, 1, 1, tzinfo=timezone.utc) + timedelta(hours=4 * next(_times))).isoformat()

    def new_showtime(self) -> str:
        r = self.http.post("/api/admin/showtimes", headers=BOOTSTRAP, json={
            "movieId": self.movie, "auditoriumId": self.auditorium, "startsAt": self.start(),
            "prices": {"STANDARD": 10.00, "WHEELCHAIR": 10.00}})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def on_sale(self, showtime: str | None = None) -> str:
        """A showtime with an on-sale schedule that has opened, no queue (issue 20): holds on it still work."""
        showtime = showtime or self.showtime
        self.db.execute("INSERT INTO booking.on_sales (showtime_id, opens_at, queue) VALUES (%s, now() - interval '1 minute', false) "
                        "ON CONFLICT DO NOTHING", (showtime,))
        return showtime

    def movie_on_sale(self, scheduled: bool) -> str:
        """A new movie with one future showtime in cinema A (its own, so the other cases' holds are not queued), and
        with an on-sale schedule when `scheduled` (issue 20: the on-sale of all showtimes of a movie)."""
        r = self.http.post("/api/admin/movies", headers=BOOTSTRAP, json={"title": f"Matrix {_u()}", "durationMinutes": 90})
        assert r.status_code == 201, r.text
        movie = r.json()["id"]
        self.scheduled_movies.append(movie)
        r = self.http.post("/api/admin/showtimes", headers=BOOTSTRAP, json={
            "movieId": movie, "auditoriumId": self.auditorium, "startsAt": self.start(), "prices": {"STANDARD": 10.00}})
        assert r.status_code == 201, r.text
        if scheduled:
            assert self.http.put(f"/api/admin/movies/{movie}/on-sale", headers=BOOTSTRAP,
                                 json={"opensAt": self.start()}).status_code == 200
        return movie

    def blocked_seat(self) -> str:
        seat = next(_seats)
        assert self.http.post(f"/api/admin/showtimes/{self.showtime}/block", headers=BOOTSTRAP,
                              json={"seatIds": [seat]}).status_code == 200
        return seat

    def api_key(self) -> str:
        r = self.http.post("/api/admin/api-keys", headers=BOOTSTRAP,
                           json={"name": f"matrix {uuid.uuid4().hex[:6]}", "role": "DOOR", "cinemaIds": [self.cast.cinema_a]})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    @functools.cached_property
    def soon_showtime(self) -> str:
        """A showtime starting in 30 minutes: check-in is open."""
        r = self.http.post("/api/admin/showtimes", headers=BOOTSTRAP, json={
            "movieId": self.movie, "auditoriumId": self.auditorium,
            "startsAt": (datetime.now(timezone.utc) + timedelta(minutes=30)).isoformat(), "prices": {"STANDARD": 10.00}})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def ticket(self) -> tuple[str, str]:
        """(ticket id, signed code) of a new paid booking of the soon showtime."""
        from marquee.checkin import codes
        booking = book(self.http, self.soon_showtime, [next(_door_seats)])
        tid, kid, raw = self.db.execute(
            "SELECT t.id::text, t.key_id, k.private_key FROM booking.tickets t JOIN booking.ticket_keys k USING (key_id) "
            "WHERE t.booking_id = %s", (booking["bookingId"],)).fetchone()
        key = codes.Ed25519PrivateKey.from_private_bytes(bytes(raw))
        return tid, codes.sign(key, kid, tid)

    def used_ticket(self) -> str:
        tid, code = self.ticket()
        assert self.http.post("/api/checkin/scan", headers=BOOTSTRAP, json={"code": code}).status_code == 200
        return tid

    def failed_message(self) -> int:
        self.db.execute("UPDATE booking.outbox SET status = 'FAILED', failed_at = now() WHERE id = %s", (self.outbox_id,))
        return self.outbox_id


# (method, OpenAPI path) -> (roles allowed, builder(world) -> (path, query params, json body))
def _u() -> str:
    return uuid.uuid4().hex[:8]


CASES = {
    ("POST", "/api/admin/cinemas"): (OWNER, lambda w: (
        "/api/admin/cinemas", None, {"name": f"Matrix {_u()}", "city": "Paris", "timeZone": "Europe/Paris", "currency": "EUR"})),
    ("PATCH", "/api/admin/cinemas/{cinema_id}"): (MANAGE, lambda w: (
        f"/api/admin/cinemas/{w.cast.cinema_a}", None, {"city": "New York"})),
    ("POST", "/api/admin/auditoriums"): (MANAGE, lambda w: (
        "/api/admin/auditoriums", None, {"cinemaId": w.cast.cinema_a, "name": f"Matrix {_u()}",
                                         "layout": {"rows": [{"label": "A", "seats": [{"number": 1}]}]}})),
    ("POST", "/api/admin/auditoriums/{auditorium_id}/seats/active"): (MANAGE, lambda w: (
        f"/api/admin/auditoriums/{w.auditorium}/seats/active", None, {"seatIds": ["seat-h12"], "active": True})),
    ("PUT", "/api/admin/auditoriums/{auditorium_id}/companions"): (MANAGE, lambda w: (
        f"/api/admin/auditoriums/{w.auditorium}/companions", None, {"wheelchairSeatId": "seat-w1", "companionSeatIds": ["seat-w2"]})),
    ("PUT", "/api/admin/auditoriums/{auditorium_id}/focal-point"): (MANAGE, lambda w: (
        f"/api/admin/auditoriums/{w.auditorium}/focal-point", None, {"x": 5, "y": 3})),
    ("POST", "/api/admin/movies"): (OWNER, lambda w: (
        "/api/admin/movies", None, {"title": f"Matrix {_u()}", "durationMinutes": 90})),
    ("PATCH", "/api/admin/movies/{movie_id}"): (OWNER, lambda w: (
        f"/api/admin/movies/{w.movie}", None, {"rating": "PG-13"})),
    ("POST", "/api/admin/showtimes"): (MANAGE, lambda w: (
        "/api/admin/showtimes", None, {"movieId": w.movie, "auditoriumId": w.auditorium, "startsAt": w.start(),
                                       "prices": {"STANDARD": 9.00}})),
    ("PUT", "/api/admin/showtimes/{showtime_id}/prices"): (MANAGE, lambda w: (
        f"/api/admin/showtimes/{w.showtime}/prices", None, {"STANDARD": 10.00})),
    ("POST", "/api/admin/showtimes/{showtime_id}/cancel"): (MANAGE, lambda w: (
        f"/api/admin/showtimes/{w.new_showtime()}/cancel", None, None)),
    ("POST", "/api/admin/showtimes/{showtime_id}/block"): (DESK, lambda w: (
        f"/api/admin/showtimes/{w.showtime}/block", None, {"seatIds": [next(_seats)], "reason": "matrix"})),
    ("POST", "/api/admin/showtimes/{showtime_id}/unblock"): (DESK, lambda w: (
        f"/api/admin/showtimes/{w.showtime}/unblock", None, {"seatIds": [w.blocked_seat()]})),
    ("GET", "/api/admin/showtimes/{showtime_id}/bookings"): (DESK, lambda w: (
        f"/api/admin/showtimes/{w.showtime}/bookings", None, None)),
    ("GET", "/api/admin/showtimes/{showtime_id}/seat-history"): (DESK, lambda w: (
        f"/api/admin/showtimes/{w.showtime}/seat-history", None, None)),
    ("GET", "/api/admin/showtimes/{showtime_id}/waitlist"): (DESK, lambda w: (
        f"/api/admin/showtimes/{w.showtime}/waitlist", None, None)),
    ("PUT", "/api/admin/showtimes/{showtime_id}/lone-seat-rule"): (MANAGE, lambda w: (
        f"/api/admin/showtimes/{w.showtime}/lone-seat-rule", None, {"enabled": False})),
    ("POST", "/api/admin/showtimes/{showtime_id}/channels"): (MANAGE, lambda w: (
        f"/api/admin/showtimes/{w.showtime}/channels", None, {"channel": "partner", "seatIds": [next(_seats)]})),
    ("POST", "/api/admin/showtimes/{showtime_id}/channels/{channel}/release"): (MANAGE, lambda w: (
        f"/api/admin/showtimes/{w.showtime}/channels/partner/release", None, {})),
    ("PUT", "/api/admin/showtimes/{showtime_id}/on-sale"): (MANAGE, lambda w: (
        f"/api/admin/showtimes/{w.new_showtime()}/on-sale", None, {"opensAt": w.start(), "queue": True})),
    ("GET", "/api/admin/showtimes/{showtime_id}/on-sale"): (MANAGE, lambda w: (
        f"/api/admin/showtimes/{w.on_sale()}/on-sale", None, None)),
    ("DELETE", "/api/admin/showtimes/{showtime_id}/on-sale"): (MANAGE, lambda w: (
        f"/api/admin/showtimes/{w.on_sale(w.new_showtime())}/on-sale", None, None)),
    ("GET", "/api/admin/showtimes/{showtime_id}/queue"): (MANAGE, lambda w: (
        f"/api/admin/showtimes/{w.on_sale()}/queue", None, None)),
    ("PUT", "/api/admin/movies/{movie_id}/on-sale"): (MANAGE, lambda w: (
        f"/api/admin/movies/{w.movie_on_sale(False)}/on-sale", {"cinemaId": w.cast.cinema_a},
        {"opensAt": w.start(), "queue": True})),
    ("GET", "/api/admin/movies/{movie_id}/on-sale"): (MANAGE, lambda w: (
        f"/api/admin/movies/{w.movie_on_sale(True)}/on-sale", {"cinemaId": w.cast.cinema_a}, None)),
    ("DELETE", "/api/admin/movies/{movie_id}/on-sale"): (MANAGE, lambda w: (
        f"/api/admin/movies/{w.movie_on_sale(True)}/on-sale", {"cinemaId": w.cast.cinema_a}, None)),
    ("GET", "/api/admin/bookings"): (DESK | FILTERED, lambda w: (
        "/api/admin/bookings", {"q": w.booking["bookingReference"]}, None)),
    ("POST", "/api/admin/bookings/{booking_id}/cancel"): (DESK, lambda w: (
        f"/api/admin/bookings/{book(w.http, w.showtime, [next(_seats)])['bookingId']}/cancel", None,
        {"reason": "matrix"})),
    ("POST", "/api/admin/promo-codes"): (OWNER, lambda w: (
        "/api/admin/promo-codes", None, {"code": f"MX{_u()}", "kind": "FIXED", "value": 1.00})),
    ("PATCH", "/api/admin/promo-codes/{code}"): (OWNER, lambda w: (
        f"/api/admin/promo-codes/{w.promo}", None, {"active": True})),
    ("GET", "/api/admin/payments/discrepancies"): (MANAGE | FILTERED, lambda w: (
        "/api/admin/payments/discrepancies", None, None)),
    ("GET", "/api/admin/outbox/failed"): (MANAGE | FILTERED, lambda w: (
        "/api/admin/outbox/failed", {"limit": 1000 + 0 * w.failed_message()}, None)),
    ("POST", "/api/admin/outbox/{outbox_id}/retry"): (MANAGE, lambda w: (
        f"/api/admin/outbox/{w.failed_message()}/retry", None, None)),
    ("GET", "/api/admin/mail"): (OWNER, lambda w: ("/api/admin/mail", None, None)),
    ("GET", "/api/admin/mail/{name}"): (OWNER, lambda w: ("/api/admin/mail/20300101-1.eml", None, None)),
    ("GET", "/api/admin/reports/{filename}"): (REPORTS, lambda w: (
        "/api/admin/reports/daily_bookings.csv", {"cinemaId": w.cast.cinema_a}, None)),
    ("POST", "/api/admin/operators"): (OWNER, lambda w: (
        "/api/admin/operators", None, {"email": f"matrix.{_u()}@ops.example", "name": "M", "password": "long enough pw",
                                       "role": "BOX_OFFICE", "cinemaIds": [w.cast.cinema_a]})),
    ("GET", "/api/admin/operators"): (OWNER, lambda w: ("/api/admin/operators", None, None)),
    ("PATCH", "/api/admin/operators/{operator_id}"): (OWNER, lambda w: (
        f"/api/admin/operators/{w.target_operator}", None, {"active": True})),
    ("POST", "/api/admin/api-keys"): (OWNER, lambda w: (
        "/api/admin/api-keys", None, {"name": f"matrix {_u()}", "role": "ANALYST", "cinemaIds": [w.cast.cinema_a]})),
    ("GET", "/api/admin/api-keys"): (OWNER, lambda w: ("/api/admin/api-keys", None, None)),
    ("DELETE", "/api/admin/api-keys/{api_key_id}"): (OWNER, lambda w: (f"/api/admin/api-keys/{w.api_key()}", None, None)),
    # check-in (issue 19): operator or scanner credentials with the checkin permission
    ("POST", "/api/checkin/scan"): (DOORS, lambda w: ("/api/checkin/scan", None, {"code": w.ticket()[1], "door": "matrix"})),
    ("POST", "/api/checkin/undo"): (DOORS, lambda w: ("/api/checkin/undo", None, {"ticketId": w.used_ticket()})),
    ("GET", "/api/checkin/showtimes/{showtime_id}/manifest"): (DOORS, lambda w: (
        f"/api/checkin/showtimes/{w.soon_showtime}/manifest", None, None)),
    ("POST", "/api/checkin/sync"): (DOORS, lambda w: ("/api/checkin/sync", None, [
        {"ticketId": w.ticket()[0], "scannedAt": datetime.now(timezone.utc).isoformat(), "door": "matrix", "deviceId": "m1"}])),
}


@pytest.fixture(scope="module")
def world(http, cast, db_url):
    import psycopg
    with psycopg.connect(db_url, autocommit=True) as conn:
        w = World(http, conn, cast)
        yield w
        # a movie's on-sale stands for its showtimes created later (booking.movie_on_sales): these "Matrix ..."
        # movies sort first by title, where other modules pick the movie for their new showtimes
        conn.execute("DELETE FROM booking.movie_on_sales WHERE movie_id = ANY (%s::uuid[])", (w.scheduled_movies,))


def admin_routes(http) -> set[tuple[str, str]]:
    paths = http.get("/schema/openapi.json").json()["paths"]
    return {(m.upper(), p) for p, ops in paths.items() if p.startswith(("/api/admin", "/api/checkin"))
            for m in ops if m in ("get", "post", "put", "patch", "delete")}


def test_the_matrix_covers_every_admin_route(http):
    assert admin_routes(http) == set(CASES), "add the new admin route to CASES with the roles that may call it"


@pytest.mark.parametrize("route", sorted(CASES), ids=lambda r: f"{r[0]} {r[1]}")
def test_role_by_endpoint(http, world, cast, route):
    method, _ = route
    allowed, build = CASES[route]
    path, params, body = build(world)
    anonymous = http.request(method, path, params=params, json=body)
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "UNAUTHORIZED", anonymous.text
    for role in ROLES:
        op = cast[role]
        path, params, body = build(world)
        before = snapshot(world.db)
        audit_before = world.db.execute("SELECT coalesce(max(id), 0) FROM booking.audit_log").fetchone()[0]
        r = http.request(method, path, params=params, json=body, headers=op.auth)
        if role in allowed:
            assert 200 <= r.status_code < 300, f"{role} {method} {path}: {r.status_code} {r.text}"
            if method != "GET":
                who = world.db.execute("SELECT operator_id::text, operator_email, actor_kind FROM booking.audit_log "
                                       "WHERE id > %s ORDER BY id", (audit_before,)).fetchall()
                assert who and all(w == (op.id, op.email, "session") for w in who), (role, path, who)
        else:
            assert r.status_code == 403, f"{role} {method} {path}: {r.status_code} {r.text}"
            assert r.json()["error"]["code"] == "FORBIDDEN"
            after = snapshot(world.db)
            assert after == before, f"{role} {method} {path} was refused but changed " + ", ".join(
                t for t in TABLES if after[t] != before[t])


def test_listings_show_only_your_cinemas(http, world, cast):
    ref = world.booking["bookingReference"]
    mine = http.get("/api/admin/bookings", params={"q": ref}, headers=cast["BOX_OFFICE"].auth).json()
    other = http.get("/api/admin/bookings", params={"q": ref}, headers=cast["MANAGER_B"].auth).json()
    assert [b["bookingReference"] for b in mine] == [ref] and other == []
    oid = world.failed_message()
    assert oid in [m["id"] for m in http.get("/api/admin/outbox/failed", headers=cast["MANAGER"].auth).json()]
    assert oid not in [m["id"] for m in http.get("/api/admin/outbox/failed", headers=cast["MANAGER_B"].auth).json()]
    # reports without a cinema: only the operator's own rows; the chain-wide total needs every cinema
    rows = http.get("/api/admin/reports/showtime_occupancy.csv", headers=cast["MANAGER_B"].auth).text.splitlines()
    assert all(cast.cinema_a not in line for line in rows[1:])
    total = http.get("/api/admin/reports/daily_bookings_total.csv", headers=cast["ANALYST"].auth)
    assert total.status_code == 403
    assert http.get("/api/admin/reports/daily_bookings_total.csv", headers=cast["OWNER"].auth).status_code == 200


def test_me_says_what_the_page_may_show(http, cast):
    for role, must, must_not in [("MANAGER", {"seats.block", "reports.read", "bookings.override"}, {"movies.manage", "operators.manage"}),
                                 ("BOX_OFFICE", {"seats.block", "bookings.cancel"}, {"bookings.override", "reports.read"}),
                                 ("DOOR", {"checkin"}, {"seats.block", "bookings.read"}),
                                 ("ANALYST", {"reports.read"}, {"seats.block"}),
                                 ("OWNER", {"operators.manage", "movies.manage", "mail.read"}, set())]:
        me = http.get("/api/auth/me", headers=cast[role].auth).json()
        assert must <= set(me["permissions"]) and not (must_not & set(me["permissions"])), (role, me["permissions"])
        assert me["operator"]["email"] == cast[role].email
        if role != "OWNER":
            assert [c["id"] for c in me["cinemas"]] == [cast.cinema_a]
