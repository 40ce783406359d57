-- Shared helpers: error catalogue, settings, clock, locks, ids that carry their showtime, publishing.

-- Raise a catalogued error: message for humans, details (json) for programs.
CREATE FUNCTION booking_internal.raise_error(p_code text, p_message text, p_details jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_state char(5);
BEGIN
    SELECT sqlstate INTO v_state FROM booking.error_codes WHERE code = p_code;
    RAISE EXCEPTION USING ERRCODE = coalesce(v_state, 'MQ051'), MESSAGE = p_message,
        DETAIL = coalesce(p_details, '{}')::text, HINT = p_code;
END $$;
COMMENT ON FUNCTION booking_internal.raise_error(text, text, jsonb) IS
    'Raises the SQLSTATE of an error code from booking.error_codes; DETAIL carries JSON details, HINT the code.';

-- A setting: the session GUC marquee.<key> wins (tests, one-off psql work), else booking.settings.
-- PL/pgSQL, not SQL, here and in the other hot-path helpers: a SQL function that is not inlined is planned
-- again on every call in a new transaction; PL/pgSQL keeps its plans for the life of the connection.
CREATE FUNCTION booking.setting(p_key text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := nullif(current_setting('marquee.' || p_key, true), '');
BEGIN
    IF v IS NULL THEN
        SELECT s.value INTO v FROM booking.settings s WHERE s.key = p_key;
    END IF;
    RETURN v;
END $$;
COMMENT ON FUNCTION booking.setting(text) IS
    'Value of an engine setting: SET marquee.<key> in the session overrides the booking.settings row.';

-- The engine's clock. SET marquee.now = '...' makes time controllable in tests (reminders, policies).
CREATE FUNCTION booking.clock() RETURNS timestamptz LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v text := current_setting('marquee.now', true);
BEGIN
    IF v IS NULL OR v = '' THEN
        RETURN clock_timestamp();
    END IF;
    RETURN v::timestamptz;
END $$;
COMMENT ON FUNCTION booking.clock() IS
    'Current time for every booking rule: clock_timestamp(), or the session setting marquee.now when set (tests).';

-- Lock order (every claimer of a showtime's seats, docs/design.md "Locks"):
--   1. the session lock (showtime, session token), when a session is involved (hold, hold_batch, confirm, release,
--      price): a session's own requests are decided one after the other;
--   2. the ROW locks of every row of seats it touches, ascending key (booking_internal.lock_rows): a row lock covers
--      every seat of the row, and the lone-seat rule reads a seat's neighbours, which no constraint protects;
--   3. tuple locks (FOR UPDATE on holds / bookings), then writes.
-- The exclusion constraint on seat_claims stays the last guard: two claimers that both took the row lock are
-- decided one after the other, so it never has to refuse (and never deadlocks) between them.
-- Keys: (showtime_no, hashtext(row label)); the session lock is hashtextextended('hold:<showtime>:<token>').
CREATE FUNCTION booking_internal.lock_rows(p_showtime_no int, p_rows text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(p_showtime_no, q.k)
       FROM (SELECT DISTINCT hashtext(r) AS k FROM unnest(p_rows) r ORDER BY 1) q;
END $$;
COMMENT ON FUNCTION booking_internal.lock_rows(int, text[]) IS
    'Internal: the row locks of a showtime''s seat rows (showtime_no, hashtext(row)), ascending, in one statement.';

-- The same locks without waiting: false when another transaction holds one (its locks are kept until the caller
-- rolls back its subtransaction).
CREATE FUNCTION booking_internal.try_lock_rows(p_showtime_no int, p_rows text[]) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    k int;
BEGIN
    FOR k IN SELECT DISTINCT hashtext(r) FROM unnest(p_rows) r ORDER BY 1 LOOP
        IF NOT pg_try_advisory_xact_lock(p_showtime_no, k) THEN
            RETURN false;
        END IF;
    END LOOP;
    RETURN true;
END $$;
COMMENT ON FUNCTION booking_internal.try_lock_rows(int, text[]) IS
    'Internal: tries the row locks of lock_rows without waiting; false if another claimer holds one.';

-- The row locks of the rows these seats of a showtime are in.
CREATE FUNCTION booking_internal.lock_seat_rows(p_showtime_id uuid, p_seat_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_no   int;
    v_rows text[];
BEGIN
    SELECT st.showtime_no INTO v_no FROM booking.showtimes st WHERE st.id = p_showtime_id;
    SELECT array_agg(DISTINCT s.row_label) INTO v_rows FROM booking.seats s WHERE s.id = ANY (p_seat_ids);
    PERFORM booking_internal.lock_rows(v_no, v_rows);
END $$;
COMMENT ON FUNCTION booking_internal.lock_seat_rows(uuid, bigint[]) IS
    'Internal: booking_internal.lock_rows for the rows of these seats of a showtime.';

-- The session lock: one session's requests on one showtime are decided one after the other. Taken FIRST.
CREATE FUNCTION booking_internal.lock_session(p_showtime_id uuid, p_session_token text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('hold:' || p_showtime_id || ':' || p_session_token, 0));
END $$;
COMMENT ON FUNCTION booking_internal.lock_session(uuid, text) IS
    'Internal: the (showtime, session token) advisory lock, the first lock of every claimer acting for a session.';

-- Ids that carry their showtime (issue 25): a UUIDv8 (RFC 9562 "custom") whose first 32 bits are the showtime's
-- showtime_no, version 8, 90 random bits (a hold id is still a capability), variant 10.
CREATE FUNCTION booking_internal.new_id(p_showtime_no int) RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN overlay(overlay(gen_random_uuid()::text PLACING lpad(to_hex(p_showtime_no), 8, '0') FROM 1 FOR 8)
                   PLACING '8' FROM 15 FOR 1)::uuid;
END $$;
COMMENT ON FUNCTION booking_internal.new_id(int) IS
    'Internal: a new hold/booking/refund id (UUIDv8) carrying the showtime number in its first 32 bits, 90 random bits.';

-- An outbox id: showtime_no in the high 32 bits, a sequence in the low 32 (ids stay bigint for the relay).
CREATE FUNCTION booking_internal.new_outbox_id(p_showtime_no int) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN (p_showtime_no::bigint << 32) | (nextval('booking.outbox_local_seq') & 4294967295);
END $$;
COMMENT ON FUNCTION booking_internal.new_outbox_id(int) IS
    'Internal: a new outbox id, (showtime_no << 32) | 32 bits of booking.outbox_local_seq.';

-- The showtime of an id we made: decoded from a UUIDv8 (one lookup in the reference table showtimes, local on
-- every node), else an id made before migration 011, found in booking.global_keys (kind LEGACY_ID).
CREATE FUNCTION booking.showtime_of(p_id uuid) RETURNS uuid LANGUAGE plpgsql STABLE AS $$
DECLARE
    v uuid;
BEGIN
    IF substr(p_id::text, 15, 1) = '8' THEN
        SELECT st.id INTO v FROM booking.showtimes st
         WHERE st.showtime_no = ('x' || substr(p_id::text, 1, 8))::bit(32)::int;
    END IF;
    IF v IS NULL THEN
        SELECT g.showtime_id INTO v FROM booking.global_keys g WHERE g.key = p_id::text AND g.kind = 'LEGACY_ID';
    END IF;
    RETURN v;
END $$;
COMMENT ON FUNCTION booking.showtime_of(uuid) IS
    'Showtime of a hold, booking or refund id: decoded from the id (UUIDv8, showtime_no in the first 32 bits), else '
    'looked up in booking.global_keys (ids made before migration 011); NULL if unknown. Raises nothing.';

-- The showtime of a value unique across showtimes (a reference, a payment intent id, a provider refund id).
CREATE FUNCTION booking_internal.showtime_of_key(p_key text, p_kind text, OUT showtime_id uuid, OUT target_id uuid)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT g.showtime_id, g.target_id INTO showtime_id, target_id
      FROM booking.global_keys g WHERE g.key = p_key AND g.kind = p_kind;
END $$;
COMMENT ON FUNCTION booking_internal.showtime_of_key(text, text) IS
    'Internal: the showtime (and booking or refund) of a globally unique value in booking.global_keys.';

-- The engine settings of the hot path in ONE row: a view is inlined into the caller's query (no function call, no
-- plan of its own), replacing several booking.setting() calls. SET marquee.<key> still overrides, as in setting().
CREATE VIEW booking_internal.hot_settings AS
SELECT coalesce(nullif(current_setting('marquee.hold_ttl_seconds', true), ''),
                max(s.value) FILTER (WHERE s.key = 'hold_ttl_seconds'))::int AS hold_ttl_seconds,
       coalesce(nullif(current_setting('marquee.max_seats_per_hold', true), ''),
                max(s.value) FILTER (WHERE s.key = 'max_seats_per_hold'))::int AS max_seats_per_hold,
       coalesce(nullif(current_setting('marquee.payment_window_seconds', true), ''),
                max(s.value) FILTER (WHERE s.key = 'payment_window_seconds'))::int AS payment_window_seconds,
       coalesce(nullif(current_setting('marquee.companion_release_minutes', true), ''),
                max(s.value) FILTER (WHERE s.key = 'companion_release_minutes'), '60')::int AS companion_release_minutes,
       coalesce(nullif(current_setting('marquee.lone_seat_rule', true), ''),
                max(s.value) FILTER (WHERE s.key = 'lone_seat_rule'), 'on') = 'on' AS lone_seat_rule,
       coalesce(nullif(current_setting('marquee.publish_seat_changes', true), ''),
                max(s.value) FILTER (WHERE s.key = 'publish_seat_changes'), 'on') = 'on' AS publish,
       coalesce(nullif(current_setting('marquee.reminder_minutes_before', true), ''),
                max(s.value) FILTER (WHERE s.key = 'reminder_minutes_before'))::int AS reminder_minutes_before
  FROM booking.settings s;
COMMENT ON VIEW booking_internal.hot_settings IS
    'Internal: the settings the booking hot path reads, in one row (session SET marquee.<key> overrides).';

-- The transaction id the seat status history records for the publisher (70_realtime.sql), or NULL when this
-- transaction's changes are not to be published (publish_seat_changes off, e.g. a bulk import).
CREATE FUNCTION booking_internal.change_tx() RETURNS xid8 LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN CASE WHEN booking.setting('publish_seat_changes') = 'on' THEN pg_current_xact_id() END;
END $$;
COMMENT ON FUNCTION booking_internal.change_tx() IS
    'Internal: pg_current_xact_id() for a seat status history row, NULL when publish_seat_changes is off.';

-- Send a seat status change on channel seat_changes, split so each payload stays under 8000 bytes. Called only
-- by the publisher (70_realtime.sql): the booking transactions never NOTIFY (a NOTIFY serialises every notifying
-- commit of the cluster, and a payload anyone can send is never trusted by our own listeners).
CREATE FUNCTION booking_internal.publish_seat_change(p_showtime_id uuid, p_seat_codes text[], p_status text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_chunk int := 250;  -- 250 codes of up to ~20 chars each stays well under 8000 bytes
    i int;
BEGIN
    IF booking.setting('publish_seat_changes') <> 'on'
       OR p_seat_codes IS NULL OR cardinality(p_seat_codes) = 0 THEN
        RETURN;
    END IF;
    FOR i IN 0 .. (cardinality(p_seat_codes) - 1) / v_chunk LOOP
        PERFORM pg_notify('seat_changes', json_build_object(
            'showtimeId', p_showtime_id,
            'seatIds', p_seat_codes[i * v_chunk + 1 : (i + 1) * v_chunk],
            'status', p_status,
            'at', booking.clock())::text);
    END LOOP;
END $$;
COMMENT ON FUNCTION booking_internal.publish_seat_change(uuid, text[], text) IS
    'pg_notify(''seat_changes'', {"showtimeId","seatIds","status","at"}); skipped when publish_seat_changes is off.';

-- Local calendar date of an instant in a cinema's time zone.
-- (PL/pgSQL, not SQL: a SECURITY DEFINER SQL function is never inlined, and is planned again on every call.)
CREATE FUNCTION booking.local_date(p_at timestamptz, p_time_zone text) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (p_at AT TIME ZONE p_time_zone)::date;
END $$;
COMMENT ON FUNCTION booking.local_date(timestamptz, text) IS 'The local calendar date of an instant in an IANA time zone.';

-- A fresh booking reference: BK + local date + 4 characters without look-alikes (no 0/O, 1/I/L).
CREATE FUNCTION booking_internal.new_reference(p_local_date date) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    c constant text := 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
BEGIN
    RETURN 'BK' || to_char(p_local_date, 'YYYYMMDD')
        || substr(c, 1 + floor(random() * 31)::int, 1) || substr(c, 1 + floor(random() * 31)::int, 1)
        || substr(c, 1 + floor(random() * 31)::int, 1) || substr(c, 1 + floor(random() * 31)::int, 1);
END $$;
COMMENT ON FUNCTION booking_internal.new_reference(date) IS 'Random booking reference BKYYYYMMDD + 4 unambiguous characters.';

-- Showtime row with its cinema, or SHOWTIME_NOT_FOUND.
CREATE FUNCTION booking.showtime_context(p_showtime_id uuid,
    OUT showtime_id uuid, OUT auditorium_id uuid, OUT starts_at timestamptz, OUT is_cancelled boolean,
    OUT cinema_id uuid, OUT time_zone text, OUT currency char(3), OUT showtime_no int)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT st.id, st.auditorium_id, st.starts_at, st.is_cancelled, c.id, c.time_zone, c.currency, st.showtime_no
      INTO showtime_id, auditorium_id, starts_at, is_cancelled, cinema_id, time_zone, currency, showtime_no
      FROM booking.showtimes st
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.cinemas c ON c.id = a.cinema_id
     WHERE st.id = p_showtime_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('SHOWTIME_NOT_FOUND', format('showtime %s not found', p_showtime_id),
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
END $$;
COMMENT ON FUNCTION booking.showtime_context(uuid) IS 'The showtime with its auditorium and cinema (zone, currency); raises SHOWTIME_NOT_FOUND.';

-- Write an action of a job or a DBA function (booking_ops) to the audit trail; operator functions audit their
-- verified actor with booking_internal.audit(booking.actor, ...) (03_operators.sql). Both record the database role.
CREATE FUNCTION booking_internal.audit(p_actor text, p_action text, p_entity text, p_entity_id text, p_details jsonb DEFAULT '{}')
RETURNS void LANGUAGE sql AS $$
    INSERT INTO booking.audit_log (actor, action, entity, entity_id, details, db_role)
    VALUES (coalesce(nullif(p_actor, ''), 'unknown'), p_action, p_entity, p_entity_id, coalesce(p_details, '{}'),
            CASE WHEN current_setting('role') = 'none' THEN session_user::text ELSE current_setting('role') END)
$$;
COMMENT ON FUNCTION booking_internal.audit(text, text, text, text, jsonb) IS
    'Appends a job''s or a DBA function''s action (who in words, what, when, database role) to booking.audit_log.';

-- Who the seat status history names for a change: the verified operator of this transaction (booking.require's
-- credential, 03_operators.sql), NULL for a customer's session.
CREATE FUNCTION booking_internal.history_actor() RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF coalesce(current_setting('marquee.credential', true), '') = '' THEN
        RETURN NULL;
    END IF;
    RETURN (booking_internal.current_actor()).label;
END $$;
COMMENT ON FUNCTION booking_internal.history_actor() IS
    'Internal: the operator label the seat status history records (NULL without a verified credential).';
