"""Ticket signing keys in the database: registered by migrate, rotated on demand (docs/checkin.md).

    python -m marquee.checkin.keys rotate     # a new current key generated into the database (old ones verify)
    python -m marquee.checkin.keys list
    python -m marquee.checkin.keys generate   # prints a TICKET_SIGNING_KEYS entry (keyId:seed) for the environment
"""

from __future__ import annotations

import argparse
import sys

import psycopg

from ..db import Queries
from . import codes

Q = Queries.beside(__file__)


def ensure_keys(conn: psycopg.Connection, env_value: str) -> str | None:
    """Migrate: the keys of TICKET_SIGNING_KEYS registered (the first current); without them, a key generated the
    first time. Returns the current key id."""
    env_keys = codes.parse_env_keys(env_value)
    with conn.transaction():
        for i, (kid, key) in enumerate(env_keys):
            conn.execute(Q.register_key, {"key_id": kid, "public_key": codes.public_bytes(key), "private_key": None,
                                          "source": "environment", "current": i == 0})
        if not env_keys:
            row = conn.execute(Q.current_key).fetchone()
            if row is None:
                rotate(conn)
        row = conn.execute(Q.current_key).fetchone()
        conn.execute(Q.backfill_tickets)
    return row[0] if row else None


def rotate(conn: psycopg.Connection) -> str:
    kid, key = codes.new_key()
    conn.execute(Q.register_key, {"key_id": kid, "public_key": codes.public_bytes(key),
                                  "private_key": codes.private_bytes(key), "source": "database", "current": True})
    return kid


def main(argv: list[str] | None = None) -> int:
    from ..settings import load
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["rotate", "list", "generate"])
    args = parser.parse_args(argv)
    if args.command == "generate":
        kid, key = codes.new_key()
        print(f"{kid}:{codes.b64url(codes.private_bytes(key))}")
        return 0
    with psycopg.connect(load().database_url, autocommit=True) as conn:
        if args.command == "rotate":
            with conn.transaction():
                print(rotate(conn))
        for kid, source, current, created in conn.execute(Q.list_keys):
            print(f"{kid:<18} {source:<12} {'current' if current else 'verifies':<9} {created:%Y-%m-%d %H:%M}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
