"""The seat-change hub: ONE listening connection per API process, fanned out in memory.

The booking functions never NOTIFY. They write the seat status history, and one elected publisher
(marquee/realtime/expiry.py, booking.publish_seat_changes) sends `seat_changes` notifications from it. This hub
LISTENs, but trusts nothing in a payload: PostgreSQL has no privileges on channels, so any role that can log in
(bi_reader, or booking_api outside the functions) could send one. A notification only means "showtime X may have
changed": the hub reads the showtime's seat statuses from the database (booking.seat_states, batched: one query per
round for every showtime marked since the last one), diffs them against what it knows, and emits the differences
as `seats:updated` to Socket.IO rooms and SSE streams. A forged notification therefore costs one read and changes
nothing a watcher sees. The hub re-reads a showtime when one of its holds or payment windows lapses (a lapse writes
nothing) and every `refresh_interval` seconds (the safety net).

Clients never listen themselves: a thousand watchers cost one connection, not a thousand. When the connection
drops (database restart, network), the hub reconnects with backoff, keeps every subscriber, and tells them
all to resync, because notifications sent while it was away are lost for good (NOTIFY is not durable).

Event ids are "<epoch>-<seq>": seq is one counter for the whole hub (so it is monotonic within every
showtime's stream), epoch changes with every (re)connection of the listener. An id from another epoch or
from before the oldest buffered event of the showtime cannot be resumed: the client gets a resync.
"""

import asyncio
import json
import logging
import secrets
import uuid
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import psycopg

from ..db import Queries

log = logging.getLogger("marquee.realtime")
Q = Queries.beside(__file__)

CHANNEL = "seat_changes"
STATUS_ORDER = ("LOCKED", "BOOKED", "BLOCKED", "AVAILABLE")


@dataclass(frozen=True)
class SeatEvent:
    showtime_id: str
    seat_ids: list[str]
    status: str
    at: str
    epoch: str
    seq: int

    @property
    def id(self) -> str:
        return f"{self.epoch}-{self.seq}"

    def payload(self) -> dict:
        # The `seats:updated` event of the Socket.IO interface, plus the new status so clients need not refetch.
        return {"showtimeId": self.showtime_id, "seatIds": self.seat_ids, "status": self.status,
                "timestamp": self.at}


@dataclass(frozen=True)
class Resync:
    """The client's copy of the seat map may be stale: refetch it."""
    showtime_id: str
    reason: str
    epoch: str
    seq: int

    @property
    def id(self) -> str:
        return f"{self.epoch}-{self.seq}"

    def payload(self) -> dict:
        return {"showtimeId": self.showtime_id, "reason": self.reason}


@dataclass
class _Showtime:
    ring: deque
    floor: int  # events with seq <= floor are no longer (or never were) in the ring
    subscribers: set = field(default_factory=set)


class Subscription:
    """One SSE client's queue. A client too slow to keep up is not allowed to grow memory: it gets a resync."""

    def __init__(self, hub: "SeatHub", showtime_id: str, maxsize: int):
        self.hub = hub
        self.showtime_id = showtime_id
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=maxsize)

    def put(self, item) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(Resync(self.showtime_id, "too_slow", self.hub.epoch, self.hub.seq))

    async def get(self, timeout: float):
        return await asyncio.wait_for(self.queue.get(), timeout)

    def close(self) -> None:
        self.hub.unsubscribe(self)


Sink = Callable[[object], Awaitable[None]]


