"""Outbox relay: `python -m marquee.notify.relay` moves due outbox rows to Dramatiq.

Wakes on NOTIFY outbox (a booking committed a message), when the next scheduled row falls due (reminders,
retries) and at least every OUTBOX_POLL_SECONDS as a safety net (a missed notification, a restart). Rows are
claimed FOR UPDATE SKIP LOCKED and enqueued before the claim commits, so several relays can run and a Redis
outage only leaves rows PENDING until it is back. Each pass also recovers stale in-flight rows.
"""

import argparse
import logging
import signal
import threading
from datetime import timedelta

import dramatiq
import psycopg

from ..db import Queries, connect
from ..settings import Settings, load
from .broker import MAIL_QUEUE, SEND_ACTOR, make_broker

log = logging.getLogger("marquee.relay")
Q = Queries.beside(__file__)


def message(outbox_id: int) -> dramatiq.Message:
    return dramatiq.Message(queue_name=MAIL_QUEUE, actor_name=SEND_ACTOR, args=(outbox_id,), kwargs={}, options={})


def relay_once(conn: psycopg.Connection, broker, batch_size: int = 100) -> int:
    """Claim due rows and enqueue them, in one transaction per batch. Returns how many were handed over.

    Raises when the broker fails: the transaction rolls back and the rows stay PENDING.
    """
    total = 0
    while True:
        with conn.transaction():
            rows = conn.execute(Q.claim_due, {"limit": batch_size}).fetchall()
            for row in rows:
                broker.enqueue(message(row["id"]))
        total += len(rows)
        if len(rows) < batch_size:
            return total


def recover(conn: psycopg.Connection) -> list[dict]:
    with conn.transaction():
        rows = conn.execute(Q.recover_stale).fetchall()
    for row in rows:
        log.warning("outbox %s (%s) was stuck %s -> %s", row["id"], row["kind"], row["old_status"], row["new_status"])
    return rows


def seconds_until_next_due(conn: psycopg.Connection, cap: float) -> float:
    row = conn.execute(Q.next_due).fetchone()
    if row["next_due"] is None:
        return cap
    # a floor: a due row locked by another relay (SKIP LOCKED) must not make this one spin
    return max(0.05, min(cap, (row["next_due"] - row["now"]) / timedelta(seconds=1)))


class Relay:
    def __init__(self, settings: Settings | None = None, broker=None):
        self.settings = settings or load()
        self.broker = broker or make_broker(self.settings)
        self.stopping = threading.Event()

    def stop(self, *_):
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._serve()
            except (psycopg.OperationalError, psycopg.InterfaceError) as err:
                log.error("database unavailable (%s); reconnecting in 2 s", err)
                self.stopping.wait(2)

    def _serve(self) -> None:
        s = self.settings
        with connect(s.worker_database_url, application_name="marquee-relay") as listen, \
                connect(s.worker_database_url, application_name="marquee-relay") as work:
            listen.execute(Q.listen)
            log.info("relay listening on channel outbox (poll every %s s)", s.outbox_poll_seconds)
            while not self.stopping.is_set():
                wait = s.outbox_poll_seconds
                try:
                    recover(work)
                    n = relay_once(work, self.broker, s.outbox_batch_size)
                    if n:
                        log.info("handed %s message(s) to Dramatiq", n)
                    wait = seconds_until_next_due(work, s.outbox_poll_seconds)
                except (psycopg.OperationalError, psycopg.InterfaceError):
                    raise
                except Exception as err:  # the broker (Redis) is down: rows stay PENDING, try again shortly
                    log.error("could not enqueue (%s: %s); rows stay in the outbox", type(err).__name__, err)
                    wait = min(1.0, s.outbox_poll_seconds)
                    self._drain(listen, wait)
                    continue
                self._drain(listen, wait)

    @staticmethod
    def _drain(listen: psycopg.Connection, wait: float) -> None:
        """Sleep until a notification arrives or `wait` seconds pass."""
        for _ in listen.notifies(timeout=max(wait, 0.01), stop_after=1):
            pass
        # a burst of commits sends many notifications: one pass handles them all
        for _ in listen.notifies(timeout=0.01):
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    relay = Relay()
    signal.signal(signal.SIGTERM, relay.stop)
    signal.signal(signal.SIGINT, relay.stop)
    relay.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
