"""The Dramatiq broker the relay enqueues to and the worker consumes from."""

import redis
from dramatiq.brokers.redis import RedisBroker

from ..settings import Settings, load

MAIL_QUEUE = "mail"
SEND_ACTOR = "send_email"


def make_broker(settings: Settings | None = None) -> RedisBroker:
    settings = settings or load()
    # Timeouts: a stopped or unreachable Redis must fail an enqueue quickly, not hang the relay.
    pool = redis.ConnectionPool.from_url(settings.redis_url, socket_connect_timeout=3, socket_timeout=10)
    return RedisBroker(connection_pool=pool, namespace=settings.dramatiq_namespace)
