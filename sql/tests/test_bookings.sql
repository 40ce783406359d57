-- Bookings: confirm (reference, validation), payment results (idempotent, late success), expiry, cancellation
-- policy, refunds, lookups.
BEGIN;
SELECT plan(87);
-- Fixture (rolled back with the test): see sql/tests/fixtures.sql.
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;

-- confirm
CREATE TEMP TABLE h ON COMMIT DROP AS SELECT pg_temp.hold('{seat-a1,seat-a2}', 'b-1') AS id;
SELECT throws_ok($$SELECT * FROM booking.confirm((SELECT id FROM h), 'not-an-email', 'N')$$, 'MQ001', NULL, 'confirm: bad email');
SELECT throws_ok($$SELECT * FROM booking.confirm((SELECT id FROM h), 'a@example.com', ' ')$$, 'MQ001', NULL, 'confirm: name required');
SELECT throws_ok($$SELECT * FROM booking.confirm((SELECT id FROM h), 'a@example.com', 'N', 'call me')$$, 'MQ001', NULL, 'confirm: bad phone');
SELECT throws_ok($$SELECT * FROM booking.confirm((SELECT id FROM h), 'a@example.com', 'N', NULL, 'CASH')$$, 'MQ001', NULL, 'confirm: payment method');
SELECT throws_ok($$SELECT * FROM booking.confirm(gen_random_uuid(), 'a@example.com', 'N')$$, 'MQ004', NULL, 'confirm: HOLD_NOT_FOUND');
SELECT throws_ok($$SELECT * FROM booking.confirm((SELECT id FROM h), 'a@example.com', 'N', p_session_token => 'b-2')$$, 'MQ012', NULL, 'confirm: HOLD_NOT_YOURS');
CREATE TEMP TABLE b1 ON COMMIT DROP AS
    SELECT * FROM booking.confirm((SELECT id FROM h), ' Ann@Example.com ', 'Ann Lee', '+1 212 555 0100', p_session_token => 'b-1');
SELECT results_eq($$SELECT status::text, amount, currency, payment_deadline FROM b1$$,
                  $$VALUES ('PENDING_PAYMENT', 24.00::numeric(10,2), 'USD'::char(3), timestamptz '2030-01-01 12:10Z')$$,
                  'confirm: PENDING_PAYMENT, amount, payment deadline = now + payment_window_seconds');
SELECT matches((SELECT booking_reference FROM b1), '^BK20300101[A-HJ-NP-Z2-9]{4}$', 'reference BK + local date + 4 unambiguous characters');
SELECT is((SELECT status::text FROM booking.holds WHERE id = (SELECT id FROM h)), 'CONVERTED', 'the hold is converted');
SELECT throws_ok($$SELECT * FROM booking.confirm((SELECT id FROM h), 'a@example.com', 'N')$$, 'MQ013', NULL, 'confirm twice: HOLD_NOT_ACTIVE');
SELECT throws_ok($$SELECT booking.release_hold((SELECT id FROM h), 'b-1')$$, 'MQ013', NULL, 'a converted hold cannot be released');
SELECT results_eq($$SELECT seat_id, status FROM booking.seat_map(pg_temp.fx('showtime'), 'b-1') WHERE seat_id IN ('seat-a1', 'seat-a2')$$,
                  $$VALUES ('seat-a1', 'BOOKED'), ('seat-a2', 'BOOKED')$$, 'booked seats are BOOKED, even for their own session');
SELECT results_eq($$SELECT customer_email, customer_name, num_tickets FROM booking.bookings WHERE id = (SELECT booking_id FROM b1)$$,
                  $$VALUES ('ann@example.com', 'Ann Lee', 2)$$, 'customer details are stored (email normalised)');
SELECT is((SELECT count(*)::int FROM booking.booking_seats WHERE booking_id = (SELECT booking_id FROM b1) AND price = 12.00), 2, 'booking_seats with prices');

