"""Issue 22: overriding the cancellation policy is a privilege of a verified operator with the right role for the
booking's cinema, never an argument: BOX_OFFICE and the other cinema's manager are refused (nothing changes), the
cinema's MANAGER may, and the audit log names them."""

import psycopg

from .conftest import book


def _late_booking(http, db_url, cast) -> dict:
    with psycopg.connect(db_url, autocommit=True) as conn:
        movie = conn.execute("SELECT id::text FROM booking.movies ORDER BY title LIMIT 1").fetchone()[0]
        auditorium = conn.execute("SELECT booking.create_auditorium(%s, 'Override ' || gen_random_uuid(), "
                                  "'{\"rows\": [{\"label\": \"A\", \"seats\": [{\"number\": 1}]}]}')::text",
                                  (cast.cinema_a,)).fetchone()[0]
        showtime = conn.execute("SELECT booking.create_showtime(%s, %s, now() + interval '3 days', "
                                "'{\"STANDARD\": 10.00}')::text", (movie, auditorium)).fetchone()[0]
    booking = book(http, showtime, ["seat-a1"])
    with psycopg.connect(db_url, autocommit=True) as conn:  # now it starts in half an hour: inside the cutoff
        conn.execute("UPDATE booking.showtimes SET starts_at = now() + interval '30 minutes', "
                     "ends_at = now() + interval '3 hours' WHERE id = %s", (showtime,))
    return booking


def test_override_needs_the_right_role_for_that_cinema(http, cast, db_url):
    booking = _late_booking(http, db_url, cast)
    path = f"/api/admin/bookings/{booking['bookingId']}/cancel"
    body = {"reason": "projector broke", "overridePolicy": True}
    for role in ("BOX_OFFICE", "MANAGER_B", "DOOR", "ANALYST"):
        r = http.post(path, json=body, headers=cast[role].auth)
        assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN", (role, r.text)
    r = http.post(path, json={"reason": "late"}, headers=cast["BOX_OFFICE"].auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "CANCEL_TOO_LATE", "within the policy only"
    r = http.post(path, json={"reason": "late", "refundAmount": 1.00}, headers=cast["BOX_OFFICE"].auth)
    assert r.status_code == 403, "choosing the refund amount is a manager's call"
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT status FROM booking.bookings WHERE id = %s", (booking["bookingId"],)).fetchone()[0] \
            == "CONFIRMED"
    r = http.post(path, json=body, headers=cast["MANAGER"].auth)
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED", r.text
    with psycopg.connect(db_url) as conn:
        audit = conn.execute("SELECT action, operator_id::text, operator_email, details ->> 'policyOverridden' "
                             "FROM booking.audit_log WHERE entity_id = %s ORDER BY id DESC LIMIT 1",
                             (booking["bookingId"],)).fetchone()
        cancelled_by = conn.execute("SELECT cancelled_by FROM booking.bookings WHERE id = %s",
                                    (booking["bookingId"],)).fetchone()[0]
    assert audit == ("booking.cancel.override", cast["MANAGER"].id, cast["MANAGER"].email, "true")
    assert cancelled_by == cast["MANAGER"].email


def test_booking_api_cannot_override_without_a_credential(http, cast, db_url):
    """What issue 22 tried in psql: booking.cancel(..., p_override_policy => true, p_actor => anything) as booking_api."""
    booking = _late_booking(http, db_url, cast)
    api_url = psycopg.conninfo.make_conninfo(db_url, user="booking_api")
    with psycopg.connect(api_url, autocommit=True) as api:
        for actor in ("anything", "customer", "owner@marquee.example"):
            try:
                api.execute("SELECT * FROM booking.cancel(%s, 'x', NULL, %s, true)", (booking["bookingId"], actor))
                raise AssertionError("the override was allowed")
            except psycopg.Error as exc:
                assert exc.sqlstate == "MQA01", exc
        # with a BOX_OFFICE credential it is FORBIDDEN, with the MANAGER's it works
        with api.transaction():
            api.execute("SELECT set_config('marquee.credential', %s, true)", (cast["BOX_OFFICE"].token,))
            try:
                api.execute("SELECT * FROM booking.cancel(%s, 'x', NULL, 'operator', true)", (booking["bookingId"],))
                raise AssertionError("BOX_OFFICE overrode the policy")
            except psycopg.Error as exc:
                assert exc.sqlstate == "MQA02", exc
        with api.transaction():
            api.execute("SELECT set_config('marquee.credential', %s, true)", (cast["MANAGER"].token,))
            assert api.execute("SELECT status FROM booking.cancel(%s, 'x', NULL, 'operator', true)",
                               (booking["bookingId"],)).fetchone()[0] == "CANCELLED"
