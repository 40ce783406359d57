-- Reports for the admin page and CSV export (api/controllers/reports.py). booking.report() only opens views of
-- schema reporting; the numbers and their rules live in sql/functions/80_reporting.sql.

-- name: report_rows
SELECT r FROM booking.report(%(view)s, %(cinema_id)s, %(from)s, %(to)s, %(limit)s) r;

-- name: report_names
SELECT name, description, columns FROM booking.report_names();

-- name: report_cinemas
SELECT id, name, currency FROM booking.list_cinemas();

-- name: report_top_movies
-- The top movies of the window: popular_movies summed per movie (one cinema, so one currency).
SELECT r ->> 'title' AS title, sum((r ->> 'bookings')::int) AS bookings, sum((r ->> 'tickets_sold')::int) AS tickets_sold,
       sum((r ->> 'revenue')::numeric)::numeric(14,2) AS revenue
  FROM booking.report('popular_movies', %(cinema_id)s, %(from)s, %(to)s, 100000) r
 GROUP BY 1 ORDER BY revenue DESC, title LIMIT 10;
