"""The one exception layer: every failure becomes {"error": {"code", "message", "details"}} with its status.

The statuses come from ONE catalogue, the table booking.error_codes (sql/functions/01_error_codes.sql), loaded
at start-up:
  - the SQL functions raise a catalogued SQLSTATE with HINT = code and DETAIL = JSON details;
  - Postgres' own race states (23P01 exclusion violation, 40P01 deadlock) have rows whose answer_code says what
    the client sees (SEAT_UNAVAILABLE) and whose fixed_message replaces Postgres' text;
  - Python raises by code only, `ApiError("PAYMENT_DECLINED", message, details)`: codes raised only here have
    rows in the reserved SQLSTATE class MQH (raised_by = 'api'), never raised by a function (UNAUTHORIZED and
    FORBIDDEN are raised by both: booking.require in SQL, and the HTTP layer for a request with no credential);
  - the framework's own errors (unknown route, body too large, unparsable body...) answer the code whose
    framework_statuses lists the framework's status (a body Litestar cannot parse is 422 VALIDATION_ERROR);
  - a constraint no function checked first (a race, a forgotten check) answers the code whose constraint_names
    lists it (cinemas_name_key: 409 NAME_TAKEN), else its SQLSTATE's row: unique and foreign key 409 CONFLICT,
    check and not-null 422 VALIDATION_ERROR, with details naming the constraint and field; any other data
    exception (class 22: a bad value the database could not take) is 422 VALIDATION_ERROR.
Two answers need no row: 500 INTERNAL_ERROR is, by definition, a failure the catalogue does not know, and until
the catalogue has been read (the database unreachable at start-up) every error answers 503 SERVICE_UNAVAILABLE.
"""

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import psycopg
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from psycopg_pool import PoolTimeout

from ..db import Queries, all_rows
from .responses import MarqueeResponse

log = logging.getLogger("marquee.api")
Q = Queries.beside(__file__)

INTERNAL_ERROR = "INTERNAL_ERROR"
_INTERNAL_STATUS = 500  # the one status not in the catalogue: what it does not know is our fault
_UNLOADED_STATUS = 503  # the catalogue could not be read yet: nothing can be answered properly


@dataclass(frozen=True)
class Entry:
    sqlstate: str
    code: str
    http_status: int
    answer_code: str | None
    fixed_message: str | None


@dataclass
class Catalogue:
    by_code: dict[str, Entry] = field(default_factory=dict)
    by_sqlstate: dict[str, Entry] = field(default_factory=dict)
    by_framework_status: dict[int, Entry] = field(default_factory=dict)
    by_constraint: dict[str, Entry] = field(default_factory=dict)

    @property
    def loaded(self) -> bool:
        return bool(self.by_code)

    def fill(self, rows) -> None:
        by_code, by_state, by_status, by_constraint = {}, {}, {}, {}
        for sqlstate, code, status, answer_code, fixed_message, framework_statuses, *rest in rows:
            entry = Entry(sqlstate, code, status, answer_code, fixed_message)
            by_code[code] = by_state[sqlstate] = entry
            for s in framework_statuses or ():
                by_status[s] = entry
            for name in (rest[0] if rest else None) or ():
                by_constraint[name] = entry
        self.by_code, self.by_sqlstate, self.by_framework_status = by_code, by_state, by_status
        self.by_constraint = by_constraint

    def status(self, code: str) -> int:
        entry = self.by_code.get(code)
        if entry is not None:
            return entry.http_status
        return _UNLOADED_STATUS if not self.loaded else _INTERNAL_STATUS


CATALOGUE = Catalogue()


class ApiError(Exception):
    """An error raised by code; its HTTP status is the catalogue's."""

    def __init__(self, code: str, message: str, details: dict | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.error_code = self.code = code  # a subclass may give `code` another meaning (PaymentRejected)
        self.message = message
        self.details = details or {}
        self.headers = headers

    @property
    def status_code(self) -> int:
        return CATALOGUE.status(self.error_code)


async def load_error_codes(conn: psycopg.AsyncConnection) -> None:
    CATALOGUE.fill(await all_rows(conn, Q.error_codes))


def _details(raw: str | None) -> dict:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"detail": raw}
    return value if isinstance(value, dict) else {"detail": value}


def _sql_headers(status: int, details: dict) -> dict[str, str] | None:
    """Headers a function's error implies: a 401 names the scheme, a 429 says when to retry (details.retryAfterSeconds)."""
    if status == 401:
        return {"WWW-Authenticate": 'Bearer realm="marquee-admin"'}
    retry = details.get("retryAfterSeconds")
    if status in (429, 503) and isinstance(retry, int) and retry > 0:
        return {"Retry-After": str(retry)}
    return None


