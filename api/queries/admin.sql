-- Operators: catalogue maintenance, seat blocks, bookings of a showtime, cancellation on a customer's behalf.

-- name: create_cinema
SELECT booking.create_cinema(%(name)s, %(city)s, %(time_zone)s, %(currency)s);

-- name: update_cinema
SELECT booking.update_cinema(%(cinema_id)s, %(name)s, %(city)s, %(time_zone)s, %(currency)s);

-- name: create_auditorium
SELECT booking.create_auditorium(%(cinema_id)s, %(name)s, %(layout)s::jsonb);

-- name: set_seats_active
SELECT booking.set_seats_active(%(auditorium_id)s, %(seat_ids)s, %(active)s, %(actor)s);

-- name: create_movie
SELECT booking.create_movie(%(title)s, %(duration_minutes)s, %(rating)s, %(description)s);

-- name: update_movie
SELECT booking.update_movie(%(movie_id)s, %(title)s, %(duration_minutes)s, %(rating)s, %(description)s);

-- name: create_showtime
SELECT booking.create_showtime(%(movie_id)s, %(auditorium_id)s, %(starts_at)s, %(prices)s::jsonb);

-- name: set_prices
SELECT booking.set_prices(%(showtime_id)s, %(prices)s::jsonb);

-- name: cancel_showtime
SELECT booking.cancel_showtime(%(showtime_id)s, %(actor)s);

-- name: create_promo_code
SELECT booking.create_promo_code(%(code)s, %(kind)s, %(value)s, coalesce(%(valid_from)s, '-infinity'::timestamptz),
                                 coalesce(%(valid_until)s, 'infinity'::timestamptz), %(max_uses)s, %(min_tickets)s);

-- name: set_promo_code_active
SELECT booking.set_promo_code_active(%(code)s, %(active)s);

-- name: block_seats
SELECT booking.block_seats(%(showtime_id)s, %(seat_ids)s, %(actor)s, %(reason)s);

-- name: unblock_seats
SELECT booking.unblock_seats(%(showtime_id)s, %(seat_ids)s, %(actor)s);

-- name: showtime_bookings
SELECT coalesce(json_agg(b), '[]'::json)::text FROM booking.showtime_bookings(%(showtime_id)s) b;
