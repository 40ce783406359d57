"""Operator credentials: the API passes them to the database, which alone decides who is acting (docs/security.md).

A credential is a session token (POST /api/auth/login), an API key, or ADMIN_TOKEN (the bootstrap OWNER key that
migrate stores hashed). It arrives as `Authorization: Bearer <credential>`, or as the admin pages' session cookie.
This module never checks it: `as_operator(request, pool)` opens a transaction, hands the raw credential to it
(`set_config('marquee.credential', ..., true)`, transaction-local) and the operator function called next runs
`booking.require(permission, cinema)`, which hashes it and looks it up (sql/functions/03_operators.sql). The
guard below only refuses, early, a request that carries no credential at all.

The cookie (`Secure; HttpOnly; SameSite=Strict`, set by the login) is honoured for GET/HEAD, and for other
methods only when the request's Origin is this server's own: a cross-site form or script can never use it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from urllib.parse import unquote, urlsplit

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from ..db import Queries
from .errors import ApiError

Q = Queries.beside(__file__)

ADMIN_COOKIE = "marquee_admin"
_SAFE_METHODS = {"GET", "HEAD"}
_MAX_CREDENTIAL = 512
WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="marquee-admin"'}


def _same_origin(connection: ASGIConnection) -> bool:
    origin = connection.headers.get("origin")
    host = connection.headers.get("host")
    return bool(origin and host and urlsplit(origin).netloc == host)


def credential_of(connection: ASGIConnection) -> str | None:
    """The credential the request presents (bearer header first, else the cookie where allowed), or None."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()[:_MAX_CREDENTIAL + 1]
    cookie = connection.cookies.get(ADMIN_COOKIE)
    if cookie and (connection.scope.get("method") in _SAFE_METHODS or _same_origin(connection)):
        return unquote(cookie)[:_MAX_CREDENTIAL + 1]
    return None


def require_credential(connection: ASGIConnection) -> str:
    found = credential_of(connection)
    if not found:
        raise ApiError("UNAUTHORIZED", "an operator credential is required: log in (POST /api/auth/login), or send "
                       "an API key as Authorization: Bearer", headers=WWW_AUTHENTICATE)
    return found


def operator_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Refuses (401) a request with no credential at all; whether the credential is valid, SQL decides."""
    require_credential(connection)


@contextlib.asynccontextmanager
async def as_operator(connection: ASGIConnection, pool: AsyncConnectionPool | AsyncConnection
                      ) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction that carries the request's credential (marquee.credential, transaction-local).

    The SET and the first query go out in one pipeline (one round trip); the functions called on this connection
    verify the credential themselves, on every call."""
    credential = require_credential(connection)
    if isinstance(pool, AsyncConnection):
        async with pool.transaction():
            await pool.execute(Q.set_credential, {"credential": credential})
            yield pool
        return
    async with pool.connection() as conn:
        async with conn.pipeline(), conn.transaction():
            await conn.execute(Q.set_credential, {"credential": credential})
            yield conn
