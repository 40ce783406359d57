"""Warm seat maps from memory: a premiere's map is read far more often than it changes.

An entry is the exact response body of GET /api/showtimes/{id}/seats without a session token. It is dropped
the moment the process's seat-change hub hears a change of that showtime (every hold, release, booking,
cancel, block and published expiry is a NOTIFY), and it never outlives:
  - the next hold or payment window of the showtime running out (booking.seat_map_next_lapse), because a
    lapse writes nothing and so notifies nothing at that instant;
  - SEATMAP_CACHE_SECONDS (default 1), which bounds what no notification covers (a price or seat edited
    by an operator) and a listening connection that died without noticing yet.
Without a connected hub nothing is cached. A read that raced a change is not stored: every change bumps the
showtime's version, and `put` only stores under the version seen before the read began.
Sessions (X-Session-Token) see their own seats as SELECTED, so they always read the database.

Single flight: in a rush the map changes every few tens of milliseconds, so most reads miss, and hundreds of
buyers miss at once right after each change. Misses of one showtime under the same ticket (no change heard since
the read began) share that one database read instead of each making its own: a reader gets a map read after every
change this process knew of when it asked, which is what a cache hit gives too (read-your-writes holds: a write
bumps the version, so a reader after it starts a new read).
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedMap:
    body: bytes
    gzipped: bytes  # compressed once per fill, not once per reader
    etag: str
    fresh_until: float  # time.monotonic()


class SeatMapCache:
    def __init__(self, max_age: float, live: Callable[[], bool], max_entries: int = 5000):
        self.max_age = max_age
        self.live = live  # the hub is listening: notifications will reach invalidate()
        self.max_entries = max_entries
        self._entries: dict[str, CachedMap] = {}
        self._versions: dict[str, int] = {}
        self._generation = 0
        self.hits = 0
        self.misses = 0
        self.shared = 0  # misses answered by another reader's database read (single flight)
        self._flights: dict[str, tuple[tuple[int, int], asyncio.Future]] = {}

    def get(self, showtime_id: str) -> CachedMap | None:
        entry = self._entries.get(showtime_id)
        if entry is not None and self.live() and entry.fresh_until > time.monotonic():
            self.hits += 1
            return entry
        self.misses += 1
        return None

    def ticket(self, showtime_id: str) -> tuple[int, int]:
        """Take before reading the database; hand back to `put`."""
        return self._generation, self._versions.get(showtime_id, 0)

    def put(self, showtime_id: str, ticket: tuple[int, int], body: bytes, gzipped: bytes, etag: str,
            lapse_in: float | None) -> None:
        if self.max_age <= 0 or not self.live() or ticket != self.ticket(showtime_id):
            return
        ttl = self.max_age if lapse_in is None else min(self.max_age, lapse_in)
        if ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.pop(next(iter(self._entries)))  # oldest insertion
        self._entries[showtime_id] = CachedMap(body, gzipped, etag, time.monotonic() + ttl)

    async def fill(self, showtime_id: str, read: Callable[[], Awaitable[tuple[CachedMap, float | None]]]) -> CachedMap:
        """The map after a miss: joins the database read in flight for the same showtime and ticket, or makes one
        (`read` returns the entry and the seconds until the next lapse) and stores it as `put` would."""
        failed: asyncio.Future | None = None
        while True:
            ticket = self.ticket(showtime_id)
            flight = self._flights.get(showtime_id)
            if flight is None or flight[0] != ticket or flight[1] is failed:
                break
            try:
                entry = await asyncio.shield(flight[1])
                self.shared += 1
                return entry
            except Exception:  # noqa: BLE001 - that reader failed or went away: join the next one or read
                failed = flight[1]
        future = asyncio.get_running_loop().create_future()
        self._flights[showtime_id] = (ticket, future)
        try:
            entry, lapse_in = await read()
        except BaseException:
            future.set_exception(RuntimeError("seat map read failed"))
            future.exception()  # retrieved: no "never retrieved" warning when nobody joined
            raise
        else:
            future.set_result(entry)
            self.put(showtime_id, ticket, entry.body, entry.gzipped, entry.etag, lapse_in)
            return entry
        finally:
            if self._flights.get(showtime_id, (None, None))[1] is future:
                del self._flights[showtime_id]

    def invalidate(self, showtime_id: str | None) -> None:
        """A change of one showtime; None: anything may have changed (resync, lost connection)."""
        if showtime_id is None:
            self._generation += 1
            self._entries.clear()
            self._versions.clear()
            return
        self._versions[showtime_id] = self._versions.get(showtime_id, 0) + 1
        self._entries.pop(showtime_id, None)
        if len(self._versions) > 4 * self.max_entries:  # keep the version map bounded
            self.invalidate(None)
