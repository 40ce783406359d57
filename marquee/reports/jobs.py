"""Keep the reports fresh and personal data within its retention period.

    python -m marquee.reports.jobs            # loop (started by scripts/run.sh)
    python -m marquee.reports.jobs --once     # one refresh + one retention pass, then exit

Every REPORTS_REFRESH_SECONDS (default 300) it calls booking_ops.refresh_reports() (materialized views refreshed
CONCURRENTLY: BI readers never wait); every PII_RETENTION_CHECK_SECONDS (default 3600) it calls
booking_ops.apply_pii_retention() until no batch is left. It connects as booking_admin (REPORTS_DATABASE_URL, default:
DATABASE_URL with that user): those two functions are all it needs. The rules live in SQL (docs/reporting.md).
"""

import argparse
import logging
import signal
import sys
import threading
import time

import psycopg

from ..db import Queries
from ..settings import load

log = logging.getLogger("refresh_reports")
Q = Queries.beside(__file__)
RETENTION_BATCH = 10_000


def refresh(conn: psycopg.Connection) -> int:
    started = time.monotonic()
    n = conn.execute(Q.refresh_reports).fetchone()[0]
    log.info("refreshed %d report aggregates in %.1fs", n, time.monotonic() - started)
    return n


def apply_retention(conn: psycopg.Connection) -> int:
    total = 0
    while True:  # batches keep each transaction (and its row locks) short
        n = conn.execute(Q.apply_pii_retention, {"batch": RETENTION_BATCH}).fetchone()[0]
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
    settings = load()
    url = settings.reports_database_url
    if args.once:
        with psycopg.connect(url, autocommit=True) as conn:
            refresh(conn)
            apply_retention(conn)
        return 0
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    run(url, settings.reports_refresh_seconds, settings.pii_retention_check_seconds, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
