"""The outbox state machine in SQL, without processes: claiming, dedup, backoff, parking, recovery, reminders."""

from datetime import timedelta

import psycopg
import pytest

from .conftest import book, email, outbox

pytestmark = pytest.mark.timeout(60)


@pytest.fixture()
def quiet_outbox(db):
    """Park every row other tests left due, so claims here only see this test's rows (restored after)."""
    ids = [r[0] for r in db.execute("UPDATE booking.outbox SET status = 'SKIPPED' WHERE status IN ('PENDING', 'QUEUED') "
                                    "RETURNING id").fetchall()]
    yield
    db.execute("UPDATE booking.outbox SET status = 'PENDING' WHERE id = ANY(%s)", (ids,))


def claim(conn, limit=100) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM booking.outbox_claim_due(%s)", (limit,)).fetchall()]


def test_payment_writes_confirmation_and_reminder_in_the_same_transaction(db, movie_and_cinema):
    b = book(db, movie_and_cinema, email())
    assert outbox(db, b["id"], "CONFIRMATION")["status"] == "PENDING"
    reminder = outbox(db, b["id"], "REMINDER")
    # due reminder_minutes_before (180) before the show
    assert reminder["due_at"] == b["starts_at"] - timedelta(minutes=180)


def test_two_relays_claim_disjoint_rows(db_url, db, movie_and_cinema, quiet_outbox):
    for _ in range(3):
        book(db, movie_and_cinema, email())
    with psycopg.connect(db_url) as a, psycopg.connect(db_url) as b:
        first = claim(a, 2)          # a's transaction stays open: its rows are locked
        second = claim(b)
        assert len(first) == 2 and len(second) == 1
        assert not set(first) & set(second)
        a.rollback()                 # the enqueue failed: a's rows go back to PENDING
        b.commit()
    statuses = dict(db.execute("SELECT id, status FROM booking.outbox WHERE id = ANY(%s)",
                               (first + second,)).fetchall())
    assert [statuses[i] for i in first] == ["PENDING", "PENDING"]
    assert statuses[second[0]] == "QUEUED"


def test_only_one_delivery_may_send(db, movie_and_cinema, quiet_outbox):
    b = book(db, movie_and_cinema, email())
    row = outbox(db, b["id"], "CONFIRMATION")
    assert db.execute("SELECT count(*) FROM booking.outbox_begin_send(%s)", (row["id"],)).fetchone()[0] == 0, \
        "a PENDING row (not handed over yet) must not be sent by a stray message"
    assert row["id"] in claim(db)
    first = db.execute("SELECT id, kind, attempt, context FROM booking.outbox_begin_send(%s)", (row["id"],)).fetchone()
    assert first[1:3] == ("CONFIRMATION", 1)
    ctx = first[3]
    assert ctx["bookingReference"] == b["reference"] and ctx["movie"] == "The Outbox Affair"
    assert ctx["localStartsAtText"].endswith("(America/New_York)")
    # the duplicate delivery (Redis redelivery, relay re-queue) gets nothing
    assert db.execute("SELECT count(*) FROM booking.outbox_begin_send(%s)", (row["id"],)).fetchone()[0] == 0
    assert db.execute("SELECT booking.outbox_mark_sent(%s)", (row["id"],)).fetchone()[0] is True
    assert db.execute("SELECT booking.outbox_mark_sent(%s)", (row["id"],)).fetchone()[0] is False
    assert outbox(db, b["id"], "CONFIRMATION")["status"] == "SENT"


