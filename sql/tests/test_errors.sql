-- The error catalogue: every code a function raises is catalogued (a typo would silently become CONFLICT),
-- every core code is raised somewhere, and raise_error carries message, JSON details and the code.
BEGIN;
SELECT plan(10);
SELECT is_empty($$
    SELECT DISTINCT m[1] FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
           regexp_matches(p.prosrc, $re$raise_error\(\s*'([A-Z_]+)'$re$, 'g') m
     WHERE n.nspname IN ('booking', 'booking_internal', 'booking_ops') AND NOT EXISTS (SELECT 1 FROM booking.error_codes e WHERE e.code = m[1])$$,
    'every code passed to raise_error is in booking.error_codes');
SELECT is_empty($$
    SELECT e.code FROM booking.error_codes e
     WHERE e.sqlstate LIKE 'MQ0%' AND NOT EXISTS (
           SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('booking', 'booking_internal', 'booking_ops') AND p.prosrc LIKE '%raise_error(''' || e.code || '''%')$$,
    'every catalogued MQ0xx code is raised by some function');
SELECT is_empty($$SELECT sqlstate FROM booking.error_codes WHERE http_status NOT BETWEEN 400 AND 499 AND http_status <> 503$$,
                'every error maps to a 4xx (or 503 for a dependency outage), never a 500');
SELECT is_empty($$SELECT sqlstate FROM booking.error_codes WHERE sqlstate !~ '^(MQ[0-9A-Z][0-9]{2}|23P01|40P01|23505|23503|23514|23502)$'$$,
                'our SQLSTATEs are in class MQ (plus the two race states 23P01 and 40P01 and the four constraint states)');
SELECT results_eq($$SELECT code, http_status FROM booking.error_codes WHERE sqlstate IN ('23P01', '40P01') ORDER BY 1$$,
                  $$VALUES ('SEAT_UNAVAILABLE_DEADLOCK', 409), ('SEAT_UNAVAILABLE_RACE', 409)$$,
                  'a lost race (exclusion violation or deadlock) is a 409 conflict, never a 500');
SELECT throws_ok($$SELECT booking_internal.raise_error('SEAT_UNAVAILABLE', 'seats not available: seat-a1', '{"seatIds": ["seat-a1"]}')$$,
                 'MQ010', 'seats not available: seat-a1', 'raise_error raises the catalogued SQLSTATE with the message');
CREATE FUNCTION pg_temp.diag(p_sql text, OUT detail text, OUT hint text) LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE p_sql;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END $$;
SELECT results_eq($$SELECT detail::jsonb, hint FROM pg_temp.diag($x$SELECT booking_internal.raise_error('HOLD_EXPIRED', 'gone', '{"holdId": 1}')$x$)$$,
                  $$VALUES ('{"holdId": 1}'::jsonb, 'HOLD_EXPIRED')$$, 'DETAIL is the JSON details, HINT the stable code');
SELECT throws_ok($$SELECT booking_internal.raise_error('NO_SUCH_CODE', 'x')$$, 'MQ051', NULL, 'an uncatalogued code falls back to CONFLICT (MQ051)');
SELECT results_eq($$SELECT code, http_status, answer_code FROM booking.error_codes WHERE sqlstate IN ('23505', '23503', '23514', '23502') ORDER BY 1$$,
                  $$VALUES ('CHECK_VIOLATION', 422, 'VALIDATION_ERROR'), ('FOREIGN_KEY_VIOLATION', 409, 'CONFLICT'),
                           ('NOT_NULL_VIOLATION', 422, 'VALIDATION_ERROR'), ('UNIQUE_VIOLATION', 409, 'CONFLICT')$$,
                  'a constraint no function checked is a 409 (unique, foreign key) or a 422 (check, not null), never a 500');
SELECT is_empty($$SELECT n FROM booking.error_codes e, unnest(e.constraint_names) n
                   WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace WHERE s.nspname = 'booking' AND c.conname = n)
                     AND NOT EXISTS (SELECT 1 FROM pg_indexes i WHERE i.schemaname = 'booking' AND i.indexname = n)$$,
                'every constraint name the catalogue maps is a constraint or unique index of schema booking');
SELECT * FROM finish();
ROLLBACK;
