-- Bulk history for bench/growth.py: past showtimes of one 300-seat auditorium, each sold out in bookings of
-- 3 seats (CONFIRMED, paid, claims open-ended as real sold seats are). Set-based INSERT ... SELECT
-- generate_series; FK triggers are skipped by the caller (session_replication_role = replica), the exclusion
-- constraint and every index are kept, so the tables look like years of real sales.

-- name: showtimes
INSERT INTO booking.showtimes (id, movie_id, auditorium_id, starts_at, ends_at)
SELECT gen_random_uuid(), %(movie)s, %(auditorium)s, t, t + interval '2 hours'
  FROM generate_series(%(from_n)s, %(to_n)s - 1) n,
       -- backwards from 2020, so history never reaches the measured showtime whatever its size
       LATERAL (SELECT timestamptz '2020-01-01 00:00Z' - (n + 1) * interval '3 hours' AS t) x
RETURNING id;

-- name: history
WITH st AS (SELECT id, o FROM unnest(%(showtimes)s::uuid[]) WITH ORDINALITY AS u(id, o)),
seat AS (SELECT id, seat_type, row_number() OVER (ORDER BY id) - 1 AS i FROM booking.seats
          WHERE auditorium_id = %(auditorium)s),
b AS (
    INSERT INTO booking.bookings (id, reference, showtime_id, status, payment_status, customer_email, customer_name,
                                  num_tickets, subtotal, final_amount, currency, payment_intent_id, payment_deadline,
                                  booked_at, confirmed_at)
    -- unique references: a day per 31^4 bookings, then the booking's number in base 31
    SELECT gen_random_uuid(), 'BK' || to_char(date '2000-01-01' + (k / 923521)::int, 'YYYYMMDD')
               || substr(a, (k %% 31)::int + 1, 1) || substr(a, (k / 31 %% 31)::int + 1, 1)
               || substr(a, (k / 961 %% 31)::int + 1, 1) || substr(a, (k / 29791 %% 31)::int + 1, 1),
           st.id, 'CONFIRMED', 'PAID', 'h@example.com', 'History', 3, 36.00, 36.00, 'USD', NULL,
           timestamptz '2020-01-01', timestamptz '2020-01-01', timestamptz '2020-01-01'
      FROM st, generate_series(0, 99) g,
           LATERAL (SELECT %(offset)s::bigint + (st.o - 1) * 100 + g AS k, 'ABCDEFGHJKMNPQRSTUVWXYZ23456789' AS a) x
    RETURNING id, showtime_id),
bn AS (SELECT id, showtime_id, row_number() OVER (PARTITION BY showtime_id ORDER BY id) - 1 AS g FROM b),
bs AS (
    INSERT INTO booking.booking_seats (showtime_id, booking_id, seat_id, seat_type, price)
    SELECT bn.showtime_id, bn.id, seat.id, seat.seat_type, 12.00 FROM bn JOIN seat ON seat.i / 3 = bn.g
    RETURNING booking_id, seat_id)
INSERT INTO booking.seat_claims (showtime_id, seat_id, kind, booking_id, during)
SELECT bn.showtime_id, bs.seat_id, 'BOOKING', bn.id, tstzrange(timestamptz '2020-01-01', NULL)
  FROM bs JOIN bn ON bn.id = bs.booking_id;

-- name: counts
SELECT (SELECT count(*) FROM booking.seat_claims) AS claims, (SELECT count(*) FROM booking.bookings) AS bookings,
       pg_size_pretty(pg_database_size(current_database())) AS size;
