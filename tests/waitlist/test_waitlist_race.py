"""A cancellation frees seats while buyers and the waiting list compete for them (issue 21), on real connections:
a seat is never held twice, a waiting entry is offered seats only if every entry ahead of it that fits was offered
first, and each offer holds exactly its party's seats."""

import random
import threading
import uuid

import psycopg
import pytest
from psycopg.types.json import Jsonb

BUYERS = 6
ROUNDS = 2


def _fixture(db_url: str):
    tag = uuid.uuid4().hex[:8]
    layout = {"rows": [{"label": "R", "seats": [{"number": n} for n in range(1, 7)]}]}
    with psycopg.connect(db_url, autocommit=True) as conn:
        cinema = conn.execute("SELECT booking.create_cinema(%s, 'Race', 'UTC')", (f"WL race {tag}",)).fetchone()[0]
        aud = conn.execute("SELECT booking.create_auditorium(%s, 'Hall', %s)", (cinema, Jsonb(layout))).fetchone()[0]
        movie = conn.execute("SELECT booking.create_movie(%s, 90)", (f"WL race {tag}",)).fetchone()[0]
        st = conn.execute("SELECT booking.create_showtime(%s, %s, date_trunc('hour', now()) + interval '2 days',"
                          " '{\"STANDARD\": 9.50}')", (movie, aud)).fetchone()[0]
        # sold out: one confirmed booking of all six seats
        hold = conn.execute("SELECT hold_id FROM booking.hold(%s, %s, 'filler')",
                            (st, [f"seat-r{n}" for n in range(1, 7)])).fetchone()[0]
        booking = conn.execute("SELECT booking_id FROM booking.confirm(%s, 'f@example.com', 'Filler')", (hold,)).fetchone()[0]
        conn.execute("SELECT booking.attach_payment_intent(%s, %s)", (booking, f"pi_wlrace_{tag}"))
        conn.execute("SELECT booking.record_payment(%s, 'succeeded')", (f"pi_wlrace_{tag}",))
        entries = [conn.execute("SELECT booking.join_waitlist(%s, %s, 'W', NULL, %s) ->> 'waitlistId'",
                                (st, f"w{i}@example.com", q)).fetchone()[0] for i, q in enumerate((4, 2, 2))]
    return st, booking, entries


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_cancellation_buyers_and_waitlist_race(db_url, round_):
    st, booking, entries = _fixture(db_url)
    start = threading.Barrier(BUYERS + 2)
    errors: list[BaseException] = []

    def cancel():
        with psycopg.connect(db_url, autocommit=True) as conn:
            start.wait()
            conn.execute("SELECT booking.cancel(%s, 'race')", (booking,))
            conn.execute("SELECT booking.waitlist_sweep()")

    def buyer(i):
        rnd = random.Random(i * 1000 + round_)
        with psycopg.connect(db_url, autocommit=True) as conn:
            start.wait()
            for _ in range(30):
                first = rnd.randint(1, 5)
                try:
                    conn.execute("SELECT booking.hold(%s, %s, %s)",
                                 (st, [f"seat-r{first}", f"seat-r{first + 1}"], f"buyer-{i}"))
                    return
                except psycopg.Error as exc:
                    if exc.diag.message_hint not in ("SEAT_UNAVAILABLE", "SEAT_LONE", None) \
                            and exc.sqlstate not in ("23P01", "40P01"):
                        errors.append(exc)
                        return

    def sweeper():
        with psycopg.connect(db_url, autocommit=True) as conn:
            start.wait()
            for _ in range(20):
                conn.execute("SELECT booking.waitlist_sweep()")

    threads = [threading.Thread(target=cancel), threading.Thread(target=sweeper)] + \
              [threading.Thread(target=buyer, args=(i,)) for i in range(BUYERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SELECT booking.waitlist_sweep()")
        live = conn.execute("""SELECT s.code, c.hold_id::text, h.session_token FROM booking.seat_claims c
                                 JOIN booking.seats s ON s.id = c.seat_id
                                 LEFT JOIN booking.holds h ON h.showtime_id = c.showtime_id AND h.id = c.hold_id
                                WHERE c.showtime_id = %s AND c.during @> now()""", (st,)).fetchall()
        rows = conn.execute("SELECT id::text, quantity, status, hold_id::text FROM booking.waitlist "
                            "WHERE showtime_id = %s ORDER BY seq", (st,)).fetchall()
    seats = [code for code, _, _ in live]
    assert len(seats) == len(set(seats)) <= 6, live  # never a double
    by_hold: dict[str, list[str]] = {}
    for code, hold, _ in live:
        by_hold.setdefault(hold, []).append(code)
    offered = [r for r in rows if r[2] == "OFFERED"]
    for wid, qty, _, hold in offered:
        assert len(by_hold.get(hold, [])) == qty, (wid, by_hold)  # the offer holds exactly the party's seats
    # the party of four can never fit beside three buyers' pairs; of the two pairs, the second is offered only
    # if the first was
    status = [r[2] for r in rows]
    assert status[0] in ("WAITING", "OFFERED")
    if status[2] == "OFFERED":
        assert status[1] == "OFFERED", rows
    # after the last sweep, no one still waiting could be seated by what is left
    with psycopg.connect(db_url, autocommit=True) as conn:
        for _, qty, st_, _ in rows:
            if st_ == "WAITING":
                assert not conn.execute("SELECT booking_internal.waitlist_servable(%s, %s, NULL, true, false, now())",
                                        (st, qty)).fetchone()[0], rows
