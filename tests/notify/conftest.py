"""Notification test rig: an in-process aiosmtpd sink, real relay and Dramatiq worker subprocesses, real Redis.

Each test module gets its own Redis namespace, so other engineers' Dramatiq workers on the shared Redis never see
our messages. The sink decides per recipient how to behave (the address carries the scenario), so tests sharing
one sink cannot disturb each other.
"""

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
import pytest
import redis

from testing.services import free_port
from marquee.notify.smtp_sink import MailboxHandler, start_in_thread

ROOT = Path(__file__).resolve().parents[2]
SHARED_REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Small timeouts so recovery is observable in seconds; the worker's SMTP timeout stays below the sending timeout.
DELIVERY_SETTINGS = {
    "outbox_max_attempts": "3",
    "outbox_backoff_base_seconds": "2",
    "outbox_sending_timeout_seconds": "4",
    "outbox_queued_timeout_seconds": "20",
}
PGOPTIONS = " ".join(f"-c marquee.{k}={v}" for k, v in DELIVERY_SETTINGS.items())
_seq = itertools.count(1)


class ScenarioMailbox(MailboxHandler):
    """The sink: recipients containing +tempfail get 451, +reject 550, +hang hangs before accepting (once),
    +dupwindow stores the mail then hangs before answering 250 (once). Everyone else is accepted."""

    def __init__(self, mail_dir):
        super().__init__(mail_dir)
        self.attempts: dict[str, list[float]] = {}
        self.hanging = threading.Event()
        self.release = threading.Event()
        self._hung: set[str] = set()

    async def handle_DATA(self, server, session, envelope):
        rcpt = envelope.rcpt_tos[0]
        self.attempts.setdefault(rcpt, []).append(time.monotonic())
        if "+tempfail" in rcpt:
            return "451 4.3.0 mailbox temporarily unavailable"
        if "+reject" in rcpt:
            return "550 5.1.1 no such mailbox"
        if ("+hang" in rcpt or "+dupwindow" in rcpt) and rcpt not in self._hung:
            self._hung.add(rcpt)
            if "+dupwindow" in rcpt:
                self.store(envelope.original_content or envelope.content)
            self.hanging.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 aborted"
        return await super().handle_DATA(server, session, envelope)

    def mails(self, to: str | None = None) -> list:
        out = [message_from_bytes(raw, policy=policy.default) for raw in list(self.received)]
        return [m for m in out if to is None or to in str(m["To"])]

    def wait_for(self, to: str, count: int = 1, timeout: float = 30) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.mails(to)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} mail(s) to {to} within {timeout}s, got {len(self.mails(to))}")


@pytest.fixture(scope="session")
def sink(tmp_path_factory):
    handler = ScenarioMailbox(tmp_path_factory.mktemp("mail"))
    port, stop = start_in_thread(handler, "127.0.0.1", 0)
    handler.port = port
    yield handler
    handler.release.set()
    stop()


