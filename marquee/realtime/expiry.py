"""The one publisher of seat changes (channel seat_changes). The booking transactions never NOTIFY: they write the
seat status history, and this publisher sends the notifications, outside every booking commit.

Every API process runs one ExpiryPublisher, but only the one holding a session advisory lock (leader
election in Postgres itself) polls:
  - booking.publish_seat_changes() every `change_interval` seconds (REALTIME_POLL_SECONDS, 20 ms): the seats changed
    by transactions committed since the last poll (the cursor lives in the database, so a new leader continues
    exactly where the old one stopped);
  - booking.publish_expirations(since) every `interval` seconds (EXPIRY_POLL_SECONDS): holds and unpaid bookings
    that simply time out write nothing, so they have no history row to find;
  - booking.waitlist_sweep() on the same beat: freed seats offered to waiting lists (docs/waitlist.md).
The others retry the lock every few seconds, so when the leader dies (its connection closes, the lock goes)
another takes over. It uses its own direct connection (a session advisory lock and LISTEN/NOTIFY need a real
session, not a transaction-pooled one). It can also run alone: `python -m marquee.realtime.expiry`.

The window is tracked by the database's own clock (the function returns where it stopped), so Python and
database clocks never have to agree. A new leader starts `catch_up` seconds back: an expiry announced twice
is harmless (AVAILABLE is idempotent), one never announced leaves a stale seat on screen.
"""

import asyncio
import json
import logging
from datetime import timedelta

import psycopg

from ..db import Queries, one, scalar
from ..settings import load

log = logging.getLogger("marquee.realtime")
Q = Queries.beside(__file__)

LEADER_LOCK = 7_300_070  # pg_try_advisory_lock key: one expiry publisher per database


class ExpiryPublisher:
    def __init__(self, database_url: str, *, interval: float = 0.5, catch_up: float = 5.0,
                 retry: float = 3.0, lock_key: int = LEADER_LOCK, change_interval: float = 0.02):
        self.database_url = database_url
        self.lock_key = lock_key
        self.interval = interval
        self.change_interval = change_interval
        self.changes_published = 0
        self.catch_up = timedelta(seconds=catch_up)
        self.retry = retry
        self.is_leader = False
        self.published = 0
        self.waitlist_offers = 0
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="realtime-expiry")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - shutting down
                pass

    async def run(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                        self.database_url, autocommit=True, connect_timeout=5,
                        application_name="marquee-expiry") as conn:
                    await self._lead(conn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - database gone: retry, the lock went with the connection
                if self.is_leader:
                    log.warning(json.dumps({"event": "expiry_publisher_lost", "error": str(exc)[:200]}))
                self.is_leader = False
            await asyncio.sleep(self.retry)

    async def _lead(self, conn: psycopg.AsyncConnection) -> None:
        while not await scalar(conn, Q.try_lead, {"key": self.lock_key}):
            await asyncio.sleep(self.retry)
        self.is_leader = True
        since = await scalar(conn, Q.db_clock) - self.catch_up
        log.info(json.dumps({"event": "expiry_publisher_leading", "since": since.isoformat()}))
        loop = asyncio.get_running_loop()
        next_expiry = 0.0
        while True:
            started = loop.time()
            _, seats = await one(conn, Q.publish_seat_changes)
            self.changes_published += seats
            if started >= next_expiry:
                since, _, seats = await one(conn, Q.publish_expirations, {"since": since})
                self.published += seats
                await self._sweep_waitlists(conn)
                next_expiry = started + self.interval
            await asyncio.sleep(max(0.0, self.change_interval - (loop.time() - started)))

    async def _sweep_waitlists(self, conn: psycopg.AsyncConnection) -> None:
        # Issue 21: seats freed by lapses write nothing, so the leader offers them to waiting lists here
        # (booking.waitlist_sweep, docs/waitlist.md). A failure must never stop the publisher.
        try:
            offers, *_ = await one(conn, Q.waitlist_sweep)
            self.waitlist_offers += offers
        except psycopg.Error as exc:
            log.warning(json.dumps({"event": "waitlist_sweep_failed", "error": str(exc)[:200]}))


async def _main() -> None:
    settings = load()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    publisher = ExpiryPublisher(settings.listen_database_url, interval=settings.expiry_poll_seconds,
                                change_interval=settings.realtime_poll_seconds)
    await publisher.run()


if __name__ == "__main__":
    try:
        asyncio.run(_main())
    except KeyboardInterrupt:
        pass
