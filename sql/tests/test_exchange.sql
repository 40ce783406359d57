-- Issue 21: exchanges. Fixture (tap_fixture.setup): seats A1-A4 STANDARD 12.00, B1-B2 PREMIUM 15.00; 'showtime'
-- starts 2030-01-02 01:00Z, 'late' 04:30Z in the same auditorium; now 2030-01-01 12:00Z; cutoff 120 minutes.
BEGIN;
SELECT plan(77);
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;
CREATE FUNCTION pg_temp.seats(p_booking uuid) RETURNS text[] LANGUAGE sql AS $$
    SELECT ARRAY(SELECT e ->> 'id' FROM jsonb_array_elements(booking.booking_json(p_booking) -> 'seats') e ORDER BY 1) $$;
CREATE FUNCTION pg_temp.status(p_showtime text, p_seat text) RETURNS text LANGUAGE sql AS $$
    SELECT status FROM booking.seat_map(pg_temp.fx(p_showtime)) WHERE seat_id = p_seat $$;
CREATE TEMP TABLE ex (key text PRIMARY KEY, j jsonb) ON COMMIT DROP;
INSERT INTO fx VALUES ('x1', pg_temp.book('{seat-a1,seat-a2}', 'x1')), ('x2', pg_temp.book('{seat-b1,seat-b2}', 'x2')),
                      ('x3', pg_temp.book('{seat-a3}', 'x3')), ('unpaid', pg_temp.book('{seat-a4}', 'unpaid', false));

-- refusals, nothing changed
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('x3'), pg_temp.fx('showtime'), '{seat-b1}')$$, 'MQ010', NULL,
    'seats someone else has: SEAT_UNAVAILABLE');
SELECT is(tap_fixture.err_detail($$SELECT booking.exchange(pg_temp.fx('x3'), pg_temp.fx('showtime'), '{seat-b1}')$$) -> 'seatIds',
    '["seat-b1"]', '... naming them');
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('unpaid'), pg_temp.fx('late'), '{seat-a1}')$$, 'MQX02', NULL,
    'a booking waiting for payment: BOOKING_NOT_CONFIRMED');
SELECT throws_ok($$SELECT booking.exchange(gen_random_uuid(), pg_temp.fx('late'), '{seat-a1}')$$, 'MQ005', NULL,
    'an unknown booking: BOOKING_NOT_FOUND');
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('x3'), gen_random_uuid(), '{seat-a1}')$$, 'MQ002', NULL,
    'an unknown showtime: SHOWTIME_NOT_FOUND');
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('x3'), pg_temp.fx('late'), NULL)$$, 'MQ001', NULL,
    'neither seatIds nor bestAvailable: VALIDATION_ERROR');
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('x3'), pg_temp.fx('showtime'), '{seat-a3}')$$, 'MQ001', NULL,
    'the same seats again: VALIDATION_ERROR');
DO $$
DECLARE c uuid; a uuid; gone uuid;
BEGIN
    c := booking.create_cinema('FX Other Cinema', 'Boston', 'America/New_York', 'USD');
    a := booking.create_auditorium(c, 'Other Hall', '{"rows": [{"label": "A", "seats": [{"number": 1}, {"number": 2}]}]}');
    INSERT INTO fx VALUES ('other', booking.create_showtime(pg_temp.fx('movie'), a, '2030-01-02 01:00Z', '{"STANDARD": 12.00}'));
    gone := booking.create_showtime(pg_temp.fx('movie'), pg_temp.fx('auditorium'), '2030-01-03 01:00Z', '{"STANDARD": 12.00}');
    PERFORM booking.cancel_showtime(gone);
    INSERT INTO fx VALUES ('gone', gone);
END $$;
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('x3'), pg_temp.fx('other'), '{seat-a1}')$$, 'MQX03', NULL,
    'a showtime of another cinema: EXCHANGE_OTHER_CINEMA');
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('x3'), pg_temp.fx('gone'), '{seat-a1}')$$, 'MQ015', NULL,
    'a showtime not on sale: SHOWTIME_NOT_ON_SALE');
