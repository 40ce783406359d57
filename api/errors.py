"""One place that turns every failure into {"error": {"code", "message", "details"}} with the right status.

Database errors are mapped by SQLSTATE through booking.error_codes (loaded at startup): the functions raise
with HINT = code and DETAIL = JSON details, so the API never re-implements a rule to pick a status.
"""

import json
import logging
from typing import Any

import psycopg
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from psycopg_pool import PoolTimeout

from .queries import Q
from .responses import MarqueeResponse

log = logging.getLogger("marquee.api")

# Filled from booking.error_codes at startup: sqlstate -> (code, http status).
ERROR_CODES: dict[str, tuple[str, int]] = {}

# A concurrent claim beat this one to a seat: to the client it is the same as "seat taken".
_RACE_STATES = {"23P01": "SEAT_UNAVAILABLE", "40P01": "SEAT_UNAVAILABLE", "40001": "SEAT_UNAVAILABLE"}

_STATUS_CODES = {
    400: "VALIDATION_ERROR", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR", 429: "RATE_LIMITED", 503: "SERVICE_UNAVAILABLE",
}


class ApiError(HTTPException):
    """An error the Python layer raises itself (auth, rate limit, idempotency, provider down)."""

    def __init__(self, status_code: int, code: str, message: str, details: dict | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(detail=message, status_code=status_code, headers=headers)
        self.code = code
        self.message = message
        self.details = details or {}


async def load_error_codes(conn: psycopg.AsyncConnection) -> None:
    cur = await conn.execute(Q.error_codes)
    ERROR_CODES.clear()
    for sqlstate, code, status in await cur.fetchall():
        ERROR_CODES[sqlstate] = (code, status)


def _details(raw: str | None) -> dict:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"detail": raw}
    return value if isinstance(value, dict) else {"detail": value}


def describe(exc: Exception) -> tuple[int, str, str, dict, dict[str, str] | None]:
    """(status, code, message, details, headers) for any exception."""
    if isinstance(exc, ApiError):
        return exc.status_code, exc.code, exc.message, exc.details, exc.headers
    if isinstance(exc, ValidationException):
        extra = exc.extra if isinstance(exc.extra, list) else ([exc.extra] if exc.extra else [])
        return 422, "VALIDATION_ERROR", str(exc.detail), {"errors": extra}, None
    if isinstance(exc, HTTPException) and exc.status_code == 400:
        # Litestar answers 400 for a body it cannot parse; every bad input is 422 VALIDATION_ERROR here
        return 422, "VALIDATION_ERROR", str(exc.detail), {}, None
    if isinstance(exc, HTTPException):
        code = _STATUS_CODES.get(exc.status_code, "ERROR" if exc.status_code < 500 else "INTERNAL_ERROR")
        message = str(exc.detail) if exc.detail else code.replace("_", " ").lower()
        return exc.status_code, code, message, {}, exc.headers
    if isinstance(exc, PoolTimeout):
        return 503, "SERVICE_UNAVAILABLE", "the database is busy or unreachable; retry shortly", {}, {"Retry-After": "1"}
    if isinstance(exc, psycopg.Error):
        state = exc.sqlstate or ""
        diag = exc.diag
        if state in _RACE_STATES:
            return 409, "SEAT_UNAVAILABLE", "a seat was taken by a concurrent booking; choose other seats", \
                _details(diag.message_detail if state != "23P01" else None), None
        if state in ERROR_CODES:
            code, status = ERROR_CODES[state]
            return status, diag.message_hint or code, diag.message_primary or code, _details(diag.message_detail), None
        if isinstance(exc, psycopg.DataError) and not state:
            # refused by the driver before reaching the server, e.g. a NUL character in a string
            return 422, "VALIDATION_ERROR", str(exc), {}, None
        if state.startswith("22"):  # data exception: a value the database could not take (bad uuid, overflow...)
            return 422, "VALIDATION_ERROR", diag.message_primary or "invalid value", {}, None
        if isinstance(exc, psycopg.OperationalError) or state.startswith(("08", "57P")):
            return 503, "SERVICE_UNAVAILABLE", "the database is unreachable; retry shortly", {}, {"Retry-After": "1"}
    log.exception("unhandled error", exc_info=exc)
    return 500, "INTERNAL_ERROR", "internal error", {}, None


def error_body(code: str, message: str, details: dict | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(exc: Exception) -> Response:
    status, code, message, details, headers = describe(exc)
    return MarqueeResponse(error_body(code, message, details), status_code=status, headers=headers)


def exception_handler(request: Request, exc: Exception) -> Response:
    return error_response(exc)


EXCEPTION_HANDLERS = {Exception: exception_handler}
