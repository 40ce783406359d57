-- Issue 22: behaviour the docs did not state, decided. Cancelling a PENDING_PAYMENT booking is allowed (refund
-- 0.00, seats back at once, its payment intent cancelled at the provider; a payment that still succeeds is
-- refunded in full); attaching a payment intent to a booking that is not waiting for payment is refused.
BEGIN;
SELECT plan(12);
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;
SET LOCAL marquee.publish_seat_changes = 'off';
DO $$
BEGIN
    INSERT INTO fx VALUES ('pending', pg_temp.book('{seat-a1,seat-a2}', 'pend', false)),  -- intent pi_pend, unpaid
                          ('unpaid', pg_temp.book('{seat-a3}', 'unpaid', false));
END $$;

SELECT results_eq($$SELECT status::text, refund_id, refund_amount, refund_status FROM booking.cancel(pg_temp.fx('pending'), 'changed my mind')$$,
                  $$VALUES ('CANCELLED', NULL::uuid, 0.00::numeric(10,2), NULL::text)$$,
                  'a PENDING_PAYMENT booking can be cancelled: nothing was paid, refund 0.00');
SELECT results_eq($$SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id IN ('seat-a1', 'seat-a2')$$,
                  $$VALUES ('AVAILABLE'), ('AVAILABLE')$$, 'its seats are back on sale at once');
SELECT results_eq($$SELECT payment_intent_id, status FROM booking.intent_cancellations WHERE booking_id = pg_temp.fx('pending')$$,
                  $$VALUES ('pi_pend', 'PENDING')$$, 'its payment intent is queued for cancellation at the provider');
SELECT ok(EXISTS (SELECT 1 FROM booking.pending_intent_cancellations() WHERE payment_intent_id = 'pi_pend'),
          'the payments worker finds it');
SELECT is((SELECT count(*)::int FROM booking.refunds WHERE booking_id = pg_temp.fx('pending')), 0, 'no refund row');

-- the customer had paid in another tab: the money is refunded in full, the seats stay released
SELECT results_eq($$SELECT status::text, payment_status::text, refund_amount FROM booking.record_payment('pi_pend', 'succeeded')$$,
                  $$VALUES ('CANCELLED', 'PAID', 24.00::numeric(10,2))$$,
                  'a payment that succeeds after the cancel is a late payment: refunded in full');
SELECT results_eq($$SELECT amount, status, reason FROM booking.refunds WHERE booking_id = pg_temp.fx('pending')$$,
                  $$VALUES (24.00::numeric(10,2), 'PENDING', 'late payment')$$, 'the refund is due');
SELECT results_eq($$SELECT status FROM booking.record_intent_cancellation('pi_pend', 'succeeded')$$, $$VALUES ('DONE')$$,
                  'the provider''s answer to the cancellation closes it (the payment is already recorded)');

-- attaching an intent
SELECT throws_ok($$SELECT booking.attach_payment_intent(pg_temp.fx('pending'), 'pi_other')$$, 'MQ030', NULL,
                 'a cancelled booking takes no payment intent (BOOKING_NOT_PAYABLE)');
SELECT lives_ok($$SELECT booking.attach_payment_intent(pg_temp.fx('pending'), 'pi_pend')$$,
                'attaching the intent it already has is a no-op');
SET LOCAL marquee.now = '2030-01-01 12:30Z';  -- past the 10-minute payment window
DO $$ BEGIN PERFORM booking.expire_overdue_payments(); END $$;
SELECT is((SELECT status::text FROM booking.bookings WHERE id = pg_temp.fx('unpaid')), 'EXPIRED', 'the other booking expired');
SELECT throws_ok($$SELECT booking.attach_payment_intent(pg_temp.fx('unpaid'), 'pi_unpaid_2')$$, 'MQ030', NULL,
                 'an expired booking takes no new payment intent either');
SELECT * FROM finish();
ROLLBACK;