-- reference: the cinema's local date, not UTC (22:00 in New York is already 2030-01-02 in UTC)
SET LOCAL marquee.now = '2030-01-02 03:00Z';
SELECT matches((SELECT booking_reference FROM booking.confirm(pg_temp.hold('{seat-a1}', 'b-late', 'late'), 'l@example.com', 'Late')),
               '^BK20300101[A-HJ-NP-Z2-9]{4}$', 'reference uses the local date in New York (2030-01-01) at 03:00Z');
SET LOCAL marquee.now = '2030-01-01 12:00Z';

-- confirm errors around time
CREATE TEMP TABLE hx ON COMMIT DROP AS SELECT id FROM (SELECT hold_id AS id FROM booking.hold(pg_temp.fx('showtime'), '{seat-a3}', 'b-x', 60)) t;
SET LOCAL marquee.now = '2030-01-01 12:01:01Z';
SELECT throws_ok($$SELECT * FROM booking.confirm((SELECT id FROM hx), 'x@example.com', 'X')$$, 'MQ011', NULL, 'confirm: HOLD_EXPIRED');
SET LOCAL marquee.now = '2030-01-02 00:58Z';
CREATE TEMP TABLE hs ON COMMIT DROP AS SELECT pg_temp.hold('{seat-a4}', 'b-s') AS id;
SET LOCAL marquee.now = '2030-01-02 01:01Z';
SELECT throws_ok($$SELECT * FROM booking.confirm((SELECT id FROM hs), 's@example.com', 'S')$$, 'MQ015', NULL, 'confirm after the start: SHOWTIME_NOT_ON_SALE');
SELECT is(booking.release_hold((SELECT id FROM hs), 'b-s'), true, 'release it (the test travels back in time next)');
SET LOCAL marquee.now = '2030-01-01 12:00Z';

-- payment intent and results
SELECT throws_ok($$SELECT booking.attach_payment_intent(gen_random_uuid(), 'pi_x')$$, 'MQ005', NULL, 'attach_payment_intent: BOOKING_NOT_FOUND');
SELECT lives_ok($$SELECT booking.attach_payment_intent((SELECT booking_id FROM b1), 'pi_b1')$$, 'attach_payment_intent');
SELECT lives_ok($$SELECT booking.attach_payment_intent((SELECT booking_id FROM b1), 'pi_b1')$$, 'attaching the same intent again is fine');
SELECT throws_ok($$SELECT booking.attach_payment_intent((SELECT booking_id FROM b1), 'pi_other')$$, 'MQ032', NULL, 'another intent: PAYMENT_MISMATCH');
SELECT throws_ok($$SELECT * FROM booking.record_payment('pi_b1', 'maybe')$$, 'MQ001', NULL, 'record_payment: bad result');
SELECT throws_ok($$SELECT * FROM booking.record_payment('pi_nope', 'succeeded')$$, 'MQ005', NULL, 'record_payment: unknown intent BOOKING_NOT_FOUND');
SELECT throws_ok($$SELECT * FROM booking.record_payment('pi_b1', 'succeeded', 20.00)$$, 'MQ032', NULL, 'record_payment: wrong amount PAYMENT_MISMATCH');
SELECT results_eq($$SELECT status::text, payment_status::text FROM booking.record_payment('pi_b1', 'declined', p_error_code => 'card_declined')$$,
                  $$VALUES ('PENDING_PAYMENT', 'UNPAID')$$, 'a declined attempt keeps the booking waiting');
SELECT is((SELECT status FROM booking.payments WHERE payment_intent_id = 'pi_b1'), 'failed', 'the declined attempt is recorded');
SET LOCAL marquee.now = '2030-01-01 12:05Z';
SELECT results_eq($$SELECT status::text, payment_status::text, refund_id FROM booking.record_payment('pi_b1', 'succeeded', 24.00)$$,
                  $$VALUES ('CONFIRMED', 'PAID', NULL::uuid)$$, 'success: CONFIRMED and PAID');
