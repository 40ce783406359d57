"""Customer and operator web pages: server-rendered shells; the booking itself runs through the JSON API.

Only reads happen here (through the booking.* functions in queries.sql and the catalogue's reads). Holding, paying and cancelling
are done by the page's JavaScript against /api/..., so the web pages can never bypass a rule of the API.
"""

import datetime as dt
import re
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from psycopg_pool import AsyncConnectionPool

from ..catalogue import reads as catalogue
from ..checkin import keyring
from ..db import Queries, all_rows, scalar
from ..http.auth import ADMIN_COOKIE
from ..http.errors import ApiError, describe
from .qr import qr_data_uri, qr_svg
from .render import HERE, page

WQ = Queries.beside(__file__)
# The booking reference as the schema's CHECK has it (sql/schema/001_core.sql): no 0/O, 1/I look-alikes.
_REFERENCE = re.compile(r"^BK[0-9]{8}[A-HJ-NP-Z2-9]{4}$")


def html_error(request: Request, exc: Exception) -> Response:
    status, code, message, _details, _headers = describe(exc)
    return page("error.html", status_code=status, code=code, message=message, status=status)


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError("VALIDATION_ERROR", "date must look like 2025-12-01", {"field": "date"}) from None


class WebController(Controller):
    path = "/"
    include_in_schema = False
    exception_handlers = {Exception: html_error}

    @get("/")
    async def home(self, pool: AsyncConnectionPool, cinema: UUID | None = None,
                   date: Annotated[str | None, Parameter(query="date", max_length=10)] = None) -> Response:
        cinemas = await catalogue.cinemas(pool)
        chosen = next((c for c in cinemas if c[0] == cinema), cinemas[0] if cinemas else None)
        movies, day, days = [], None, []
        if chosen:
            today = await scalar(pool, WQ.cinema_today, {"cinema_id": chosen[0]})
            day = _parse_date(date) or today
            days = [today + dt.timedelta(days=i) for i in range(8)]
            for mid, title, minutes, rating, description, *_ in await catalogue.now_showing(pool, chosen[0], day):
                shows = await all_rows(pool, WQ.movie_showtimes, {"movie_id": mid, "cinema_id": chosen[0], "date": day})
                movies.append({"id": mid, "title": title, "minutes": minutes, "rating": rating,
                               "description": description, "showtimes": shows})
        return page("home.html", cinemas=cinemas, cinema=chosen, day=day, days=days, movies=movies)

    @get("/showtime/{showtime_id:uuid}")
    async def showtime(self, showtime_id: UUID, pool: AsyncConnectionPool) -> Response:
        info = await scalar(pool, WQ.showtime_info, {"showtime_id": showtime_id})
        room = await scalar(pool, WQ.waiting_room, {"showtime_id": showtime_id})
        # a queued on-sale: the page opens on the waiting room and shows the seat map once admitted (book.js)
        queued = bool(room and room["queue"] and info["onSale"])
        return page("showtime.html", info=info, room=room if queued else None)

    @get("/booking")
    async def lookup_form(self) -> Response:
        return page("lookup.html", error=None, reference="", email="")

    @post("/booking", status_code=200)
    async def lookup(self, request: Request, pool: AsyncConnectionPool, data: Annotated[
            dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response:
        # A POST keeps the customer's email out of URLs, logs and browser history.
        reference = (data.get("reference") or "").strip().upper()[:40]
        email = (data.get("email") or "").strip()[:254]
        try:
            booking = await scalar(pool, WQ.find_booking, {"reference": reference, "email": email})
        except Exception as exc:  # noqa: BLE001 - a failed lookup re-shows the form with the reason
            status, code, message, _d, _h = describe(exc)
            if status >= 500:
                raise
            return page("lookup.html", status_code=status, reference=reference, email=email,
                        error="We could not find a booking with that reference and email address."
                        if code == "BOOKING_NOT_FOUND" else message)
        quote = await scalar(pool, WQ.cancel_quote, {"booking_id": booking["bookingId"]})
        # each ticket with its signed code (what the door scans) and that code's QR image, inline: the code is a
        # bearer credential, so it never travels in a URL (logs, history)
        tickets = await keyring(request.app).with_codes(
            pool, await scalar(pool, WQ.booking_tickets, {"booking_id": booking["bookingId"]}) or [])
        for t in tickets:
            t["qr"] = qr_data_uri(t["code"]) if t["code"] and t["status"] != "VOID" else None
        return page("booking.html", b=booking, quote=quote, tickets=tickets, just_paid=data.get("from") == "payment",
                    just_exchanged=data.get("from") == "exchange")

    @get("/qr/{reference:str}")
    async def qr(self, reference: str) -> Response:
        # The code only encodes the reference (what the door scanner looks up), so it is safe without the email.
        reference = reference.removesuffix(".svg")
        if not _REFERENCE.match(reference):
            raise ApiError("NOT_FOUND", "not a booking reference")
        return Response(qr_svg(reference), media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})

    @get("/admin")
    async def admin(self, request: Request) -> Response:
        # what the operator may see is asked of the API (GET /api/auth/me) by the page itself
        if not request.cookies.get(ADMIN_COOKIE):
            return Redirect("/admin/login")
        return page("admin.html")

    @get("/admin/login")
    async def login(self) -> Response:
        return page("login.html")

    @get("/checkin")
    async def checkin(self, request: Request) -> Response:
        # the door scanner (issue 19): an operator with the checkin permission (DOOR, MANAGER, OWNER); the page asks
        # the API who is signed in, and every scan is checked by the database anyway
        if not request.cookies.get(ADMIN_COOKIE):
            return Redirect("/admin/login?next=/checkin")
        return page("checkin.html")


static_files = create_static_files_router(path="/static", directories=[HERE / "static"], include_in_schema=False,
                                          cache_control=None, name="web-static")
