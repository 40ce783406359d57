-- Browsing: cinemas, movies, showtimes, seat map.

-- name: list_cinemas
SELECT id, name, city, time_zone, currency FROM booking.list_cinemas();

-- name: now_showing
SELECT id, title, duration_minutes, rating, description, showtime_count, first_starts_at
  FROM booking.now_showing(%(cinema_id)s, %(date)s);

-- name: movie_showtimes
SELECT ms.id, ms.movie_id, ms.starts_at, ms.ends_at, ms.auditorium_id, ms.auditorium_name,
       ms.total_seats, ms.available_seats, c.time_zone, ms.on_sale, ms.few_seats_left
  FROM booking.movie_showtimes(%(movie_id)s, %(cinema_id)s, %(date)s) ms
  CROSS JOIN (SELECT time_zone FROM booking.list_cinemas() WHERE id = %(cinema_id)s) c;

-- name: seat_map_json
-- The whole seat map response in one round trip, as JSON text (money keeps its 2 decimals).
WITH m AS (SELECT * FROM booking.seat_map(%(showtime_id)s, %(session_token)s)),
     r AS (SELECT row_label, min(y) AS y,
                  json_agg(json_build_object('id', seat_id, 'seatNumber', seat_number, 'type', seat_type,
                                             'status', status, 'price', price, 'x', x, 'y', y) ORDER BY x) AS seats
             FROM m GROUP BY row_label)
SELECT json_build_object(
    'showtimeId', %(showtime_id)s::uuid,
    'totalSeats', (SELECT count(*) FROM m),
    'availableSeats', (SELECT count(*) FROM m WHERE status = 'AVAILABLE'),
    'layout', json_build_object('rows', coalesce(
        (SELECT json_agg(json_build_object('label', row_label, 'seats', seats) ORDER BY y, row_label) FROM r),
        '[]'::json)))::text,
    booking.seat_map_next_lapse(%(showtime_id)s);
