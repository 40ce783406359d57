-- A booking with nothing to pay (a promo covers the whole price) is confirmed by booking.confirm at once.
BEGIN;
SELECT plan(7);
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;

CREATE TEMP TABLE free_hold ON COMMIT DROP AS SELECT pg_temp.hold('{seat-a1}', 'free-1') AS id;
SELECT results_eq($$SELECT subtotal, discount, final_amount FROM booking.price_hold((SELECT id FROM free_hold), 'FXBIG')$$,
                  $$VALUES (12.00::numeric(10,2), 12.00::numeric(10,2), 0.00::numeric(10,2))$$,
                  'a FIXED promo above the price discounts it to exactly zero');
CREATE TEMP TABLE free_booking ON COMMIT DROP AS
    SELECT * FROM booking.confirm((SELECT id FROM free_hold), 'free@example.com', 'Free Customer');
SELECT is((SELECT status::text FROM free_booking), 'CONFIRMED', 'confirm answers CONFIRMED: nothing to pay');
SELECT is((SELECT amount FROM free_booking), 0.00::numeric(10,2), 'the amount is 0.00');
SELECT results_eq($$SELECT status::text, payment_status::text, payment_intent_id FROM booking.bookings
                     WHERE id = (SELECT booking_id FROM free_booking)$$,
                  $$SELECT 'CONFIRMED', 'PAID', 'free_' || (SELECT booking_id FROM free_booking)$$,
                  'the booking is paid through the free_<id> intent, no provider involved');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-a1'), 'BOOKED',
          'the seat is sold');
SELECT is((SELECT count(*)::int FROM booking.outbox WHERE booking_id = (SELECT booking_id FROM free_booking)
              AND kind = 'CONFIRMATION'), 1, 'the confirmation email is queued like any paid booking''s');
SELECT is((SELECT times_used FROM booking.promo_codes WHERE code = 'FXBIG'), 1, 'the promo use is counted');

SELECT * FROM finish();
ROLLBACK;
