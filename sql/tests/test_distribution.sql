-- Issue 25: the schema stays distributable with Citus (distribution column showtime_id), checked on the catalogue
-- without Citus. docs/scaling.md explains each rule. Every is_empty() lists violations: a failure names them.
BEGIN;
SELECT plan(11);

-- The showtime-keyed tables (distributed by showtime_id, colocated with seat_claims), listed once, here; the
-- reference tables and the tables distributed by a key of their own. A booking table with a showtime_id column
-- that is in no list fails the first test: a new showtime-keyed table (tickets, queue entries, waitlist entries...)
-- must be classified, and then follows every rule below.
CREATE TEMP TABLE keyed_tables(rel) ON COMMIT DROP AS VALUES
    ('booking.holds'::regclass), ('booking.bookings'), ('booking.booking_seats'), ('booking.seat_claims'),
    ('booking.seat_status_history'), ('booking.payments'), ('booking.refunds'), ('booking.outbox'),
    ('booking.intent_cancellations'), ('booking.prices'), ('booking.channel_allocations'), ('booking.showtime_seating'),
    ('booking.waitlist'), ('booking.on_sales'), ('booking.queue_entries'), ('booking.tickets'), ('booking.checkins'),
    ('booking.exchanges');
CREATE TEMP TABLE other_tables(rel, how) ON COMMIT DROP AS VALUES
    ('booking.showtimes'::regclass, 'reference'),
    ('booking.webhook_events'::regclass, 'distributed by its event id'),
    ('booking.global_keys'::regclass, 'distributed by key'),
    -- offline scans of unknown tickets have no showtime: a small log keyed by its own id
    ('booking.checkin_conflicts'::regclass, 'distributed by its own id');

SELECT is_empty($$
    SELECT c.oid::regclass::text
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'showtime_id' AND NOT a.attisdropped
     WHERE c.relnamespace = 'booking'::regnamespace AND c.relkind IN ('r', 'p')
       AND c.oid NOT IN (SELECT rel FROM keyed_tables UNION ALL SELECT rel FROM other_tables) $$,
    'every booking table with a showtime_id column is classified (showtime-keyed, reference, or own key)');

SELECT is_empty($$
    SELECT t.rel::text FROM keyed_tables t
     WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.rel AND a.attname = 'showtime_id'
                          AND a.attnotnull AND NOT a.attisdropped) $$,
    'every showtime-keyed table has showtime_id NOT NULL');

SELECT is_empty($$
    SELECT format('%s.%s', k.conrelid::regclass, k.conname)
      FROM pg_constraint k JOIN keyed_tables t ON t.rel = k.conrelid
      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attname = 'showtime_id'
     WHERE k.contype IN ('p', 'u')
       AND NOT a.attnum = ANY (k.conkey) $$,
    'every primary key and unique constraint of a showtime-keyed table includes showtime_id');

SELECT is_empty($$
    SELECT format('%s.%s', k.conrelid::regclass, k.conname)
      FROM pg_constraint k JOIN keyed_tables t ON t.rel = k.conrelid
      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attname = 'showtime_id'
     WHERE k.contype = 'x'
       AND (NOT a.attnum = ANY (k.conkey)
            OR (SELECT o.oprname FROM pg_operator o WHERE o.oid = k.conexclop[array_position(k.conkey, a.attnum)]) <> '=') $$,
    'every exclusion constraint of a showtime-keyed table includes showtime_id WITH =');

SELECT is_empty($$
    SELECT i.indexrelid::regclass::text
      FROM pg_index i JOIN keyed_tables t ON t.rel = i.indrelid
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = 'showtime_id'
     WHERE i.indisunique AND NOT a.attnum = ANY (i.indkey::int2[]) $$,
    'every unique index of a showtime-keyed table includes showtime_id');

SELECT is_empty($$
    SELECT format('%s.%s', k.conrelid::regclass, k.conname)
      FROM pg_constraint k JOIN keyed_tables t ON t.rel = k.conrelid JOIN keyed_tables r ON r.rel = k.confrelid
      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attname = 'showtime_id'
      JOIN pg_attribute b ON b.attrelid = k.confrelid AND b.attname = 'showtime_id'
     WHERE k.contype = 'f'
       AND (array_position(k.conkey, a.attnum) IS NULL
            OR array_position(k.conkey, a.attnum) IS DISTINCT FROM array_position(k.confkey, b.attnum)) $$,
    'every foreign key between showtime-keyed tables includes showtime_id on both sides, in the same position');

