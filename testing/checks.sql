-- Invariant checks used by the chaos scenarios, the reliability tests and the benchmarks.
-- Each returns the offending rows: an empty result means the invariant holds.

-- name: overlapping_live_claims
-- Two claims of one seat of one showtime alive at the same instant (the exclusion constraint forbids it;
-- checked anyway so a dropped or deferred constraint could not hide a double sale).
SELECT a.showtime_id, a.seat_id, a.id AS claim_a, b.id AS claim_b
  FROM booking.seat_claims a
  JOIN booking.seat_claims b ON b.showtime_id = a.showtime_id AND b.seat_id = a.seat_id AND b.id > a.id
                            AND b.during && a.during
 WHERE a.showtime_id = ANY (%(showtimes)s::uuid[]);

-- name: confirmed_without_claims
-- A CONFIRMED booking whose seats are not all claimed by it, open-ended (sold seats must stay sold).
SELECT b.id, b.reference, bs.seat_id
  FROM booking.bookings b
  JOIN booking.booking_seats bs ON bs.booking_id = b.id
 WHERE b.status = 'CONFIRMED' AND b.showtime_id = ANY (%(showtimes)s::uuid[])
   AND NOT EXISTS (SELECT 1 FROM booking.seat_claims c
                    WHERE c.booking_id = b.id AND c.seat_id = bs.seat_id AND c.kind = 'BOOKING'
                      AND upper_inf(c.during));

-- name: half_written_bookings
-- A booking whose parts disagree: no seats, a ticket count that is not its seat count, a pending booking with
-- live claims but no payment intent (confirm commits the intent id with the booking or not at all).
SELECT b.id, b.reference, b.status, b.num_tickets, count(bs.seat_id) AS seats, b.payment_intent_id
  FROM booking.bookings b
  LEFT JOIN booking.booking_seats bs ON bs.showtime_id = b.showtime_id AND bs.booking_id = b.id
 WHERE b.showtime_id = ANY (%(showtimes)s::uuid[])
 GROUP BY b.showtime_id, b.id
HAVING count(bs.seat_id) = 0 OR count(bs.seat_id) <> b.num_tickets
    OR (b.status IN ('PENDING_PAYMENT', 'CONFIRMED') AND b.payment_intent_id IS NULL AND %(require_intent)s);

-- name: money_violations
-- Per booking: refunds never exceed payments, paid - refunded >= 0, a CONFIRMED booking was paid its amount.
SELECT b.id, b.status, b.final_amount, p.paid, r.refunded
  FROM booking.bookings b
  CROSS JOIN LATERAL (SELECT coalesce(sum(amount), 0) AS paid FROM booking.payments
                       WHERE booking_id = b.id AND status = 'succeeded') p
  CROSS JOIN LATERAL (SELECT coalesce(sum(amount), 0) AS refunded FROM booking.refunds
                       WHERE booking_id = b.id AND status <> 'FAILED') r
 WHERE b.showtime_id = ANY (%(showtimes)s::uuid[])
   AND (r.refunded > p.paid OR p.paid < 0 OR (b.status = 'CONFIRMED' AND p.paid <> b.final_amount));

-- name: claims_of_dead_bookings
-- A cancelled / expired / failed booking still holding a seat in the future.
SELECT b.id, b.status, c.seat_id
  FROM booking.bookings b JOIN booking.seat_claims c ON c.booking_id = b.id
 WHERE b.status IN ('CANCELLED', 'EXPIRED', 'PAYMENT_FAILED') AND b.showtime_id = ANY (%(showtimes)s::uuid[])
   AND c.during && tstzrange(%(now)s::timestamptz, NULL);

-- name: seats_sold
-- Seats of a showtime claimed by a live (pending or confirmed) booking, with the booking.
SELECT s.code, c.booking_id
  FROM booking.seat_claims c JOIN booking.seats s ON s.id = c.seat_id
 WHERE c.showtime_id = %(showtime)s AND c.kind = 'BOOKING' AND c.during && tstzrange(now(), NULL)
 ORDER BY s.code;

-- name: make_hall
-- A cinema with one auditorium of rows x seats STANDARD seats and one showtime a week ahead at 12.00;
-- every name carries a random suffix so runs never collide. Returns the showtime id.
WITH c AS (SELECT booking.create_cinema('Chaos ' || %(tag)s, 'Test', 'Europe/London', 'USD') AS id),
     a AS (SELECT booking.create_auditorium(c.id, 'Hall', jsonb_build_object('rows', (
              SELECT jsonb_agg(jsonb_build_object('label', chr(64 + r), 'seats',
                         (SELECT jsonb_agg(jsonb_build_object('number', s)) FROM generate_series(1, %(seats)s) s)))
                FROM generate_series(1, %(rows)s) r))) AS id FROM c),
     m AS (SELECT booking.create_movie('Chaos ' || %(tag)s, 100) AS id)
SELECT booking.create_showtime(m.id, a.id, date_trunc('hour', now()) + interval '7 days', '{"STANDARD": 12.00}')
  FROM a, m;

-- name: seat_codes
SELECT s.code FROM booking.showtimes st JOIN booking.seats s ON s.auditorium_id = st.auditorium_id
 WHERE st.id = %(showtime)s AND s.is_active ORDER BY s.y, s.x;

-- name: false_refusals
-- Refused holds (SEAT_UNAVAILABLE) none of whose named seats was claimed in the database at any instant between the
-- request being sent and its answer, by the seat status history (issue 16's "no false refusal"). A claim counts
-- from its history row's time (at or before the answer) until a row ending it (before the request was sent).
-- %(refusals)s: [{"i": n, "seats": [...], "sent": ts, "answered": ts}, ...]
WITH r AS (SELECT * FROM jsonb_to_recordset(%(refusals)s::jsonb) AS r(i int, seats text[], sent timestamptz, answered timestamptz))
SELECT r.i, r.seats
  FROM r
 WHERE NOT EXISTS (
       SELECT 1
         FROM unnest(r.seats) q(code)
         JOIN booking.showtimes st ON st.id = %(showtime)s
         JOIN booking.seats s ON s.auditorium_id = st.auditorium_id AND s.code = q.code
         JOIN booking.seat_status_history h
           ON h.showtime_id = st.id AND h.seat_id = s.id AND h.to_status <> 'AVAILABLE' AND h.at <= r.answered
        WHERE NOT EXISTS (SELECT 1 FROM booking.seat_status_history e
                           WHERE e.showtime_id = h.showtime_id AND e.claim_id = h.claim_id
                             AND e.to_status = 'AVAILABLE' AND e.at < r.sent))
 ORDER BY r.i;
