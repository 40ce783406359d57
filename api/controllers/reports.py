"""Admin reports: the main reports as server-rendered charts (inline SVG, nothing from a CDN) and CSV export.

    GET /admin/reports?cinemaId=&from=&to=                 HTML: revenue per day, occupancy per showtime, top movies
    GET /api/admin/reports/{view}.csv?cinemaId=&from=&to=  any reporting view as CSV

Both need the operator bearer token. The numbers come from the reporting views through booking.report()
(sql/functions/80_reporting.sql); this module only lays them out.
"""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from html import escape
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Response, get
from litestar.params import Parameter
from psycopg_pool import AsyncConnectionPool

from ..auth import admin_guard
from ..errors import ApiError
from ..queries import Q

CinemaParam = Annotated[UUID | None, Parameter(query="cinemaId", required=False, description="cinema id")]
FromParam = Annotated[date | None, Parameter(query="from", required=False, description="first local date")]
ToParam = Annotated[date | None, Parameter(query="to", required=False, description="last local date")]
_CSV_NAME = re.compile(r"^([a-z][a-z0-9_]{0,62})\.csv$")
_MAX_SHOWTIMES = 40  # bars in the occupancy chart; the CSV has them all


async def _rows(pool: AsyncConnectionPool, query: str, params: dict) -> list[Any]:
    async with pool.connection() as conn:
        return await (await conn.execute(query, params)).fetchall()


