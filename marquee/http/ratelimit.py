"""Per-client-IP rate limit on the booking endpoints, shared by every API process through Redis.

One Lua script does INCR and sets the window's expiry atomically, so N processes see one counter (a
read-modify-write from each process would let N x the limit through). Redis down -> fail open (logged).
"""

import logging
import time

import redis.asyncio as aioredis
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from .errors import ApiError

log = logging.getLogger("marquee.ratelimit")

WINDOW_SECONDS = 60
# KEYS[1] = counter of this client and window; returns the count after this request and the window's ttl.
_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('TTL', KEYS[1])}
"""
_BACKOFF_SECONDS = 5.0  # after a Redis failure, skip Redis this long so booking is not slowed by timeouts


def client_ip(connection: ASGIConnection, trust_forwarded: bool) -> str:
    """The client's address: the socket's, or the first X-Forwarded-For entry behind a trusted proxy."""
    if trust_forwarded:
        forwarded = connection.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return connection.client.host if connection.client else "unknown"


class RateLimiter:
    def __init__(self, redis_url: str, limit: int, prefix: str = "marquee:rl", trust_forwarded: bool = False):
        self.limit = limit
        self.prefix = prefix
        self.trust_forwarded = trust_forwarded
        self.redis = aioredis.from_url(redis_url, socket_connect_timeout=0.3, socket_timeout=0.3)
        self.script = self.redis.register_script(_SCRIPT)
        self._down_until = 0.0

    def client_ip(self, connection: ASGIConnection) -> str:
        return client_ip(connection, self.trust_forwarded)

    async def hit(self, ip: str) -> tuple[int, int] | None:
        """(count, seconds left in window), or None when Redis is unavailable (fail open)."""
        now = time.monotonic()
        if now < self._down_until:
            return None
        try:
            count, ttl = await self.script(keys=[f"{self.prefix}:{ip}"], args=[WINDOW_SECONDS])
            return int(count), max(int(ttl), 1)
        except Exception as exc:  # noqa: BLE001 - any Redis failure must not block bookings
            self._down_until = now + _BACKOFF_SECONDS
            log.warning('{"event":"rate_limit_fail_open","error":%r}', str(exc))
            return None

    async def close(self) -> None:
        await self.redis.aclose()


async def rate_limit_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    limiter: RateLimiter | None = connection.app.state.get("rate_limiter")
    if limiter is None or limiter.limit <= 0:
        return
    ip = limiter.client_ip(connection)
    result = await limiter.hit(ip)
    if result is None:
        return
    count, ttl = result
    if count > limiter.limit:
        raise ApiError("RATE_LIMITED", f"more than {limiter.limit} booking requests per minute from this address",
                       {"limit": limiter.limit, "retryAfterSeconds": ttl}, headers={"Retry-After": str(ttl)})
