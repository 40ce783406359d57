"""The demo's operators (`make run`, `python -m marquee.migrate --demo`; never in production): an OWNER and a
MANAGER per demo cinema, with the passwords README.md lists. Loading again resets them to these values."""

from __future__ import annotations

import psycopg

from ..db import Queries
from . import passwords

Q = Queries.beside(__file__)

# (email, name, role, cinema name or None for all, password)
DEMO_OPERATORS = [
    ("owner@marquee.example", "Olivia Owner", "OWNER", None, "demo-owner-password"),
    ("manager.downtown@marquee.example", "Dan Downtown", "MANAGER", "Marquee Downtown", "demo-downtown-password"),
    ("manager.riverside@marquee.example", "Rita Riverside", "MANAGER", "Marquee Riverside", "demo-riverside-password"),
]


def ensure_demo_operators(conn: psycopg.Connection) -> list[tuple[str, str, str]]:
    """Creates (or resets) the demo operators of the demo cinemas present; returns (email, role, password)."""
    made = []
    for email, name, role, cinema, password in DEMO_OPERATORS:
        cinema_ids = None
        if cinema is not None:
            row = conn.execute(Q.demo_cinema, {"name": cinema}).fetchone()
            if row is None:
                continue
            cinema_ids = [row[0]]
        # keep the stored salt when the password is already the demo one (sessions stay valid across restarts)
        kdf = conn.execute(Q.demo_operator_kdf, {"email": email}).fetchone()[0] or passwords.new_kdf()
        conn.execute(Q.demo_ensure_operator, {"email": email, "name": name, "role": role, "cinema_ids": cinema_ids,
                                              "kdf": kdf, "digest": passwords.digest(password, kdf)})
        made.append((email, role + (f" of {cinema}" if cinema else ""), password))
    return made
