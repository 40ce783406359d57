-- Privacy: erasure on request and retention anonymise personal data, keep money and report totals, are audited.
BEGIN;
SELECT plan(20);
SET LOCAL marquee.hold_ttl_seconds = '300';
SET LOCAL marquee.payment_window_seconds = '600';
SET LOCAL marquee.cancel_cutoff_minutes = '120';
SET LOCAL marquee.reminder_minutes_before = '180';
SET LOCAL marquee.publish_seat_changes = 'off';
SET LOCAL marquee.now = '2030-04-01 12:00Z';
CREATE TEMP TABLE fx (key text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
CREATE FUNCTION pg_temp.fx(p_key text) RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT id FROM fx WHERE key = p_key $$;
CREATE FUNCTION pg_temp.sell(p_showtime text, p_seats text[], p_email text, p_name text, p_token text,
                             p_promo text DEFAULT NULL) RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE h uuid; b uuid;
BEGIN
    SELECT hold_id INTO h FROM booking.hold(pg_temp.fx(p_showtime), p_seats, p_token);
    IF p_promo IS NOT NULL THEN PERFORM booking.price_hold(h, p_promo, p_token); END IF;
    SELECT booking_id INTO b FROM booking.confirm(h, p_email, p_name, '+1 646 555 0142', 'CARD', p_token);
    PERFORM booking.attach_payment_intent(b, 'pi_' || p_token);
    PERFORM booking.record_payment('pi_' || p_token, 'succeeded');
    INSERT INTO fx VALUES (p_token, b);
    RETURN b;
END $$;
DO $fixture$
DECLARE c uuid; a uuid; m uuid;
BEGIN
    c := booking.create_cinema('PV Cinema', 'New York', 'America/New_York', 'USD');
    a := booking.create_auditorium(c, 'PV 1', '{"rows": [{"label": "A", "seats": [{"number": 1}, {"number": 2}, {"number": 3},
        {"number": 4}, {"number": 5}, {"number": 6}]}]}');
    m := booking.create_movie('PV Movie', 100);
    INSERT INTO fx VALUES ('cinema', c),
        ('old', booking.create_showtime(m, a, '2030-04-10 23:00Z', '{"STANDARD": 12.00}')),
        ('new', booking.create_showtime(m, a, '2030-06-10 23:00Z', '{"STANDARD": 12.00}')),
        ('promo', booking.create_promo_code('PVSAVE10', 'PERCENT', 10));
    PERFORM pg_temp.sell('old', '{seat-a1,seat-a2}', 'Erin.Erase@example.com', 'Erin Erase', 'e1', 'PVSAVE10');
    PERFORM pg_temp.sell('old', '{seat-a3}', 'erin.erase@example.com', 'Erin Erase', 'e2');
    PERFORM pg_temp.sell('old', '{seat-a4}', 'olga.other@example.com', 'Olga Other', 'o1');
    PERFORM pg_temp.sell('new', '{seat-a1}', 'nina.new@example.com', 'Nina New', 'n1');
    PERFORM set_config('marquee.now', '2030-04-02 12:00Z', true);
    PERFORM booking.record_refund((SELECT refund_id FROM booking.cancel(pg_temp.fx('e2'), 'Erin Erase is ill', 5.00, 'customer')),
                                  true, 're_e2');
    PERFORM booking_ops.refresh_reports();
END $fixture$;

-- Report totals (every money and count column) before anything is anonymised.
CREATE FUNCTION pg_temp.totals() RETURNS TABLE (report text, total numeric) LANGUAGE sql AS $$
    SELECT 'daily', sum(total_bookings + total_tickets + total_revenue + refund_count + refunded_amount + net_revenue + cancelled_bookings)
      FROM reporting.daily_bookings WHERE cinema_id = pg_temp.fx('cinema')
    UNION ALL SELECT 'movies', sum(bookings + tickets_sold + revenue) FROM reporting.popular_movies WHERE cinema_id = pg_temp.fx('cinema')
    UNION ALL SELECT 'occupancy', sum(sold + revenue) FROM reporting.showtime_occupancy WHERE cinema_id = pg_temp.fx('cinema')
    UNION ALL SELECT 'seat types', sum(tickets + list_revenue) FROM reporting.revenue_by_seat_type WHERE cinema_id = pg_temp.fx('cinema')
    UNION ALL SELECT 'promos', sum(uses + discount_given + revenue) FROM reporting.promo_code_usage WHERE cinema_id = pg_temp.fx('cinema')
    UNION ALL SELECT 'cancellations', sum(cancellations + tickets + refunded_amount) FROM reporting.cancellations WHERE cinema_id = pg_temp.fx('cinema')
    UNION ALL SELECT 'pace', sum(bookings + tickets + revenue) FROM reporting.sales_pace WHERE cinema_id = pg_temp.fx('cinema')
    UNION ALL SELECT 'payments', sum(amount) FROM booking.payments WHERE status = 'succeeded'
    UNION ALL SELECT 'refunds', sum(amount) FROM booking.refunds