class SeatHub:
    def __init__(self, database_url: str, *, ring_size: int = 256, max_showtimes: int = 5000,
                 queue_size: int = 1000, health_interval: float = 5.0, max_backoff: float = 5.0,
                 refresh_interval: float = 5.0, track_timeout: float = 2.0):
        self.database_url = database_url
        self.refresh_interval = refresh_interval
        self.track_timeout = track_timeout
        # tracked showtimes: their live claimed seats as last read from the database {seat id: status}
        self._seats: dict[str, dict[str, str]] = {}
        self._pending: dict[str, asyncio.Future] = {}   # first read of a showtime under way
        self._dirty: set[str] = set()                   # changes to read in the next round
        self._restate: set[str] = set()                 # whole state to read in the next round
        self._snap: dict[str, str] = {}                 # snapshot of the last read of each tracked showtime
        self._lapse: dict[str, float] = {}              # loop time at which a claim of the showtime lapses
        self._wake: asyncio.Event | None = None
        self._watch_probes: list[Callable[[str], bool]] = []
        self._followed: dict[str, float] = {}           # showtimes being held through this process: last hold time
        self.reads = 0          # seat_states queries made
        self.hints = 0          # notifications received (each only a hint)
        self.ring_size = ring_size
        self.max_showtimes = max_showtimes
        self.queue_size = queue_size
        self.health_interval = health_interval
        self.max_backoff = max_backoff
        self.epoch = secrets.token_hex(4)
        self.seq = 0
        self.connected = asyncio.Event()
        self.reconnects = 0
        self._showtimes: OrderedDict[str, _Showtime] = OrderedDict()
        self._sinks: list[Sink] = []
        self._change_listeners: list[Callable[[str | None], None]] = []
        self._dispatch: asyncio.Queue = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []

    # ---- lifecycle -------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._listen(), name="realtime-listen"),
                       asyncio.create_task(self._deliver(), name="realtime-deliver"),
                       asyncio.create_task(self._refresh(), name="realtime-refresh")]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - shutting down
                pass
        self._tasks = []

    # ---- subscribers -----------------------------------------------------------------------------------
    def add_sink(self, sink: Sink) -> None:
        """A process-wide consumer (Socket.IO) of every SeatEvent and Resync, called in order."""
        self._sinks.append(sink)

    def add_change_listener(self, listener: Callable[[str | None], None]) -> None:
        """Called synchronously with a showtime id on each of its changes, None when anything may have changed
        (resync, lost connection): what the seat-map cache invalidates by."""
        self._change_listeners.append(listener)

    def _changed(self, showtime_id: str | None) -> None:
        for listener in self._change_listeners:
            listener(showtime_id)

    def subscribe(self, showtime_id: str, last_event_id: str | None = None) -> tuple[Subscription, list]:
        """A queue of this showtime's future events, and what to send first: missed events, or a Resync."""
        sub = Subscription(self, showtime_id, self.queue_size)
        state = self._state(showtime_id)
        state.subscribers.add(sub)
        return sub, self._backlog(state, showtime_id, last_event_id)

    def unsubscribe(self, sub: Subscription) -> None:
        state = self._showtimes.get(sub.showtime_id)
        if state is not None:
            state.subscribers.discard(sub)

    def position(self) -> str:
        """An event id meaning "now": resuming from it replays exactly what comes next."""
        return f"{self.epoch}-{self.seq}"

    @property
    def subscriber_count(self) -> int:
        return sum(len(s.subscribers) for s in self._showtimes.values())

    def _state(self, showtime_id: str) -> _Showtime:
        state = self._showtimes.get(showtime_id)
        if state is None:
            state = self._showtimes[showtime_id] = _Showtime(deque(maxlen=self.ring_size), self.seq)
            self._evict()
        else:
            self._showtimes.move_to_end(showtime_id)
        return state

    def _evict(self) -> None:
        # Forget the least recently active showtimes nobody watches; a late resume there gets a resync.
        if len(self._showtimes) <= self.max_showtimes:
            return
        for key in list(self._showtimes):
            if len(self._showtimes) <= self.max_showtimes:
                break
            if not self._showtimes[key].subscribers:
                del self._showtimes[key]

    def _backlog(self, state: _Showtime, showtime_id: str, last_event_id: str | None) -> list:
        if not last_event_id:
            return []
        epoch, _, seq_text = last_event_id.strip().rpartition("-")
        try:
            last = int(seq_text)
        except ValueError:
            last = -1
        if epoch != self.epoch or last < state.floor or last > self.seq:
            return [Resync(showtime_id, "gap", self.epoch, self.seq)]
        return [e for e in state.ring if e.seq > last]

    # ---- events ----------------------------------------------------------------------------------------
    def _publish(self, item) -> None:
        if isinstance(item, SeatEvent):
            state = self._state(item.showtime_id)
            if len(state.ring) == state.ring.maxlen:
                state.floor = state.ring[0].seq
            state.ring.append(item)
            targets = state.subscribers
        else:
            state = self._showtimes.get(item.showtime_id)
            targets = state.subscribers if state else ()
        for sub in list(targets):
            sub.put(item)
        if self._sinks:
            self._dispatch.put_nowait(item)

    def emit(self, showtime_id: str, seat_ids: list[str], status: str, at: str) -> None:
        """One `seats:updated` for watchers (SSE queues, the ring buffer, Socket.IO): only from a database read."""
        self.seq += 1
        self._publish(SeatEvent(showtime_id, seat_ids, status, at, self.epoch, self.seq))

    def handle_notify(self, payload: str) -> None:
        """A notification on seat_changes: "this showtime may have changed", nothing more is believed.
        Anyone who can log in can send one, so the statuses it claims are ignored; the showtime is re-read."""
        self.hints += 1
        try:
            data = json.loads(payload)
            showtime_id = str(uuid.UUID(str(data["showtimeId"])))
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning(json.dumps({"event": "realtime_bad_payload", "payload": payload[:200]}))
            return
        # a cached seat map of the showtime is dropped: the next reader reads the database (harmless if forged)
        self._changed(showtime_id)
        if showtime_id in self._seats or showtime_id in self._pending:
            self._mark(showtime_id)  # its changes since the hub's last read of it are read in the next round

    def _mark(self, showtime_id: str) -> None:
        self._dirty.add(showtime_id)
        if self._wake is not None:
            self._wake.set()

    # ---- what the hub knows of each watched showtime -------------------------------------------------------
    def add_watch_probe(self, probe: Callable[[str], bool]) -> None:
        """A consumer other than SSE (Socket.IO rooms) tells whether anyone still watches a showtime."""
        self._watch_probes.append(probe)

    def follow(self, showtime_id: str, keep: float = 30.0) -> None:
        """The API holds seats of this showtime: follow it (without waiting) for `keep` seconds after the last
        call, so the hold route can tell from memory when a requested seat is taken (seat_taken)."""
        loop = asyncio.get_running_loop()
        self._followed[showtime_id] = loop.time() + keep
        if showtime_id not in self._seats and showtime_id not in self._pending:
            self._pending[showtime_id] = loop.create_future()
            self._restate.add(showtime_id)
            self._mark(showtime_id)

    def seat_taken(self, showtime_id: str, seat_ids: list[str], own: frozenset[str] = frozenset()) -> bool:
        """Whether the hub's copy shows one of these seats (other than `own`, the caller's own) LOCKED, BOOKED or
        BLOCKED. Only a hint (the copy is a few milliseconds old and knows no sessions): a caller confirms it with
        the database before refusing."""
        seats = self._seats.get(showtime_id)
        return bool(seats) and any(s in seats and s not in own for s in seat_ids)

    def _watched(self, showtime_id: str) -> bool:
        followed = self._followed.get(showtime_id)
        if followed is not None:
            if followed > asyncio.get_running_loop().time():
                return True
            del self._followed[showtime_id]
        state = self._showtimes.get(showtime_id)
        if state is not None and state.subscribers:
            return True
        return any(probe(showtime_id) for probe in self._watch_probes)

    async def track(self, showtime_id: str) -> None:
        """Start following a showtime: its statuses are read now, and from then on every change is diffed and
        emitted. Returns once that first read is done (or after `track_timeout`, e.g. while the database is away:
        the read is retried)."""
        if showtime_id in self._seats:
            return
        future = self._pending.get(showtime_id)
        if future is None:
            future = self._pending[showtime_id] = asyncio.get_running_loop().create_future()
            self._restate.add(showtime_id)
            self._mark(showtime_id)
        try:
            await asyncio.wait_for(asyncio.shield(future), self.track_timeout)
        except asyncio.TimeoutError:
            pass

    def apply_changes(self, showtime_id: str, changes: list, at: str, snapshot: str | None = None,
                      lapse_in: float | None = None, now: float | None = None) -> None:
        """Changes read from the database's seat status history, in the order they were made
        ([[status, [seat ids]], ...]): each one that differs from what the hub knows is emitted."""
        seats = self._seats.get(showtime_id)
        if seats is None:
            return
        if snapshot is not None:
            self._snap[showtime_id] = snapshot
        if lapse_in is not None:  # a changed claim runs out then: read the whole state again at that instant
            now = asyncio.get_running_loop().time() if now is None else now
            due = now + max(lapse_in, 0.0) + 0.005
            self._lapse[showtime_id] = min(due, self._lapse.get(showtime_id, due))
        for status, codes in changes:
            new = sorted(c for c in codes if seats.get(c, "AVAILABLE") != status)
            if not new:
                continue
            for code in new:
                if status == "AVAILABLE":
                    seats.pop(code, None)
                else:
                    seats[code] = status
            self._changed(showtime_id)
            self.emit(showtime_id, new, status, at)

    def apply_state(self, showtime_id: str, seats: dict[str, str], at: str, lapse_in: float | None,
                    now: float | None = None, snapshot: str | None = None) -> None:
        """The statuses read from the database: the first read of a showtime is its baseline, later ones are
        diffed against it and each difference is emitted, one event per status."""
        if snapshot is not None:
            self._snap[showtime_id] = snapshot
        if lapse_in is not None:
            now = asyncio.get_running_loop().time() if now is None else now
            self._lapse[showtime_id] = now + max(lapse_in, 0.0) + 0.005
        else:
            self._lapse.pop(showtime_id, None)
        old = self._seats.get(showtime_id)
        self._seats[showtime_id] = seats
        future = self._pending.pop(showtime_id, None)
        if future is not None and not future.done():
            future.set_result(None)
        if old is None:
            return
        changed: dict[str, list[str]] = {}
        for seat in old.keys() | seats.keys():
            status = seats.get(seat, "AVAILABLE")
            if old.get(seat, "AVAILABLE") != status:
                changed.setdefault(status, []).append(seat)
        if not changed:
            return
        self._changed(showtime_id)
        for status in STATUS_ORDER:
            if status in changed:
                self.emit(showtime_id, sorted(changed[status]), status, at)

    def _untrack_unwatched(self) -> None:
        for showtime_id in list(self._seats):
            if not self._watched(showtime_id):
                del self._seats[showtime_id]
                self._lapse.pop(showtime_id, None)
                self._snap.pop(showtime_id, None)

    async def _refresh(self) -> None:
        """Reads the showtimes marked since the last round (notified, lapsing, newly tracked, due for the safety
        refresh) in one query, on the hub's own reading connection, and applies what it finds."""
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        if self._dirty:
            self._wake.set()
        next_full = loop.time() + self.refresh_interval
        conn = None
        delay = 0.1
        while True:
            timeout = min([next_full, *self._lapse.values()]) - loop.time()
            if timeout > 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout)
                except asyncio.TimeoutError:
                    pass
            self._wake.clear()
            now = loop.time()
            for showtime_id, due in list(self._lapse.items()):
                if due <= now:
                    del self._lapse[showtime_id]
                    self._restate.add(showtime_id)
            if now >= next_full:
                next_full = now + self.refresh_interval
                self._untrack_unwatched()
                self._restate.update(self._seats)
            if not self._dirty and not self._restate:
                continue
            restate = {s for s in self._restate if s in self._pending or s in self._seats}
            changes = {s for s in self._dirty if s in self._seats and s in self._snap} - restate
            self._dirty, self._restate = set(), set()
            try:
                if conn is None or conn.closed:
                    conn = await psycopg.AsyncConnection.connect(
                        self.database_url, autocommit=True, connect_timeout=5,
                        application_name="marquee-realtime-read")
                change_rows = state_rows = []
                if changes:
                    ids = sorted(changes)
                    change_rows = await (await conn.execute(
                        Q.seat_changes, {"showtime_ids": ids, "since": [self._snap[i] for i in ids]})).fetchall()
                    self.reads += 1
                if restate:
                    state_rows = await (await conn.execute(Q.seat_states, {"showtime_ids": sorted(restate)})).fetchall()
                    self.reads += 1
                delay = 0.1
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - database away: keep what is marked, retry with backoff
                log.warning(json.dumps({"event": "realtime_read_failed", "error": str(exc)[:200]}))
                self._dirty |= changes
                self._restate |= restate
                if conn is not None:
                    try:
                        await conn.close()
                    except Exception:  # noqa: BLE001
                        pass
                conn = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
                self._wake.set()
                continue
            now = loop.time()
            for showtime_id, snapshot, events, at_ts, lapse_in in change_rows:
                self.apply_changes(showtime_id, events, at_ts.isoformat(), snapshot, lapse_in, now)
            found = {row[0]: row for row in state_rows}
            for showtime_id in restate:
                row = found.get(showtime_id)
                seats: dict[str, str] = {}
                at, lapse_in, snapshot = "", None, None
                if row is not None:
                    _, at_ts, lapse_in, locked, booked, blocked, snapshot = row
                    at = at_ts.isoformat()
                    for status, codes in (("LOCKED", locked), ("BOOKED", booked), ("BLOCKED", blocked)):
                        for code in codes or ():
                            seats[code] = status
                self.apply_state(showtime_id, seats, at, lapse_in, now, snapshot)

    def _resync_everyone(self, reason: str) -> None:
        """Every showtime anyone watches gets a Resync (SSE queues and the Socket.IO sink alike)."""
        self._changed(None)
        self.seq += 1
        for showtime_id, state in list(self._showtimes.items()):
            state.ring.clear()
            state.floor = self.seq
            for sub in list(state.subscribers):
                sub.put(Resync(showtime_id, reason, self.epoch, self.seq))
        if self._sinks:
            self._dispatch.put_nowait(Resync("*", reason, self.epoch, self.seq))

    async def _deliver(self) -> None:
        # Sinks run here, not in the listener, so a slow fan-out never delays reading notifications.
        while True:
            item = await self._dispatch.get()
            for sink in self._sinks:
                try:
                    await sink(item)
                except Exception:  # noqa: BLE001 - one failed emit must not stop the stream
                    log.exception("realtime sink failed")

    # ---- the listening connection ----------------------------------------------------------------------
    async def _listen(self) -> None:
        delay = 0.1
        first = True
        while True:
            conn = None
            try:
                conn = await psycopg.AsyncConnection.connect(
                    self.database_url, autocommit=True, connect_timeout=5, application_name="marquee-realtime")
                await conn.execute(Q.listen)
                if not first:
                    # Whatever was published while we were away is gone: start a new epoch, tell everyone.
                    self.epoch = secrets.token_hex(4)
                    self.reconnects += 1
                    self._resync_everyone("reconnected")
                    for showtime_id in self._seats:  # and what changed meanwhile is read again
                        self._restate.add(showtime_id)
                        self._mark(showtime_id)
                    log.info(json.dumps({"event": "realtime_reconnected", "epoch": self.epoch}))
                first = False
                delay = 0.1
                self.connected.set()
                while True:
                    async for notify in conn.notifies(timeout=self.health_interval):
                        self.handle_notify(notify.payload)
                    # Quiet for a while: make sure the connection is really alive (half-open sockets).
                    await conn.execute(Q.ping)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: reconnect
                was_connected = self.connected.is_set()
                self.connected.clear()
                self._changed(None)
                if was_connected:
                    log.warning(json.dumps({"event": "realtime_listener_lost", "error": str(exc)[:200]}))
            finally:
                if conn is not None:
                    try:
                        await conn.close()
                    except Exception:  # noqa: BLE001
                        pass
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_backoff)
