"""Publish seat expiries: holds and unpaid bookings that simply time out write nothing, so nothing NOTIFYs.

Every API process runs one ExpiryPublisher, but only the one holding a session advisory lock (leader
election in Postgres itself) polls booking.publish_expirations(since) every `interval` seconds; the others
retry the lock every few seconds, so when the leader dies (its connection closes, the lock goes) another takes
over. It can also run alone: `python -m api.realtime.expiry` (DATABASE_URL from the environment).

The window is tracked by the database's own clock (the function returns where it stopped), so Python and
database clocks never have to agree. A new leader starts `catch_up` seconds back: an expiry announced twice
is harmless (AVAILABLE is idempotent), one never announced leaves a stale seat on screen.
"""

import asyncio
import json
import logging
import os
from datetime import timedelta
from pathlib import Path

import psycopg

from ..queries import Queries

log = logging.getLogger("marquee.realtime")

Q = Queries(Path(__file__).with_name("sql"))

LEADER_LOCK = 7_300_070  # pg_try_advisory_lock key: one expiry publisher per database


class ExpiryPublisher:
    def __init__(self, database_url: str, *, interval: float = 0.5, catch_up: float = 5.0,
                 retry: float = 3.0, lock_key: int = LEADER_LOCK):
        self.database_url = database_url
        self.lock_key = lock_key
        self.interval = interval
        self.catch_up = timedelta(seconds=catch_up)
        self.retry = retry
        self.is_leader = False
        self.published = 0
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
        while not (await (await conn.execute(Q.try_lead, {"key": self.lock_key})).fetchone())[0]:
            await asyncio.sleep(self.retry)
        self.is_leader = True
        since = (await (await conn.execute(Q.db_clock)).fetchone())[0] - self.catch_up
        log.info(json.dumps({"event": "expiry_publisher_leading", "since": since.isoformat()}))
        while True:
            row = await (await conn.execute(Q.publish_expirations, {"since": since})).fetchone()
            since, _, seats = row
            self.published += seats
            await asyncio.sleep(self.interval)


async def _main() -> None:
    from ..config import Settings

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    publisher = ExpiryPublisher(Settings().api_database_url,
                                interval=float(os.environ.get("EXPIRY_POLL_SECONDS", "0.5")))
    await publisher.run()


if __name__ == "__main__":
    try:
        asyncio.run(_main())
    except KeyboardInterrupt:
        pass
