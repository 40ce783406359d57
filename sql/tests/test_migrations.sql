-- The schema is migrated, every function is documented, and the invariant's constraint exists.
BEGIN;
SELECT plan(4);
SELECT has_table('booking_meta', 'schema_migrations', 'migrations are recorded');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname IN ('booking', 'booking_internal', 'booking_ops', 'reporting') AND obj_description(p.oid, 'pg_proc') IS NULL
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')$$,
    'every booking/reporting function has a COMMENT');
SELECT ok(EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'seat_claims_no_double_sell' AND contype = 'x'),
          'seat claims are guarded by an exclusion constraint');
SELECT ok(EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'showtimes_no_overlap' AND contype = 'x'),
          'showtimes of an auditorium cannot overlap');
SELECT * FROM finish();
ROLLBACK;