-- a buyer of the target seat was first
SELECT lives_ok($$SELECT pg_temp.hold('{seat-a4}', 'rival', 'late')$$, 'a buyer holds A4 of the late show');
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('x3'), pg_temp.fx('late'), '{seat-a4}')$$, 'MQ010', NULL,
    'the buyer''s seat cannot be taken: SEAT_UNAVAILABLE');
SELECT is(pg_temp.seats(pg_temp.fx('x3')), '{seat-a3}', 'after every refusal the booking is as it was');
SELECT is(pg_temp.status('showtime', 'seat-a3'), 'BOOKED', '... and so are its seats');

-- equal, to another showtime: x3 moves A3 -> A3 of the late show
SELECT is((booking.exchange(pg_temp.fx('x3'), pg_temp.fx('late'), '{seat-a3}') -> 'priceDifference')::numeric, 0.00,
    'equal price, another showtime: no difference');
SELECT is(pg_temp.status('showtime', 'seat-a3'), 'AVAILABLE', 'the old seat is back on sale');
SELECT is(booking.find_booking(booking.booking_json((SELECT target_id FROM booking.global_keys
              WHERE key = (SELECT reference FROM booking.bookings WHERE id = pg_temp.fx('x3')) AND kind = 'BOOKING_REFERENCE')) ->> 'bookingReference',
              'x3@example.com') ->> 'showtimeId', pg_temp.fx('late')::text, 'the reference now finds the booking in the new showtime');
SELECT results_eq($$SELECT status::text, cancelled_by FROM booking.bookings WHERE id = pg_temp.fx('x3')$$,
    $$VALUES ('CANCELLED', 'exchange')$$, 'the old row is CANCELLED by the exchange');
SELECT is((SELECT count(*)::int FROM booking.bookings WHERE reference = (SELECT reference FROM booking.bookings WHERE id = pg_temp.fx('x3'))
             AND showtime_id = pg_temp.fx('late') AND status = 'CONFIRMED'), 1, 'the new row keeps the reference, CONFIRMED');
SELECT is(booking.refundable_amount((SELECT target_id FROM booking.global_keys WHERE kind = 'PAYMENT_INTENT' AND key = 'pi_x3')), 12.00,
    'what was paid moved with it (refundable on the new row)');

-- equal, same showtime, seats shifted: A1-A2 -> A2-A3 (A2 kept)
INSERT INTO ex VALUES ('shift', booking.exchange(pg_temp.fx('x1'), pg_temp.fx('showtime'), '{seat-a2,seat-a3}'));
SELECT is((SELECT j ->> 'bookingId' FROM ex WHERE key = 'shift'), pg_temp.fx('x1')::text, 'same showtime: the booking keeps its id');
SELECT is(pg_temp.seats(pg_temp.fx('x1')), '{seat-a2,seat-a3}', 'its seats are the new ones');
SELECT is(pg_temp.status('showtime', 'seat-a1') || ',' || pg_temp.status('showtime', 'seat-a3'), 'AVAILABLE,BOOKED',
    'A1 released, A3 booked');
SELECT is((SELECT count(*)::int FROM booking.seat_status_history WHERE booking_id = pg_temp.fx('x1') AND reason = 'EXCHANGED'), 2,
    'the seat status history shows the move (A3 booked, A1 released)');
SELECT ok(NOT EXISTS (SELECT 1 FROM ex WHERE key = 'shift' AND j ? 'refundAmount'), 'no refund for an equal exchange');

-- cheaper, to another showtime by best available: B1-B2 (30.00) -> two STANDARD seats of the late show (A1-A2 free)
INSERT INTO ex VALUES ('cheap', booking.exchange(pg_temp.fx('x2'), pg_temp.fx('late'), NULL, 2, true, '{STANDARD}'));
INSERT INTO fx SELECT 'x2b', (j ->> 'bookingId')::uuid FROM ex WHERE key = 'cheap';
SELECT is((SELECT (j -> 'priceDifference')::numeric FROM ex WHERE key = 'cheap'), -6.00, 'cheaper: the difference is -6.00');
SELECT is((SELECT (j -> 'refundAmount')::numeric FROM ex WHERE key = 'cheap'), 6.00, '... refunded');
SELECT results_eq($$SELECT amount, status, reason FROM booking.refunds WHERE booking_id = pg_temp.fx('x2b')$$,
    $$VALUES (6.00::numeric(10,2), 'PENDING', 'exchange')$$, 'through the refund path (a PENDING refund of the booking)');