SELECT is_empty($$
    SELECT format('%s.%s -> %s', k.conrelid::regclass, k.conname, k.confrelid::regclass)
      FROM pg_constraint k JOIN keyed_tables t ON t.rel = k.conrelid
     WHERE k.contype = 'f'
       AND k.confrelid IN (SELECT rel FROM other_tables WHERE how <> 'reference') $$,
    'no showtime-keyed table references a table distributed by another key');

SELECT is_empty($$
    SELECT format('%s.%s', g.tgrelid::regclass, g.tgname)
      FROM pg_trigger g JOIN keyed_tables t ON t.rel = g.tgrelid
     WHERE NOT g.tgisinternal AND (g.tgoldtable IS NOT NULL OR g.tgnewtable IS NOT NULL) $$,
    'no trigger with transition tables on a showtime-keyed table (the functions write the status history)');

-- Every function that writes a showtime-keyed table, takes a showtime's lock, or calls a helper that does, finds its
-- showtime: it takes it as its first argument (p_showtime_id), or it is listed here with how it finds it:
--   DECODED_ID     the id it takes carries the showtime (UUIDv8 / outbox id: booking.showtime_of, id >> 32)
--   GLOBAL_KEY     a value unique across showtimes, looked up in booking.global_keys (distributed by that value)
--   SHOWTIME_NO    the showtime's number (booking_internal.lock_rows)
--   ALL_SHOWTIMES  background work over every showtime by design (expiry, relay, purge, privacy): a fan-out on
--                  Citus, run by one job, never on a request path
--   NOT_A_SHOWTIME_LOCK  takes an advisory lock that is not a showtime's (login throttling): coordinator-local
--   BY_ID_TO_PORT  looked up by an id alone through a non-unique index: a fan-out on Citus; cold paths (webhooks,
--                  refunds, outbox deliveries) still to be given the showtime (docs/scaling.md, "What is left")
CREATE TEMP TABLE finds_showtime(fn, how) ON COMMIT DROP AS VALUES
    ('booking.attach_payment_intent(uuid,text)', 'DECODED_ID'),
    ('booking.cancel(uuid,text,numeric,text,boolean,text)', 'DECODED_ID'),
    ('booking.exchange(uuid,uuid,text[],integer,boolean,text[])', 'DECODED_ID'),
    ('booking.confirm(uuid,text,text,text,text,text,uuid,text)', 'DECODED_ID'),
    ('booking.price_hold(uuid,text,text)', 'DECODED_ID'),
    ('booking.release_hold(uuid,text)', 'DECODED_ID'),
    ('booking_internal.enqueue_message(text,uuid,text,timestamp with time zone,jsonb)', 'DECODED_ID'),
    ('booking_internal.expire_booking(uuid,timestamp with time zone)', 'DECODED_ID'),
    ('booking_internal.hold_for_update(uuid,text)', 'DECODED_ID'),
    ('booking_internal.release_booking_seats(uuid,timestamp with time zone)', 'DECODED_ID'),
    ('booking.record_payment(text,text,numeric,text)', 'GLOBAL_KEY'),
    ('booking.attach_exchange_intent(uuid,text)', 'DECODED_ID'),
    ('booking.expire_overdue_exchanges(integer)', 'ALL_SHOWTIMES'),
    ('booking.abandon_exchange(uuid)', 'DECODED_ID'),
    ('booking_internal.lock_rows(integer,text[])', 'SHOWTIME_NO'),
    ('booking_internal.waitlist_lock(integer,boolean)', 'SHOWTIME_NO'),
    ('booking_internal.enqueue_waitlist_offer(booking.waitlist,integer,jsonb)', 'DECODED_ID'),
    ('booking.expire_overdue_bookings(integer)', 'ALL_SHOWTIMES'),
    ('booking.expire_overdue_payments(integer)', 'ALL_SHOWTIMES'),
    ('booking.outbox_claim_due(integer)', 'ALL_SHOWTIMES'),
    ('booking.outbox_recover_stale()', 'ALL_SHOWTIMES'),
    ('booking.purge_expired_holds(interval)', 'ALL_SHOWTIMES'),
    ('booking_internal.anonymise_bookings(uuid[])', 'ALL_SHOWTIMES'),
    ('booking.apply_provider_refund(jsonb)', 'BY_ID_TO_PORT'),
    ('booking.begin_refund_attempt(uuid,interval)', 'BY_ID_TO_PORT'),
    ('booking.note_refund_send_failed(uuid,text,boolean)', 'BY_ID_TO_PORT'),
    ('booking.refund_send_key(uuid)', 'BY_ID_TO_PORT'),
    ('booking_internal.reverse_refund(uuid,text)', 'BY_ID_TO_PORT'),
    ('booking_internal.end_payment_processing(uuid,timestamp with time zone)', 'BY_ID_TO_PORT'),
    ('booking.record_payment_processing(text)', 'BY_ID_TO_PORT'),
    ('booking.login_begin(text,inet)', 'NOT_A_SHOWTIME_LOCK'),
    ('booking.note_refund_error(uuid,text)', 'BY_ID_TO_PORT'),
    ('booking.record_refund(uuid,boolean,text)', 'BY_ID_TO_PORT'),
    ('booking.record_intent_cancellation(text,text,text)', 'BY_ID_TO_PORT'),
    ('booking.outbox_begin_send(bigint)', 'BY_ID_TO_PORT'),
    ('booking.outbox_mark_failed(bigint,text,boolean)', 'BY_ID_TO_PORT'),
    ('booking.outbox_mark_sent(bigint)', 'BY_ID_TO_PORT'),
    ('booking.outbox_retry(bigint,text)', 'BY_ID_TO_PORT');

