"""The connection pool and how connections are configured."""

import json
from decimal import Decimal
from functools import partial

from psycopg import AsyncConnection
from psycopg.types.json import set_json_loads
from psycopg_pool import AsyncConnectionPool

# jsonb money (12.00) must stay exact: parse JSON numbers with a fraction as Decimal, not float.
_loads = partial(json.loads, parse_float=Decimal)


async def _configure(conn: AsyncConnection) -> None:
    set_json_loads(_loads, conn)


def make_pool(database_url: str, max_size: int, *, timeout: float = 5.0) -> AsyncConnectionPool:
    """An unopened pool; autocommit because every business operation is one SQL function call (atomic)."""
    return AsyncConnectionPool(
        database_url,
        min_size=min(2, max_size),
        max_size=max_size,
        open=False,
        timeout=timeout,  # waiting longer than this for a connection answers 503, not a hung client
        kwargs={"autocommit": True, "application_name": "marquee-api"},
        configure=_configure,
        name="marquee-api",
    )