SELECT results_eq($$SELECT subtotal, final_amount, num_tickets FROM booking.bookings WHERE id = pg_temp.fx('x2b')$$,
    $$VALUES (24.00::numeric(10,2), 24.00::numeric(10,2), 2)$$, 'the booking''s amounts follow');
SELECT is(pg_temp.status('showtime', 'seat-b1'), 'AVAILABLE', 'the premium seats are back on sale');
-- fewer seats: keep one of the two
INSERT INTO ex VALUES ('fewer', booking.exchange(pg_temp.fx('x2b'), pg_temp.fx('late'), ARRAY[(pg_temp.seats(pg_temp.fx('x2b')))[1]]));
SELECT is((SELECT (j -> 'refundAmount')::numeric FROM ex WHERE key = 'fewer'), 12.00, 'a smaller party: one seat refunded');
SELECT is(cardinality(pg_temp.seats(pg_temp.fx('x2b'))), 1, '... and one seat kept');
SELECT is(booking.refundable_amount(pg_temp.fx('x2b')), 12.00, 'paid 30, refunds 6 + 12: 12 left');

SELECT is((SELECT count(*)::int FROM booking.outbox WHERE kind = 'EXCHANGE'
             AND booking_id IN (pg_temp.fx('x1'), pg_temp.fx('x2b'))), 3, 'each exchange queues an email');
SELECT is(booking.mail_context((SELECT id FROM booking.outbox WHERE kind = 'EXCHANGE' AND booking_id = pg_temp.fx('x1'))) ->> 'kind',
    'EXCHANGE', 'its mail context is the booking''s');

-- dearer, paid: x4 moves A1 (12.00) -> B1 (15.00) of its showtime; the booking keeps A1 until the 3.00 are paid
INSERT INTO fx VALUES ('x4', pg_temp.book('{seat-a1}', 'x4'));
INSERT INTO ex VALUES ('dear', booking.exchange(pg_temp.fx('x4'), pg_temp.fx('showtime'), '{seat-b1}'));
INSERT INTO fx SELECT 'x4ex', (j ->> 'exchangeId')::uuid FROM ex WHERE key = 'dear';
SELECT results_eq($$SELECT j ->> 'status', (j -> 'priceDifference')::numeric, (j ->> 'paymentDeadline')::timestamptz,
                           j -> 'seats' -> 0 ->> 'id' FROM ex WHERE key = 'dear'$$,
    $$VALUES ('PENDING_PAYMENT', 3.00, '2030-01-01 12:10Z'::timestamptz, 'seat-b1')$$,
    'dearer: PENDING_PAYMENT, the difference, the payment window of a confirm, the seats it will have');
SELECT results_eq($$SELECT status::text, final_amount FROM booking.bookings WHERE id = pg_temp.fx('x4')$$,
    $$VALUES ('CONFIRMED', 12.00::numeric(10,2))$$, '... the booking stays CONFIRMED as it was');
SELECT is(pg_temp.seats(pg_temp.fx('x4')), '{seat-a1}', '... on its old seat');
SELECT is(pg_temp.status('showtime', 'seat-a1') || ',' || pg_temp.status('showtime', 'seat-b1'), 'BOOKED,LOCKED',
    'the old seat still booked, the new one claimed');
SELECT throws_ok($$SELECT pg_temp.hold('{seat-b1}', 'racer')$$, 'MQ010', NULL,
    'a buyer racing for the claimed seat is refused: SEAT_UNAVAILABLE');
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('x4'), pg_temp.fx('late'), '{seat-b2}')$$, 'MQX05', NULL,
    'another exchange while one waits for payment: EXCHANGE_PENDING');
SET LOCAL marquee.now = '2030-01-01 12:00:30Z';
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('x4'), pg_temp.fx('late'), '{seat-b2}')$$, 'MQX05', NULL,
    '... also while its intent is being created');
SET LOCAL marquee.now = '2030-01-01 12:00Z';
SELECT lives_ok($$SELECT booking.attach_exchange_intent(pg_temp.fx('x4ex'), 'pi_x4_ex')$$, 'the difference gets its intent');
SELECT results_eq($$SELECT showtime_id, target_id FROM booking.global_keys WHERE key = 'pi_x4_ex' AND kind = 'PAYMENT_INTENT'$$,
    $$VALUES (pg_temp.fx('showtime'), pg_temp.fx('x4ex'))$$, '... which resolves through global_keys to the exchange');
