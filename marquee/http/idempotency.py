"""Idempotency-Key handling for confirm, payment and cancel (keys and answers live in Postgres).

Same key + same request -> the stored answer (status and body) is replayed; same key + another request -> 422;
the first request still running -> 409. Answers below 500 are stored; 5xx answers free the key for a retry.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable

from litestar import Request, Response
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, one
from .errors import describe, error_body
from .responses import MarqueeResponse, encode

Q = Queries.beside(__file__)
# What a route running run_idempotent can answer besides its own errors (for its errors(...) declaration).
IDEMPOTENT = ("IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_IN_PROGRESS")


def request_hash(path: str, body: bytes) -> str:
    try:  # the same JSON with other whitespace or key order is the same request
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(path.encode() + b"\n" + canonical).hexdigest()


async def run_idempotent(request: Request, pool: AsyncConnectionPool, endpoint: str,
                         work: Callable[[str | None], Awaitable[Response]]) -> Response:
    """Run `work(key)` at most once per Idempotency-Key; without the header it simply runs."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return await work(None)
    params = {"endpoint": endpoint, "key": key, "request_hash": request_hash(request.url.path, await request.body())}
    state, status_code, stored = await one(pool, Q.idempotency_begin, params)
    if state == "REPLAY":
        return MarqueeResponse(stored.encode(), status_code=status_code, media_type="application/json",
                               headers={"Idempotent-Replayed": "true"})
    try:
        response = await work(key)
    except Exception as exc:
        status, code, message, details, _ = describe(exc)
        await _settle(pool, params, status, encode(error_body(code, message, details)))
        raise
    await _settle(pool, params, response.status_code, encode(response.content))
    return response


async def _settle(pool: AsyncConnectionPool, params: dict, status: int, body: bytes) -> None:
    if status >= 500:
        await one(pool, Q.idempotency_abandon, {"endpoint": params["endpoint"], "key": params["key"]})
    else:
        await one(pool, Q.idempotency_finish, {"endpoint": params["endpoint"], "key": params["key"],
                                              "status_code": status, "response": body.decode()})


async def finish_key(conn, endpoint: str, key: str | None, response: Response) -> None:
    """Store the answer of `key` inside the caller's transaction: a crash after the commit can no longer leave the
    key "in progress" and let a retry redo the work (found by chaos/kill_api.py)."""
    if key:
        await one(conn, Q.idempotency_finish, {"endpoint": endpoint, "key": key, "status_code": response.status_code,
                                              "response": encode(response.content).decode()})