def _window(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    # default: the last 30 days of sales and the coming week of shows
    today = date.today()
    start, end = date_from or today - timedelta(days=30), date_to or today + timedelta(days=7)
    if start > end:
        raise ApiError(422, "VALIDATION_ERROR", "from must not be after to", details={"field": "from"})
    return start, end


def _csv_cell(value: Any) -> Any:
    # A text cell starting like a formula would run in a spreadsheet (reasons are typed by customers).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def bar_chart(title: str, labels: list[str], series: list[tuple[str, str, list[Decimal]]],
              unit: str = "", max_value: Decimal | None = None) -> str:
    """Vertical grouped bars as inline SVG. series: (name, colour, values), values >= 0, one per label."""
    width, height, left, bottom, top = 760, 240, 56, 44, 24
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max_value or max([v for _, _, vals in series for v in vals] + [Decimal(1)])
    slot = plot_w / max(len(labels), 1)
    bar_w = max(slot * 0.8 / max(len(series), 1), 1)
    out = [f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="100%" '
           f'xmlns="http://www.w3.org/2000/svg" font-size="10" font-family="sans-serif">',
           f'<title>{escape(title)}</title>']
    for i in range(5):  # grid lines with their values
        y = top + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{peak * i / 4:.0f}{escape(unit)}</text>')
    step = max(1, len(labels) // 15)
    for i, label in enumerate(labels):
        for k, (name, colour, values) in enumerate(series):
            v = values[i]
            h = float(v / peak) * plot_h if peak else 0
            x = left + i * slot + slot * 0.1 + k * bar_w
            out.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                       f'fill="{colour}"><title>{escape(label)} {escape(name)}: {v}{escape(unit)}</title></rect>')
        if i % step == 0:
            out.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                       f'{escape(label)}</text>')
    for k, (name, colour, _) in enumerate(series):
        out.append(f'<rect x="{left + k * 130}" y="{height - 16}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{left + k * 130 + 14}" y="{height - 7}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


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
    options = "".join(f'<option value="{c[0]}"{" selected" if c[0] == cinema_id else ""}>{escape(c[1])}</option>'
                      for c in cinemas)
    query = f"cinemaId={cinema_id}&amp;from={start}&amp;to={end}"
    movie_rows = "".join(f"<tr><td>{escape(m[0])}</td><td>{m[1]}</td><td>{m[2]}</td><td>{m[3]}</td></tr>" for m in movies)
    occ_rows = "".join(
        f'<tr><td>{o["date"]} {o["local_start_time"]}</td><td>{escape(o["auditorium"])}</td><td>{escape(o["title"])}</td>'
        f'<td>{o["sold"]}/{o["capacity"]}</td><td>{o["held_now"]}</td><td>{o["blocked"]}</td><td>{o["occupancy_pct"]}</td>'
        f'<td>{o["revenue"]}</td></tr>' for o in shown)
    links = "".join(f'<li><a href="/api/admin/reports/{escape(r[0])}.csv?{query}">{escape(r[0])}.csv</a> '
                    f'<span class="muted">{escape(r[1] or "")}</span></li>' for r in reports)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Marquee reports</title>
<style>body{{font-family:sans-serif;max-width:820px;margin:1em auto;padding:0 1em}}table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #ddd;padding:2px 6px;text-align:left;font-size:90%}}.muted{{color:#666;font-size:85%}}</style>
</head><body><h1>Reports</h1>
<form method="get"><label>Cinema <select name="cinemaId">{options}</select></label>
<label>From <input type="date" name="from" value="{start}"></label> <label>To <input type="date" name="to" value="{end}"></label>
<button>Show</button></form><p class="muted">Dates are the cinema's local dates. Money in {escape(currency)}.</p>
<h2>Revenue per day</h2>{revenue}
<h2>Occupancy per showtime</h2>{occ}
<table><tr><th>Show</th><th>Auditorium</th><th>Movie</th><th>Sold</th><th>Held now</th><th>Blocked</th><th>%</th><th>Revenue</th></tr>{occ_rows}</table>
<h2>Top movies</h2><table><tr><th>Movie</th><th>Bookings</th><th>Tickets</th><th>Revenue</th></tr>{movie_rows}</table>
<h2>CSV export</h2><ul>{links}</ul></body></html>"""


class ReportsController(Controller):
    guards = [admin_guard]
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/admin/reports", summary="Reports as charts (HTML, inline SVG)", include_in_schema=False)
    async def page(self, pool: AsyncConnectionPool, cinema_id: CinemaParam = None, date_from: FromParam = None,
                   date_to: ToParam = None) -> Response:
        start, end = _window(date_from, date_to)
        cinemas = await _rows(pool, Q.report_cinemas, {})
        if not cinemas:
            return Response("<!doctype html><p>No cinemas yet.</p>", media_type="text/html")
        chosen = next((c for c in cinemas if c[0] == cinema_id), None)
        if cinema_id is not None and chosen is None:
            raise ApiError(404, "CINEMA_NOT_FOUND", f"cinema {cinema_id} not found", details={"cinemaId": str(cinema_id)})
        chosen = chosen or cinemas[0]
        params = {"cinema_id": chosen[0], "from": start, "to": end, "limit": 100000}
        daily = [r[0] for r in await _rows(pool, Q.report_rows, {**params, "view": "daily_bookings"})]
        occupancy = [r[0] for r in await _rows(pool, Q.report_rows, {**params, "view": "showtime_occupancy"})]
        movies = await _rows(pool, Q.report_top_movies, params)
        reports = await _rows(pool, Q.report_names, {})
        html = _page(cinemas, chosen[0], chosen[2], start, end, daily, occupancy, movies, reports)
        return Response(html, media_type="text/html", headers={"Cache-Control": "no-store"})

    @get("/api/admin/reports/{filename:str}", summary="A reporting view as CSV, e.g. daily_bookings.csv")
    async def csv_export(self, pool: AsyncConnectionPool, filename: str, cinema_id: CinemaParam = None,
                         date_from: FromParam = None, date_to: ToParam = None) -> Response:
        match = _CSV_NAME.match(filename)
        if not match:
            raise ApiError(404, "REPORT_NOT_FOUND", "ask for <report>.csv", details={"report": filename})
        view = match.group(1)
        rows = [r[0] for r in await _rows(pool, Q.report_rows, {
            "view": view, "cinema_id": cinema_id, "from": date_from, "to": date_to, "limit": 100000})]
        columns = next((r[2] for r in await _rows(pool, Q.report_names, {}) if r[0] == view), None)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns or (list(rows[0]) if rows else []))
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row.values()])
        suffix = "".join(f"_{d}" for d in (date_from, date_to) if d)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{view}{suffix}.csv"',
                                 "Cache-Control": "no-store"})
