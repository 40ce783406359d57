-- Shared helpers: error catalogue, settings, clock, seat locks, publishing.

-- The one error catalogue: SQLSTATE raised by the functions -> stable code -> HTTP status (read by the API).
INSERT INTO booking.error_codes (sqlstate, code, http_status, description) VALUES
    ('MQ001', 'VALIDATION_ERROR',         422, 'An argument is missing, malformed or out of range.'),
    ('MQ002', 'SHOWTIME_NOT_FOUND',       404, 'No showtime with that id.'),
    ('MQ003', 'SEAT_NOT_FOUND',           404, 'A seat id does not exist in the showtime''s auditorium.'),
    ('MQ004', 'HOLD_NOT_FOUND',           404, 'No hold with that id.'),
    ('MQ005', 'BOOKING_NOT_FOUND',        404, 'No booking with that id / reference (and email).'),
    ('MQ006', 'CINEMA_NOT_FOUND',         404, 'No cinema with that id.'),
    ('MQ007', 'MOVIE_NOT_FOUND',          404, 'No movie with that id.'),
    ('MQ008', 'AUDITORIUM_NOT_FOUND',     404, 'No auditorium with that id.'),
    ('MQ009', 'PROMO_NOT_FOUND',          404, 'No promo code with that id (admin).'),
    ('MQ010', 'SEAT_UNAVAILABLE',         409, 'One or more seats are held, booked or blocked; details.seatIds lists them.'),
    ('MQ011', 'HOLD_EXPIRED',             410, 'The hold has expired; its seats are back on sale.'),
    ('MQ012', 'HOLD_NOT_YOURS',           403, 'The session token does not match the hold''s.'),
    ('MQ013', 'HOLD_NOT_ACTIVE',          409, 'The hold was released or already confirmed.'),
    ('MQ014', 'TOO_MANY_SEATS',           422, 'More seats than max_seats_per_hold for one session and showtime.'),
    ('MQ015', 'SHOWTIME_NOT_ON_SALE',     409, 'The showtime has started, ended or been cancelled.'),
    ('MQ020', 'PROMO_INVALID',            422, 'Unknown promo code.'),
    ('MQ021', 'PROMO_EXPIRED',            422, 'The promo code is outside its validity window or disabled.'),
    ('MQ022', 'PROMO_USED_UP',            422, 'The promo code reached its maximum number of uses.'),
    ('MQ023', 'PROMO_MIN_TICKETS',        422, 'The promo code needs more tickets in the booking.'),
    ('MQ030', 'BOOKING_NOT_PAYABLE',      409, 'The booking is not waiting for payment.'),
    ('MQ031', 'PAYMENT_WINDOW_EXPIRED',   410, 'The payment window ended; the booking expired and its seats were released.'),
    ('MQ032', 'PAYMENT_MISMATCH',         422, 'The payment intent does not belong to this booking.'),
    ('MQ040', 'CANCEL_TOO_LATE',          409, 'Too close to the showtime to cancel (cancel_cutoff_minutes).'),
    ('MQ041', 'ALREADY_CANCELLED',        409, 'The booking is already cancelled.'),
    ('MQ042', 'BOOKING_NOT_CANCELLABLE',  409, 'The booking expired or its payment failed; nothing to cancel.'),
    ('MQ043', 'REFUND_EXCEEDS_PAID',      422, 'The refund is more than what was paid and not yet refunded.'),
    ('MQ044', 'REFUND_NOT_FOUND',         404, 'No refund with that id.'),
    ('MQ050', 'SHOWTIME_OVERLAP',         409, 'The auditorium is busy (showtime plus cleaning) at that time.'),
    ('MQ051', 'CONFLICT',                 409, 'The change conflicts with the current state (details say why).'),
    ('23P01', 'SEAT_UNAVAILABLE_RACE',    409, 'A concurrent claim won the seat (exclusion constraint); retry with other seats.'),
    ('40P01', 'SEAT_UNAVAILABLE_DEADLOCK',409, 'A concurrent claim won the seat (deadlock); retry.')
ON CONFLICT (sqlstate) DO UPDATE
    SET code = EXCLUDED.code, http_status = EXCLUDED.http_status, description = EXCLUDED.description;