class Proc:
    """A subprocess in its own process group (so kill -9 takes the Dramatiq worker children too)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path, ready: str):
        self.name, self.log_path = name, log_dir / f"{name}-{next(_seq)}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.wait_for_log(ready)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}): {self.log()[-3000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready in {timeout}s: {self.log()[-3000:]}")

    def kill9(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._log.close()


class Stack:
    """Relay + Dramatiq worker against the test database, a Redis URL and a namespace of their own."""

    def __init__(self, db_url: str, sink: ScenarioMailbox, log_dir: Path, redis_url: str = SHARED_REDIS):
        self.db_url, self.sink, self.log_dir, self.redis_url = db_url, sink, log_dir, redis_url
        self.namespace = f"marquee-test-notify-{uuid.uuid4().hex[:12]}"
        self.env = {
            **os.environ, "PYTHONUNBUFFERED": "1", "DATABASE_URL": db_url, "REDIS_URL": redis_url,
            "DRAMATIQ_NAMESPACE": self.namespace, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port),
            "SMTP_TIMEOUT": "3", "MAIL_FROM": "Marquee Test <tickets@marquee.test>", "OUTBOX_POLL_SECONDS": "0.5",
            "PGOPTIONS": PGOPTIONS,
        }
        self.relay: Proc | None = None
        self.worker: Proc | None = None

    def start_relay(self) -> Proc:
        self.relay = Proc("relay", [sys.executable, "-m", "marquee.notify.relay"], self.env, self.log_dir,
                          "relay listening")
        return self.relay

    def start_worker(self) -> Proc:
        self.worker = Proc("worker", [sys.executable, "-m", "dramatiq", "marquee.notify.actors", "--processes", "1",
                                      "--threads", "2"], self.env, self.log_dir, "Worker process is ready")
        return self.worker

    def start(self) -> "Stack":
        self.start_worker()
        self.start_relay()
        return self

    def stop(self) -> None:
        for p in (self.relay, self.worker):
            if p:
                p.stop()
        try:
            client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=2)
            keys = list(client.scan_iter(f"{self.namespace}:*"))
            if keys:
                client.delete(*keys)
        except redis.RedisError:
            pass


@pytest.fixture(scope="module")
def make_stack(db_url, sink, tmp_path_factory):
    stacks: list[Stack] = []

    def make(redis_url: str = SHARED_REDIS) -> Stack:
        stack = Stack(db_url, sink, tmp_path_factory.mktemp("procs"), redis_url)
        stacks.append(stack)
        return stack

    yield make
    for s in stacks:
        s.stop()


@pytest.fixture()
def db(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="session")
def movie_and_cinema(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        cinema = conn.execute("SELECT booking.create_cinema('Notify Picturehouse', 'New York', 'America/New_York', 'USD')"
                              ).fetchone()[0]
        movie = conn.execute("SELECT booking.create_movie('The Outbox Affair', 100, 'PG', 'A test feature.')").fetchone()[0]
    return movie, cinema


def make_showtime(conn, movie_and_cinema, starts_at: datetime) -> str:
    """A showtime in an auditorium of its own (rows A-B, 4 seats, STANDARD 12.40), so tests never overlap."""
    movie, cinema = movie_and_cinema
    layout = '{"rows":[{"label":"A","seats":[{"number":1},{"number":2},{"number":3},{"number":4}]},' \
             '{"label":"B","seats":[{"number":1},{"number":2},{"number":3},{"number":4}]}]}'
    aud = conn.execute("SELECT booking.create_auditorium(%s, %s, %s::jsonb)",
                       (cinema, f"Screen {uuid.uuid4().hex[:8]}", layout)).fetchone()[0]
    return conn.execute("SELECT booking.create_showtime(%s, %s, %s, '{\"STANDARD\": 12.40}'::jsonb)",
                        (movie, aud, starts_at)).fetchone()[0]


def book(conn, movie_and_cinema, email: str, starts_in: timedelta = timedelta(days=2),
         seats=("seat-a1", "seat-a2")) -> dict:
    """hold -> confirm -> attach_payment_intent -> record_payment succeeded, with the SQL functions."""
    starts_at = (datetime.now(timezone.utc) + starts_in).replace(microsecond=0)
    showtime = make_showtime(conn, movie_and_cinema, starts_at)
    hold = conn.execute("SELECT hold_id FROM booking.hold(%s, %s, %s)",
                        (showtime, list(seats), f"sess-{uuid.uuid4().hex}")).fetchone()[0]
    booking_id, reference = conn.execute(
        "SELECT booking_id, booking_reference FROM booking.confirm(%s, %s, 'Ann Example', '+1 555 0100')",
        (hold, email)).fetchone()
    intent = f"pi_test_{uuid.uuid4().hex}"
    conn.execute("SELECT booking.attach_payment_intent(%s, %s)", (booking_id, intent))
    conn.execute("SELECT * FROM booking.record_payment(%s, 'succeeded')", (intent,))
    return {"id": booking_id, "reference": reference, "starts_at": starts_at, "showtime": showtime, "email": email}


def outbox(conn, booking_id, kind: str) -> dict | None:
    row = conn.execute("SELECT id, status, attempts, due_at, last_error, sent_at FROM booking.outbox "
                       "WHERE booking_id = %s AND kind = %s", (booking_id, kind)).fetchone()
    if row is None:
        return None
    return dict(zip(("id", "status", "attempts", "due_at", "last_error", "sent_at"), row))


def wait_until(check: Callable[[], bool], timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout}s")


def email(tag: str = "") -> str:
    return f"ann{tag}.{uuid.uuid4().hex[:10]}@example.com"
