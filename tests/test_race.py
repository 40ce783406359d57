"""Races between real connections: 50+ sessions fight over overlapping seats of one showtime.

Every seat must end with at most one live claim, every winner holds exactly what it asked for, and every loser
gets the seat conflict (SEAT_UNAVAILABLE, or 23P01/40P01 which the API maps to the same 409) and nothing else.
"""

import json
import threading
import uuid
from collections import Counter

import psycopg
import pytest

WORKERS = 52
SEATS = 16  # far fewer seats than sessions: most requests overlap someone else's


def _fixture(db_url: str, seats: int) -> tuple[uuid.UUID, list[str]]:
    """A committed cinema with one row of seats and one showtime tomorrow; returns (showtime id, seat ids)."""
    layout = {"rows": [{"label": "R", "seats": [{"number": n} for n in range(1, seats + 1)]}]}
    tag = uuid.uuid4().hex[:8]
    with psycopg.connect(db_url, autocommit=True) as conn:
        cinema = conn.execute("SELECT booking.create_cinema(%s, 'Race', 'UTC')", (f"Race {tag}",)).fetchone()[0]
        aud = conn.execute("SELECT booking.create_auditorium(%s, 'Hall', %s::jsonb)",
                           (cinema, psycopg.types.json.Jsonb(layout))).fetchone()[0]
        movie = conn.execute("SELECT booking.create_movie(%s, 90)", (f"Race {tag}",)).fetchone()[0]
        showtime = conn.execute(
            "SELECT booking.create_showtime(%s, %s, date_trunc('hour', now()) + interval '2 days', '{\"STANDARD\": 9.50}')",
            (movie, aud)).fetchone()[0]
    return showtime, [f"seat-r{n}" for n in range(1, seats + 1)]


def _conflict_states(db_url: str) -> set[str]:
    with psycopg.connect(db_url) as conn:
        return {r[0] for r in conn.execute(
            "SELECT sqlstate FROM booking.error_codes WHERE code IN ('SEAT_UNAVAILABLE', 'SEAT_UNAVAILABLE_RACE', 'SEAT_UNAVAILABLE_DEADLOCK')")}


