"""The admission job: booking.queue_tick() every QUEUE_ADMIT_SECONDS, run by ONE elected leader per database.

Election as the expiry publisher does it (marquee/realtime/expiry.py): every API process runs an Admitter, only the
one holding the session advisory lock QUEUE_LEADER_LOCK ticks, on its own direct connection; when it dies its
connection closes, the lock goes, and another takes over within QUEUE_ADMIT_RETRY seconds. A tick run twice is
harmless (admissions are earned by elapsed time, recorded in booking.on_sales). It can also run alone:
`python -m marquee.queue.admitter`.
"""

import asyncio
import json
import logging

import psycopg

from ..db import Queries, scalar
from ..settings import load

log = logging.getLogger("marquee.queue")
Q = Queries.beside(__file__)

QUEUE_LEADER_LOCK = 7_300_072  # next to the expiry publisher's 7_300_070; tests use keys of their own (7_300_1xx)


class Admitter:
    def __init__(self, database_url: str, *, interval: float = 1.0, retry: float = 3.0,
                 lock_key: int = QUEUE_LEADER_LOCK):
        self.database_url, self.interval, self.retry, self.lock_key = database_url, interval, retry, lock_key
        self.is_leader = False
        self.admitted = 0
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="queue-admitter")

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
                        application_name="marquee-admitter") as conn:
                    while not await scalar(conn, Q.try_lead, {"key": self.lock_key}):
                        await asyncio.sleep(self.retry)
                    self.is_leader = True
                    log.info(json.dumps({"event": "queue_admitter_leading"}))
                    while True:
                        self.admitted += await scalar(conn, Q.tick) or 0
                        await asyncio.sleep(self.interval)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - database gone: retry, the lock went with the connection
                if self.is_leader:
                    log.warning(json.dumps({"event": "queue_admitter_lost", "error": str(exc)[:200]}))
                self.is_leader = False
            await asyncio.sleep(self.retry)


async def _main() -> None:
    settings = load()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    await Admitter(settings.api_database_url, interval=settings.queue_admit_seconds).run()


if __name__ == "__main__":
    try:
        asyncio.run(_main())
    except KeyboardInterrupt:
        pass
