"""Test data and invariant checks shared by the tests, the fault scenarios and the benchmarks (checks.sql)."""

import uuid

import psycopg

from marquee.db import Queries

CHECKS = Queries.beside(__file__, "checks.sql")


def make_showtime(url: str, rows: int, seats: int) -> tuple[str, list[str]]:
    """A fresh showtime in its own auditorium (rows x seats) and its seat codes in row order."""
    with psycopg.connect(url, autocommit=True) as conn:
        showtime = str(conn.execute(CHECKS.make_hall, {"tag": uuid.uuid4().hex[:10], "rows": rows,
                                                       "seats": seats}).fetchone()[0])
        codes = [c for (c,) in conn.execute(CHECKS.seat_codes, {"showtime": showtime}).fetchall()]
    return showtime, codes


def invariant_violations(url: str, showtimes: list[str], *, require_intent: bool = True, now: str = "now"
                         ) -> dict[str, list]:
    """Every broken invariant for these showtimes, by check name (empty dict = all hold)."""
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for name in ("overlapping_live_claims", "confirmed_without_claims", "half_written_bookings",
                     "money_violations", "claims_of_dead_bookings"):
            rows = conn.execute(getattr(CHECKS, name), {"showtimes": showtimes, "require_intent": require_intent,
                                                        "now": now}).fetchall()
            if rows:
                out[name] = rows
    return out