SELECT results_eq($$SELECT amount, already_paid FROM booking.payable_booking(pg_temp.fx('x4'), 'pi_x4_ex')$$,
    $$VALUES (3.00::numeric(10,2), false)$$, 'payable: the difference');
SELECT is((SELECT status::text FROM booking.record_payment('pi_x4_ex', 'declined', NULL, 'card_declined')), 'CONFIRMED',
    'a declined card changes nothing ...');
SELECT is(pg_temp.seats(pg_temp.fx('x4')) || (SELECT status FROM booking.exchanges WHERE id = pg_temp.fx('x4ex')),
    '{seat-a1,PENDING_PAYMENT}', '... the booking on its seat, the exchange still waiting');
SELECT results_eq($$SELECT booking_id, status::text, refund_id FROM booking.record_payment('pi_x4_ex', 'succeeded', 3.00)$$,
    $$VALUES (pg_temp.fx('x4'), 'CONFIRMED', NULL::uuid)$$, 'paid: CONFIRMED, the booking keeps its id (same showtime)');
SELECT is(pg_temp.seats(pg_temp.fx('x4')), '{seat-b1}', 'the seats swapped');
SELECT is(pg_temp.status('showtime', 'seat-a1') || ',' || pg_temp.status('showtime', 'seat-b1'), 'AVAILABLE,BOOKED',
    'A1 released, B1 booked');
SELECT results_eq($$SELECT subtotal, final_amount, payment_status::text FROM booking.bookings WHERE id = pg_temp.fx('x4')$$,
    $$VALUES (15.00::numeric(10,2), 15.00::numeric(10,2), 'PAID')$$, 'the booking''s amounts follow');
SELECT is((SELECT status FROM booking.exchanges WHERE id = pg_temp.fx('x4ex')), 'COMPLETED', 'the exchange is COMPLETED');
SELECT is(booking.refundable_amount(pg_temp.fx('x4')), 15.00, 'both payments count (12.00 + 3.00)');
SELECT is_empty($$SELECT problem FROM booking.payment_discrepancies WHERE booking_id = pg_temp.fx('x4')$$,
    'the ledger agrees (one success per intent is no double charge)');
SELECT is((SELECT count(*)::int FROM booking.seat_status_history WHERE booking_id = pg_temp.fx('x4') AND reason = 'EXCHANGED'), 2,
    'the seat status history shows the move');
SELECT is((SELECT count(*)::int FROM booking.outbox WHERE kind = 'EXCHANGE' AND booking_id = pg_temp.fx('x4')), 1,
    'the EXCHANGE email is queued');
SELECT results_eq($$SELECT status::text FROM booking.record_payment('pi_x4_ex', 'succeeded')$$, $$VALUES ('CONFIRMED')$$,
    'the same success again (the webhook after the API) is a replay ...');
SELECT is((SELECT count(*)::int FROM booking.payments WHERE payment_intent_id = 'pi_x4_ex' AND status = 'succeeded'), 1,
    '... recorded once');
SELECT is((SELECT already_paid FROM booking.payable_booking(pg_temp.fx('x4'), 'pi_x4_ex')), true, 'payable again: already paid');
SELECT is((SELECT refund_amount FROM booking.cancel(pg_temp.fx('x4'))), 15.00::numeric(10,2),
    'cancelling it afterwards refunds all 15.00 ...');
SELECT results_eq($$SELECT amount, payment_intent_id FROM booking.refunds WHERE booking_id = pg_temp.fx('x4') ORDER BY amount DESC$$,
    $$VALUES (12.00::numeric(10,2), NULL::text), (3.00, 'pi_x4_ex')$$,
    '... one refund per payment intent, none above what it took');

