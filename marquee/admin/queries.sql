-- Operators: catalogue maintenance, seat blocks, bookings of a showtime, cancellation on a customer's behalf.
-- Each runs in a transaction that carries the operator's credential (marquee/http/auth.py as_operator); every
-- function checks it with booking.require() and audits that operator. No actor is passed from here.

-- name: create_cinema
SELECT booking.create_cinema(%(name)s, %(city)s, %(time_zone)s, %(currency)s);

-- name: update_cinema
SELECT booking.update_cinema(%(cinema_id)s, %(name)s, %(city)s, %(time_zone)s, %(currency)s);

-- name: create_auditorium
SELECT booking.create_auditorium(%(cinema_id)s, %(name)s, %(layout)s::jsonb);

-- name: set_seats_active
SELECT booking.set_seats_active(%(auditorium_id)s, %(seat_ids)s, %(active)s);

-- name: create_movie
SELECT booking.create_movie(%(title)s, %(duration_minutes)s, %(rating)s, %(description)s);

-- name: update_movie
SELECT booking.update_movie(%(movie_id)s, %(title)s, %(duration_minutes)s, %(rating)s, %(description)s);

-- name: create_showtime
SELECT booking.create_showtime(%(movie_id)s, %(auditorium_id)s, %(starts_at)s, %(prices)s::jsonb);

-- name: set_prices
SELECT booking.set_prices(%(showtime_id)s, %(prices)s::jsonb);

-- name: cancel_showtime
SELECT booking.cancel_showtime(%(showtime_id)s);

-- name: create_promo_code
SELECT booking.create_promo_code(%(code)s, %(kind)s, %(value)s, coalesce(%(valid_from)s, '-infinity'::timestamptz),
                                 coalesce(%(valid_until)s, 'infinity'::timestamptz), %(max_uses)s, %(min_tickets)s);

-- name: set_promo_code_active
SELECT booking.set_promo_code_active(%(code)s, %(active)s);

-- name: block_seats
SELECT booking.block_seats(%(showtime_id)s, %(seat_ids)s, p_reason => %(reason)s);

-- name: unblock_seats
SELECT booking.unblock_seats(%(showtime_id)s, %(seat_ids)s);

-- name: showtime_bookings
SELECT coalesce(json_agg(b), '[]'::json)::text FROM booking.showtime_bookings(%(showtime_id)s) b;

-- name: search_bookings
SELECT coalesce(json_agg(b), '[]'::json)::text FROM booking.search_bookings(%(q)s, %(limit)s) b;

-- name: payment_discrepancy_report
SELECT booking.payment_discrepancy_report(%(limit)s)::text;

-- Smart seating (docs/smart-seating.md): seat history, the lone-seat rule, channels, companions, focal point.

-- name: seat_history
SELECT coalesce(jsonb_agg(jsonb_build_object(
           'at', h.at, 'seatId', h.seat_id, 'from', h.from_status, 'to', h.to_status, 'actorKind', h.actor_kind,
           'actor', h.actor, 'holdId', h.hold_id, 'bookingReference', h.booking_reference, 'reason', h.reason)), '[]')::text
  FROM booking.showtime_seat_history(%(showtime_id)s, %(seat_id)s, %(since)s, %(limit)s) h;

-- name: set_lone_seat_rule
SELECT booking.set_lone_seat_rule(%(showtime_id)s, %(enabled)s);

-- name: allocate_channel_seats
SELECT booking.allocate_channel_seats(%(showtime_id)s, %(seat_ids)s, %(channel)s, %(release_at)s);

-- name: release_channel_seats
SELECT booking.release_channel_seats(%(showtime_id)s, %(channel)s, %(seat_ids)s);

-- name: link_companion_seats
SELECT booking.link_companion_seats(%(auditorium_id)s, %(wheelchair_seat_id)s, %(companion_seat_ids)s);

-- name: set_focal_point
SELECT booking.set_focal_point(%(auditorium_id)s, %(x)s::numeric, %(y)s::numeric);
