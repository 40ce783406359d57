"""Scenario: SIGKILL the API process in the middle of hold/confirm/payment load, start it again, and check that

  * no booking is half-written and no seat is lost or doubled (the invariant checks of chaos/checks.sql);
  * every buyer ends CONFIRMED with exactly the seats it asked for (retrying through the crashes);
  * a retry with the same Idempotency-Key gets the original answer (same status, same body).

Each buyer has its own two seats, so any buyer that does not end up CONFIRMED is a lost sale, never a lost race.
A request cut off by the crash leaves its Idempotency-Key claimed by a database session that died with the process:
booking.idempotency_begin lets a retry take such a key over at once. (--fast-forward, which ages those keys past the
60 s in-flight window, is kept only to compare with the old behaviour.)

    .venv/bin/python -m chaos.kill_api --buyers 150 --kills 4
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from testing import stripe
from testing.data import CHECKS, invariant_violations, make_showtime
from testing.services import ApiServer

RETRYABLE = {502, 503, 504}


@dataclass
class Buyer:
    seats: list[str]
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    answers: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # endpoint -> definitive answers
    retries: int = 0
    booking_id: str | None = None
    outcome: str = "unfinished"


async def _post_until_answered(client: httpx.AsyncClient, buyer: Buyer, name: str, path: str, body: dict,
                               key: str | None, deadline: float) -> tuple[int, dict]:
    """POST until the server gives a definitive answer (not a dropped connection, 5xx or key-in-progress),
    then once more with the same key, recording both answers: they must be identical."""
    headers = {"Idempotency-Key": key} if key else {}
    first = None
    while time.monotonic() < deadline:
        try:
            r = await client.post(path, json=body, headers=headers)
        except httpx.TransportError:
            buyer.retries += 1
            await asyncio.sleep(0.2)
            continue
        if r.status_code in RETRYABLE or (r.status_code == 409 and r.json().get("error", {}).get("code") ==
                                          "IDEMPOTENCY_IN_PROGRESS"):
            buyer.retries += 1
            await asyncio.sleep(0.3)
            continue
        answer = (r.status_code, json.dumps(r.json(), sort_keys=True))
        buyer.answers.setdefault(name, []).append(answer)
        if first is None and key:
            first = answer
            continue  # the replay check: same key, same request
        return r.status_code, r.json()
    raise TimeoutError(f"{name}: no answer before the deadline")


async def _buy(client: httpx.AsyncClient, showtime: str, buyer: Buyer, deadline: float) -> None:
    status, body = await _post_until_answered(client, buyer, "hold", "/api/bookings/hold", {
        "showtimeId": showtime, "seatIds": buyer.seats, "sessionToken": buyer.token}, None, deadline)
    if status != 201:
        buyer.outcome = f"hold {status} {body.get('error', {}).get('code')}"
        return
    status, body = await _post_until_answered(client, buyer, "confirm", "/api/bookings/confirm", {
        "holdId": body["holdId"], "sessionToken": buyer.token,
        "userDetails": {"email": "chaos@example.com", "name": "Chaos Buyer"}}, f"c-{buyer.token}", deadline)
    if status != 201:
        buyer.outcome = f"confirm {status} {body.get('error', {}).get('code')}"
        return
    buyer.booking_id = body["bookingId"]
    status, body = await _post_until_answered(client, buyer, "pay", "/api/payments/process", {
        "bookingId": body["bookingId"], "paymentIntentId": body["paymentIntentId"],
        "paymentMethod": {"type": "card", "token": "tok_visa"}}, f"p-{buyer.token}", deadline)
    buyer.outcome = "CONFIRMED" if status == 200 and body.get("status") == "CONFIRMED" else \
        f"pay {status} {body.get('error', {}).get('code')}"


async def _killer(api: ApiServer, kills: int, url: str, state: dict) -> None:
    for _ in range(kills):
        await asyncio.sleep(random.uniform(0.2, 0.6))
        api.kill9()
        with psycopg.connect(url, autocommit=True) as conn:
            state["last_kill_db_time"] = conn.execute("SELECT clock_timestamp()").fetchone()[0]
        state["kills"] += 1
        await asyncio.sleep(random.uniform(0.1, 0.5))  # clients meet a dead port for a moment
        await asyncio.to_thread(api.start)
    state["killer_done"] = True


async def _fast_forward(url: str, state: dict, stop: asyncio.Event) -> None:
    """Age in-progress keys claimed before the last kill: their requests died with the process."""
    while not stop.is_set():
        await asyncio.sleep(0.5)
        if state.get("killer_done") and state.get("last_kill_db_time"):
            with psycopg.connect(url, autocommit=True) as conn:
                n = conn.execute(
                    "UPDATE booking.idempotency_keys SET created_at = created_at - interval '61 seconds' "
                    "WHERE response IS NULL AND created_at < %s", (state["last_kill_db_time"],)).rowcount
                state["aged_keys"] += n


async def run(db_url: str, api_env: dict[str, str], *, buyers: int = 60, kills: int = 3, concurrency: int = 24,
              fast_forward: bool = False, timeout: float = 150, log_dir: Path | None = None) -> dict:
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="marquee_chaos_kill_"))
    rows = max(1, (buyers * 2 + 19) // 20)
    showtime, codes = make_showtime(db_url, rows, 20)
    plan = [Buyer(codes[2 * i:2 * i + 2]) for i in range(buyers)]
    api = ApiServer({"DATABASE_URL": db_url, **api_env}, log_dir / "api.log").start()
    state = Counter()
    state["last_kill_db_time"] = None
    stop = asyncio.Event()
    deadline = time.monotonic() + timeout
    t0 = time.monotonic()
    try:
        sem = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(base_url=api.url, timeout=15,
                                     limits=httpx.Limits(max_connections=concurrency)) as client:
            async def one(b: Buyer):
                async with sem:
                    await _buy(client, showtime, b, deadline)

            helpers = [asyncio.create_task(_killer(api, kills, db_url, state))]
            if fast_forward:
                helpers.append(asyncio.create_task(_fast_forward(db_url, state, stop)))
            results = await asyncio.gather(*(one(b) for b in plan), return_exceptions=True)
            await helpers[0]
            stop.set()
            await asyncio.gather(*helpers[1:])
    finally:
        api.stop()
    elapsed = time.monotonic() - t0

    problems: list[str] = []
    for b, res in zip(plan, results):
        if isinstance(res, BaseException):
            problems.append(f"buyer {b.seats}: {res!r}")
        elif b.outcome != "CONFIRMED":
            problems.append(f"buyer {b.seats}: ended {b.outcome}")
        for name, answers in b.answers.items():
            if name != "hold" and len(set(answers)) > 1:
                problems.append(f"buyer {b.seats}: {name} retry answered differently: {answers}")
    with psycopg.connect(db_url, autocommit=True) as conn:
        sold = dict(conn.execute(CHECKS.seats_sold, {"showtime": showtime}).fetchall())
        confirmed = conn.execute("SELECT count(*) FROM booking.bookings WHERE showtime_id = %s AND status = "
                                 "'CONFIRMED'", (showtime,)).fetchone()[0]
    for b in plan:
        owners = {str(sold.get(s)) for s in b.seats}
        if b.outcome == "CONFIRMED" and owners != {b.booking_id}:
            problems.append(f"buyer {b.seats}: seats owned by {owners}, not its booking {b.booking_id}")
    violations = invariant_violations(db_url, [showtime])
    problems += [f"invariant {k}: {v[:3]}" for k, v in violations.items()]
    return {"scenario": "kill -9 API under confirm/payment load", "passed": not problems and state["kills"] == kills,
            "kills": state["kills"], "buyers": buyers, "confirmed": confirmed, "seats_sold": len(sold),
            "client_retries": sum(b.retries for b in plan), "aged_in_flight_keys": state["aged_keys"],
            "seconds": round(elapsed, 1), "problems": problems[:20]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--buyers", type=int, default=150)
    ap.add_argument("--kills", type=int, default=4)
    ap.add_argument("--fast-forward", action="store_true")
    args = ap.parse_args()
    with stripe.serving() as stripe_env:
        result = asyncio.run(run(args.database_url, stripe_env, buyers=args.buyers, kills=args.kills,
                                 fast_forward=args.fast_forward, timeout=240))
    print(json.dumps(result, indent=1, default=str))
    raise SystemExit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
