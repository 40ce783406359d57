-- Reports for the admin page and CSV export (marquee/reports/controllers.py). booking.report() only opens views of
-- schema reporting; the numbers and their rules live in sql/functions/80_reporting.sql.

-- name: report_rows
SELECT r FROM booking.report(%(view)s, %(cinema_id)s, %(from)s, %(to)s, %(limit)s) r;

-- name: report_names
SELECT name, description, columns FROM booking.report_names();

-- name: report_cinemas
-- the cinemas the operator acts for
SELECT id, name, currency FROM booking.operator_cinemas();

-- name: require_reports
SELECT (booking.require('reports.read')).kind;

-- name: report_window
-- The chosen cinema (the first one by default; CINEMA_NOT_FOUND if unknown) and the window in its local dates.
SELECT cinema_id, currency, date_from, date_to FROM booking.report_window(%(cinema_id)s, %(from)s, %(to)s);

-- name: refresh_reports
SELECT booking_ops.refresh_reports();

-- name: apply_pii_retention
SELECT booking_ops.apply_pii_retention('retention', %(batch)s);

-- name: report_top_movies
-- The top movies of the window: popular_movies summed per movie (one cinema, so one currency).
SELECT r ->> 'title' AS title, sum((r ->> 'bookings')::int) AS bookings, sum((r ->> 'tickets_sold')::int) AS tickets_sold,
       sum((r ->> 'revenue')::numeric)::numeric(14,2) AS revenue
  FROM booking.report('popular_movies', %(cinema_id)s, %(from)s, %(to)s, 100000) r
 GROUP BY 1 ORDER BY revenue DESC, title LIMIT 10;