def test_failures_back_off_exponentially_then_park(db, movie_and_cinema, quiet_outbox):
    b = book(db, movie_and_cinema, email())
    oid = outbox(db, b["id"], "CONFIRMATION")["id"]
    db.execute("SET marquee.outbox_max_attempts = 3")
    db.execute("SET marquee.outbox_backoff_base_seconds = 2")
    delays = []
    for attempt in (1, 2, 3):
        db.execute("UPDATE booking.outbox SET due_at = now() WHERE id = %s", (oid,))
        assert oid in claim(db)
        db.execute("SELECT * FROM booking.outbox_begin_send(%s)", (oid,))
        status, now = db.execute("SELECT booking.outbox_mark_failed(%s, '451 try later'), clock_timestamp()",
                                 (oid,)).fetchone()
        due = outbox(db, b["id"], "CONFIRMATION")["due_at"]
        if attempt < 3:
            assert status == "PENDING"
            delays.append(round((due - now).total_seconds()))
        else:
            assert status == "FAILED"
    assert delays == [2, 4]
    failed = db.execute("SELECT attempts, last_error FROM booking.failed_messages WHERE id = %s", (oid,)).fetchone()
    assert failed == (3, "451 try later")
    # parked, never dropped: an operator can send it again with fresh attempts
    assert db.execute("SELECT status FROM booking.outbox_retry(%s, 'ops@test')", (oid,)).fetchone()[0] == "PENDING"
    assert outbox(db, b["id"], "CONFIRMATION")["attempts"] == 0
    assert db.execute("SELECT actor FROM booking.audit_log WHERE action = 'outbox.retry' AND entity_id = %s",
                      (str(oid),)).fetchone()[0] == "db:postgres"  # the DBA who ran it (p_actor is ignored)
    with pytest.raises(psycopg.Error) as err:
        db.execute("SELECT * FROM booking.outbox_retry(%s)", (oid,))
    assert err.value.diag.message_hint == "OUTBOX_NOT_FAILED"


def test_permanent_failure_parks_at_once(db, movie_and_cinema, quiet_outbox):
    b = book(db, movie_and_cinema, email())
    oid = outbox(db, b["id"], "CONFIRMATION")["id"]
    claim(db)
    db.execute("SELECT * FROM booking.outbox_begin_send(%s)", (oid,))
    assert db.execute("SELECT booking.outbox_mark_failed(%s, '550 no such user', true)", (oid,)).fetchone()[0] == "FAILED"


def test_stale_rows_are_recovered(db, movie_and_cinema, quiet_outbox):
    b = book(db, movie_and_cinema, email())
    oid = outbox(db, b["id"], "CONFIRMATION")["id"]
    claim(db)
    db.execute("SELECT * FROM booking.outbox_begin_send(%s)", (oid,))
    assert db.execute("SELECT count(*) FROM booking.outbox_recover_stale()").fetchone()[0] == 0, "fresh: left alone"
    db.execute("SELECT set_config('marquee.now', (now() + interval '10 minutes')::text, false)")
    try:
        rows = db.execute("SELECT id, old_status, new_status FROM booking.outbox_recover_stale()").fetchall()
    finally:
        db.execute("RESET marquee.now")
    assert (oid, "SENDING", "PENDING") in rows
    row = outbox(db, b["id"], "CONFIRMATION")
    assert row["status"] == "PENDING" and row["attempts"] == 1 and "worker stopped" in row["last_error"]


def test_reminders_are_skipped_when_no_longer_due(db, movie_and_cinema, quiet_outbox):
    # cancelled before it was due: cancel() skips it and it is never claimed
    cancelled = book(db, movie_and_cinema, email(), starts_in=timedelta(days=1))
    db.execute("SELECT * FROM booking.cancel(%s, 'plans changed')", (cancelled["id"],))
    assert outbox(db, cancelled["id"], "REMINDER")["status"] == "SKIPPED"
    # booked less than 3 hours before the show: no reminder at all
    late = book(db, movie_and_cinema, email(), starts_in=timedelta(hours=2))
    assert outbox(db, late["id"], "REMINDER") is None
    # cancelled after the relay queued it: the worker's last check skips it
    raced = book(db, movie_and_cinema, email(), starts_in=timedelta(days=1))
    rid = outbox(db, raced["id"], "REMINDER")["id"]
    db.execute("UPDATE booking.outbox SET due_at = now() WHERE id = %s", (rid,))
    assert rid in claim(db)
    db.execute("SELECT * FROM booking.cancel(%s, 'plans changed')", (raced["id"],))
    assert db.execute("SELECT count(*) FROM booking.outbox_begin_send(%s)", (rid,)).fetchone()[0] == 0
    assert outbox(db, raced["id"], "REMINDER")["status"] == "SKIPPED"
