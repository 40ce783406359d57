-- Least privilege. Runs LAST on every migrate, so it also covers functions and tables other files add later.
--   marquee_owner  NOLOGIN: owns the schemas, tables, views and functions; the API functions run as it.
--   booking_api    LOGIN:   the API. EXECUTE on every function of schema booking (SECURITY DEFINER, fixed
--                            search_path), SELECT on booking.error_codes, no other table access.
--   booking_admin  LOGIN:   operators: everything booking_api can do, plus the functions of schema booking_ops
--                            (erasure, retention, report refresh), the audit trail and the reporting views.
--   booking_worker LOGIN:   the workers (outbox relay, mail actors, payment jobs): member of booking_api, so the
--                            same function rights and no table access.
--   bi_reader      LOGIN:   BI tools: SELECT on the reporting views, nothing else (they hold no personal data).
-- Function rights follow the schema, never a list: booking -> booking_api, booking_ops -> booking_admin,
-- booking_internal -> nobody (its helpers skip the rules). A function is callable because of where it lives.
-- No passwords here: local connections use trust auth; production sets them outside the repository.
-- Details and the reasoning: docs/security.md.

-- Roles are cluster-wide: several databases may migrate at once, so a concurrent CREATE may win the race.
DO $roles$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
        ('marquee_owner', 'NOLOGIN', 'Marquee: owns the booking and reporting schemas; functions run as it.'),
        ('booking_api',   'LOGIN',   'Marquee API: may only EXECUTE the API''s booking functions.'),
        ('booking_admin', 'LOGIN',   'Marquee operators: API functions plus erasure, retention, report refresh, audit trail.'),
        ('booking_worker', 'LOGIN',  'Marquee workers (relay, mail, payment jobs): the API''s function rights, no table access.'),
        ('bi_reader',     'LOGIN',   'BI tools: SELECT on the reporting views only (no personal data).')
    ) AS t(name, options, description) LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I %s', r.name, r.options);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created meanwhile by a migration of another database
            END;
            EXECUTE format('COMMENT ON ROLE %I IS %L', r.name, r.description);
        END IF;
    END LOOP;
END
$roles$;

-- Everything in our schemas belongs to marquee_owner (only what is not already: ALTER ... OWNER locks the table).
DO $owner$
DECLARE
    v_owner oid := 'marquee_owner'::regrole;
    r record;
BEGIN
    FOR r IN SELECT n.nspname FROM pg_namespace n
              WHERE n.nspname IN ('booking', 'booking_internal', 'booking_ops', 'reporting', 'reporting_cache') AND n.nspowner <> v_owner LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO marquee_owner', r.nspname);
    END LOOP;
    -- sequences owned by a column (serial / identity) follow their table
    FOR r IN SELECT c.oid::regclass AS rel,
                    CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                   WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname IN ('booking', 'booking_internal', 'booking_ops', 'reporting', 'reporting_cache')
                AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner <> v_owner
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                   AND d.deptype IN ('e', 'a', 'i')) LOOP
        EXECUTE format('ALTER %s %s OWNER TO marquee_owner', r.kind, r.rel);
    END LOOP;
    FOR r IN SELECT t.oid::regtype AS typ FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname IN ('booking', 'reporting') AND t.typowner <> v_owner
                AND (t.typtype IN ('e', 'd')  -- enums, domains, and composite types of their own (booking.actor)
                     OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))) LOOP
        EXECUTE format('ALTER TYPE %s OWNER TO marquee_owner', r.typ);
    END LOOP;
END
$owner$;

-- Functions: owned by marquee_owner, fixed search_path with pg_temp last (no object planted by a caller, not even
-- a temporary table, can shadow ours), and
-- SECURITY DEFINER so the roles above need no table rights. Procedures are left alone (a SET clause forbids their
-- COMMIT); trigger functions keep the invoker (they fire inside definer functions anyway).
DO $functions$
DECLARE
    v_owner oid := 'marquee_owner'::regrole;
    r record;
BEGIN
    FOR r IN SELECT p.oid::regprocedure AS fn, p.proowner, p.prosecdef, p.proconfig,
                    p.prorettype = 'trigger'::regtype AS is_trigger
               FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname IN ('booking', 'booking_internal', 'booking_ops', 'reporting') AND p.prokind = 'f'
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                   AND d.deptype = 'e') LOOP
        IF r.proowner <> v_owner THEN
            EXECUTE format('ALTER FUNCTION %s OWNER TO marquee_owner', r.fn);
        END IF;
        IF r.proconfig IS NULL OR NOT ('search_path=pg_catalog, booking, public, pg_temp' = ANY (r.proconfig)) THEN
            EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, booking, public, pg_temp', r.fn);
        END IF;
        IF NOT r.prosecdef AND NOT r.is_trigger THEN
            EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER', r.fn);
        END IF;
    END LOOP;
END
$functions$;

-- Start from nothing: functions are executable by PUBLIC by default.
REVOKE ALL ON SCHEMA booking, booking_internal, booking_ops, reporting, reporting_cache FROM PUBLIC;
REVOKE ALL ON SCHEMA booking_internal, booking_ops FROM booking_api, booking_admin, booking_worker, bi_reader;
REVOKE ALL ON ALL TABLES IN SCHEMA booking, reporting, reporting_cache FROM PUBLIC, booking_api, booking_admin, bi_reader;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA booking, reporting, reporting_cache FROM PUBLIC, booking_api, booking_admin, bi_reader;
REVOKE ALL ON ALL ROUTINES IN SCHEMA booking, booking_internal, booking_ops, reporting
    FROM PUBLIC, booking_api, booking_admin, booking_worker, bi_reader;

-- By schema: the API may call every booking function, operators also the booking_ops ones; internals nobody.
-- No role has USAGE on booking_internal, so even a function added there later (and still executable by PUBLIC
-- until this file runs again) cannot be called by booking_api.
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA booking TO booking_api;
GRANT USAGE ON SCHEMA booking_ops TO booking_admin;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA booking_ops TO booking_admin;

GRANT USAGE ON SCHEMA booking TO booking_api, booking_admin;
GRANT SELECT ON booking.error_codes TO booking_api;   -- the API maps SQLSTATE -> HTTP status from it
GRANT SELECT ON booking.audit_log TO booking_admin;   -- who did what

-- Views in schema booking are the API's read models (derived, read-only; they run with the owner's rights).
DO $views$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'booking' AND c.relkind = 'v' LOOP
        EXECUTE format('GRANT SELECT ON %s TO booking_api', r.rel);
    END LOOP;
END
$views$;

GRANT USAGE ON SCHEMA reporting TO bi_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO bi_reader;

-- Reporting queries are index lookups on small aggregates: JIT compilation (0.1-2 s) would cost more than the query.
ALTER ROLE bi_reader SET jit = off;
ALTER ROLE booking_admin SET jit = off;

-- Operators inherit the API's and the BI reader's rights (membership, not copies, so they never drift apart).
DO $membership$
BEGIN
    IF NOT pg_has_role('booking_admin', 'booking_api', 'MEMBER') THEN
        GRANT booking_api TO booking_admin;
    END IF;
    IF NOT pg_has_role('booking_worker', 'booking_api', 'MEMBER') THEN
        GRANT booking_api TO booking_worker;
    END IF;
    IF NOT pg_has_role('booking_admin', 'bi_reader', 'MEMBER') THEN
        GRANT bi_reader TO booking_admin;
    END IF;
END
$membership$;
