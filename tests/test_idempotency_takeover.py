"""An Idempotency-Key claimed by a database session that died (the API process was killed) is taken over by the
retry at once; while the claiming session lives, the retry is told the first request is still in progress."""

import psycopg
import pytest

BEGIN = "SELECT state FROM booking.idempotency_begin('bookings.confirm', %s, 'hash-1')"


def test_claim_of_a_dead_session_is_taken_over(db_url):
    first = psycopg.connect(db_url, autocommit=True)
    assert first.execute(BEGIN, ("key-takeover",)).fetchone()[0] == "NEW"
    with psycopg.connect(db_url, autocommit=True) as retry:
        with pytest.raises(psycopg.Error) as err:
            retry.execute(BEGIN, ("key-takeover",))
        assert err.value.diag.message_hint == "IDEMPOTENCY_IN_PROGRESS"
        first.close()  # the claiming session dies, as when its API process is killed
        for _ in range(50):  # the server notices the closed connection within moments
            try:
                assert retry.execute(BEGIN, ("key-takeover",)).fetchone()[0] == "NEW"
                break
            except psycopg.Error as e:
                assert e.diag.message_hint == "IDEMPOTENCY_IN_PROGRESS"
                retry.execute("SELECT pg_sleep(0.05)")
        else:
            pytest.fail("the dead session's claim was never taken over")
        owner = retry.execute("SELECT owner_pid = pg_backend_pid() FROM booking.idempotency_keys"
                              " WHERE key = 'key-takeover'").fetchone()[0]
        assert owner