def _from_code(code: str, message: str, details: dict | None = None, headers: dict[str, str] | None = None):
    if not CATALOGUE.loaded:
        return (_UNLOADED_STATUS, "SERVICE_UNAVAILABLE", "the service is starting; retry shortly", {},
                {"Retry-After": "1"})
    if code not in CATALOGUE.by_code:  # a bug: raised a code nobody catalogued
        log.error("uncatalogued error code %s: %s", code, message)
        return _INTERNAL_STATUS, INTERNAL_ERROR, "internal error", {}, None
    return CATALOGUE.status(code), code, message, details or {}, headers


def describe(exc: Exception) -> tuple[int, str, str, dict, dict[str, str] | None]:
    """(status, code, message, details, headers) for any exception."""
    if isinstance(exc, ApiError):
        return _from_code(exc.error_code, exc.message, exc.details, exc.headers)
    if isinstance(exc, HTTPException):
        entry = CATALOGUE.by_framework_status.get(exc.status_code)
        if entry is None and CATALOGUE.loaded:
            log.exception("uncatalogued framework error", exc_info=exc)
            return _INTERNAL_STATUS, INTERNAL_ERROR, "internal error", {}, None
        code = entry.code if entry else INTERNAL_ERROR
        if isinstance(exc, ValidationException):
            extra = exc.extra if isinstance(exc.extra, list) else ([exc.extra] if exc.extra else [])
            return _from_code(code, str(exc.detail), {"errors": extra})
        message = str(exc.detail) if exc.detail else code.replace("_", " ").lower()
        return _from_code(code, message, {}, exc.headers)
    if isinstance(exc, PoolTimeout):
        return _from_code("SERVICE_UNAVAILABLE", "the database is busy or unreachable; retry shortly", {},
                          {"Retry-After": "1"})
    if isinstance(exc, psycopg.Error):
        state = exc.sqlstate or ""
        diag = exc.diag
        if state.startswith("23") and state != "23P01":
            return _constraint_violation(state, diag)
        entry = CATALOGUE.by_sqlstate.get(state)
        if entry is not None:
            if entry.fixed_message is not None:  # raised by Postgres itself: its own text is not for clients
                return entry.http_status, entry.answer_code or entry.code, entry.fixed_message, {}, None
            details = _details(diag.message_detail)
            return (entry.http_status, entry.answer_code or diag.message_hint or entry.code,
                    diag.message_primary or entry.code, details, _sql_headers(entry.http_status, details))
        if isinstance(exc, psycopg.DataError) and not state:
            # refused by the driver before reaching the server, e.g. a NUL character in a string
            return _from_code("VALIDATION_ERROR", str(exc))
        if state.startswith("22"):  # data exception: a value the database could not take (bad uuid, overflow...)
            return _from_code("VALIDATION_ERROR", diag.message_primary or "invalid value")
        # 25006 read_only_sql_transaction: this connection reached a standby (a primary demoted by a switchover
        # or failover while the connection was open): retry, the next connection finds the new primary
        if isinstance(exc, psycopg.OperationalError) or state.startswith(("08", "57P")) or state == "25006":
            return _from_code("SERVICE_UNAVAILABLE", "the database is unreachable; retry shortly", {},
                              {"Retry-After": "1"})
    log.exception("unhandled error", exc_info=exc)
    return _INTERNAL_STATUS, INTERNAL_ERROR, "internal error", {}, None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _constraint_violation(state: str, diag) -> tuple[int, str, str, dict, dict[str, str] | None]:
    """A violated constraint as a client error: its own code (constraint_names), else its SQLSTATE's row (unique
    and foreign key: 409 CONFLICT; check and not null: 422 VALIDATION_ERROR), else CONFLICT. Postgres' message
    (it may quote other rows' values) is not passed on: the details name the constraint, table and field."""
    constraint, table, column = diag.constraint_name, diag.table_name, diag.column_name
    details = {k: v for k, v in (("constraint", constraint), ("table", table)) if v}
    if column:
        details["field"] = _camel(column)
    elif constraint and table and constraint.startswith(table + "_") and constraint.endswith(("_key", "_check")):
        # Postgres names single-column constraints <table>_<column>_key / _check
        middle = constraint[len(table) + 1:].rsplit("_", 1)[0]
        if middle and middle != "check":
            details["field"] = _camel(middle)
    entry = CATALOGUE.by_constraint.get(constraint or "") or CATALOGUE.by_sqlstate.get(state)
    if entry is None:
        return _from_code("CONFLICT", "the change conflicts with the current state", details)
    code = entry.answer_code or entry.code
    message = entry.fixed_message or code.replace("_", " ").lower()
    if constraint:
        message = f"{message} ({constraint})"
    return entry.http_status, code, message, details, None


def error_body(code: str, message: str, details: dict | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(exc: Exception) -> Response:
    status, code, message, details, headers = describe(exc)
    return MarqueeResponse(error_body(code, message, details), status_code=status, headers=headers)


def exception_handler(request: Request, exc: Exception) -> Response:
    return error_response(exc)


EXCEPTION_HANDLERS = {Exception: exception_handler}
