"""The catalogue's reads, for its controllers and for the web pages (the catalogue domain's public face)."""

from datetime import date
from uuid import UUID

from ..db import Queries, all_rows

Q = Queries.beside(__file__)


async def cinemas(db) -> list:
    """(id, name, city, time_zone, currency) of every cinema."""
    return await all_rows(db, Q.list_cinemas)


async def now_showing(db, cinema_id: UUID, day: date | None) -> list:
    """(id, title, duration_minutes, rating, description, showtime_count, first_starts_at) on a local date."""
    return await all_rows(db, Q.now_showing, {"cinema_id": cinema_id, "date": day})