SELECT results_eq($$SELECT status::text, payment_status::text FROM booking.record_payment('pi_b1', 'succeeded')$$,
                  $$VALUES ('CONFIRMED', 'PAID')$$, 'recording the same success again replays the outcome');
SELECT is((SELECT count(*)::int FROM booking.payments WHERE payment_intent_id = 'pi_b1' AND status = 'succeeded'), 1, 'one success per intent');
SELECT results_eq($$SELECT kind, due_at FROM booking.outbox WHERE booking_id = (SELECT booking_id FROM b1) ORDER BY kind$$,
                  $$VALUES ('CONFIRMATION', timestamptz '2030-01-01 12:05Z'), ('REMINDER', timestamptz '2030-01-01 22:00Z')$$,
                  'confirmation now and a reminder 180 minutes before the show, once each');
SELECT is((SELECT confirmed_at FROM booking.bookings WHERE id = (SELECT booking_id FROM b1)), timestamptz '2030-01-01 12:05Z', 'confirmed_at');
SET LOCAL marquee.now = '2030-01-01 20:00Z';
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-a1'), 'BOOKED', 'a paid booking keeps its seats past the payment window');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a1}', 'b-9')$$, 'MQ010', NULL, 'and nobody else can hold them');

-- failed payment releases the seats at once
CREATE TEMP TABLE bf ON COMMIT DROP AS SELECT pg_temp.book('{seat-b1}', 'bf', false) AS id;
SELECT results_eq($$SELECT status::text FROM booking.record_payment('pi_bf', 'failed')$$, $$VALUES ('PAYMENT_FAILED')$$, 'failed: PAYMENT_FAILED');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-b1'), 'AVAILABLE', 'failed payment releases the seats');
SELECT throws_ok($$SELECT * FROM booking.cancel((SELECT id FROM bf))$$, 'MQ042', NULL, 'a failed booking is BOOKING_NOT_CANCELLABLE');

-- late success after expiry: refund due, seats never resurrected
CREATE TEMP TABLE bl ON COMMIT DROP AS SELECT pg_temp.book('{seat-b2}', 'bl', false) AS id;
SET LOCAL marquee.now = '2030-01-01 20:11Z';
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-b2'), 'AVAILABLE', 'after the payment window the seat is on sale, no sweeper needed');
SELECT lives_ok($$SELECT pg_temp.hold('{seat-b2}', 'b-other')$$, 'someone else holds it');
SELECT throws_ok($$SELECT * FROM booking.cancel((SELECT id FROM bl))$$, 'MQ042', NULL, 'an overdue pending booking is BOOKING_NOT_CANCELLABLE');
SELECT results_eq($$SELECT status::text, payment_status::text, refund_amount FROM booking.record_payment('pi_bl', 'succeeded')$$,
                  $$VALUES ('EXPIRED', 'PAID', 15.00::numeric(10,2))$$, 'late success: EXPIRED, paid, full refund due');
SELECT results_eq($$SELECT status::text, refund_amount FROM booking.record_payment('pi_bl', 'succeeded')$$,
                  $$VALUES ('EXPIRED', 15.00::numeric(10,2))$$, 'late success replayed: same refund');
SELECT is((SELECT count(*)::int FROM booking.refunds WHERE booking_id = (SELECT id FROM bl)), 1, 'exactly one refund for the late payment');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime'), 'b-other') WHERE seat_id = 'seat-b2'), 'SELECTED', 'the seat stays with its new holder');
SELECT is((SELECT count(*)::int FROM booking.seat_claims WHERE booking_id = (SELECT id FROM bl) AND upper(during) > booking.clock()), 0, 'no live claim for the expired booking');

