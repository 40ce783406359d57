"""Liveness, readiness (database reachable), Prometheus metrics, and the benchmark's trivial endpoint."""

import asyncio

from litestar import MediaType, Request, Response, get
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, one, scalar
from . import metrics
from .errors import ApiError, error_response
from .responses import MarqueeResponse

Q = Queries.beside(__file__)


@get("/health/live", tags=["health"], summary="The process is up")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/health/ready", tags=["health"], summary="The database answers (503 otherwise)")
async def ready(pool: AsyncConnectionPool) -> Response[dict[str, str]]:
    try:
        async with asyncio.timeout(2):
            async with pool.connection(timeout=2) as conn:
                await one(conn, Q.select1)
    except Exception:  # noqa: BLE001 - any failure means not ready
        return error_response(ApiError("SERVICE_UNAVAILABLE", "database unreachable"))
    return MarqueeResponse({"status": "ready"})


@get("/metrics", media_type=MediaType.TEXT, include_in_schema=False)
async def prometheus(request: Request, pool: AsyncConnectionPool) -> Response:
    """Prometheus exposition (marquee/http/metrics.py lists the metrics); the outbox lag is asked at scrape time."""
    metrics.update_process_gauges(request.app.state)
    try:
        async with asyncio.timeout(2):
            lag = await scalar(pool, Q.outbox_lag)
    except Exception:  # noqa: BLE001 - the database down: the other metrics still answer
        lag = None
    body, content_type = metrics.exposition(None if lag is None else float(lag))
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})


@get("/api/bench/select1", include_in_schema=False)
async def bench_select1(pool: AsyncConnectionPool) -> dict[str, int]:
    """`SELECT 1` through the same pool as every endpoint: the baseline the hold benchmark is compared to.
    Mounted only with BENCH_ENDPOINTS=1 (bench/http/run.sh sets it)."""
    return {"result": await scalar(pool, Q.select1)}


HEALTH_ROUTES = [live, ready, prometheus]
BENCH_ROUTES = [bench_select1]
