"""The Litestar application: routes from api/routes.py, one pool, one error handler, one request log."""

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import AsyncIterator

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from psycopg_pool import AsyncConnectionPool

from .config import Settings
from .db import make_pool
from .errors import EXCEPTION_HANDLERS, load_error_codes
from .middleware import RequestMiddleware
from .ratelimit import RateLimiter
from .responses import MarqueeResponse

log = logging.getLogger("marquee.api")


def _setup_logging() -> None:
    root = logging.getLogger("marquee")
    if not root.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        root.propagate = False


async def _load_error_codes_until_done(pool: AsyncConnectionPool) -> None:
    # The API may start before the database is reachable; until the catalogue loads, DB errors answer 503.
    while True:
        try:
            async with pool.connection(timeout=5) as conn:
                await load_error_codes(conn)
            return
        except Exception as exc:  # noqa: BLE001
            log.warning('{"event":"error_codes_not_loaded","error":%r}', str(exc))
            await asyncio.sleep(2)


def provide_pool(state: State) -> AsyncConnectionPool:
    return state.pool


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings()
    _setup_logging()
    from .routes import ROUTES  # late: other modules append their controllers to ROUTES at import time

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        pool = make_pool(settings.api_database_url, settings.db_pool_max,
                         timeout=float(os.environ.get("DB_POOL_TIMEOUT_SECONDS", "5")))
        await pool.open(wait=False)
        app.state.pool = pool
        app.state.rate_limiter = RateLimiter(settings.redis_url, settings.rate_limit_per_minute)
        loader = asyncio.create_task(_load_error_codes_until_done(pool))
        try:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(loader), timeout=3)
            yield
        finally:
            loader.cancel()
            await app.state.rate_limiter.close()
            await pool.close()

    cors = CORSConfig(allow_origins=list(settings.cors_origins), allow_headers=[
        "Content-Type", "Authorization", "Idempotency-Key", "X-Session-Token", "X-Request-ID", "If-None-Match"],
        expose_headers=["ETag", "X-Request-ID", "Retry-After"]) if settings.cors_origins else None

    app = Litestar(
        route_handlers=list(ROUTES),
        dependencies={"pool": Provide(provide_pool, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,
        response_class=MarqueeResponse,
        lifespan=[lifespan],
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024, gzip_compress_level=6,
                                             exclude_opt_key="skip_compression"),
        cors_config=cors,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(title="Marquee booking API", version="1.0.0", path="/schema"),
        state=None,
        debug=False,
    )
    app.state.settings = settings
    app.asgi_handler = RequestMiddleware(app.asgi_handler, app.state)
    return app
