-- Queries of the web pages (loaded by api/web/pages.py). Each calls a documented booking.* function.

-- name: cinemas
SELECT id, name, city, time_zone, currency FROM booking.list_cinemas();

-- name: cinema_today
SELECT booking.cinema_today(%(cinema_id)s);

-- name: now_showing
SELECT id, title, duration_minutes, rating, description FROM booking.now_showing(%(cinema_id)s, %(date)s);

-- name: movie_showtimes
SELECT id, to_char(local_starts_at, 'HH24:MI') AS local_time, auditorium_name, total_seats, available_seats
  FROM booking.movie_showtimes(%(movie_id)s, %(cinema_id)s, %(date)s);

-- name: showtime_info
SELECT booking.showtime_info(%(showtime_id)s);

-- name: find_booking
SELECT booking.find_booking(%(reference)s, %(email)s);

-- name: cancel_quote
SELECT booking.cancel_quote(%(booking_id)s);
