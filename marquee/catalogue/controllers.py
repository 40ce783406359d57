"""Browsing: cinemas, what is on, showtimes, the seat map (with ETag revalidation)."""

import gzip
import hashlib
from datetime import date
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from psycopg_pool import AsyncConnectionPool

from ..db import all_rows, one
from ..http.openapi import errors, links
from ..http.responses import SKIP_COMPRESSION, MarqueeResponse
from ..http.schemas import SessionHeader
from ..realtime.seatmap_cache import CachedMap, SeatMapCache
from . import reads
from .reads import Q
from .schemas import Cinema, MovieShowing, SeatMap, Showtime

CinemaQuery = Annotated[UUID, Parameter(query="cinema", description="cinema id")]
DateQuery = Annotated[date | None, Parameter(query="date", description="the cinema's local date (default today)")]


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    # weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored
    return etag.removeprefix("W/") in {t.strip().removeprefix("W/") for t in header.split(",")}


class CatalogueController(Controller):
    path = "/api"
    tags = ["catalogue"]

    @get("/cinemas", summary="All cinemas", opt=links(
        nowShowing={"operationId": "nowShowing", "parameters": {"query.cinema": "$response.body#/0/id"}}))
    async def cinemas(self, pool: AsyncConnectionPool) -> list[Cinema]:
        return [Cinema(id=r[0], name=r[1], city=r[2], time_zone=r[3], currency=r[4]) for r in await reads.cinemas(pool)]

    @get("/movies/now-showing", summary="Movies showing at a cinema on a local date",
         responses=errors("CINEMA_NOT_FOUND"), opt=links(movieShowtimes={
             "operationId": "movieShowtimes",
             "parameters": {"path.movie_id": "$response.body#/0/id", "query.cinema": "$request.query.cinema"}}))
    async def now_showing(self, pool: AsyncConnectionPool, cinema_id: CinemaQuery, day: DateQuery = None
                          ) -> list[MovieShowing]:
        return [MovieShowing(id=r[0], title=r[1], duration_minutes=r[2], rating=r[3], description=r[4],
                             showtime_count=r[5], first_starts_at=r[6])
                for r in await reads.now_showing(pool, cinema_id, day)]

    @get("/showtimes/movie/{movie_id:uuid}", summary="Showtimes of a movie at a cinema on a local date",
         responses=errors("CINEMA_NOT_FOUND", "MOVIE_NOT_FOUND"), opt=links(
             seatMap={"operationId": "seatMap", "parameters": {"path.showtime_id": "$response.body#/0/id"}},
             hold={"operationId": "hold", "requestBody": {"showtimeId": "$response.body#/0/id",
                                                          "sessionToken": "linked-session",
                                                          "bestAvailable": {"quantity": 2}}}))
    async def movie_showtimes(self, pool: AsyncConnectionPool, movie_id: UUID, cinema_id: CinemaQuery,
                              day: DateQuery = None) -> list[Showtime]:
        rows = await all_rows(pool, Q.movie_showtimes, {"movie_id": movie_id, "cinema_id": cinema_id, "date": day})
        out = []
        for sid, mid, starts, ends, aud_id, aud, total, avail, tz, on_sale, few in rows:
            zone = ZoneInfo(tz)  # times are shown with the cinema's own UTC offset
            out.append(Showtime(id=sid, movie_id=mid, starts_at=starts.astimezone(zone), ends_at=ends.astimezone(zone),
                                auditorium=aud, auditorium_id=aud_id, total_seats=total, available_seats=avail,
                                on_sale=on_sale, few_seats_left=few))
        return out

    # Compressed here, not by the app's gzip middleware, so that a cached map is compressed once per fill.
    @get("/showtimes/{showtime_id:uuid}/seats", summary="Seat map with live status (ETag / If-None-Match)",
         opt={SKIP_COMPRESSION: True},
         responses={304: ResponseSpec(None, description="Not modified: the map still has the If-None-Match tag"),
                    **errors("SHOWTIME_NOT_FOUND")})
    async def seat_map(self, request: Request, pool: AsyncConnectionPool, showtime_id: UUID,
                       session_token: SessionHeader = None) -> Response[SeatMap]:
        cache: SeatMapCache | None = None if session_token else request.app.state.get("seatmap_cache")
        key = str(showtime_id)
        wants_gzip = "gzip" in request.headers.get("accept-encoding", "")
        entry = cache.get(key) if cache else None
        if entry is None:
            async def read() -> tuple[CachedMap, float | None]:
                row = await one(pool, Q.seat_map_json, {"showtime_id": showtime_id, "session_token": session_token})
                body = row[0].encode()
                # The tag is a hash of the map itself, so any seat change (hold, expiry, booking, block) changes it.
                # Weak because the same map is sent compressed or not.
                etag = 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
                # compressed only when someone will send it: a cached copy (any later reader) or this answer
                gzipped = gzip.compress(body, 6) if cache or wants_gzip else b""
                return CachedMap(body, gzipped, etag, 0.0), row[1]

            entry = await cache.fill(key, read) if cache else (await read())[0]
        headers = {"ETag": entry.etag, "Cache-Control": "private, no-cache", "Vary": "X-Session-Token, Accept-Encoding"}
        if _etag_matches(request.headers.get("if-none-match"), entry.etag):
            return MarqueeResponse(b"", status_code=304, headers=headers)
        if wants_gzip:
            return MarqueeResponse(entry.gzipped, media_type="application/json",
                                   headers={**headers, "Content-Encoding": "gzip"})
        return MarqueeResponse(entry.body, media_type="application/json", headers=headers)
