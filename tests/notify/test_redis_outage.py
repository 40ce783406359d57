"""Redis stopped during a booking: the email waits in the outbox and goes out when Redis is back.

Runs a private redis-server on a free port (the shared one is never touched)."""

import shutil
import subprocess
import time

import pytest
import redis

from tests.conftest import free_port

from .conftest import book, email, outbox, wait_until

pytestmark = [pytest.mark.timeout(180),
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")]


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=1).ping():
                    return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


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