-- a success recorded just before the deadline while another session (its clock past the deadline) re-sold the seat
SET LOCAL marquee.now = '2030-01-01 20:12Z';
CREATE TEMP TABLE bk ON COMMIT DROP AS SELECT pg_temp.book('{seat-b1}', 'bk', false) AS id;
SET LOCAL marquee.now = '2030-01-01 20:22:01Z';
SELECT lives_ok($$SELECT pg_temp.hold('{seat-b1}', 'b-skew')$$, 'another session holds the seat after the deadline');
SET LOCAL marquee.now = '2030-01-01 20:21:59Z';
SELECT results_eq($$SELECT status::text, refund_amount FROM booking.record_payment('pi_bk', 'succeeded')$$,
                  $$VALUES ('EXPIRED', 15.00::numeric(10,2))$$, 'the payment is treated as late (refund), not a 23P01 crash');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime'), 'b-skew') WHERE seat_id = 'seat-b1'), 'SELECTED', 'the new holder keeps the seat');
SELECT is(booking.release_hold((SELECT id FROM booking.holds WHERE session_token = 'b-skew'), 'b-skew'), true, 'release it');

-- expiry job
SET LOCAL marquee.now = '2030-01-01 20:20Z';
CREATE TEMP TABLE be ON COMMIT DROP AS SELECT pg_temp.book('{seat-a3}', 'be', false) AS id;
SELECT is_empty($$SELECT * FROM booking.expire_overdue_bookings()$$, 'nothing overdue within the window');
SET LOCAL marquee.now = '2030-01-01 20:30Z';
SELECT results_eq($$SELECT booking_id, payment_intent_id FROM booking.expire_overdue_bookings()$$, $$SELECT id, 'pi_be' FROM be$$,
                  'expire_overdue_bookings returns the overdue booking and its intent');
SELECT is((SELECT status::text FROM booking.bookings WHERE id = (SELECT id FROM be)), 'EXPIRED', 'marked EXPIRED');
SELECT is((SELECT payment_status::text FROM booking.record_payment('pi_be', 'failed')), 'UNPAID', 'a failure after expiry changes nothing');

-- cancellation policy
SET LOCAL marquee.now = '2030-01-01 12:00Z';
CREATE TEMP TABLE bc ON COMMIT DROP AS SELECT pg_temp.book('{seat-a4}', 'bc') AS id;
SELECT throws_ok($$SELECT * FROM booking.cancel(gen_random_uuid())$$, 'MQ005', NULL, 'cancel: BOOKING_NOT_FOUND');
SELECT throws_ok($$SELECT * FROM booking.cancel((SELECT id FROM bc), 'r', -1)$$, 'MQ001', NULL, 'cancel: negative refund');
SELECT throws_ok($$SELECT * FROM booking.cancel((SELECT id FROM bc), 'r', 1.234)$$, 'MQ001', NULL, 'cancel: refund with 3 decimals');
SELECT throws_ok($$SELECT * FROM booking.cancel((SELECT id FROM bc), 'r', 12.01)$$, 'MQ043', NULL, 'cancel: REFUND_EXCEEDS_PAID');
SET LOCAL marquee.now = '2030-01-01 23:00:01Z';
SELECT throws_ok($$SELECT * FROM booking.cancel((SELECT id FROM bc), 'too late')$$, 'MQ040', NULL, 'cancel within 120 minutes: CANCEL_TOO_LATE');
SET LOCAL marquee.now = '2030-01-01 23:00Z';
SELECT results_eq($$SELECT status::text, refund_amount, refund_status FROM booking.cancel((SELECT id FROM bc), 'changed plans', 5.00)$$,
                  $$VALUES ('CANCELLED', 5.00::numeric(10,2), 'PENDING')$$, 'cancel exactly at the cutoff with a partial refund');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-a4'), 'AVAILABLE', 'cancelled seats are back on sale at once');
