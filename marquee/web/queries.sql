-- Queries of the web pages (marquee/web/controllers.py). Each calls a documented booking.* function.

-- name: cinema_today
SELECT booking.cinema_today(%(cinema_id)s);

-- name: movie_showtimes
SELECT id, to_char(local_starts_at, 'HH24:MI') AS local_time, auditorium_name, total_seats, available_seats,
       on_sale, few_seats_left
  FROM booking.movie_showtimes(%(movie_id)s, %(cinema_id)s, %(date)s);

-- name: showtime_info
SELECT booking.showtime_info(%(showtime_id)s);

-- name: waiting_room
-- The showtime's on-sale (issue 20): a queued one shows the waiting room before the seat map (NULL: none).
SELECT booking.waiting_room(%(showtime_id)s);

-- name: find_booking
SELECT booking.find_booking(%(reference)s, %(email)s);

-- name: cancel_quote
SELECT booking.cancel_quote(%(booking_id)s);

-- name: booking_tickets
-- the booking page's tickets (sql/functions/90_checkin.sql); the codes are signed by marquee/checkin
SELECT booking.booking_tickets(%(booking_id)s::uuid);
