-- Function rights follow the schema: booking is the API, booking_ops the operators', booking_internal nobody's.
-- A function is callable by booking_api because of where it lives, never because of a list or a comment.
BEGIN;
SELECT plan(13);

SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'booking_internal'
                     AND (has_function_privilege('booking_api', p.oid, 'EXECUTE')
                          OR has_function_privilege('booking_worker', p.oid, 'EXECUTE')
                          OR has_function_privilege('booking_admin', p.oid, 'EXECUTE')
                          OR has_function_privilege('bi_reader', p.oid, 'EXECUTE'))$$,
                'booking_api (nor any other role of ours) can execute nothing in booking_internal');
SELECT ok(NOT has_schema_privilege('booking_api', 'booking_internal', 'USAGE')
          AND NOT has_schema_privilege('booking_admin', 'booking_internal', 'USAGE')
          AND NOT has_schema_privilege('public', 'booking_internal', 'USAGE'),
          'nobody but its owner may even look into booking_internal');
SELECT isnt_empty($$SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = 'booking_internal'$$, 'the internals live in booking_internal');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'booking' AND has_function_privilege('booking_api', p.oid, 'EXECUTE')
                     AND coalesce(obj_description(p.oid, 'pg_proc'), '') = ''$$,
                'every booking.* function booking_api can execute has a COMMENT');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'booking' AND NOT has_function_privilege('booking_api', p.oid, 'EXECUTE')$$,
                'booking_api can execute every function of schema booking (granted by schema)');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'booking_ops'
                     AND (has_function_privilege('booking_api', p.oid, 'EXECUTE')
                          OR NOT has_function_privilege('booking_admin', p.oid, 'EXECUTE'))$$,
                'booking_ops functions are booking_admin''s and not booking_api''s');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'booking' AND p.prorettype = 'trigger'::regtype$$,
                'no trigger function in the API schema');

-- a function added to booking_internal later (before 99_security.sql runs again) is not callable either
CREATE FUNCTION booking_internal.probe_added_later() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
SET LOCAL ROLE booking_api;
SELECT throws_ok($$SELECT booking_internal.probe_added_later()$$, '42501', NULL,
                 'a new internal function is never executable by booking_api by accident');
RESET ROLE;

-- the one error catalogue
SELECT is_empty($$SELECT e.code FROM booking.error_codes e
                   WHERE e.raised_by = 'function' AND NOT EXISTS (
                         SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                          -- raised, or answered as a refusal of booking.hold_batch (batch_error), as the queue's are
                          WHERE n.nspname LIKE 'booking%' AND (p.prosrc LIKE '%raise_error(''' || e.code || '''%'
                                OR p.prosrc LIKE '%batch_error(''' || e.code || '''%'))$$,
                'every code the catalogue says a function raises is raised by one');
SELECT is_empty($$SELECT e.code FROM booking.error_codes e
                   WHERE e.sqlstate LIKE 'MQH%' AND (e.raised_by <> 'api' OR EXISTS (
                         SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                          WHERE n.nspname LIKE 'booking%' AND p.prosrc LIKE '%raise_error(''' || e.code || '''%'))$$,
                'class MQH is reserved for the HTTP layer: never raised in SQL');
SELECT is((SELECT array_agg(code || ':' || sqlstate || ':' || raised_by ORDER BY code) FROM booking.error_codes
            WHERE code IN ('UNAUTHORIZED', 'FORBIDDEN')),
          ARRAY['FORBIDDEN:MQA02:function', 'UNAUTHORIZED:MQA01:function'],
          'UNAUTHORIZED and FORBIDDEN are raised in SQL too (booking.require), in class MQA, not MQH');
SELECT is_empty($$SELECT e.code FROM booking.error_codes e
                   WHERE e.answer_code IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM booking.error_codes a WHERE a.code = e.answer_code)$$,
                'an answer code is itself catalogued');

-- engine settings: every key a function reads has its row and default (no literal fallback in the code)
SELECT is_empty($$SELECT DISTINCT m[1] FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
                          regexp_matches(p.prosrc, $re$booking\.setting\('([a-z_]+)'\)$re$, 'g') m
                   WHERE n.nspname LIKE 'booking%'
                     AND NOT EXISTS (SELECT 1 FROM booking.settings s WHERE s.key = m[1] AND s.default_value IS NOT NULL)$$,
                'every setting a function reads is defined with its default in sql/functions/02_settings.sql');
SELECT * FROM finish();
ROLLBACK;
