"""Run the payments module's named queries on a pool or on a connection the caller already holds."""

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from psycopg import AsyncConnection

from ..queries import Queries

PQ = Queries(Path(__file__).parent)


@contextlib.asynccontextmanager
async def transaction(conn_or_pool) -> AsyncIterator[AsyncConnection]:
    """One transaction on a connection taken from a pool, or on the given connection (a savepoint if the
    caller is already in a transaction)."""
    if isinstance(conn_or_pool, AsyncConnection):
        async with conn_or_pool.transaction():
            yield conn_or_pool
    else:
        async with conn_or_pool.connection() as conn, conn.transaction():
            yield conn