SELECT is_empty($$
    SELECT p.oid::regprocedure::text
      FROM pg_proc p
     WHERE p.pronamespace IN ('booking'::regnamespace, 'booking_internal'::regnamespace, 'booking_ops'::regnamespace)
       AND p.prokind = 'f'
       AND (p.prosrc ~* 'pg_advisory_xact_lock|booking_internal\.(lock_rows|lock_session|lock_seat_rows|try_lock_rows)'
            OR p.prosrc ~* '(insert\s+into|update|delete\s+from)\s+booking\.(holds|bookings|booking_seats|seat_claims|seat_status_history|payments|refunds|outbox|intent_cancellations|prices|channel_allocations|showtime_seating)\M'
            OR p.prosrc ~* 'booking_internal\.(enqueue_message|release_booking_seats|expire_booking|record_claims_ended)\s*\(')
       AND coalesce(p.proargnames[1], '') <> 'p_showtime_id'
       AND p.oid::regprocedure::text NOT IN (SELECT fn FROM finds_showtime) $$,
    'every function that writes a showtime-keyed table or takes a showtime''s lock takes p_showtime_id first or is listed with how it finds its showtime');

SELECT is_empty($$
    SELECT f.fn FROM finds_showtime f WHERE to_regprocedure(f.fn) IS NULL $$,
    'the list names only functions that exist (a renamed one is listed again)');

-- The owner of the SECURITY DEFINER functions: a coordinator that runs a non-delegated function (a fan-out) opens
-- worker connections as the function's owner, so on Citus that one role must be able to log in (restricted in
-- pg_hba.conf to the cluster's nodes). On a single server it stays NOLOGIN (nothing connects as it): the test
-- checks there that ONE role owns them all, the role docs/scaling.md makes LOGIN when moving to Citus.
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')
            THEN is_empty($$ SELECT DISTINCT r.rolname FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
                              WHERE p.pronamespace = 'booking'::regnamespace AND p.prosecdef AND NOT r.rolcanlogin $$,
                          'on Citus the owner of the SECURITY DEFINER functions can log in')
            ELSE is((SELECT array_agg(DISTINCT r.rolname::text) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
                      WHERE p.pronamespace IN ('booking'::regnamespace, 'booking_internal'::regnamespace,
                                               'booking_ops'::regnamespace) AND p.prosecdef),
                    ARRAY['marquee_owner'],
                    'single server: one role (marquee_owner, NOLOGIN here) owns every SECURITY DEFINER function') END;

SELECT * FROM finish();
ROLLBACK;
