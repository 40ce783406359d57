"""Database access shared by every domain: ONE named-query loader, one pool factory, row helpers.

    Q = Queries.beside(__file__)                 # the `-- name: foo` blocks of queries.sql next to the module
    row = await one(pool, Q.hold, params)        # first row (a tuple, or `row=dict_row` / `row=class_row(X)`)
    rows = await all_rows(pool, Q.report_rows, params)
    value = await scalar(pool, Q.cinema_today, params)

`pool` may be an AsyncConnectionPool (a connection is taken for the call) or an AsyncConnection the caller
holds (inside its transaction). Parameters are psycopg's named placeholders (%(name)s); no SQL lives in Python.
JSON numbers come back as Decimal (money must stay exact).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import class_row, dict_row
from psycopg.types.json import set_json_loads
from psycopg_pool import AsyncConnectionPool, ConnectionPool

__all__ = ["Queries", "make_pool", "make_sync_pool", "connect", "configure", "one", "all_rows", "scalar",
           "transaction", "dict_row", "class_row"]

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class Queries:
    """Named SQL queries, aiosql style: `-- name: foo` starts query foo; `Q.foo` is its text."""

    def __init__(self, *files: Path):
        self._sql: dict[str, str] = {}
        for path in files:
            self.load_text(path.read_text(), str(path))

    @classmethod
    def beside(cls, module_file: str, *names: str) -> "Queries":
        """The queries of `queries.sql` (or the files named) in the folder of `module_file`."""
        folder = Path(module_file).resolve().parent
        return cls(*(folder / name for name in (names or ("queries.sql",))))

    def load_text(self, text: str, origin: str = "<string>") -> None:
        parts = _NAME.split(text)
        for name, body in zip(parts[1::2], parts[2::2]):
            if name in self._sql:
                raise ValueError(f"query {name} defined twice ({origin})")
            self._sql[name] = body.strip().rstrip(";")

    def __getattr__(self, name: str) -> str:
        try:
            return self._sql[name]
        except KeyError:
            raise AttributeError(f"no query named {name}") from None

    def __getitem__(self, name: str) -> str:
        return getattr(self, name)


# A pool whose server went away (a failover, a restart) retries with exponential backoff (1, 2, 4 ... s) until
# reconnect_timeout, then gives the slot up; the next request that waits opens a new one at once. psycopg_pool's
# 300 s default would leave the API retrying every 8-16 s after a failover that takes 5 s (docs/scaling.md), so the
# slots are given up after 2 s: a new primary is used within about a second of its promotion.
RECONNECT_TIMEOUT = 2.0

# jsonb money (12.00) must stay exact: parse JSON numbers with a fraction as Decimal, not float.
_loads = partial(json.loads, parse_float=Decimal)


def configure(conn: psycopg.Connection | AsyncConnection) -> None:
    set_json_loads(_loads, conn)


async def _configure_async(conn: AsyncConnection) -> None:
    configure(conn)


def make_pool(database_url: str, max_size: int, *, timeout: float = 5.0, name: str = "marquee-api",
              min_size: int | None = None, prepared_statements: bool = True) -> AsyncConnectionPool:
    """An unopened async pool; autocommit because every business operation is one SQL function call (atomic).
    prepared_statements=False (DB_PREPARED_STATEMENTS) for PgBouncer 1.18 in transaction mode: a statement prepared
    on one server connection does not exist on the next one (prepare_threshold=None: never prepare)."""
    kwargs: dict[str, Any] = {"autocommit": True, "application_name": name}
    if not prepared_statements:
        kwargs["prepare_threshold"] = None
    return AsyncConnectionPool(
        database_url,
        min_size=min(2, max_size) if min_size is None else min_size,
        max_size=max_size,
        open=False,
        timeout=timeout,  # waiting longer than this for a connection answers 503, not a hung client
        kwargs=kwargs,
        configure=_configure_async,
        name=name,
        reconnect_timeout=RECONNECT_TIMEOUT,
    )


def make_sync_pool(database_url: str, max_size: int, *, name: str) -> ConnectionPool:
    """An open blocking pool with dict rows (the Dramatiq worker's threads)."""
    return ConnectionPool(database_url, min_size=1, max_size=max_size, open=True,
                          kwargs={"autocommit": True, "row_factory": dict_row, "application_name": name},
                          configure=configure, name=name, reconnect_timeout=RECONNECT_TIMEOUT)


def connect(url: str, autocommit: bool = True, application_name: str = "marquee") -> psycopg.Connection:
    """One blocking connection with dict rows (the relay, the jobs)."""
    conn = psycopg.connect(url, autocommit=autocommit, row_factory=dict_row, application_name=application_name)
    configure(conn)
    return conn


@contextlib.asynccontextmanager
async def _conn(db) -> AsyncIterator[AsyncConnection]:
    if isinstance(db, AsyncConnection):
        yield db
    else:
        async with db.connection() as conn:
            yield conn


@contextlib.asynccontextmanager
async def transaction(db) -> AsyncIterator[AsyncConnection]:
    """One transaction on a connection taken from a pool, or on the given connection (a savepoint if the caller
    is already in a transaction)."""
    async with _conn(db) as conn, conn.transaction():
        yield conn


def _cursor(conn: AsyncConnection, row):
    return conn.cursor(row_factory=row) if row is not None else conn.cursor()


async def one(db, query: str, params: dict | None = None, *, row=None) -> Any:
    """The first row of a query (None when there is none)."""
    async with _conn(db) as conn, _cursor(conn, row) as cur:
        await cur.execute(query, params or {})
        return await cur.fetchone()


async def all_rows(db, query: str, params: dict | None = None, *, row=None) -> list:
    """Every row of a query."""
    async with _conn(db) as conn, _cursor(conn, row) as cur:
        await cur.execute(query, params or {})
        return await cur.fetchall()


async def scalar(db, query: str, params: dict | None = None) -> Any:
    """The first column of the first row (None when there is no row)."""
    found = await one(db, query, params)
    return found[0] if found else None
