"""The seat-change hub: ONE listening connection per API process, fanned out in memory.

The database publishes every seat change on channel `seat_changes` (booking.publish_seat_change). Clients
never listen themselves: a thousand watchers cost one connection, not a thousand. When the connection
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
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import psycopg

log = logging.getLogger("marquee.realtime")

CHANNEL = "seat_changes"


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
        # The seed's `seats:updated` shape, plus the new status so clients need not refetch to repaint.
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
                 queue_size: int = 1000, health_interval: float = 5.0, max_backoff: float = 5.0):
        self.database_url = database_url
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
                       asyncio.create_task(self._deliver(), name="realtime-deliver")]

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

    def handle_payload(self, payload: str) -> None:
        try:
            data = json.loads(payload)
            showtime_id = str(data["showtimeId"])
            seat_ids = [str(s) for s in data["seatIds"]]
            status = str(data["status"])
            at = str(data.get("at") or "")
        except (ValueError, KeyError, TypeError):
            log.warning(json.dumps({"event": "realtime_bad_payload", "payload": payload[:200]}))
            return
        self._changed(showtime_id)
        self.seq += 1
        self._publish(SeatEvent(showtime_id, seat_ids, status, at, self.epoch, self.seq))

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
                await conn.execute(f"LISTEN {CHANNEL}")
                if not first:
                    # Whatever was published while we were away is gone: start a new epoch, tell everyone.
                    self.epoch = secrets.token_hex(4)
                    self.reconnects += 1
                    self._resync_everyone("reconnected")
                    log.info(json.dumps({"event": "realtime_reconnected", "epoch": self.epoch}))
                first = False
                delay = 0.1
                self.connected.set()
                while True:
                    async for notify in conn.notifies(timeout=self.health_interval):
                        self.handle_payload(notify.payload)
                    # Quiet for a while: make sure the connection is really alive (half-open sockets).
                    await conn.execute("SELECT 1")
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
