-- The waiting room (docs/waiting-room.md). Rules live in sql/functions/91_queue.sql.

-- name: set_on_sale
SELECT booking.set_on_sale(%(showtime_id)s, %(opens_at)s, %(queue)s, %(admit_per_minute)s, %(admission_minutes)s)::text;

-- name: get_on_sale
SELECT booking.get_on_sale(%(showtime_id)s)::text;

-- name: cancel_on_sale
SELECT booking.cancel_on_sale(%(showtime_id)s)::text;

-- name: queue_status
SELECT booking.queue_status(%(showtime_id)s)::text;

-- name: join
SELECT booking.queue_join(%(showtime_id)s, %(session_token)s)::text;

-- name: entry
SELECT booking.queue_entry(%(queue_id)s)::text;

-- name: leave
SELECT booking.queue_leave(%(queue_id)s, %(session_token)s)::text;

-- name: try_lead
SELECT pg_try_advisory_lock(%(key)s);

-- name: tick
SELECT booking.queue_tick();

-- name: queue_status_admin
-- The admin page's view of booking.queue_status, with the operator's permission checked first.
SELECT booking.queue_status_admin(%(showtime_id)s)::text;

-- name: set_movie_on_sale
SELECT booking.set_movie_on_sale(%(movie_id)s, %(cinema_id)s, %(opens_at)s, %(queue)s, %(admit_per_minute)s,
                                 %(admission_minutes)s)::text;

-- name: movie_on_sales
SELECT booking.movie_on_sales(%(movie_id)s, %(cinema_id)s)::text;

-- name: cancel_movie_on_sale
SELECT booking.cancel_movie_on_sale(%(movie_id)s, %(cinema_id)s)::text;

-- name: waiting_room
-- The showtime page: the showtime's on-sale as the public may see it (NULL: none).
SELECT booking.waiting_room(%(showtime_id)s)::text;