def _run_concurrently(db_url: str, jobs: list, work) -> list:
    """Open one connection per job, release them together at a barrier, return (job, outcome) pairs."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    # smart seating's no-lone-seat rule would refuse some of these seat sets for reasons other than a race
    conns = [psycopg.connect(db_url, autocommit=True, options="-c marquee.lone_seat_rule=off -c statement_timeout=30s")
             for _ in jobs]

    def run(i):
        barrier.wait(timeout=30)
        try:
            results[i] = ("ok", work(conns[i], jobs[i]))
        except psycopg.Error as err:
            results[i] = ("error", err.sqlstate, err.diag.message_detail)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads), "a session hung"
    finally:
        for c in conns:
            c.close()
    return results


def test_overlapping_holds_never_double_sell(db_url):
    showtime, seats = _fixture(db_url, SEATS)
    # each session wants 3 seats, listed in a scrambled order, overlapping its neighbours' requests
    jobs = [(f"race-{i}", [seats[(i * 5) % SEATS], seats[(i + 1) % SEATS], seats[(i * 3 + 7) % SEATS]]) for i in range(WORKERS)]
    jobs = [(tok, list(dict.fromkeys(want))) for tok, want in jobs]  # no duplicates within a request

    def hold(conn, job):
        token, want = job
        return conn.execute("SELECT hold_id FROM booking.hold(%s, %s, %s)", (showtime, want, token)).fetchone()[0]

    results = _run_concurrently(db_url, jobs, hold)
    conflict = _conflict_states(db_url)
    winners = {jobs[i][0]: (r[1], set(jobs[i][1])) for i, r in enumerate(results) if r[0] == "ok"}
    losers = [r for r in results if r[0] == "error"]
    assert winners, "at least one session must win"
    assert losers, "with 52 sessions on 16 seats some must lose"
    assert all(r[1] in conflict for r in losers), f"only seat conflicts are allowed, got {Counter(r[1] for r in losers)}"

    with psycopg.connect(db_url) as conn:
        doubled = conn.execute(
            """SELECT seat_id FROM booking.seat_claims WHERE showtime_id = %s AND during && tstzrange(now(), NULL)
                GROUP BY seat_id HAVING count(*) > 1""", (showtime,)).fetchall()
        assert doubled == [], "a seat has two live claims"
        claimed = conn.execute(
            """SELECT h.session_token, h.id, array_agg(s.code) FROM booking.holds h
                 JOIN booking.seat_claims c ON c.hold_id = h.id JOIN booking.seats s ON s.id = c.seat_id
                WHERE h.showtime_id = %s GROUP BY h.showtime_id, h.id""", (showtime,)).fetchall()
        assert {tok: (hid, set(codes)) for tok, hid, codes in claimed} == winners, \
            "each winner holds exactly its request, and losers hold nothing"
        taken = set().union(*(s for _, s in winners.values()))
        for r in losers:
            if r[1] == "MQ010":  # the conflict names seats that a winner really holds
                assert set(json.loads(r[2])["seatIds"]) <= taken


def test_confirms_of_different_seats_all_succeed(db_url):
    showtime, seats = _fixture(db_url, WORKERS)
    with psycopg.connect(db_url, autocommit=True) as conn:
        holds = [(conn.execute("SELECT hold_id FROM booking.hold(%s, %s, %s)",
                               (showtime, [seat], f"confirm-{i}")).fetchone()[0], i) for i, seat in enumerate(seats)]

    def confirm(conn, job):
        hold_id, i = job
        return conn.execute("SELECT status::text FROM booking.confirm(%s, %s, %s)",
                            (hold_id, f"c{i}@example.com", f"Customer {i}")).fetchone()[0]

    results = _run_concurrently(db_url, holds, confirm)
    assert [r for r in results if r[0] != "ok"] == [], "no showtime-wide lock: buyers of different seats never conflict"
    assert {r[1] for r in results} == {"PENDING_PAYMENT"}
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM booking.bookings WHERE showtime_id = %s", (showtime,)).fetchone()[0] == WORKERS
        assert conn.execute("SELECT available_seats FROM booking.seat_counts(%s)", (showtime,)).fetchone()[0] == 0


@pytest.mark.parametrize("max_uses, waits", [(None, False), (10, True)])
def test_only_a_limited_promo_code_queues_its_buyers(db_url, max_uses, waits):
    """Two buyers confirm with the same promo code at once. An unlimited code is only read, so the second confirm
    does not wait for the first; a code with max_uses is counted under a row lock, so it does."""
    showtime, seats = _fixture(db_url, 2)
    code = f"RACE{uuid.uuid4().hex[:8].upper()}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SELECT booking.create_promo_code(%s, 'PERCENT', 10, p_max_uses => %s)", (code, max_uses))
        holds = []
        for seat in seats:
            token = f"promo-{seat}-{uuid.uuid4().hex[:6]}"
            hold = conn.execute("SELECT hold_id FROM booking.hold(%s, %s, %s)", (showtime, [seat], token)).fetchone()[0]
            conn.execute("SELECT * FROM booking.price_hold(%s, %s, %s)", (hold, code, token))
            holds.append((hold, token))
    confirm = "SELECT status::text FROM booking.confirm(%s, 'p@example.com', 'P', NULL, 'CARD', %s)"
    with psycopg.connect(db_url) as first, psycopg.connect(db_url) as second:
        first.execute(confirm, holds[0])  # its transaction stays open
        second.execute("SET lock_timeout = '300ms'")
        if waits:
            with pytest.raises(psycopg.errors.LockNotAvailable):
                second.execute(confirm, holds[1])
        else:
            assert second.execute(confirm, holds[1]).fetchone()[0] == "PENDING_PAYMENT"
        first.rollback()
        second.rollback()
