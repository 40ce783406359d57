-- Issue 22: the database documents itself. Every table and column has a COMMENT, every function's COMMENT names
-- the error codes it can raise, and booking.api lists the public API with who may call it.
BEGIN;
SELECT plan(12);

CREATE TEMP VIEW our_tables AS
SELECT c.oid, c.oid::regclass::text AS rel, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('booking', 'booking_internal', 'booking_ops', 'booking_meta', 'reporting_cache')
   AND c.relkind IN ('r', 'p') AND NOT c.relispartition;

SELECT is_empty($$SELECT rel FROM our_tables WHERE obj_description(oid, 'pg_class') IS NULL ORDER BY 1$$,
                'every table has a COMMENT (sql/functions/87_dba.sql)');
SELECT is_empty($$SELECT rel || '.' || a.attname FROM our_tables t JOIN pg_attribute a ON a.attrelid = t.oid
                   WHERE a.attnum > 0 AND NOT a.attisdropped AND col_description(t.oid, a.attnum) IS NULL ORDER BY 1$$,
                'every column of every table has a COMMENT');
SELECT is_empty($$SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname IN ('booking', 'reporting', 'reporting_cache') AND c.relkind IN ('v', 'm')
                     AND obj_description(c.oid, 'pg_class') IS NULL$$,
                'every view and materialized view has a COMMENT');
SELECT is_empty($$SELECT c.oid::regclass::text || '.' || a.attname FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
                   WHERE n.nspname IN ('booking', 'reporting') AND c.relkind = 'v' AND a.attnum > 0
                     AND col_description(c.oid, a.attnum) IS NULL$$,
                'every column of the booking and reporting views has a COMMENT');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname IN ('booking', 'booking_internal', 'booking_ops', 'reporting')
                     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
                     AND coalesce(obj_description(p.oid, 'pg_proc'), '') = ''$$,
                'every function has a COMMENT');

-- The codes a function can raise: raise_error('CODE', ...) in its own source, UNAUTHORIZED and FORBIDDEN when it
-- calls booking.require, and the same of the booking_internal helpers it calls (transitively). A call to another
-- public function is documented there. booking_internal.refusal's VALIDATION_ERROR (an unknown permission name)
-- is a programming error of the caller, not something a client can cause.
CREATE TEMP VIEW undocumented_raises AS
WITH RECURSIVE f AS (
    SELECT p.oid, n.nspname || '.' || p.proname AS qname, n.nspname, p.prosrc,
           coalesce(obj_description(p.oid, 'pg_proc'), '') AS cmt
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname IN ('booking', 'booking_ops', 'booking_internal') AND p.prolang <> 13
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')),
direct AS (
    SELECT f.oid, m[1] AS code FROM f, regexp_matches(f.prosrc, 'raise_error\(\s*''([A-Z_]+)''', 'g') m
     WHERE f.qname <> 'booking_internal.refusal' OR m[1] <> 'VALIDATION_ERROR'
    UNION SELECT f.oid, c FROM f, unnest(ARRAY['UNAUTHORIZED', 'FORBIDDEN']) c WHERE f.prosrc ~ 'booking\.require\('),
calls AS (
    SELECT DISTINCT a.oid AS caller, b.oid AS callee FROM f a JOIN f b
        ON a.oid <> b.oid AND b.nspname = 'booking_internal' AND a.prosrc ~ (replace(b.qname, '.', '\.') || '\s*\(')),
reach (oid, code) AS (
    SELECT oid, code FROM direct UNION SELECT c.caller, r.code FROM calls c JOIN reach r ON r.oid = c.callee)
SELECT f.oid::regprocedure::text AS function, string_agg(DISTINCT r.code, ', ') AS missing
  FROM reach r JOIN f ON f.oid = r.oid
 WHERE f.nspname <> 'booking_internal' AND f.cmt !~ ('\m' || r.code || '\M')
 GROUP BY 1;
SELECT is_empty($$SELECT * FROM undocumented_raises ORDER BY 1$$,
                'every function''s COMMENT names each error code it (or an internal helper of it) can raise');
SELECT is_empty($$SELECT DISTINCT m[1] FROM pg_proc p, regexp_matches(p.prosrc, 'raise_error\(\s*''([A-Z_]+)''', 'g') m
                   WHERE m[1] NOT IN (SELECT code FROM booking.error_codes)$$,
                'every code raised is in the catalogue booking.error_codes');

-- booking.api: the one obvious listing
SELECT set_eq($$SELECT schema || '.' || name || '(' || arguments || ')' FROM booking.api WHERE kind IN ('function', 'procedure')$$,
              $$SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
                  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname IN ('booking', 'booking_ops')
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')$$,
              'booking.api lists every function of booking and booking_ops, and nothing else');
SELECT results_eq($$SELECT callable_by, operator_permissions, raises FROM booking.api WHERE schema = 'booking' AND name = 'cancel'$$,
                  $$VALUES ('{booking_admin,booking_api,booking_worker}'::text[],
                            '{bookings.cancel,bookings.override,bookings.refund}'::text[],
                            '{ALREADY_CANCELLED,BOOKING_NOT_CANCELLABLE,BOOKING_NOT_FOUND,CANCEL_TOO_LATE,FORBIDDEN,REFUND_EXCEEDS_PAID,UNAUTHORIZED,VALIDATION_ERROR}'::text[])$$,
                  'booking.api: who may call cancel, the operator permissions it checks, the codes it raises');
SELECT ok((SELECT raises @> '{SEAT_LONE,COMPANION_SEAT_RESERVED,CHANNEL_RESERVED,SEAT_UNAVAILABLE}' FROM booking.api
            WHERE schema = 'booking' AND name = 'hold'), 'booking.api: hold names the smart-seating refusals');
SELECT is((SELECT callable_by FROM booking.api WHERE schema = 'booking_ops' AND name = 'erase_customer'),
          '{booking_admin}'::text[], 'booking.api: erasure is for operators only');
SELECT is((SELECT callable_by FROM booking.api WHERE schema = 'reporting' AND name = 'cancellations'),
          '{bi_reader,booking_admin}'::text[], 'booking.api: the reporting views are for bi_reader (and operators)');
SELECT * FROM finish();
ROLLBACK;