SELECT lives_ok($$SELECT pg_temp.hold('{seat-a4}', 'b-after')$$, 'and can be held by someone else');
SELECT throws_ok($$SELECT * FROM booking.cancel((SELECT id FROM bc))$$, 'MQ041', NULL, 'cancel twice: ALREADY_CANCELLED');
SELECT is(booking.refundable_amount((SELECT id FROM bc)), 7.00::numeric(10,2), 'refundable_amount = paid - refunds');
SELECT results_eq($$SELECT kind, status FROM booking.outbox WHERE booking_id = (SELECT id FROM bc) ORDER BY kind$$,
                  $$VALUES ('CANCELLATION', 'PENDING'), ('CONFIRMATION', 'PENDING'), ('REMINDER', 'SKIPPED')$$,
                  'cancellation email queued, reminder skipped');
SELECT is((SELECT cancelled_by FROM booking.bookings WHERE id = (SELECT id FROM bc)), 'customer', 'cancelled_by');

-- operator override inside the cutoff, recorded in the audit log; full refund by default
SET LOCAL marquee.now = '2030-01-01 20:40Z';
CREATE TEMP TABLE bo ON COMMIT DROP AS SELECT pg_temp.book('{seat-b1,seat-b2}', 'bo', true, 'FXSAVE20') AS id;
SET LOCAL marquee.now = '2030-01-02 00:30Z';
SELECT throws_ok($$SELECT * FROM booking.cancel((SELECT id FROM bo), 'late', NULL, 'ops@test')$$, 'MQ040', NULL, 'an operator without override is refused too');
SELECT results_eq($$SELECT status::text, refund_amount FROM booking.cancel((SELECT id FROM bo), 'projector broke', NULL, 'ops@test', true)$$,
                  $$VALUES ('CANCELLED', 24.00::numeric(10,2))$$, 'override cancels and refunds what was paid (30.00 - 20 %)');
SELECT results_eq($$SELECT actor, details ->> 'policyOverridden', details ->> 'refundAmount' FROM booking.audit_log WHERE action = 'booking.cancel.override' AND entity_id = (SELECT id FROM bo)::text$$,
                  $$VALUES ('db:postgres', 'true', '24.00')$$, 'the override is in the audit log');

-- an unpaid pending booking can be cancelled, with nothing to refund
SET LOCAL marquee.now = '2030-01-01 20:45Z';
CREATE TEMP TABLE bu ON COMMIT DROP AS SELECT pg_temp.book('{seat-a3}', 'bu', false) AS id;
SELECT throws_ok($$SELECT * FROM booking.cancel((SELECT id FROM bu), 'r', 1.00)$$, 'MQ043', NULL, 'no refund for an unpaid booking');
SELECT results_eq($$SELECT status::text, refund_id, refund_amount FROM booking.cancel((SELECT id FROM bu))$$,
                  $$VALUES ('CANCELLED', NULL::uuid, 0.00::numeric(10,2))$$, 'cancel unpaid: no refund row');
SELECT results_eq($$SELECT status::text FROM booking.record_payment('pi_bu', 'succeeded')$$, $$VALUES ('CANCELLED')$$,
                  'a success after cancellation leaves it cancelled');
SELECT is((SELECT amount FROM booking.refunds WHERE booking_id = (SELECT id FROM bu)), 12.00::numeric(10,2), 'and refunds the money');

-- refunds
SELECT bag_eq($$SELECT booking_id, amount FROM booking.pending_refunds()$$,
              $$SELECT id, 5.00::numeric(10,2) FROM bc UNION ALL SELECT id, 24.00 FROM bo UNION ALL SELECT id, 15.00 FROM bl UNION ALL SELECT id, 12.00 FROM bu UNION ALL SELECT id, 15.00 FROM bk$$,
              'pending_refunds lists every refund to send');
SELECT throws_ok($$SELECT * FROM booking.record_refund(gen_random_uuid(), true)$$, 'MQ044', NULL, 'record_refund: REFUND_NOT_FOUND');
SELECT results_eq($$SELECT status, payment_status::text FROM booking.record_refund((SELECT id FROM booking.refunds WHERE booking_id = (SELECT id FROM bc)), true, 're_bc')$$,
                  $$VALUES ('SUCCEEDED', 'PARTIALLY_REFUNDED')$$, 'a partial refund: PARTIALLY_REFUNDED');
