"""The Litestar application: the routes of routes.py, one pool, one error handler, one request log."""

import asyncio
import contextlib
import gc
import logging
import sys
from collections.abc import AsyncIterator

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.routes import HTTPRoute
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from psycopg_pool import AsyncConnectionPool

from ..booking.batcher import HoldBatcher
from ..db import make_pool
from ..http import metrics
from ..http.errors import EXCEPTION_HANDLERS, load_error_codes
from ..http.middleware import RequestMiddleware
from ..http.openapi import DocumentPlugin, operation_id
from ..http.ratelimit import RateLimiter
from ..http.strict import strict_body
from ..queue.admitter import Admitter
from ..http.responses import SKIP_COMPRESSION, MarqueeResponse
from ..settings import Settings, load
from .routes import routes

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
    # The API may start before the database is reachable; until the catalogue loads, errors answer 503.
    while True:
        try:
            async with pool.connection(timeout=5) as conn:
                await load_error_codes(conn)
            return
        except Exception as exc:  # noqa: BLE001
            log.warning('{"event":"error_codes_not_loaded","error":%r}', str(exc))
            await asyncio.sleep(2)


async def _update_gauges(app: Litestar) -> None:
    while True:
        await asyncio.sleep(5)
        try:
            metrics.update_process_gauges(app.state)
        except Exception as exc:  # noqa: BLE001 - metrics must never stop the app
            log.warning('{"event":"metrics_update_failed","error":%r}', str(exc))


def _freeze_startup_objects() -> None:
    # The app, its routes, schemas and imported modules are ~130,000 objects that live as long as the process,
    # and every full collection of the cyclic GC walked them all while the one event loop waited: that was the
    # p99 of every endpoint (SELECT 1 at 16 connections: p50 8 ms, p99 ~100 ms; 14-26 ms with the GC off, 22 ms
    # frozen). gc.freeze() moves them out of the collector's generations, so collections walk only what requests
    # made (docs/benchmarks.md, issue 16).
    gc.collect()
    gc.freeze()


def provide_pool(state: State) -> AsyncConnectionPool:
    return state.pool


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load()
    settings.refuse_unsafe_production()  # MARQUEE_ENV=production with a weak ADMIN_TOKEN never serves
    _setup_logging()

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        pool = make_pool(settings.api_database_url, settings.db_pool_max, timeout=settings.db_pool_timeout_seconds,
                         prepared_statements=settings.db_prepared_statements)
        await pool.open(wait=False)
        app.state.pool = pool
        # group commit of the holds of one showtime (HOLD_BATCH_MAX 0: every hold is its own call)
        app.state.hold_batcher = HoldBatcher(pool, max_batch=settings.hold_batch_max,
                                             max_queue=settings.hold_queue_max) if settings.hold_batch_max > 0 else None
        app.state.rate_limiter = RateLimiter(settings.redis_url, settings.rate_limit_per_minute,
                                             settings.rate_limit_prefix, settings.trust_x_forwarded_for)
        loader = asyncio.create_task(_load_error_codes_until_done(pool))
        # the waiting rooms' admission job: one elected leader per database ticks (marquee/queue/admitter.py)
        admitter = Admitter(settings.api_database_url, interval=settings.queue_admit_seconds) \
            if settings.queue_admitter == "on" else None
        if admitter:
            await admitter.start()
        app.state.queue_admitter = admitter
        # with several workers each one writes its gauges (pool, LISTEN hub) for whichever answers /metrics
        gauges = asyncio.create_task(_update_gauges(app)) if metrics.MULTIPROCESS else None
        try:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(loader), timeout=3)
            _freeze_startup_objects()
            yield
        finally:
            loader.cancel()
            if admitter:
                await admitter.stop()
            if gauges:
                gauges.cancel()
            await app.state.rate_limiter.close()
            await pool.close()

    cors = CORSConfig(allow_origins=list(settings.cors_origins), allow_headers=[
        "Content-Type", "Authorization", "Idempotency-Key", "X-Session-Token", "X-Admission-Token", "X-Request-ID", "If-None-Match"],
        expose_headers=["ETag", "X-Request-ID", "Retry-After"]) if settings.cors_origins else None

    app = Litestar(
        route_handlers=routes(settings),
        dependencies={"pool": Provide(provide_pool, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=strict_body,
        response_class=MarqueeResponse,
        lifespan=[lifespan],
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024, gzip_compress_level=6,
                                             exclude_opt_key=SKIP_COMPRESSION),
        cors_config=cors,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Marquee booking API", version="1.0.0", path="/schema",
            description="Cinema seat booking. Errors: {\"error\": {\"code\", \"message\", \"details\"}}; each "
                        "response lists the codes it can carry (x-error-codes). docs/api.md, docs/errors.md.",
            render_plugins=[DocumentPlugin(), ScalarRenderPlugin()], operation_id_creator=operation_id,
            components=Components(security_schemes={"BearerToken": SecurityScheme(
                type="http", scheme="bearer", description="ADMIN_TOKEN (operators)")})),
        state=None,
        debug=False,
    )
    app.state.settings = settings
    allow = {r.path_format: ", ".join(sorted(set(r.methods) | ({"HEAD"} if "GET" in r.methods else set())))
             for r in app.routes if isinstance(r, HTTPRoute)}
    app.asgi_handler = RequestMiddleware(app.asgi_handler, app.state, allow)
    return app
