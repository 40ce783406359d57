"""A listener like the API's hub (LISTEN seat_changes, drain everything) so NOTIFY is measured with a consumer.

    python bench/notify/listen.py DATABASE_URL   # prints how many notifications it received, on SIGTERM
"""

import signal
import sys

import psycopg

count = 0


def stop(*_):
    print(f"listener received {count} notifications", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute("LISTEN seat_changes")
    for _ in conn.notifies():
        count += 1