SELECT results_eq($$SELECT status, payment_status::text FROM booking.record_refund((SELECT id FROM booking.refunds WHERE booking_id = (SELECT id FROM bo)), true, 're_bo')$$,
                  $$VALUES ('SUCCEEDED', 'REFUNDED')$$, 'a full refund: REFUNDED');
SELECT results_eq($$SELECT status FROM booking.record_refund((SELECT id FROM booking.refunds WHERE booking_id = (SELECT id FROM bo)), false)$$,
                  $$VALUES ('SUCCEEDED')$$, 'record_refund is idempotent: a later answer does not overwrite');
SELECT is((SELECT count(*)::int FROM booking.outbox WHERE kind = 'REFUND' AND booking_id = (SELECT id FROM bo)), 1, 'one refund email');
SELECT results_eq($$SELECT status FROM booking.record_refund((SELECT id FROM booking.refunds WHERE booking_id = (SELECT id FROM bu)), false)$$,
                  $$VALUES ('FAILED')$$, 'a failed refund');
SELECT is(booking.refundable_amount((SELECT id FROM bu)), 12.00::numeric(10,2), 'a failed refund can be retried (amount refundable again)');

-- lookups
SELECT is(booking.find_booking((SELECT booking_reference FROM b1), 'ANN@example.com') ->> 'bookingReference', (SELECT booking_reference FROM b1),
          'find_booking by reference and email (case-insensitive)');
SELECT throws_ok($$SELECT booking.find_booking((SELECT booking_reference FROM b1), 'eve@example.com')$$, 'MQ005', NULL, 'find_booking: wrong email BOOKING_NOT_FOUND');
SELECT is(booking.booking_json((SELECT booking_id FROM b1)) - '{bookingId,bookingReference,showtimeId,movieId,cinemaId,paymentDeadline,bookedAt,confirmedAt,startsAt}'::text[],
          jsonb_build_object('status', 'CONFIRMED', 'paymentStatus', 'PAID', 'movie', 'FX Movie', 'cinema', 'FX Cinema',
              'timeZone', 'America/New_York', 'auditorium', 'FX Hall', 'localStartsAt', '2030-01-01T20:00:00',
              'userDetails', jsonb_build_object('email', 'ann@example.com', 'name', 'Ann Lee', 'phone', '+1 212 555 0100'),
              'numTickets', 2, 'subtotal', 24.00, 'discount', 0.00, 'amount', 24.00, 'currency', 'USD', 'promoCode', NULL,
              'paymentIntentId', 'pi_b1', 'cancelledAt', NULL, 'cancelReason', NULL, 'refundedAmount', 0, 'refunds', '[]'::jsonb,
              'seats', '[{"id": "seat-a1", "rowLabel": "A", "seatNumber": 1, "type": "STANDARD", "price": 12.00},
                         {"id": "seat-a2", "rowLabel": "A", "seatNumber": 2, "type": "STANDARD", "price": 12.00}]'::jsonb),
          'booking_json');
SELECT is((SELECT count(*)::int FROM booking.showtime_bookings(pg_temp.fx('showtime'))), 8, 'showtime_bookings lists every booking of the showtime');
SELECT throws_ok($$SELECT * FROM booking.showtime_bookings(gen_random_uuid())$$, 'MQ002', NULL, 'showtime_bookings: SHOWTIME_NOT_FOUND');
SELECT lives_ok($$SELECT booking_internal.enqueue_message('REMINDER', (SELECT booking_id FROM b1), 'reminder:' || (SELECT booking_id FROM b1), now())$$,
                'enqueue_message with an existing dedup key');
SELECT is((SELECT count(*)::int FROM booking.outbox WHERE dedup_key = 'reminder:' || (SELECT booking_id FROM b1)), 1, 'enqueue_message is deduplicated');

SELECT * FROM finish();
ROLLBACK;
