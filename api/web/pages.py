"""Customer and operator web pages: server-rendered shells; the booking itself runs through the JSON API.

Only reads happen here (through the booking.* functions in api/web/queries.sql). Holding, paying and cancelling
are done by the page's JavaScript against /api/..., so the web pages can never bypass a rule of the API.
"""

import datetime as dt
import re
from pathlib import Path
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from psycopg_pool import AsyncConnectionPool

from ..errors import ApiError, describe
from ..queries import Queries
from .qr import qr_svg
from .render import page

WQ = Queries(Path(__file__).resolve().parent)
_REFERENCE = re.compile(r"^BK[0-9]{8}[A-Z0-9]{4}$")


def html_error(request: Request, exc: Exception) -> Response:
    status, code, message, _details, _headers = describe(exc)
    return page("error.html", status_code=status, code=code, message=message, status=status)


async def _one(pool: AsyncConnectionPool, query: str, params: dict | None = None):
    async with pool.connection() as conn:
        row = await (await conn.execute(query, params or {})).fetchone()
    return row[0] if row else None


async def _all(pool: AsyncConnectionPool, query: str, params: dict | None = None) -> list:
    async with pool.connection() as conn:
        return await (await conn.execute(query, params or {})).fetchall()


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, "VALIDATION_ERROR", "date must look like 2025-12-01", {"field": "date"}) from None


class WebController(Controller):
    path = "/"
    include_in_schema = False
    exception_handlers = {Exception: html_error}

    @get("/")
    async def home(self, pool: AsyncConnectionPool, cinema: UUID | None = None,
                   date: Annotated[str | None, Parameter(query="date", max_length=10)] = None) -> Response:
        cinemas = await _all(pool, WQ.cinemas)
        chosen = next((c for c in cinemas if c[0] == cinema), cinemas[0] if cinemas else None)
        movies, day, days = [], None, []
        if chosen:
            today = await _one(pool, WQ.cinema_today, {"cinema_id": chosen[0]})
            day = _parse_date(date) or today
            days = [today + dt.timedelta(days=i) for i in range(8)]
            for mid, title, minutes, rating, description in await _all(
                    pool, WQ.now_showing, {"cinema_id": chosen[0], "date": day}):
                shows = await _all(pool, WQ.movie_showtimes, {"movie_id": mid, "cinema_id": chosen[0], "date": day})
                movies.append({"id": mid, "title": title, "minutes": minutes, "rating": rating,
                               "description": description, "showtimes": shows})
        return page("home.html", cinemas=cinemas, cinema=chosen, day=day, days=days, movies=movies)

    @get("/showtime/{showtime_id:uuid}")
    async def showtime(self, showtime_id: UUID, pool: AsyncConnectionPool) -> Response:
        info = await _one(pool, WQ.showtime_info, {"showtime_id": showtime_id})
        return page("showtime.html", info=info)

    @get("/booking")
    async def lookup_form(self) -> Response:
        return page("lookup.html", error=None, reference="", email="")

    @post("/booking", status_code=200)
    async def lookup(self, pool: AsyncConnectionPool, data: Annotated[
            dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response:
        # A POST keeps the customer's email out of URLs, logs and browser history.
        reference = (data.get("reference") or "").strip().upper()[:40]
        email = (data.get("email") or "").strip()[:254]
        try:
            booking = await _one(pool, WQ.find_booking, {"reference": reference, "email": email})
        except Exception as exc:  # noqa: BLE001 - a failed lookup re-shows the form with the reason
            status, code, message, _d, _h = describe(exc)
            if status >= 500:
                raise
            return page("lookup.html", status_code=status, reference=reference, email=email,
                        error="We could not find a booking with that reference and email address."
                        if code == "BOOKING_NOT_FOUND" else message)
        quote = await _one(pool, WQ.cancel_quote, {"booking_id": booking["bookingId"]})
        return page("booking.html", b=booking, quote=quote, just_paid=data.get("from") == "payment")

    @get("/qr/{reference:str}")
    async def qr(self, reference: str) -> Response:
        # The code only encodes the reference (what the door scanner looks up), so it is safe without the email.
        reference = reference.removesuffix(".svg")
        if not _REFERENCE.match(reference):
            raise ApiError(404, "NOT_FOUND", "not a booking reference")
        return Response(qr_svg(reference), media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})

    @get("/admin")
    async def admin(self) -> Response:
        return page("admin.html")
