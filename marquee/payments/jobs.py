"""The payments job: expire unpaid bookings and cancel their intents, retry refunds, report discrepancies.

    python -m marquee.payments.jobs                 # forever, every PAYMENTS_JOB_INTERVAL_SECONDS (default 15)
    python -m marquee.payments.jobs --once          # one pass (cron), prints what it did as JSON
    python -m marquee.payments.jobs --reconcile     # print booking.payment_discrepancies; exit 1 if not empty

Every step is idempotent and safe to run in several processes at once: expiry takes row locks (SKIP LOCKED),
and intents and refunds are sent with idempotency keys derived from their ids.
"""

import argparse
import asyncio
import json
import logging
import sys

from psycopg import AsyncConnection

from ..db import Queries, all_rows, dict_row, make_pool, one, scalar, transaction
from ..settings import load
from .gateway import PaymentProviderUnavailable, PaymentRejected, get_gateway
from .refunds import execute_refund

PQ = Queries.beside(__file__)

log = logging.getLogger("marquee.payments")


async def run_once(conn_or_pool, limit: int = 200) -> dict:
    """One pass; returns counts. `conn_or_pool`: an AsyncConnection (autocommit) or an AsyncConnectionPool."""
    summary = {"expired": 0, "intentsCancelled": 0, "latePayments": 0, "cancelDeferred": 0,
               "refunds": {}}
    async with transaction(conn_or_pool) as conn:
        expired = await all_rows(conn, PQ.expire_overdue_payments, {"limit": limit})
    summary["expired"] = len(expired)

    async with transaction(conn_or_pool) as conn:
        owed = await all_rows(conn, PQ.pending_intent_cancellations, {"limit": limit})
    for intent_id, _booking_id, _attempts in owed:
        try:
            provider_status, error = await get_gateway().cancel_intent(intent_id), None
        except (PaymentProviderUnavailable, PaymentRejected) as exc:
            provider_status, error = None, str(exc)
        async with transaction(conn_or_pool) as conn:
            _i, state, refund_id = await one(conn, PQ.record_intent_cancellation, {
                "payment_intent_id": intent_id, "provider_status": provider_status, "error": error})
        if state != "DONE":
            summary["cancelDeferred"] += 1
        elif provider_status == "succeeded":
            summary["latePayments"] += 1  # paid before we could cancel: the refund goes out below
        else:
            summary["intentsCancelled"] += 1

    async with transaction(conn_or_pool) as conn:
        refunds = await all_rows(conn, PQ.pending_refunds, {"limit": limit})
    for (refund_id,) in refunds:
        status = await execute_refund(conn_or_pool, refund_id)
        summary["refunds"][status] = summary["refunds"].get(status, 0) + 1

    async with transaction(conn_or_pool) as conn:
        summary["holdClaimsPurged"] = await scalar(conn, PQ.purge_expired_holds)
    return summary


async def discrepancies(conn_or_pool) -> list[dict]:
    async with transaction(conn_or_pool) as conn:
        return await all_rows(conn, PQ.payment_discrepancies, row=dict_row)


async def _forever(database_url: str, interval: float) -> None:
    pool = make_pool(database_url, 3, name="marquee-payments")
    await pool.open()
    try:
        while True:
            try:
                summary = await run_once(pool)
                if summary["expired"] or summary["refunds"] or summary["cancelDeferred"]:
                    log.info(json.dumps({"event": "payments_job", **summary}))
            except Exception as exc:  # noqa: BLE001 - a bad pass (database restarting...) must not stop the job
                log.exception(json.dumps({"event": "payments_job_failed", "error": str(exc)[:300]}))
            await asyncio.sleep(interval)
    finally:
        await pool.close()


async def _one(database_url: str, reconcile: bool) -> int:
    async with await AsyncConnection.connect(database_url, autocommit=True) as conn:
        if reconcile:
            rows = await discrepancies(conn)
            print(json.dumps(rows, default=str, indent=2))
            return 1 if rows else 0
        print(json.dumps(await run_once(conn)))
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--reconcile", action="store_true", help="list bookings whose money and status disagree")
    settings = load()
    parser.add_argument("--interval", type=float, default=settings.payments_job_interval_seconds)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    url = settings.worker_database_url
    if args.once or args.reconcile:
        return asyncio.run(_one(url, args.reconcile))
    try:
        asyncio.run(_forever(url, args.interval))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
