-- Least-privilege roles: who owns what, what booking_api / bi_reader can and cannot do (SET ROLE in this
-- transaction), fixed search_path on every SECURITY DEFINER function, no personal data in what bi_reader reads.
BEGIN;
SELECT plan(33);
-- (pgTAP's plan() grants its temp result tables to PUBLIC, so assertions work under SET ROLE.)
SET LOCAL marquee.now = '2030-03-01 12:00Z';
SET LOCAL marquee.publish_seat_changes = 'off';
CREATE TEMP TABLE fx (key text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
GRANT SELECT ON fx TO PUBLIC;
CREATE FUNCTION pg_temp.fx(p_key text) RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT id FROM fx WHERE key = p_key $$;
-- One paid booking with recognisable personal data, so the test can look for it in what bi_reader sees.
DO $fixture$
DECLARE c uuid; a uuid; m uuid; s uuid; h uuid; b uuid;
BEGIN
    c := booking.create_cinema('RL Cinema', 'New York', 'America/New_York', 'USD');
    a := booking.create_auditorium(c, 'RL 1', '{"rows": [{"label": "A", "seats": [{"number": 1}, {"number": 2}]}]}');
    m := booking.create_movie('RL Movie', 100);
    s := booking.create_showtime(m, a, '2030-03-05 23:00Z', '{"STANDARD": 12.00}');
    SELECT hold_id INTO h FROM booking.hold(s, '{seat-a1}', 'rl-1');
    SELECT booking_id INTO b FROM booking.confirm(h, 'zelda.pii@example.com', 'Zelda Piiname', '+44 20 7946 0999', 'CARD', 'rl-1');
    PERFORM booking.attach_payment_intent(b, 'pi_rl_1');
    PERFORM booking.record_payment('pi_rl_1', 'succeeded');
    PERFORM booking.cancel(b, 'Zelda.Pii@Example.com wants out, call +44 20 7946 0999', NULL, 'customer');
    PERFORM booking_ops.refresh_reports();
    INSERT INTO fx VALUES ('showtime', s), ('booking', b);
END $fixture$;
CREATE TEMP TABLE rl_key ON COMMIT DROP AS SELECT key FROM booking.create_api_key('rl analyst', 'ANALYST');
GRANT SELECT ON rl_key TO PUBLIC;
-- Every row of every reporting view as text, read with the current role's rights.
CREATE FUNCTION pg_temp.reporting_text() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    FOR v IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'reporting' AND c.relkind = 'v' LOOP
        RETURN QUERY EXECUTE format('SELECT row_to_json(v)::text FROM reporting.%I v', v);
    END LOOP;
END $$;

-- Roles and ownership
SELECT ok(EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'marquee_owner' AND NOT rolcanlogin AND NOT rolsuper),
          'marquee_owner exists, cannot log in, is no superuser');
SELECT ok((SELECT bool_and(rolcanlogin AND NOT rolsuper AND NOT rolcreaterole AND NOT rolcreatedb AND NOT rolbypassrls)
             FROM pg_roles WHERE rolname IN ('booking_api', 'booking_admin', 'bi_reader'))
          AND (SELECT count(*) FROM pg_roles WHERE rolname IN ('booking_api', 'booking_admin', 'bi_reader')) = 3,
          'booking_api, booking_admin and bi_reader log in with no special powers');
SELECT is_empty($$SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname IN ('booking', 'reporting', 'reporting_cache') AND c.relkind IN ('r', 'v', 'm', 'p')
                     AND c.relowner <> 'marquee_owner'::regrole$$,
                'every table and view of booking/reporting/reporting_cache is owned by marquee_owner');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname IN ('booking', 'reporting') AND p.proowner <> 'marquee_owner'::regrole$$,
                'every booking/reporting function is owned by marquee_owner');

-- SECURITY DEFINER functions have a fixed search_path (with pg_temp last)
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p
                   WHERE p.prosecdef AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c
                                                      WHERE c LIKE 'search_path=%' AND c LIKE '%pg_temp')
                     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                        AND d.deptype = 'e')$$,
                'every SECURITY DEFINER function of ours (extensions aside) has a fixed search_path ending with pg_temp');
SELECT isnt_empty($$SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = 'booking' AND p.prosecdef$$, 'the booking functions are SECURITY DEFINER');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'booking' AND has_function_privilege('booking_api', p.oid, 'EXECUTE')
                     AND NOT p.prosecdef$$,
                'every function booking_api may call is SECURITY DEFINER (it has no table rights of its own)');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'booking' AND has_function_privilege('public', p.oid, 'EXECUTE')$$,
                'PUBLIC cannot execute any booking function');

-- booking_api: the API's functions, the error catalogue, nothing else
SELECT is_empty($$SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname IN ('booking', 'reporting', 'reporting_cache', 'booking_meta') AND c.relkind IN ('r', 'p', 'm')
                     AND c.oid <> 'booking.error_codes'::regclass
                     AND (has_table_privilege('booking_api', c.oid, 'SELECT') OR has_table_privilege('booking_api', c.oid, 'INSERT')
                          OR has_table_privilege('booking_api', c.oid, 'UPDATE') OR has_table_privilege('booking_api', c.oid, 'DELETE'))$$,
                'booking_api has no right on any table but booking.error_codes');
