"""Redis stopped during a booking: the email waits in the outbox and goes out when Redis is back.

Runs a private redis-server on a free port (the shared one is never touched)."""

import shutil
import time

import pytest

from testing.services import PrivateRedis

from .conftest import book, email, outbox, wait_until

pytestmark = [pytest.mark.timeout(180),
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")]


@pytest.fixture()
def private_redis():
    r = PrivateRedis()
    r.start()
    yield r
    r.stop()


def test_mail_waits_for_redis_and_arrives_after(make_stack, private_redis, sink, db, movie_and_cinema):
    stack = make_stack(private_redis.url).start()
    before = email()
    book(db, movie_and_cinema, before)
    sink.wait_for(before, timeout=20)  # the rig works while Redis is up

    private_redis.stop()
    to = email()
    b = book(db, movie_and_cinema, to)  # the booking itself never needs Redis
    time.sleep(3)                       # several relay attempts fail meanwhile
    assert outbox(db, b["id"], "CONFIRMATION")["status"] == "PENDING", "kept in the outbox, not lost"
    assert sink.mails(to) == []
    assert "could not enqueue" in stack.relay.log()

    private_redis.start()               # same port, empty: nothing survived in Redis
    [msg] = sink.wait_for(to, timeout=45)
    assert msg["X-Marquee-Booking-Reference"] == b["reference"]
    wait_until(lambda: outbox(db, b["id"], "CONFIRMATION")["status"] == "SENT", 10, "SENT")