-- dearer, never paid: x5 moves A1 of the showtime (12.00) -> B1 of the late show (15.00)
INSERT INTO fx VALUES ('x5', pg_temp.book('{seat-a1}', 'x5'));
INSERT INTO fx SELECT 'x5ex', (booking.exchange(pg_temp.fx('x5'), pg_temp.fx('late'), '{seat-b1}') ->> 'exchangeId')::uuid;
SELECT lives_ok($$SELECT booking.attach_exchange_intent(pg_temp.fx('x5ex'), 'pi_x5_ex')$$, 'another dearer exchange waits');
SELECT throws_ok($$SELECT pg_temp.hold('{seat-b1}', 'racer', 'late')$$, 'MQ010', NULL,
    'its seat is refused to buyers while claimed');
SET LOCAL marquee.now = '2030-01-01 12:10:01Z';
SELECT ok((SELECT count(*) FROM booking.expire_overdue_payments()) >= 0, 'the expiry job runs past the deadline');
SELECT results_eq($$SELECT status, expired_at IS NOT NULL FROM booking.exchanges WHERE id = pg_temp.fx('x5ex')$$,
    $$VALUES ('EXPIRED', true)$$, 'the exchange is EXPIRED');
SELECT results_eq($$SELECT status::text, showtime_id, final_amount FROM booking.bookings WHERE id = pg_temp.fx('x5')$$,
    $$VALUES ('CONFIRMED', pg_temp.fx('showtime'), 12.00::numeric(10,2))$$, 'the booking is as it was');
SELECT is(pg_temp.seats(pg_temp.fx('x5')), '{seat-a1}', '... on its old seat');
SELECT is(pg_temp.status('late', 'seat-b1'), 'AVAILABLE', 'the new seat is released');
SELECT is((SELECT status FROM booking.intent_cancellations WHERE payment_intent_id = 'pi_x5_ex'), 'PENDING',
    'its intent is queued for cancellation');
SELECT throws_ok($$SELECT * FROM booking.payable_booking(pg_temp.fx('x5'), 'pi_x5_ex')$$, 'MQ031', NULL,
    'paying now: PAYMENT_WINDOW_EXPIRED');
SELECT lives_ok($$SELECT pg_temp.hold('{seat-b1}', 'racer', 'late')$$, 'a buyer can have the seat now');
SELECT results_eq($$SELECT status::text, refund_amount FROM booking.record_payment('pi_x5_ex', 'succeeded')$$,
    $$VALUES ('EXPIRED', 3.00::numeric(10,2))$$, 'a payment after expiry is refunded in full');
SELECT results_eq($$SELECT r.amount, r.reason, a.payment_intent_id FROM booking.refunds r
                      CROSS JOIN LATERAL booking.begin_refund_attempt(r.id) a
                     WHERE r.booking_id = pg_temp.fx('x5') AND r.payment_intent_id = 'pi_x5_ex'$$,
    $$VALUES (3.00::numeric(10,2), 'late exchange payment', 'pi_x5_ex')$$, '... to the exchange''s intent');
SELECT is(pg_temp.seats(pg_temp.fx('x5')), '{seat-a1}', '... and the booking still as it was');

-- an exchange whose intent never came (the API died after committing it) is given up a minute later
INSERT INTO fx VALUES ('x6', pg_temp.book('{seat-a4}', 'x6'));
INSERT INTO fx SELECT 'x6ex', (booking.exchange(pg_temp.fx('x6'), pg_temp.fx('showtime'), '{seat-b2}') ->> 'exchangeId')::uuid;
SET LOCAL marquee.now = '2030-01-01 12:11:05Z';
SELECT is(booking.exchange(pg_temp.fx('x6'), pg_temp.fx('showtime'), '{seat-b2}') ->> 'status', 'PENDING_PAYMENT',
    'an exchange left without its intent for a minute does not block the next one (the same seat again)');
SELECT is((SELECT status FROM booking.exchanges WHERE id = pg_temp.fx('x6ex')), 'EXPIRED', '... it was given up');

-- the cutoff
SET LOCAL marquee.now = '2030-01-01 23:30Z';
SELECT throws_ok($$SELECT booking.exchange(pg_temp.fx('x1'), pg_temp.fx('late'), '{seat-a1}')$$, 'MQX01', NULL,
    'within the cancellation cutoff: TOO_LATE_TO_EXCHANGE');
SELECT is(pg_temp.seats(pg_temp.fx('x1')), '{seat-a2,seat-a3}', '... nothing changed');

SELECT * FROM finish();
ROLLBACK;
