-- Reporting views: every number on a known data set, with bookings around local midnight in New York (UTC-5 in
-- January) and London (UTC+1 in July), cancellations (customer, operator), full and partial refunds, promo codes.
BEGIN;
SELECT plan(22);
SET LOCAL marquee.hold_ttl_seconds = '300';
SET LOCAL marquee.max_seats_per_hold = '10';
SET LOCAL marquee.payment_window_seconds = '600';
SET LOCAL marquee.cancel_cutoff_minutes = '120';
SET LOCAL marquee.reminder_minutes_before = '180';
SET LOCAL marquee.publish_seat_changes = 'off';
SET LOCAL marquee.now = '2030-01-10 12:00Z';

CREATE TEMP TABLE fx (key text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
CREATE FUNCTION pg_temp.fx(p_key text) RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT id FROM fx WHERE key = p_key $$;
-- 12 seats: A1-A6 STANDARD, B1-B6 PREMIUM; B6 broken in New York.
DO $fixture$
DECLARE ny uuid; ld uuid; a_ny uuid; a_ld uuid; alpha uuid; beta uuid;
BEGIN
    ny := booking.create_cinema('RX New York', 'New York', 'America/New_York', 'USD');
    ld := booking.create_cinema('RX London', 'London', 'Europe/London', 'GBP');
    a_ny := booking.create_auditorium(ny, 'RX 1', '{"rows": [
        {"label": "A", "seats": [{"number": 1}, {"number": 2}, {"number": 3}, {"number": 4}, {"number": 5}, {"number": 6}]},
        {"label": "B", "seats": [{"number": 1, "type": "PREMIUM"}, {"number": 2, "type": "PREMIUM"}, {"number": 3, "type": "PREMIUM"},
                                 {"number": 4, "type": "PREMIUM"}, {"number": 5, "type": "PREMIUM"},
                                 {"number": 6, "type": "PREMIUM", "active": false}]}]}');
    a_ld := booking.create_auditorium(ld, 'RX 1', '{"rows": [
        {"label": "A", "seats": [{"number": 1}, {"number": 2}, {"number": 3}, {"number": 4}, {"number": 5}, {"number": 6}]},
        {"label": "B", "seats": [{"number": 1, "type": "PREMIUM"}, {"number": 2, "type": "PREMIUM"}, {"number": 3, "type": "PREMIUM"},
                                 {"number": 4, "type": "PREMIUM"}, {"number": 5, "type": "PREMIUM"}, {"number": 6, "type": "PREMIUM"}]}]}');
    alpha := booking.create_movie('RX Alpha', 100);
    beta := booking.create_movie('RX Beta', 90);
    INSERT INTO fx VALUES ('ny', ny), ('ld', ld), ('alpha', alpha), ('beta', beta),
        -- 18:00 New York on Jan 20
        ('s1', booking.create_showtime(alpha, a_ny, '2030-01-20 23:00Z', '{"STANDARD": 12.00, "PREMIUM": 15.00}')),
        -- 23:30 New York on Jan 20 = Jan 21 in UTC
        ('s2', booking.create_showtime(beta, a_ny, '2030-01-21 04:30Z', '{"STANDARD": 12.00, "PREMIUM": 15.00}')),
        -- 19:00 London (BST) on Jul 20
        ('l1', booking.create_showtime(alpha, a_ld, '2030-07-20 18:00Z', '{"STANDARD": 10.50, "PREMIUM": 13.00}')),
        ('save20', booking.create_promo_code('RXSAVE20', 'PERCENT', 20)),
        ('fiveoff', booking.create_promo_code('RXFIVE', 'FIXED', 5.00));
END $fixture$;

-- Hold, (promo), confirm and optionally pay at a given instant; returns the booking id.
CREATE FUNCTION pg_temp.sell(p_showtime text, p_seats text[], p_at timestamptz, p_token text,
                             p_promo text DEFAULT NULL, p_pay boolean DEFAULT true)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE h uuid; b uuid;
BEGIN
    PERFORM set_config('marquee.now', p_at::text, true);
    SELECT hold_id INTO h FROM booking.hold(pg_temp.fx(p_showtime), p_seats, p_token);
    IF p_promo IS NOT NULL THEN PERFORM booking.price_hold(h, p_promo, p_token); END IF;
    SELECT booking_id INTO b FROM booking.confirm(h, p_token || '@example.com', 'Customer ' || p_token,
                                                  '+1 212 555 0100', 'CARD', p_token);
    PERFORM booking.attach_payment_intent(b, 'pi_' || p_token);
    IF p_pay THEN PERFORM booking.record_payment('pi_' || p_token, 'succeeded'); END IF;
    INSERT INTO fx VALUES (p_token, b);
    RETURN b;
