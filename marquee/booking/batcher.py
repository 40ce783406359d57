"""Group commit for POST /api/bookings/hold (issue 16): concurrent holds of ONE showtime become one
booking.hold_batch call, which decides them in arrival order in one transaction and answers each on its own.

Classic group commit, no fill timer: a request for a showtime with no call in flight is sent at once (a batch of
one); requests that arrive while a call is in flight queue up and go together in the next call, at most `max_batch`
per call. One call in flight per showtime per process (several batches of one showtime would only queue on the
same row locks in the database); different showtimes run in parallel on different pool connections. The queue of
a showtime is bounded: a full queue answers 503 SERVICE_UNAVAILABLE with Retry-After instead of growing memory.

Each request keeps its own answer: a refusal in the batch is the error booking.hold would have raised (same code,
message and details, so the same status and JSON), and one request's refusal never fails another. If the call
itself fails (the exclusion constraint fired: a bug; a lost connection), each request of the batch is retried
alone with booking.hold, so it gets exactly the answer the single path gives.
"""

import asyncio
import json
import logging
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime

from psycopg_pool import AsyncConnectionPool

from ..db import Queries, one, scalar
from ..http import metrics
from ..http.errors import ApiError

log = logging.getLogger("marquee.booking")
Q = Queries.beside(__file__)


@dataclass
class _Request:
    seat_ids: list[str]
    session_token: str
    future: asyncio.Future
    admission_token: str | None = None  # X-Admission-Token of a queued showtime (issue 20)


@dataclass
class _Showtime:
    queue: deque = field(default_factory=deque)
    in_flight: bool = False


class HoldBatcher:
    def __init__(self, pool: AsyncConnectionPool, *, max_batch: int = 32, max_queue: int = 1000):
        self.pool = pool
        self.max_batch = max_batch
        self.max_queue = max_queue
        self._showtimes: dict[str, _Showtime] = {}
        self.calls = 0
        self.requests = 0
        self.fallbacks = 0
        # seats this process recently held for a session (bounded): a session re-holding its own seats is not a loser
        self._own: OrderedDict[tuple[str, str], frozenset[str]] = OrderedDict()
        self.max_own = 20000
        # seats this process's batches gave to a session, per showtime (bounded): a later request for one of them
        # is a likely loser, refused by a read (booking.seats_claimed) once the database confirms the claim, without
        # waiting for the hub's copy (which follows the publisher, ~20 ms behind) or queueing behind a batch
        self._won: OrderedDict[str, dict[str, str]] = OrderedDict()
        self.max_won_showtimes = 200

    def won_by_other(self, showtime_id: str, seat_ids: list[str], session_token: str) -> bool:
        """Only a hint (a seat may have been released since): the caller confirms it with the database."""
        won = self._won.get(showtime_id)
        if not won:
            return False
        for seat in seat_ids:
            holder = won.get(seat)
            if holder is not None and holder != session_token:
                return True
        return False

    def own_seats(self, showtime_id: str, session_token: str) -> frozenset[str]:
        return self._own.get((showtime_id, session_token), frozenset())

    def _remember(self, showtime_id: str, session_token: str, seats: list[str]) -> None:
        key = (showtime_id, session_token)
        won = self._won.get(showtime_id)
        if won is None:
            won = self._won[showtime_id] = {}
            while len(self._won) > self.max_won_showtimes:
                self._won.popitem(last=False)
        else:
            self._won.move_to_end(showtime_id)
        for seat in self._own.get(key, ()):  # a re-hold gives up the seats it does not name again
            if won.get(seat) == session_token:
                del won[seat]
        won.update(dict.fromkeys(seats, session_token))
        self._own[key] = frozenset(seats)
        self._own.move_to_end(key)
        while len(self._own) > self.max_own:
            self._own.popitem(last=False)

    async def hold(self, showtime_id: str, seat_ids: list[str], session_token: str,
                   admission_token: str | None = None) -> tuple:
        """(hold_id, expires_at, total_amount, currency, seats) as booking.hold returns them, or its error."""
        state = self._showtimes.get(showtime_id)
        if state is None:
            state = self._showtimes[showtime_id] = _Showtime()
        if len(state.queue) >= self.max_queue:
            raise ApiError("SERVICE_UNAVAILABLE", "too many holds waiting for this showtime; retry shortly",
                           {"showtimeId": showtime_id}, headers={"Retry-After": "1"})
        future = asyncio.get_running_loop().create_future()
        state.queue.append(_Request(seat_ids, session_token, future, admission_token))
        if not state.in_flight:
            state.in_flight = True
            asyncio.create_task(self._drain(showtime_id, state), name=f"hold-batch-{showtime_id}")
        return await future

    async def _drain(self, showtime_id: str, state: _Showtime) -> None:
        try:
            while state.queue:
                batch = [state.queue.popleft() for _ in range(min(self.max_batch, len(state.queue)))]
                batch = [r for r in batch if not r.future.done()]  # a client that went away is not decided
                if batch:
                    await self._call(showtime_id, batch)
        finally:
            state.in_flight = False
            if not state.queue:
                self._showtimes.pop(showtime_id, None)

    async def _call(self, showtime_id: str, batch: list[_Request]) -> None:
        self.calls += 1
        self.requests += len(batch)
        metrics.observe_hold_batch(len(batch))
        requests = json.dumps([{"seatIds": r.seat_ids, "sessionToken": r.session_token}
                               | ({"admissionToken": r.admission_token} if r.admission_token else {}) for r in batch])
        try:
            results = await scalar(self.pool, Q.hold_batch, {"showtime_id": showtime_id, "requests": requests})
        except Exception as exc:  # noqa: BLE001 - the call failed as a whole: every request goes alone
            self.fallbacks += 1
            log.warning(json.dumps({"event": "hold_batch_failed", "showtime": showtime_id, "requests": len(batch),
                                    "error": str(exc)[:200]}))
            await asyncio.gather(*(self._single(showtime_id, r) for r in batch))
            return
        for request, result in zip(batch, results):
            if request.future.done():
                continue
            if result.get("ok"):
                self._remember(showtime_id, request.session_token, request.seat_ids)
                request.future.set_result((uuid.UUID(result["holdId"]), datetime.fromisoformat(result["expiresAt"]),
                                           result["totalAmount"], result["currency"], result["seats"]))
            else:
                request.future.set_exception(ApiError(result["code"], result["message"], result.get("details")))

    async def _single(self, showtime_id: str, request: _Request) -> None:
        try:
            row = await one(self.pool, Q.hold, {"showtime_id": showtime_id, "seat_ids": request.seat_ids,
                                                "session_token": request.session_token,
                                                "admission_token": request.admission_token})
        except Exception as exc:  # noqa: BLE001 - handed to the request, answered like the single path
            if not request.future.done():
                request.future.set_exception(exc)
            return
        if not request.future.done():
            request.future.set_result(row)

    def stats(self) -> dict[str, float]:
        return {"calls": self.calls, "requests": self.requests, "fallbacks": self.fallbacks,
                "mean_batch": self.requests / self.calls if self.calls else 0.0}
