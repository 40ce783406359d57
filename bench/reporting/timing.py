"""Time each reporting view's typical query (one month, one cinema) on the generated history. Not a test.

    .venv/bin/python -m bench.reporting.generate          # once: 1,000,000 bookings
    .venv/bin/python -m bench.reporting.timing            # prints a markdown table (docs/benchmarks.md)

Queries run as bi_reader (what a BI tool would be), each REPEAT times after one warm-up; the table shows the
median and the slowest run. For comparison it also times the seed's daily report computed straight from the
booking tables (as the superuser), which is what the materialized views save, and one refresh_reports().
"""

import argparse
import statistics
import sys
import time
from datetime import date

import psycopg

from marquee.settings import with_user as _with_user

from .generate import DEFAULT_URL

FILTER = "cinema_id = %(cinema)s AND date BETWEEN %(start)s AND %(end)s"
QUERIES = {
    "daily_bookings": f"""SELECT date, total_bookings, total_tickets, total_revenue, avg_ticket_price, refunded_amount,
                                 net_revenue FROM reporting.daily_bookings WHERE {FILTER} ORDER BY date DESC""",
    "daily_bookings_total": """SELECT * FROM reporting.daily_bookings_total
                                WHERE date BETWEEN %(start)s AND %(end)s ORDER BY date DESC, currency""",
    "popular_movies": f"""SELECT title, sum(bookings) AS bookings, sum(tickets_sold) AS tickets_sold, sum(revenue) AS revenue
                            FROM reporting.popular_movies WHERE {FILTER}
                           GROUP BY title ORDER BY revenue DESC LIMIT 10""",
    "showtime_occupancy": f"""SELECT date, local_start_time, auditorium, title, capacity, sold, held_now, blocked,
                                     occupancy_pct, revenue
                                FROM reporting.showtime_occupancy WHERE {FILTER} ORDER BY starts_at""",
    "revenue_by_seat_type": f"""SELECT seat_type, sum(tickets), sum(list_revenue) FROM reporting.revenue_by_seat_type
                                 WHERE {FILTER} GROUP BY seat_type ORDER BY 3 DESC""",
    "promo_code_usage": f"""SELECT promo_code, sum(uses), sum(discount_given), sum(revenue) FROM reporting.promo_code_usage
                             WHERE {FILTER} GROUP BY promo_code ORDER BY 4 DESC""",
    "cancellations": f"""SELECT reason_category, cancelled_by, sum(cancellations), sum(refunded_amount) FROM reporting.cancellations
                          WHERE {FILTER} GROUP BY 1, 2 ORDER BY 3 DESC""",
    "sales_pace": f"""SELECT days_before, sum(tickets), sum(revenue) FROM reporting.sales_pace
                       WHERE {FILTER} GROUP BY days_before ORDER BY days_before""",
}
# The seed's daily report for one cinema and month, straight from the tables (local dates): the baseline.
RAW_DAILY = """
SELECT (b.booked_at AT TIME ZONE c.time_zone)::date AS date, count(*), sum(b.num_tickets), sum(b.final_amount),
       round(sum(b.final_amount) / sum(b.num_tickets), 2)
  FROM booking.bookings b JOIN booking.showtimes st ON st.id = b.showtime_id
  JOIN booking.auditoriums a ON a.id = st.auditorium_id JOIN booking.cinemas c ON c.id = a.cinema_id
 WHERE b.confirmed_at IS NOT NULL AND c.id = %(cinema)s
   AND (b.booked_at AT TIME ZONE c.time_zone)::date BETWEEN %(start)s AND %(end)s
 GROUP BY 1 ORDER BY 1 DESC"""


def timed(conn: psycopg.Connection, query: str, params: dict, repeat: int) -> tuple[float, float, int]:
    conn.execute(query, params).fetchall()  # warm-up: plan and cache
    runs, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = len(conn.execute(query, params).fetchall())
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), max(runs), rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help="the superuser URL of the bench database")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    with psycopg.connect(args.database_url, autocommit=True) as admin:
        cinema, name, tz = admin.execute(
            "SELECT id, name, time_zone FROM booking.cinemas WHERE name = 'Bench London'").fetchone()
        bookings = admin.execute("SELECT count(*) FROM booking.bookings").fetchone()[0]
        showtimes = admin.execute("SELECT count(*) FROM booking.showtimes").fetchone()[0]
        # the last complete local month of the history (the month before the latest sale)
        last = admin.execute("SELECT (max(booked_at) AT TIME ZONE %s)::date FROM booking.bookings", (tz,)).fetchone()[0]
        end = date.fromordinal(date(last.year, last.month, 1).toordinal() - 1)
        start = date(end.year, end.month, 1)
        params = {"cinema": cinema, "start": start, "end": end}
        started = time.perf_counter()
        admin.execute("SELECT booking_ops.refresh_reports()")
        refresh_s = time.perf_counter() - started
        raw = timed(admin, RAW_DAILY, params, args.repeat)
        sizes = admin.execute("""SELECT view_name, (xpath('/row/n/text()',
                                         query_to_xml(format('SELECT count(*) AS n FROM reporting_cache.%I', view_name),
                                                      false, true, '')))[1]::text::bigint
                                    FROM reporting_cache.refresh_log ORDER BY 1""").fetchall()
    with psycopg.connect(_with_user(args.database_url, "bi_reader"), autocommit=True) as bi:
        results = {view: timed(bi, q, params, args.repeat) for view, q in QUERIES.items()}

    print(f"History: {bookings:,} bookings, {showtimes:,} showtimes, 4 cinemas. Query: {name}, {start} .. {end} "
          f"(local dates), as bi_reader, median and slowest of {args.repeat} runs after a warm-up.\n")
    print("| view | typical query | rows | median ms | slowest ms |")
    print("|---|---|---:|---:|---:|")
    for view, (median, worst, rows) in results.items():
        what = "all cinemas, one month" if view == "daily_bookings_total" else "one cinema, one month"
        print(f"| reporting.{view} | {what} | {rows} | {median:.1f} | {worst:.1f} |")
    print(f"| (baseline) seed's daily report from the tables | one cinema, one month | {raw[2]} | {raw[0]:.1f} | {raw[1]:.1f} |")
    print(f"\nrefresh_reports() (all {len(sizes)} materialized views, CONCURRENTLY): {refresh_s:.1f} s. "
          "Aggregate sizes: " + ", ".join(f"{n} {t:,} rows" for n, t in sizes) + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main())