END $$;
-- Cancel at an instant; the refund (if any) is confirmed by the provider at p_refunded_at.
CREATE FUNCTION pg_temp.cancel(p_booking text, p_at timestamptz, p_reason text, p_amount numeric, p_actor text,
                               p_refunded_at timestamptz, p_category text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE r uuid;
BEGIN
    PERFORM set_config('marquee.now', p_at::text, true);
    SELECT refund_id INTO r FROM booking.cancel(pg_temp.fx(p_booking), p_reason, p_amount, p_actor, false, p_category);
    IF r IS NOT NULL THEN
        PERFORM set_config('marquee.now', p_refunded_at::text, true);
        PERFORM booking.record_refund(r, true, 're_' || p_booking);
    END IF;
END $$;

-- New York: b1 at 23:30 local Jan 14, b2 at 00:30 local Jan 15 (both Jan 15 in UTC)
DO $$ BEGIN PERFORM pg_temp.sell('s1', '{seat-a1,seat-a2}', '2030-01-15 04:30Z', 'b1'); END $$;                 -- 24.00
DO $$ BEGIN PERFORM pg_temp.sell('s1', '{seat-b1}',         '2030-01-15 05:30Z', 'b2', 'RXSAVE20'); END $$;     -- 15.00 - 3.00
DO $$ BEGIN PERFORM pg_temp.sell('s2', '{seat-a1,seat-a2,seat-a3}', '2030-01-15 15:00Z', 'b3', 'RXFIVE'); END $$; -- 36.00 - 5.00
DO $$ BEGIN PERFORM pg_temp.sell('s2', '{seat-b1,seat-b2}', '2030-01-16 03:00Z', 'b4'); END $$;                 -- 30.00 (22:00 local Jan 15)
-- b3: the customer cancels on Jan 16 (local), full refund confirmed on Jan 17 (local)
DO $$ BEGIN PERFORM pg_temp.cancel('b3', '2030-01-16 15:00Z', 'Schedule clash', NULL, 'customer', '2030-01-17 15:00Z', 'CHANGE_OF_PLANS'); END $$;
-- b4: an operator cancels with a partial refund of 10.00, confirmed at once (Jan 16 local)
DO $$ BEGIN PERFORM pg_temp.cancel('b4', '2030-01-16 16:00Z', 'Projector fault', 10.00, 'ops-anna', '2030-01-16 16:05Z', 'TECHNICAL_FAULT'); END $$;
-- London (BST): k1 at 23:30 local Jul 14, k2 at 00:30 local Jul 15 (both Jul 14 in UTC)
DO $$ BEGIN PERFORM pg_temp.sell('l1', '{seat-a1}',         '2030-07-14 22:30Z', 'k1'); END $$;                 -- 10.50
DO $$ BEGIN PERFORM pg_temp.sell('l1', '{seat-a2,seat-b1}', '2030-07-14 23:30Z', 'k2', 'RXSAVE20'); END $$;     -- 23.50 - 4.70

SELECT is(booking_ops.refresh_reports(), 6, 'refresh_reports refreshes the six aggregates (CONCURRENTLY, in a transaction)');

SELECT results_eq(
    $$SELECT date, cinema, currency, total_bookings, total_tickets, total_revenue, avg_ticket_price, total_discount,
             cancelled_bookings, refund_count, refunded_amount, net_revenue
        FROM reporting.daily_bookings WHERE cinema LIKE 'RX %' ORDER BY cinema, date$$,
    $$VALUES (date '2030-07-14', 'RX London', 'GBP'::char(3), 1::bigint, 1::bigint, 10.50, 10.50, 0.00, 0::bigint, 0::bigint, 0.00, 10.50),
             (date '2030-07-15', 'RX London', 'GBP', 1, 2, 18.80, 9.40, 4.70, 0, 0, 0.00, 18.80),
             (date '2030-01-14', 'RX New York', 'USD', 1, 2, 24.00, 12.00, 0.00, 0, 0, 0.00, 24.00),
             (date '2030-01-15', 'RX New York', 'USD', 3, 6, 73.00, 12.17, 8.00, 2, 0, 0.00, 73.00),
             (date '2030-01-16', 'RX New York', 'USD', 0, 0, 0.00, NULL, 0.00, 0, 1, 10.00, -10.00),
             (date '2030-01-17', 'RX New York', 'USD', 0, 0, 0.00, NULL, 0.00, 0, 1, 31.00, -31.00)$$,
    'daily_bookings: local dates on both sides of midnight, sold bookings, refunds on their own day, net revenue');
SELECT is((SELECT total_revenue::text || ' ' || avg_ticket_price::text FROM reporting.daily_bookings
            WHERE cinema = 'RX New York' AND date = '2030-01-15'), '73.00 12.17', 'money keeps exactly 2 decimals');
SELECT results_eq(
    $$SELECT date, currency, total_bookings, total_tickets, total_revenue, refunded_amount, net_revenue
        FROM reporting.daily_bookings_total WHERE date IN ('2030-01-15', '2030-01-17', '2030-07-15') ORDER BY date$$,
    $$VALUES (date '2030-01-15', 'USD'::char(3), 3::bigint, 6::bigint, 73.00, 0.00, 73.00),
             (date '2030-01-17', 'USD', 0, 0, 0.00, 31.00, -31.00),
             (date '2030-07-15', 'GBP', 1, 2, 18.80, 0.00, 18.80)$$,
    'daily_bookings_total: the chain per local date and currency');

SELECT results_eq(
    $$SELECT date, cinema, title, bookings, tickets_sold, revenue FROM reporting.popular_movies
       WHERE cinema LIKE 'RX %' ORDER BY cinema, date$$,
    $$VALUES (date '2030-07-14', 'RX London', 'RX Alpha', 1::bigint, 1::bigint, 10.50),
             (date '2030-07-15', 'RX London', 'RX Alpha', 1, 2, 18.80),
             (date '2030-01-14', 'RX New York', 'RX Alpha', 1, 2, 24.00),
             (date '2030-01-15', 'RX New York', 'RX Alpha', 1, 1, 12.00)$$,
    'popular_movies: confirmed bookings only (Beta''s were cancelled), by local booked date');
SELECT results_eq(
    $$SELECT title, sum(bookings)::int, sum(tickets_sold)::int, sum(revenue) FROM reporting.popular_movies
       WHERE cinema_id = pg_temp.fx('ny') AND date BETWEEN '2030-01-01' AND '2030-01-31'
       GROUP BY title ORDER BY sum(revenue) DESC LIMIT 10$$,
    $$VALUES ('RX Alpha', 2, 3, 36.00)$$,
    'popular_movies: the top movies of a window (one month, one cinema)');

SET LOCAL marquee.now = '2030-01-19 11:00Z';
SELECT is(booking.block_seats(pg_temp.fx('s1'), '{seat-b3}', 'ops-anna', 'spill'), 1, 'an operator blocks S1 B3');
DO $$ BEGIN PERFORM pg_temp.sell('s1', '{seat-a5}', '2030-01-19 12:00Z', 'p5', NULL, false); END $$;  -- waiting for payment until 12:10
SET LOCAL marquee.now = '2030-01-19 12:00Z';
SELECT ok((SELECT hold_id FROM booking.hold(pg_temp.fx('s1'), '{seat-a6}', 'h6')) IS NOT NULL, 'a customer holds S1 A6');
SET LOCAL marquee.now = '2030-01-19 12:01Z';
SELECT results_eq(
    $$SELECT date, local_start_time, title, capacity, sold, held_now, pending_payment, blocked, available,
             occupancy_pct, revenue
        FROM reporting.showtime_occupancy WHERE cinema_id = pg_temp.fx('ny') ORDER BY starts_at$$,
    $$VALUES (date '2030-01-20', '18:00', 'RX Alpha', 12, 3, 1, 1, 2, 5, 25.00, 36.00),
             (date '2030-01-20', '23:30', 'RX Beta', 12, 0, 0, 0, 1, 11, 0.00, 0.00)$$,
    'showtime_occupancy: live sold/held/pending/blocked; the 23:30 show is on its local date');
SET LOCAL marquee.now = '2030-01-19 12:20Z';
SELECT results_eq(
    $$SELECT held_now, pending_payment, available FROM reporting.showtime_occupancy WHERE showtime_id = pg_temp.fx('s1')$$,
    $$VALUES (0, 0, 7)$$,
    'showtime_occupancy: expired holds and payment windows stop counting with no sweeper');

SELECT results_eq(
    $$SELECT date, cinema, seat_type, tickets, list_revenue, avg_price FROM reporting.revenue_by_seat_type
       WHERE cinema LIKE 'RX %' ORDER BY cinema, date, seat_type$$,
    $$VALUES (date '2030-07-14', 'RX London', 'STANDARD', 1::bigint, 10.50, 10.50),
             (date '2030-07-15', 'RX London', 'PREMIUM', 1, 13.00, 13.00),
             (date '2030-07-15', 'RX London', 'STANDARD', 1, 10.50, 10.50),
             (date '2030-01-14', 'RX New York', 'STANDARD', 2, 24.00, 12.00),
             (date '2030-01-15', 'RX New York', 'PREMIUM', 1, 15.00, 15.00)$$,
    'revenue_by_seat_type: confirmed tickets at list price per seat type');

SELECT results_eq(
    $$SELECT date, cinema, promo_code, kind, uses, cancelled_uses, tickets, subtotal, discount_given, revenue
        FROM reporting.promo_code_usage WHERE cinema LIKE 'RX %' ORDER BY cinema, date, promo_code$$,
    $$VALUES (date '2030-07-15', 'RX London', 'RXSAVE20', 'PERCENT', 1::bigint, 0::bigint, 2::bigint, 23.50, 4.70, 18.80),
             (date '2030-01-15', 'RX New York', 'RXFIVE', 'FIXED', 1, 1, 3, 36.00, 5.00, 31.00),
             (date '2030-01-15', 'RX New York', 'RXSAVE20', 'PERCENT', 1, 0, 1, 15.00, 3.00, 12.00)$$,
    'promo_code_usage: uses (cancelled ones counted apart), discount given, revenue');
SELECT is((SELECT sum(uses)::int FROM reporting.promo_code_usage WHERE promo_code = 'RXSAVE20'),
          (SELECT times_used FROM booking.promo_codes WHERE code = 'RXSAVE20'), 'promo uses agree with promo_codes.times_used');

SELECT results_eq(
    $$SELECT date, cinema, reason_category, reason_label, cancelled_by, cancellations, paid_cancellations, tickets,
             refunded_amount, refund_pending
        FROM reporting.cancellations WHERE cinema LIKE 'RX %' ORDER BY date, reason_category$$,
    $$VALUES (date '2030-01-16', 'RX New York', 'CHANGE_OF_PLANS', 'Change of plans', 'customer', 1::bigint, 1::bigint, 3::bigint, 31.00, 0.00),
             (date '2030-01-16', 'RX New York', 'TECHNICAL_FAULT', 'Technical fault', 'operator', 1, 1, 2, 10.00, 0.00)$$,
    'cancellations: count, tickets, refunded amount and reason categories by local cancellation date');

SELECT results_eq(
    $$SELECT date, cinema, title, days_before, bookings, tickets, revenue FROM reporting.sales_pace
       WHERE cinema LIKE 'RX %' ORDER BY cinema, days_before$$,
    $$VALUES (date '2030-07-20', 'RX London', 'RX Alpha', 5, 1::bigint, 2::bigint, 18.80),
             (date '2030-07-20', 'RX London', 'RX Alpha', 6, 1, 1, 10.50),
             (date '2030-01-20', 'RX New York', 'RX Alpha', 5, 1, 1, 12.00),
             (date '2030-01-20', 'RX New York', 'RX Alpha', 6, 1, 2, 24.00)$$,
    'sales_pace: tickets by local days before the show');

-- the history views are snapshots until the next refresh; showtime_occupancy is live
DO $$ BEGIN PERFORM pg_temp.sell('s1', '{seat-a4}', '2030-01-19 13:00Z', 'b7'); END $$;
SELECT is((SELECT sum(total_bookings)::int FROM reporting.daily_bookings WHERE cinema_id = pg_temp.fx('ny')), 4,
          'daily_bookings is unchanged until the next refresh');
SELECT is((SELECT sold FROM reporting.showtime_occupancy WHERE showtime_id = pg_temp.fx('s1')), 4, 'showtime_occupancy is live');
DO $$ BEGIN PERFORM booking_ops.refresh_reports(); END $$;
SELECT is((SELECT sum(total_bookings)::int FROM reporting.daily_bookings WHERE cinema_id = pg_temp.fx('ny')), 5,
          'after refresh_reports the new sale is counted');
SELECT ok((SELECT count(*) = 6 AND bool_and(refreshed_at IS NOT NULL) FROM reporting.data_freshness), 'data_freshness lists each aggregate');

-- booking.report: the API's door to these views (admin charts, CSV)
SELECT results_eq(
    $$SELECT (r ->> 'date'), (r ->> 'total_revenue') FROM booking.report('daily_bookings', pg_temp.fx('ny'), '2030-01-15', '2030-01-16') r$$,
    $$VALUES ('2030-01-15', '73.00'), ('2030-01-16', '0.00')$$,
    'report(): rows as JSON filtered by cinema and local dates, money as 2-decimal numbers');
SELECT throws_ok($$SELECT * FROM booking.report('bookings')$$, 'MQ080', NULL, 'report(): only reporting views (REPORT_NOT_FOUND)');
SELECT throws_ok($$SELECT * FROM booking.report('daily_bookings', NULL, '2030-02-01', '2030-01-01')$$, 'MQ001', NULL,
                 'report(): from after to is a VALIDATION_ERROR');
SELECT * FROM finish();
ROLLBACK;