SET LOCAL ROLE booking_api;
SELECT throws_ok($$UPDATE booking.bookings SET final_amount = 0$$, '42501', NULL, 'booking_api cannot UPDATE booking.bookings');
SELECT throws_ok($$UPDATE booking.seat_claims SET during = tstzrange(now(), now() + interval '1 s')$$, '42501', NULL,
                 'booking_api cannot UPDATE booking.seat_claims');
SELECT throws_ok($$DELETE FROM booking.payments$$, '42501', NULL, 'booking_api cannot DELETE payments');
SELECT throws_ok($$SELECT customer_email FROM booking.bookings$$, '42501', NULL, 'booking_api cannot SELECT booking.bookings');
SELECT isnt_empty($$SELECT code, http_status FROM booking.error_codes$$, 'booking_api reads the error catalogue');
SELECT isnt_empty($$SELECT * FROM booking.seat_map(pg_temp.fx('showtime'))$$, 'booking_api calls the API functions');
SELECT lives_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a2}', 'rl-api')$$,
                'booking_api holds seats (the function writes the tables for it)');
SELECT throws_ok($$SELECT booking_internal.audit('me', 'forged', 'booking', 'x')$$, '42501', NULL, 'booking_api cannot forge audit entries');
SELECT throws_ok($$SELECT booking_internal.release_booking_seats(pg_temp.fx('booking'), now())$$, '42501', NULL,
                 'booking_api cannot call internals that skip the rules');
SELECT throws_ok($$SELECT * FROM booking_ops.erase_customer('a@example.com', 'me')$$, '42501', NULL,
                 'erasure is for operators (booking_admin), not the API');
SELECT throws_ok($$SELECT * FROM reporting.daily_bookings$$, '42501', NULL, 'booking_api cannot read reporting directly');
SELECT throws_ok($$SELECT * FROM booking.report('daily_bookings')$$, 'MQA01', NULL,
                 'booking_api without an operator credential cannot read reports (UNAUTHORIZED)');
SELECT set_config('marquee.credential', (SELECT key FROM rl_key), true);
SELECT lives_ok($$SELECT * FROM booking.report('daily_bookings')$$, 'booking_api reads reports through booking.report() with an ANALYST key');
SET LOCAL marquee.credential = '';
RESET ROLE;

-- booking_admin: operators
SET LOCAL ROLE booking_admin;
SELECT lives_ok($$SELECT * FROM booking_ops.erase_customer('nobody@example.com', 'ops-test')$$, 'booking_admin may erase a customer');
SELECT isnt_empty($$SELECT * FROM booking.audit_log WHERE action = 'customer.erase'$$, 'booking_admin reads the audit trail');
SELECT throws_ok($$UPDATE booking.bookings SET final_amount = 0$$, '42501', NULL, 'booking_admin cannot UPDATE tables either');
RESET ROLE;

-- bi_reader: the reporting views and nothing else
SELECT is_empty($$SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'reporting') AND n.nspname NOT LIKE 'pg_temp%'
                     AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                     AND has_table_privilege('bi_reader', c.oid, 'SELECT')
                     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                        AND d.deptype = 'e')$$,
                'bi_reader can SELECT nothing outside schema reporting (extensions'' catalogue views aside)');
SELECT is_empty($$SELECT table_name || '.' || column_name FROM information_schema.columns
                   WHERE table_schema = 'reporting' AND column_name ~* '(email|phone|customer|session|token|intent)'$$,
                'no reporting column carries customer contact data or payment ids');
SET LOCAL ROLE bi_reader;
SELECT lives_ok($$SELECT count(*) FROM reporting.daily_bookings; SELECT count(*) FROM reporting.daily_bookings_total;
                  SELECT count(*) FROM reporting.popular_movies; SELECT count(*) FROM reporting.showtime_occupancy;
                  SELECT count(*) FROM reporting.revenue_by_seat_type; SELECT count(*) FROM reporting.promo_code_usage;
                  SELECT count(*) FROM reporting.cancellations; SELECT count(*) FROM reporting.sales_pace;
                  SELECT count(*) FROM reporting.data_freshness$$,
                'bi_reader reads every reporting view');
SELECT isnt_empty($$SELECT * FROM reporting.showtime_occupancy WHERE showtime_id = pg_temp.fx('showtime')$$,
                  'bi_reader sees the live occupancy view (no booking.* function call needed)');
SELECT throws_ok($$SELECT customer_email FROM booking.bookings$$, '42501', NULL, 'bi_reader: permission denied on booking.bookings');
SELECT throws_ok($$SELECT * FROM reporting_cache.daily_sales$$, '42501', NULL, 'bi_reader: permission denied on the raw aggregates');
SELECT throws_ok($$SELECT booking.booking_json(pg_temp.fx('booking'))$$, '42501', NULL,
                 'bi_reader: permission denied on booking functions (no PII through them)');
SELECT is_empty($$SELECT t FROM pg_temp.reporting_text() t WHERE t ~* '(zelda|piiname|7946)'$$,
                'no customer name, email or phone in any row bi_reader can read');
RESET ROLE;
SELECT * FROM finish();
ROLLBACK;
