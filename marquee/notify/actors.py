"""Dramatiq actors: `dramatiq marquee.notify.actors` runs them (see scripts/run.sh).

Retries are scheduled in Postgres (outbox due_at with exponential backoff), not as Dramatiq delays: a delayed
message lives in Redis and would die with it, and the row is the one place that knows whether it was sent.
"""

import threading

import dramatiq
from psycopg_pool import ConnectionPool

from ..db import make_sync_pool
from ..settings import load
from .broker import MAIL_QUEUE, SEND_ACTOR, make_broker
from .mailer import deliver

SETTINGS = load()
dramatiq.set_broker(make_broker(SETTINGS))

_pool: ConnectionPool | None = None
_pool_lock = threading.Lock()


def pool() -> ConnectionPool:
    # created lazily in the worker process (after Dramatiq forks), one connection per worker thread at most
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = make_sync_pool(SETTINGS.worker_database_url, 8, name="marquee-mail")
        return _pool


@dramatiq.actor(actor_name=SEND_ACTOR, queue_name=MAIL_QUEUE, max_retries=0, time_limit=120_000)
def send_email(outbox_id: int) -> None:
    with pool().connection() as conn:
        deliver(conn, outbox_id, SETTINGS)