$$;
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT * FROM pg_temp.totals();
SELECT is((SELECT count(*)::int FROM before WHERE total IS NOT NULL AND total <> 0), 9, 'the data set shows up in every report');

-- Erasure on request
SELECT throws_ok($$SELECT * FROM booking_ops.erase_customer('', 'ops')$$, 'MQ001', NULL, 'erasure needs an email');
SELECT throws_ok($$SELECT * FROM booking_ops.erase_customer('x@example.com', ' ')$$, 'MQ001', NULL, 'erasure needs an actor (audit)');
SELECT results_eq($$SELECT bookings_anonymised, cardinality(booking_references) FROM booking_ops.erase_customer(' ERIN.erase@example.com ', 'ops-dpo')$$,
                  $$VALUES (2, 2)$$, 'erase_customer anonymises every booking of the email (any case)');
SELECT results_eq(
    $$SELECT customer_email, customer_name, customer_phone, session_token, anonymised_at IS NOT NULL, cancel_reason
        FROM booking.bookings WHERE id IN (pg_temp.fx('e1'), pg_temp.fx('e2')) ORDER BY booked_at$$,
    $$VALUES (NULL::text, NULL::text, NULL::text, NULL::text, true, NULL::text), (NULL, NULL, NULL, NULL, true, '(erased)')$$,
    'name, email, phone, session and the customer''s own cancel reason are gone');
SELECT results_eq($$SELECT num_tickets, final_amount, status::text, payment_status::text FROM booking.bookings
                     WHERE id IN (pg_temp.fx('e1'), pg_temp.fx('e2')) ORDER BY booked_at$$,
                  $$VALUES (2, 21.60::numeric(10,2), 'CONFIRMED', 'PAID'), (1, 12.00, 'CANCELLED', 'PARTIALLY_REFUNDED')$$,
                  'the financial record of the erased bookings is intact');
SELECT is((SELECT customer_email FROM booking.bookings WHERE id = pg_temp.fx('o1')), 'olga.other@example.com',
          'other customers are untouched');
SELECT throws_ok($$SELECT booking.find_booking((SELECT reference FROM booking.bookings WHERE id = pg_temp.fx('e1')), 'erin.erase@example.com')$$,
                 'MQ005', NULL, 'the erased email no longer finds the booking');
SELECT is((SELECT count(*)::int FROM booking.outbox WHERE booking_id = pg_temp.fx('e1') AND status = 'PENDING'), 0,
          'no message is left pending for the erased customer (the reminder is skipped)');
SELECT results_eq($$SELECT actor, entity, (details ->> 'bookings')::int FROM booking.audit_log WHERE action = 'customer.erase'$$,
                  $$VALUES ('ops-dpo', 'customer', 2)$$, 'the erasure is audited: who, what, when');
SELECT is_empty($$SELECT 1 FROM booking.audit_log WHERE details::text ILIKE '%erin%' OR entity_id ILIKE '%erin%'$$,
                'the audit trail does not keep the erased email');
SELECT is((SELECT bookings_anonymised FROM booking_ops.erase_customer('erin.erase@example.com', 'ops-dpo')), 0,
          'erasing again finds nothing (and is audited again)');
DO $$ BEGIN PERFORM booking_ops.refresh_reports(); END $$;
SELECT set_eq($$SELECT * FROM pg_temp.totals()$$, $$SELECT * FROM before$$,
              'erasure keeps every report total, payment and refund unchanged');

-- Retention: bookings of shows older than pii_retention_days
SET LOCAL marquee.pii_retention_days = '30';
SET LOCAL marquee.now = '2030-05-09 12:00Z';
SELECT is(booking_ops.apply_pii_retention(), 0, 'nothing is older than 30 days after the show yet');
SET LOCAL marquee.now = '2030-05-12 12:00Z';
SELECT is(booking_ops.apply_pii_retention(), 1, 'retention anonymises the one remaining booking of the old show');
SELECT results_eq($$SELECT id = pg_temp.fx('o1'), customer_email IS NULL, anonymised_at = '2030-05-12 12:00Z'
                      FROM booking.bookings WHERE anonymised_at IS NOT NULL AND id NOT IN (pg_temp.fx('e1'), pg_temp.fx('e2'))$$,
                  $$VALUES (true, true, true)$$, 'it is Olga''s, stamped with the time');
SELECT is((SELECT customer_email FROM booking.bookings WHERE id = pg_temp.fx('n1')), 'nina.new@example.com',
          'bookings of recent shows keep their data');
SELECT results_eq($$SELECT actor, action, (details ->> 'bookings')::int, (details ->> 'retentionDays')::int
                      FROM booking.audit_log WHERE action = 'retention.anonymise'$$,
                  $$VALUES ('retention', 'retention.anonymise', 1, 30)$$, 'retention is audited');
SELECT is(booking_ops.apply_pii_retention(), 0, 'running retention again does nothing');
DO $$ BEGIN PERFORM booking_ops.refresh_reports(); END $$;
SELECT set_eq($$SELECT * FROM pg_temp.totals()$$, $$SELECT * FROM before$$, 'retention keeps every report total unchanged');
SELECT * FROM finish();
ROLLBACK;
