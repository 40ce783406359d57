-- Pricing and promo codes: exact money (the seed's 2 x 12.00 with SAVE20 -> 24.00, 4.80, 19.20), every promo error.
BEGIN;
SELECT plan(39);
-- Fixture (rolled back with the test): see sql/tests/fixtures.sql.
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;

SELECT is(booking_internal.promo_discount('PERCENT', 20, 24.00), 4.80::numeric(10,2), 'promo_discount: 20 % of 24.00');
SELECT is(booking_internal.promo_discount('PERCENT', 12.5, 27.00), 3.38::numeric(10,2), 'promo_discount: percent rounds half up to the cent (3.375)');
SELECT is(booking_internal.promo_discount('FIXED', 100, 24.00), 24.00::numeric(10,2), 'promo_discount: fixed is capped at the subtotal');
SELECT is(booking_internal.promo_discount(NULL, NULL, 24.00), 0.00::numeric(10,2), 'promo_discount: no promo, no discount');

CREATE TEMP TABLE h ON COMMIT DROP AS SELECT pg_temp.hold('{seat-a1,seat-a2}', 'p-1') AS id;
SELECT results_eq($$SELECT subtotal, tickets FROM booking_internal.hold_subtotal((SELECT id FROM h))$$, $$VALUES (24.00::numeric(10,2), 2)$$, 'hold_subtotal');
SELECT results_eq($$SELECT subtotal, discount, final_amount, currency, promo_code FROM booking.price_hold((SELECT id FROM h))$$,
                  $$VALUES (24.00::numeric(10,2), 0.00::numeric(10,2), 24.00::numeric(10,2), 'USD'::char(3), NULL::text)$$, 'price without promo');
SELECT results_eq($$SELECT subtotal, discount, final_amount, promo_code FROM booking.price_hold((SELECT id FROM h), 'FXSAVE20')$$,
                  $$VALUES (24.00::numeric(10,2), 4.80::numeric(10,2), 19.20::numeric(10,2), 'FXSAVE20')$$,
                  '2 x 12.00 with 20 % -> 24.00, 4.80, 19.20');
SELECT is((SELECT promo_code_id FROM booking.holds WHERE id = (SELECT id FROM h)), pg_temp.fx('save20'), 'the accepted code stays attached to the hold');
SELECT is((SELECT final_amount FROM booking.price_hold((SELECT id FROM h))), 19.20::numeric(10,2), 'pricing again without a code keeps the attached one');
SELECT is((SELECT final_amount FROM booking.price_hold((SELECT id FROM h), ' fxsave20 ')), 19.20::numeric(10,2), 'codes are case- and space-insensitive');
SELECT results_eq($$SELECT discount, final_amount FROM booking.price_hold((SELECT id FROM h), 'FXFIVE')$$,
                  $$VALUES (5.00::numeric(10,2), 19.00::numeric(10,2))$$, 'fixed 5.00 off with 2 tickets (min 2)');
SELECT results_eq($$SELECT discount, final_amount FROM booking.price_hold((SELECT id FROM h), 'FXBIG')$$,
                  $$VALUES (24.00::numeric(10,2), 0.00::numeric(10,2))$$, 'a fixed amount above the subtotal makes it free, never negative');
SELECT results_eq($$SELECT discount, promo_code FROM booking.price_hold((SELECT id FROM h), '')$$,
                  $$VALUES (0.00::numeric(10,2), NULL::text)$$, 'an empty code removes the attached one');
SELECT is((SELECT promo_code_id FROM booking.holds WHERE id = (SELECT id FROM h)), NULL, 'removed from the hold');

-- errors
SELECT throws_ok($$SELECT * FROM booking.price_hold((SELECT id FROM h), 'NOSUCH')$$, 'MQ020', NULL, 'unknown code: PROMO_INVALID');
SELECT throws_ok($$SELECT * FROM booking.price_hold((SELECT id FROM h), 'FXOLD')$$, 'MQ021', NULL, 'expired code: PROMO_EXPIRED');
SELECT lives_ok($$SELECT booking.set_promo_code_active('FXSAVE20', false)$$, 'disable FXSAVE20');
SELECT throws_ok($$SELECT * FROM booking.price_hold((SELECT id FROM h), 'FXSAVE20')$$, 'MQ021', NULL, 'disabled code: PROMO_EXPIRED');
SELECT lives_ok($$SELECT booking.set_promo_code_active('FXSAVE20', true)$$, 'enable FXSAVE20');
SELECT lives_ok($$SELECT booking.create_promo_code('FXSOON', 'PERCENT', 10, '2030-01-02Z')$$, 'a code valid from tomorrow');
SELECT throws_ok($$SELECT * FROM booking.price_hold((SELECT id FROM h), 'FXSOON')$$, 'MQ021', NULL, 'not yet valid: PROMO_EXPIRED');
SELECT throws_ok($$SELECT * FROM booking.price_hold(pg_temp.hold('{seat-a3}', 'p-2'), 'FXFIVE')$$, 'MQ023', NULL, 'one ticket with min 2: PROMO_MIN_TICKETS');
SELECT throws_ok($$SELECT * FROM booking.price_hold(gen_random_uuid(), 'FXSAVE20')$$, 'MQ004', NULL, 'price_hold: HOLD_NOT_FOUND');
SELECT throws_ok($$SELECT * FROM booking.price_hold((SELECT id FROM h), 'FXSAVE20', 'p-2')$$, 'MQ012', NULL, 'price_hold: HOLD_NOT_YOURS with another token');
SELECT is((SELECT final_amount FROM booking.price_hold((SELECT id FROM h), 'FXSAVE20', 'p-1')), 19.20::numeric(10,2), 'price_hold with the right token');

-- confirm charges the discounted amount; usage counts only once paid
CREATE TEMP TABLE b ON COMMIT DROP AS SELECT * FROM booking.confirm((SELECT id FROM h), 'p1@example.com', 'P One');
SELECT is((SELECT amount FROM b), 19.20::numeric(10,2), 'confirm charges the discounted amount');
SELECT results_eq($$SELECT subtotal, discount, final_amount, promo_code_id FROM booking.bookings WHERE id = (SELECT booking_id FROM b)$$,
                  $$VALUES (24.00::numeric(10,2), 4.80::numeric(10,2), 19.20::numeric(10,2), pg_temp.fx('save20'))$$, 'the booking keeps the money breakdown');
SELECT is((SELECT times_used FROM booking.promo_codes WHERE code = 'FXSAVE20'), 0, 'a booking waiting for payment does not count as a use');
SELECT lives_ok($$SELECT booking.attach_payment_intent((SELECT booking_id FROM b), 'pi_p1')$$, 'attach intent');
SELECT lives_ok($$SELECT * FROM booking.record_payment('pi_p1', 'succeeded', 19.20)$$, 'pay');
SELECT is((SELECT times_used FROM booking.promo_codes WHERE code = 'FXSAVE20'), 1, 'a paid booking counts as one use');

-- max uses: a pending booking reserves the use, a paid one consumes it
CREATE TEMP TABLE h2 ON COMMIT DROP AS SELECT pg_temp.hold('{seat-b1}', 'p-3') AS id;
SELECT is((SELECT final_amount FROM booking.price_hold((SELECT id FROM h2), 'FXONCE')), 13.50::numeric(10,2), 'FXONCE: 10 % of 15.00');
CREATE TEMP TABLE h3 ON COMMIT DROP AS SELECT pg_temp.hold('{seat-b2}', 'p-4') AS id;
SELECT lives_ok($$SELECT * FROM booking.price_hold((SELECT id FROM h3), 'FXONCE')$$, 'a second customer may price with FXONCE while nobody confirmed');
SELECT lives_ok($$SELECT * FROM booking.confirm((SELECT id FROM h2), 'p3@example.com', 'P Three')$$, 'first confirm with FXONCE');
SELECT throws_ok($$SELECT * FROM booking.confirm((SELECT id FROM h3), 'p4@example.com', 'P Four')$$, 'MQ022', NULL,
                 'second confirm: PROMO_USED_UP (the pending booking reserves the only use)');
SELECT throws_ok($$SELECT * FROM booking.price_hold((SELECT id FROM h3), 'FXONCE')$$, 'MQ022', NULL, 'pricing with a used-up code: PROMO_USED_UP');
SET LOCAL marquee.now = '2030-01-01 12:11Z';
SELECT is((SELECT count(*)::int FROM booking.expire_overdue_bookings()), 1, 'the FXONCE booking expires unpaid');
CREATE TEMP TABLE h4 ON COMMIT DROP AS SELECT pg_temp.hold('{seat-b2}', 'p-5') AS id;
SELECT is((SELECT final_amount FROM booking.price_hold((SELECT id FROM h4), 'FXONCE')), 13.50::numeric(10,2), 'an expired booking gives the use back');
SELECT is((SELECT times_used FROM booking.promo_codes WHERE code = 'FXONCE'), 0, 'and never counted it');

SELECT * FROM finish();
ROLLBACK;
