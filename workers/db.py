"""Database access for the workers: named queries from queries.sql, JSON money as Decimal."""

import json
import re
from decimal import Decimal
from functools import cache, partial
from pathlib import Path

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import set_json_loads

QUERIES_FILE = Path(__file__).with_name("queries.sql")


@cache
def queries() -> dict[str, str]:
    text = QUERIES_FILE.read_text()
    parts = re.split(r"^-- name: (\w+)\s*$", text, flags=re.M)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2])}


def query(name: str) -> str:
    return queries()[name]


def configure(conn: psycopg.Connection) -> None:
    # jsonb numbers are money: parse them as Decimal, never float
    set_json_loads(partial(json.loads, parse_float=Decimal), conn)


def connect(url: str, autocommit: bool = True) -> psycopg.Connection:
    conn = psycopg.connect(url, autocommit=autocommit, row_factory=dict_row)
    configure(conn)
    return conn
