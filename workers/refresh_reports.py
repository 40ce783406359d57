"""Keep the reports fresh and personal data within its retention period.

    python -m workers.refresh_reports            # loop (started by scripts/run.sh)
    python -m workers.refresh_reports --once     # one refresh + one retention pass, then exit

Every REPORTS_REFRESH_SECONDS (default 300) it calls booking.refresh_reports() (materialized views refreshed
CONCURRENTLY: BI readers never wait); every PII_RETENTION_CHECK_SECONDS (default 3600) it calls
booking.apply_pii_retention() until no batch is left. It connects as booking_admin (REPORTS_DATABASE_URL, default:
DATABASE_URL with that user): those two functions are all it needs. The rules live in SQL (docs/reporting.md).
"""

import argparse
import logging
import os
import signal
import sys
import threading
import time

import psycopg

from api.config import DEFAULT_DATABASE_URL, _with_user

log = logging.getLogger("refresh_reports")
RETENTION_BATCH = 10_000


def database_url() -> str:
    return os.environ.get("REPORTS_DATABASE_URL") or _with_user(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), "booking_admin")


def refresh(conn: psycopg.Connection) -> int:
    started = time.monotonic()
    n = conn.execute("SELECT booking.refresh_reports()").fetchone()[0]
    log.info("refreshed %d report aggregates in %.1fs", n, time.monotonic() - started)
    return n


def apply_retention(conn: psycopg.Connection) -> int:
    total = 0
    while True:  # batches keep each transaction (and its row locks) short
        n = conn.execute("SELECT booking.apply_pii_retention('retention', %s)", (RETENTION_BATCH,)).fetchone()[0]
        total += n
        if n < RETENTION_BATCH:
            break
    if total:
        log.info("retention anonymised %d bookings", total)
    return total


def run(url: str, refresh_every: float, retention_every: float, stop: threading.Event) -> None:
    next_retention = 0.0
    while not stop.is_set():
        try:
            with psycopg.connect(url, autocommit=True, application_name="marquee-refresh-reports") as conn:
                while not stop.is_set():
                    refresh(conn)
                    if time.monotonic() >= next_retention:
                        apply_retention(conn)
                        next_retention = time.monotonic() + retention_every
                    stop.wait(refresh_every)
        except psycopg.Error as err:
            # the database restarting must not kill the loop: retry after a pause
            log.warning("report refresh failed (%s); retrying in 10s", err)
            stop.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--once", action="store_true", help="refresh and apply retention once, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    url = database_url()
    if args.once:
        with psycopg.connect(url, autocommit=True) as conn:
            refresh(conn)
            apply_retention(conn)
        return 0
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    run(url, float(os.environ.get("REPORTS_REFRESH_SECONDS", "300")),
        float(os.environ.get("PII_RETENTION_CHECK_SECONDS", "3600")), stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