-- Raise a catalogued error: message for humans, details (json) for programs.
CREATE FUNCTION booking.raise_error(p_code text, p_message text, p_details jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_state char(5);
BEGIN
    SELECT sqlstate INTO v_state FROM booking.error_codes WHERE code = p_code;
    RAISE EXCEPTION USING ERRCODE = coalesce(v_state, 'MQ051'), MESSAGE = p_message,
        DETAIL = coalesce(p_details, '{}')::text, HINT = p_code;
END $$;
COMMENT ON FUNCTION booking.raise_error(text, text, jsonb) IS
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

-- Serialise claimers of the same seats, in ascending seat id order so two claimers never deadlock.
-- Without it, two transactions inserting conflicting rows into the exclusion constraint can each wait on
-- the other (40P01); with it the second waits on a cheap lock and then sees the first one's committed claim.
CREATE FUNCTION booking.lock_seats(p_showtime_id uuid, p_seat_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_key int := hashtext(p_showtime_id::text);
    s bigint;
BEGIN
    FOR s IN SELECT DISTINCT x FROM unnest(p_seat_ids) x ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(v_key, s::int);
    END LOOP;
END $$;
COMMENT ON FUNCTION booking.lock_seats(uuid, bigint[]) IS
    'Takes transaction advisory locks on (showtime, seat) in ascending seat order; every claimer calls it first.';

-- Publish a seat status change on channel seat_changes, split so each payload stays under 8000 bytes.
CREATE FUNCTION booking.publish_seat_change(p_showtime_id uuid, p_seat_codes text[], p_status text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_chunk int := 250;  -- 250 codes of up to ~20 chars each stays well under 8000 bytes
    i int;
BEGIN
    IF coalesce(booking.setting('publish_seat_changes'), 'on') <> 'on'
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
COMMENT ON FUNCTION booking.publish_seat_change(uuid, text[], text) IS
    'pg_notify(''seat_changes'', {"showtimeId","seatIds","status","at"}); skipped when publish_seat_changes is off.';

-- Local calendar date of an instant in a cinema's time zone.
CREATE FUNCTION booking.local_date(p_at timestamptz, p_time_zone text) RETURNS date
LANGUAGE sql IMMUTABLE AS $$ SELECT (p_at AT TIME ZONE p_time_zone)::date $$;
COMMENT ON FUNCTION booking.local_date(timestamptz, text) IS 'The local calendar date of an instant in an IANA time zone.';

-- A fresh booking reference: BK + local date + 4 characters without look-alikes (no 0/O, 1/I/L).
CREATE FUNCTION booking.new_reference(p_local_date date) RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT 'BK' || to_char(p_local_date, 'YYYYMMDD') || string_agg(
        substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + floor(random() * 31)::int, 1), '')
    FROM generate_series(1, 4)
$$;
COMMENT ON FUNCTION booking.new_reference(date) IS 'Random booking reference BKYYYYMMDD + 4 unambiguous characters.';

-- Showtime row with its cinema, or SHOWTIME_NOT_FOUND.
CREATE FUNCTION booking.showtime_context(p_showtime_id uuid,
    OUT showtime_id uuid, OUT auditorium_id uuid, OUT starts_at timestamptz, OUT is_cancelled boolean,
    OUT cinema_id uuid, OUT time_zone text, OUT currency char(3))
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT st.id, st.auditorium_id, st.starts_at, st.is_cancelled, c.id, c.time_zone, c.currency
      INTO showtime_id, auditorium_id, starts_at, is_cancelled, cinema_id, time_zone, currency
      FROM booking.showtimes st
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.cinemas c ON c.id = a.cinema_id
     WHERE st.id = p_showtime_id;
    IF NOT FOUND THEN
        PERFORM booking.raise_error('SHOWTIME_NOT_FOUND', format('showtime %s not found', p_showtime_id),
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
END $$;
COMMENT ON FUNCTION booking.showtime_context(uuid) IS 'The showtime with its auditorium and cinema (zone, currency); raises SHOWTIME_NOT_FOUND.';

-- Write an operator action to the audit trail.
CREATE FUNCTION booking.audit(p_actor text, p_action text, p_entity text, p_entity_id text, p_details jsonb DEFAULT '{}')
RETURNS void LANGUAGE sql AS $$
    INSERT INTO booking.audit_log (actor, action, entity, entity_id, details)
    VALUES (coalesce(nullif(p_actor, ''), 'unknown'), p_action, p_entity, p_entity_id, coalesce(p_details, '{}'))
$$;
COMMENT ON FUNCTION booking.audit(text, text, text, text, jsonb) IS 'Appends an operator action (who, what, when) to booking.audit_log.';
