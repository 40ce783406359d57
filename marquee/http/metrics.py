"""Prometheus metrics through prometheus_client (GET /metrics, text exposition format).

One process: the default registry. Several (WEB_CONCURRENCY > 1): prometheus_client's multiprocess mode, where
every worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR (python -m marquee.app.serve makes and empties
it) and /metrics, answered by any worker, sums them (gauges: per pid, or the max / sum as each says).

    marquee_http_requests_total{method,route,status}            counter (route: the route template, e.g.
    marquee_http_request_duration_seconds{method,route,status}  histogram  /api/showtimes/{showtime_id}/seats)
    marquee_holds_total{outcome}, marquee_bookings_total{outcome}, marquee_payments_total{outcome}
                                                                counters of hold, confirm and payments/process
                                                                answers (outcome: ok, or the HTTP status)
    marquee_db_pool{stat}                                       gauges from psycopg_pool's get_stats() per pid
    marquee_realtime_connected, marquee_realtime_subscribers, marquee_realtime_reconnects, marquee_realtime_events
                                                                the LISTEN hub of each process
    marquee_seatmap_cache_total{result}                         counter: seat maps answered from memory (hit) or not
    marquee_hold_batch_size                                     histogram: hold requests per booking.hold_batch call
    marquee_outbox_lag_seconds                                  age of the oldest email due and not sent
                                                                (booking.outbox_lag_seconds(), at scrape time)

The request middleware calls observe() once per request: two label lookups in dicts and two increments.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import (REGISTRY, CollectorRegistry, Counter, Gauge, Histogram,
                               generate_latest, multiprocess, values)

# prometheus_client chose its value class at import: files in PROMETHEUS_MULTIPROC_DIR, or memory
MULTIPROCESS = values.ValueClass is not values.MutexValue
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("marquee_http_requests", "HTTP requests by method, route template and status.",
                   ["method", "route", "status"])
DURATION = Histogram("marquee_http_request_duration_seconds", "HTTP request duration by method, route and status.",
                     ["method", "route", "status"], buckets=BUCKETS)
HOLDS = Counter("marquee_holds", "Answers of POST /api/bookings/hold (outcome: ok or the status).", ["outcome"])
BOOKINGS = Counter("marquee_bookings", "Answers of POST /api/bookings/confirm (outcome: ok or the status).",
                   ["outcome"])
PAYMENTS = Counter("marquee_payments", "Answers of POST /api/payments/process (outcome: ok or the status).",
                   ["outcome"])
POOL = Gauge("marquee_db_pool", "Database connection pool (psycopg_pool get_stats) of each process.", ["stat"],
             multiprocess_mode="liveall")
HUB_CONNECTED = Gauge("marquee_realtime_connected", "1 when the process's LISTEN connection is up.",
                      multiprocess_mode="liveall")
HUB_SUBSCRIBERS = Gauge("marquee_realtime_subscribers", "Live seat-map subscribers (SSE and Socket.IO) per process.",
                        multiprocess_mode="livesum")
HUB_RECONNECTS = Gauge("marquee_realtime_reconnects", "Times the LISTEN connection was made again, per process.",
                       multiprocess_mode="liveall")
HUB_EVENTS = Gauge("marquee_realtime_events", "Seat events the hub has published since it started, per process.",
                   multiprocess_mode="liveall")
SEATMAP = Counter("marquee_seatmap_cache", "Seat maps answered from this process's memory (hit) or not (miss; "
                  "shared: a miss answered by another reader's database read in flight).",
                  ["result"])
OUTBOX_LAG = Gauge("marquee_outbox_lag_seconds", "Age of the oldest notification email that is due and not sent.",
                   multiprocess_mode="max")

_POOL_STATS = ("pool_min", "pool_max", "pool_size", "pool_available", "requests_waiting", "requests_errors",
               "connections_errors")
_BUSINESS = {("POST", "/api/bookings/hold"): HOLDS, ("POST", "/api/bookings/confirm"): BOOKINGS,
             ("POST", "/api/payments/process"): PAYMENTS}
_children: dict[tuple[str, str, int], tuple[Any, Any, Any]] = {}
_seatmap_seen: dict[str, int] = {}


def observe(method: str, route: str, status: int, seconds: float) -> None:
    key = (method, route, status)
    child = _children.get(key)
    if child is None:
        labels = (method, route, str(status))
        business = _BUSINESS.get((method, route))
        outcome = business.labels("ok" if status < 400 else str(status)) if business is not None else None
        child = _children[key] = (REQUESTS.labels(*labels), DURATION.labels(*labels), outcome)
    child[0].inc()
    child[1].observe(seconds)
    if child[2] is not None:
        child[2].inc()


HOLD_BATCH = Histogram("marquee_hold_batch_size", "Hold requests decided per booking.hold_batch call (group commit).",
                       buckets=(1, 2, 4, 8, 16, 32, 64))


def observe_hold_batch(size: int) -> None:
    """One booking.hold_batch call of `size` requests (marquee/booking/batcher.py)."""
    HOLD_BATCH.observe(size)


def update_process_gauges(state: Any) -> None:
    """This process's pool, LISTEN hub and seat-map cache (called at scrape time and every few seconds)."""
    pool = state.get("pool")
    if pool is not None:
        stats = pool.get_stats()
        for key in _POOL_STATS:
            POOL.labels(key).set(stats.get(key, 0))
    hub = state.get("realtime_hub")
    if hub is not None:
        HUB_CONNECTED.set(1 if hub.connected.is_set() else 0)
        HUB_SUBSCRIBERS.set(hub.subscriber_count)
        HUB_RECONNECTS.set(hub.reconnects)
        HUB_EVENTS.set(hub.seq)
    cache = state.get("seatmap_cache")
    if cache is not None:  # the cache counts; the counter catches up with it
        for result, count in (("hit", cache.hits), ("miss", cache.misses), ("shared", cache.shared)):
            delta = count - _seatmap_seen.get(result, 0)
            if delta > 0:
                SEATMAP.labels(result).inc(delta)
                _seatmap_seen[result] = count


# The text format prometheus_client writes (Litestar adds the charset)
CONTENT_TYPE = "text/plain; version=0.0.4"


def exposition(outbox_lag: float | None) -> tuple[bytes, str]:
    """(body, content type) of /metrics: this process's registry, or every worker's files in multiprocess mode."""
    if outbox_lag is not None:
        OUTBOX_LAG.set(outbox_lag)
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE
    return generate_latest(REGISTRY), CONTENT_TYPE
