"""Admin reports: the main reports as server-rendered charts (matplotlib, inline SVG, nothing from a CDN) with the
same numbers as tables, and CSV export.

    GET /admin/reports?cinemaId=&from=&to=                 HTML: revenue per day, occupancy per showtime, top movies
    GET /api/admin/reports/{view}.csv?cinemaId=&from=&to=  any reporting view as CSV

Both need an operator credential with reports.read (bearer, or the admin pages' session cookie); an operator of
some cinemas sees only theirs. The numbers come from the reporting views through booking.report()
(sql/functions/80_reporting.sql), and so do the cinema and the default window (booking.report_window, in the
cinema's local dates); this module only lays them out. Every query runs with the request's credential.
"""

import asyncio
import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Controller, Request, Response, get
from litestar.params import Parameter
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, all_rows, one
from ..http.auth import as_operator, operator_guard
from ..http.errors import ApiError
from ..http.openapi import errors
from .charts import bar_chart

Q = Queries.beside(__file__)
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                         autoescape=select_autoescape(["html"]))

CinemaParam = Annotated[UUID | None, Parameter(query="cinemaId", required=False, description="cinema id")]
FromParam = Annotated[date | None, Parameter(query="from", required=False, description="first local date")]
ToParam = Annotated[date | None, Parameter(query="to", required=False, description="last local date")]
_CSV_NAME = re.compile(r"^([a-z][a-z0-9_]{0,62})\.csv$")
_MAX_SHOWTIMES = 40  # bars in the occupancy chart; the CSV has them all


def _csv_cell(value: Any) -> Any:
    # A text cell starting like a formula would run in a spreadsheet (reasons are typed by customers).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _page(cinemas: list, cinema_id: UUID, currency: str, start: date, end: date, daily: list[dict],
          occupancy: list[dict], movies: list, reports: list) -> str:
    revenue = bar_chart(
        f"Revenue per day ({currency})", [d["date"][5:] for d in daily],
        [("revenue", "#2b6cb0", [Decimal(d["total_revenue"]) for d in daily]),
         ("refunded", "#c53030", [Decimal(d["refunded_amount"]) for d in daily])])
    shown = occupancy[:_MAX_SHOWTIMES]
    occ = bar_chart(
        "Occupancy per showtime (%)", [f'{o["date"][5:]} {o["local_start_time"]}' for o in shown],
        [("sold", "#2f855a", [Decimal(o["occupancy_pct"] or 0) for o in shown])], unit="%", max_value=Decimal(100))
    return _TEMPLATES.get_template("reports.html").render(
        cinemas=cinemas, cinema_id=cinema_id, currency=currency, start=start, end=end, revenue_chart=revenue,
        occupancy_chart=occ, daily=daily, occupancy=shown, movies=movies, reports=reports)


class ReportsController(Controller):
    guards = [operator_guard]
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/admin/reports", summary="Reports as charts (HTML, inline SVG by matplotlib)", include_in_schema=False)
    async def page(self, request: Request, pool: AsyncConnectionPool, cinema_id: CinemaParam = None,
                   date_from: FromParam = None, date_to: ToParam = None) -> Response:
        async with as_operator(request, pool) as db:
            window = await one(db, Q.report_window, {"cinema_id": cinema_id, "from": date_from, "to": date_to})
            if window is None:
                return Response("<!doctype html><p>No cinemas yet.</p>", media_type="text/html")
            chosen, currency, start, end = window
            params = {"cinema_id": chosen, "from": start, "to": end, "limit": 100000}
            daily = [r[0] for r in await all_rows(db, Q.report_rows, {**params, "view": "daily_bookings"})]
            occupancy = [r[0] for r in await all_rows(db, Q.report_rows, {**params, "view": "showtime_occupancy"})]
            movies = await all_rows(db, Q.report_top_movies, params)
            reports = await all_rows(db, Q.report_names)
            cinemas = await all_rows(db, Q.report_cinemas)
        # matplotlib takes tens of milliseconds: not on the event loop
        html = await asyncio.to_thread(_page, cinemas, chosen, currency, start, end, daily, occupancy, movies, reports)
        return Response(html, media_type="text/html", headers={"Cache-Control": "no-store"})

    @get("/api/admin/reports/{filename:str}", summary="A reporting view as CSV, e.g. daily_bookings.csv",
         responses=errors("REPORT_NOT_FOUND", "CINEMA_NOT_FOUND"))
    async def csv_export(self, request: Request, pool: AsyncConnectionPool, filename: str,
                         cinema_id: CinemaParam = None, date_from: FromParam = None, date_to: ToParam = None
                         ) -> Response:
        match = _CSV_NAME.match(filename)
        async with as_operator(request, pool) as db:
            if not match:  # after the credential, which SQL checks first: no report names to the anonymous
                await one(db, Q.require_reports)
                raise ApiError("REPORT_NOT_FOUND", "ask for <report>.csv", details={"report": filename})
            view = match.group(1)
            rows = [r[0] for r in await all_rows(db, Q.report_rows, {
                "view": view, "cinema_id": cinema_id, "from": date_from, "to": date_to, "limit": 100000})]
            columns = next((r[2] for r in await all_rows(db, Q.report_names) if r[0] == view), None)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns or (list(rows[0]) if rows else []))
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row.values()])
        suffix = "".join(f"_{d}" for d in (date_from, date_to) if d)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{view}{suffix}.csv"',
                                 "Cache-Control": "no-store"})
