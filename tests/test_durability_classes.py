"""Durability classes (issue 24, docs/scaling.md): what a commit waits for is chosen by the SQL function itself,
transaction-locally (set_config(..., true), which also works through PgBouncer in transaction mode).
A hold or a release commits with synchronous_commit=off (a lost hold only frees seats); confirm, payment, cancel and
refund commit with synchronous_commit=on, which waits for the synchronous standby when there is one."""

import psycopg
import pytest

from testing.data import make_showtime


@pytest.fixture
def conn(db_url):
    with psycopg.connect(db_url) as c:  # not autocommit: each test looks inside its own transaction, rolled back
        c.execute("SET synchronous_commit = local")  # neither class: the functions must set their own
        yield c
        c.rollback()


def sync(conn) -> str:
    return conn.execute("SELECT current_setting('synchronous_commit')").fetchone()[0]


def test_hold_commits_without_waiting_and_confirm_payment_cancel_wait_for_the_standby(db_url, conn):
    showtime, codes = make_showtime(db_url, 1, 4)
    hold = conn.execute("SELECT hold_id FROM booking.hold(%s, %s, 'durability')", (showtime, codes[:2])).fetchone()[0]
    assert sync(conn) == "off"
    booking = conn.execute("SELECT booking_id FROM booking.confirm(%s, 'd@example.com', 'Durable')", (hold,)
                           ).fetchone()[0]
    assert sync(conn) == "on"
    conn.execute("SELECT booking.attach_payment_intent(%s, %s)", (booking, f"pi_{booking}"))
    conn.execute("SELECT set_config('synchronous_commit', 'local', true)")
    conn.execute("SELECT * FROM booking.record_payment(%s, 'succeeded')", (f"pi_{booking}",))
    assert sync(conn) == "on"
    conn.execute("SELECT set_config('synchronous_commit', 'local', true)")
    conn.execute("SELECT booking.exchange(%s, %s, %s)", (booking, showtime, codes[2:4]))
    assert sync(conn) == "on"
    conn.execute("SELECT set_config('synchronous_commit', 'local', true)")
    conn.execute("SELECT * FROM booking.cancel(%s, 'durability test', p_actor => 'customer')", (booking,))
    assert sync(conn) == "on"


def test_a_write_that_reaches_a_standby_answers_503_with_retry_after(db_url):
    # a connection opened to the primary before a switchover demoted it: PostgreSQL answers 25006
    import copy

    from marquee.http import errors
    saved = copy.copy(errors.CATALOGUE.__dict__)
    try:
        with psycopg.connect(db_url) as c:
            errors.CATALOGUE.fill(c.execute(errors.Q.error_codes).fetchall())
        exc = psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction")
        status, code, _, _, headers = errors.describe(exc)
        assert (status, code, headers) == (503, "SERVICE_UNAVAILABLE", {"Retry-After": "1"})
    finally:
        errors.CATALOGUE.__dict__.update(saved)
