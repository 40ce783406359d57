"""Liveness, readiness (database reachable), Prometheus metrics, and the benchmark's trivial endpoint."""

import asyncio

from litestar import MediaType, Request, Response, get
from psycopg_pool import AsyncConnectionPool

from . import metrics
from .queries import Q
from .responses import MarqueeResponse


@get("/health/live", tags=["health"], summary="The process is up")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/health/ready", tags=["health"], summary="The database answers (503 otherwise)")
async def ready(pool: AsyncConnectionPool) -> Response[dict[str, str]]:
    try:
        async with asyncio.timeout(2):
            async with pool.connection(timeout=2) as conn:
                await conn.execute(Q.select1)
    except Exception:  # noqa: BLE001 - any failure means not ready
        return MarqueeResponse({"error": {"code": "SERVICE_UNAVAILABLE", "message": "database unreachable",
                                          "details": {}}}, status_code=503)
    return MarqueeResponse({"status": "ready"})


@get("/metrics", media_type=MediaType.TEXT, include_in_schema=False)
async def prometheus(request: Request, pool: AsyncConnectionPool) -> Response[str]:
    cache = request.app.state.get("seatmap_cache")
    seatmap = {"hit": cache.hits, "miss": cache.misses} if cache else None
    return Response(metrics.render(pool.get_stats(), seatmap), media_type="text/plain; version=0.0.4; charset=utf-8")


@get("/api/bench/select1", include_in_schema=False)
async def bench_select1(pool: AsyncConnectionPool) -> dict[str, int]:
    """SELECT 1 through the same pool as every endpoint: the baseline the hold benchmark is compared to."""
    async with pool.connection() as conn:
        row = await (await conn.execute(Q.select1)).fetchone()
    return {"result": row[0]}
