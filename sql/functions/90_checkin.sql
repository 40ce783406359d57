-- Check-in (issue 19; docs/checkin.md): tickets follow their booking, scans admit each ticket once, offline
-- scanners get a manifest and sync their scans, and reporting.attendance counts who came.
--
-- A ticket's code (what its QR code carries) is signed with Ed25519 by the API (marquee/checkin/codes.py: Postgres
-- has no Ed25519); the signature is deterministic, so the code is the same every time it is shown. The API checks
-- the signature (TICKET_INVALID) before it calls booking.check_in with the ticket id and key id from the code;
-- everything else (void, wrong showtime, too early, once only, who may scan) is decided here.

INSERT INTO booking.settings (key, value, default_value, env_var, description)
VALUES ('checkin_opens_minutes', '60', '60', 'CHECKIN_OPENS_MINUTES',
        'Check-in opens this many minutes before a showtime starts (TICKET_TOO_EARLY before that).')
ON CONFLICT (key) DO UPDATE
    SET default_value = EXCLUDED.default_value, env_var = EXCLUDED.env_var, description = EXCLUDED.description;

-- ---------------------------------------------------------------------------------------------------------------
-- Signing keys

CREATE FUNCTION booking_internal.register_ticket_key(p_key_id text, p_public_key bytea, p_private_key bytea,
                                                     p_source text, p_current boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_current THEN
        UPDATE booking.ticket_keys SET is_current = false, retired_at = coalesce(retired_at, now())
         WHERE is_current AND key_id <> p_key_id;
    END IF;
    INSERT INTO booking.ticket_keys (key_id, public_key, private_key, source, is_current)
    VALUES (p_key_id, p_public_key, p_private_key, p_source, p_current)
    ON CONFLICT (key_id) DO UPDATE
        SET is_current = EXCLUDED.is_current OR booking.ticket_keys.is_current AND NOT p_current,
            retired_at = CASE WHEN EXCLUDED.is_current THEN NULL ELSE booking.ticket_keys.retired_at END
     WHERE booking.ticket_keys.public_key = EXCLUDED.public_key;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR',
            format('ticket key %s is registered with another public key: give a new key a new id', p_key_id),
            jsonb_build_object('keyId', p_key_id));
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.register_ticket_key(text, bytea, bytea, text, boolean) IS
    'Internal (migrate): registers a ticket signing key (public half; private half only for generated keys), '
    'optionally as the current one (the previous current key is retired but keeps verifying).';

CREATE FUNCTION booking.ticket_public_keys() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'keyId', k.key_id,
               'publicKey', translate(rtrim(encode(k.public_key, 'base64'), '='), '+/', '-_'),
               'current', k.is_current, 'createdAt', k.created_at, 'retiredAt', k.retired_at)
             ORDER BY k.created_at, k.key_id), '[]')
      FROM booking.ticket_keys k
$$;
COMMENT ON FUNCTION booking.ticket_public_keys() IS
    'Every ticket key''s id and public key (base64url, raw 32 bytes): what a scanner needs to verify codes offline.';

CREATE FUNCTION booking.ticket_signing_keys() RETURNS TABLE (key_id text, private_key bytea, is_current boolean)
LANGUAGE sql STABLE AS $$
    SELECT k.key_id, k.private_key, k.is_current FROM booking.ticket_keys k WHERE k.private_key IS NOT NULL
$$;
COMMENT ON FUNCTION booking.ticket_signing_keys() IS
    'The private halves of the ticket keys generated into the database (the API signs codes with them); keys from '
    'TICKET_SIGNING_KEYS never leave the environment.';

-- ---------------------------------------------------------------------------------------------------------------
-- Tickets follow their booking

CREATE FUNCTION booking_internal.sync_tickets(p_booking_id uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_status booking.booking_status;
    v_showtime uuid;
    v_key text;
    v_no int;
BEGIN
    v_showtime := booking.showtime_of(p_booking_id);
    SELECT b.status INTO v_status FROM booking.bookings b WHERE b.showtime_id = v_showtime AND b.id = p_booking_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF v_status = 'CONFIRMED' THEN
        UPDATE booking.tickets t SET voided_at = booking.clock(), void_reason = 'SEAT_RELEASED'
         WHERE t.showtime_id = v_showtime AND t.booking_id = p_booking_id AND t.voided_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM booking.booking_seats bs WHERE bs.showtime_id = v_showtime
                              AND bs.booking_id = p_booking_id AND bs.seat_id = t.seat_id);
        SELECT k.key_id INTO v_key FROM booking.ticket_keys k WHERE k.is_current;
        SELECT st.showtime_no INTO v_no FROM booking.showtimes st WHERE st.id = v_showtime;
        IF v_key IS NULL THEN
            RAISE WARNING 'no current ticket key (run python -m marquee.migrate): tickets of booking % not issued', p_booking_id;
            RETURN;
        END IF;
        INSERT INTO booking.tickets (showtime_id, id, booking_id, seat_id, key_id, issued_at)
        SELECT v_showtime, booking_internal.new_id(v_no), p_booking_id, bs.seat_id, v_key, booking.clock()
          FROM booking.booking_seats bs
         WHERE bs.showtime_id = v_showtime AND bs.booking_id = p_booking_id
           AND NOT EXISTS (SELECT 1 FROM booking.tickets t WHERE t.showtime_id = v_showtime AND t.booking_id = p_booking_id
                              AND t.seat_id = bs.seat_id
                              AND t.voided_at IS NULL)
        ON CONFLICT DO NOTHING;
    ELSE
        UPDATE booking.tickets t SET voided_at = booking.clock(), void_reason = v_status::text
         WHERE t.showtime_id = v_showtime AND t.booking_id = p_booking_id AND t.voided_at IS NULL;
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.sync_tickets(uuid) IS
    'Internal: a CONFIRMED booking has one live ticket per booked seat (a seat no longer booked: its ticket VOID, '
    'SEAT_RELEASED); any other status voids every ticket (reason: the status).';

-- SECURITY DEFINER (unlike other triggers): deferred to commit, it fires outside the definer function that changed
-- the booking, as the caller (booking_api), which may not touch booking_internal or the tables.
CREATE FUNCTION booking_internal.tickets_follow_booking() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, booking, public, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'bookings' THEN
        PERFORM booking_internal.sync_tickets(NEW.id);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM booking_internal.sync_tickets(OLD.booking_id);
    ELSE
        PERFORM booking_internal.sync_tickets(NEW.booking_id);
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION booking_internal.tickets_follow_booking() IS
    'Trigger (deferred to commit): re-syncs the tickets of the booking whose status or seats changed.';

CREATE CONSTRAINT TRIGGER tickets_on_booking_insert AFTER INSERT ON booking.bookings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'CONFIRMED')
    EXECUTE FUNCTION booking_internal.tickets_follow_booking();
CREATE CONSTRAINT TRIGGER tickets_on_booking_status AFTER UPDATE OF status ON booking.bookings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status AND (NEW.status = 'CONFIRMED' OR OLD.status = 'CONFIRMED'))
    EXECUTE FUNCTION booking_internal.tickets_follow_booking();
CREATE CONSTRAINT TRIGGER tickets_on_booking_seats AFTER INSERT OR DELETE ON booking.booking_seats
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION booking_internal.tickets_follow_booking();

CREATE FUNCTION booking_internal.ticket_status(p_ticket booking.tickets) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_ticket.voided_at IS NOT NULL THEN 'VOID'
                WHEN EXISTS (SELECT 1 FROM booking.checkins c WHERE c.showtime_id = p_ticket.showtime_id
                                AND c.ticket_id = p_ticket.id AND c.undone_at IS NULL) THEN 'USED'
                ELSE 'VALID' END
$$;
COMMENT ON FUNCTION booking_internal.ticket_status(booking.tickets) IS 'VOID (voided), USED (a scan that counts) or VALID.';

-- The tickets of a booking as the API lists them; keyId tells the API which key signs the code it adds.
CREATE FUNCTION booking.booking_tickets(p_booking_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'ticketId', t.id, 'seatId', s.code, 'rowLabel', s.row_label, 'seatNumber', s.seat_number,
               'status', booking_internal.ticket_status(t), 'keyId', t.key_id)
             ORDER BY t.voided_at IS NOT NULL, s.y, s.x, t.issued_at), '[]')
      FROM booking.tickets t JOIN booking.seats s ON s.id = t.seat_id
     WHERE t.showtime_id = booking.showtime_of(p_booking_id) AND t.booking_id = p_booking_id
$$;
COMMENT ON FUNCTION booking.booking_tickets(uuid) IS
    'A booking''s tickets (live first, then void): ticketId, seatId, rowLabel, seatNumber, status VALID|USED|VOID, keyId.';

-- ---------------------------------------------------------------------------------------------------------------
-- Scanning

CREATE FUNCTION booking_internal.ticket_cinema(p_ticket_id uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT booking_internal.showtime_cinema(booking.showtime_of(p_ticket_id))
$$;
COMMENT ON FUNCTION booking_internal.ticket_cinema(uuid) IS 'Cinema of a ticket (NULL if unknown).';

CREATE FUNCTION booking_internal.checkin_json(c booking.checkins) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('ticketId', c.ticket_id, 'scannedAt', c.scanned_at, 'door', c.door,
                              'deviceId', c.device_id, 'offline', c.offline, 'scannedBy', c.actor)
$$;
COMMENT ON FUNCTION booking_internal.checkin_json(booking.checkins) IS 'A scan as JSON (ticketId, scannedAt, door, deviceId, offline, scannedBy).';

CREATE FUNCTION booking.check_in(p_ticket_id uuid, p_key_id text, p_showtime_id uuid DEFAULT NULL,
                                 p_door text DEFAULT NULL, p_device_id text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('checkin', booking_internal.ticket_cinema(p_ticket_id));
    v_now timestamptz := booking.clock();
    t booking.tickets;
    v_starts timestamptz;
    v_movie text;
    v_opens timestamptz;
    v_seat booking.seats;
    v_first booking.checkins;
    v_id bigint;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);  -- durability class: the commit waits for the synchronous standby (docs/scaling.md)
    IF length(p_door) > 100 OR length(p_device_id) > 100 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'door and deviceId are at most 100 characters',
            jsonb_build_object('field', CASE WHEN length(p_door) > 100 THEN 'door' ELSE 'deviceId' END));
    END IF;
    SELECT * INTO t FROM booking.tickets WHERE showtime_id = booking.showtime_of(p_ticket_id) AND id = p_ticket_id;
    IF NOT FOUND OR t.key_id IS DISTINCT FROM p_key_id THEN
        PERFORM booking_internal.raise_error('TICKET_INVALID', 'not a ticket of this cinema chain',
            jsonb_build_object('reason', 'unknown ticket'));
    END IF;
    SELECT st.starts_at, m.title INTO v_starts, v_movie
      FROM booking.showtimes st JOIN booking.movies m ON m.id = st.movie_id WHERE st.id = t.showtime_id;
    SELECT * INTO v_seat FROM booking.seats WHERE id = t.seat_id;
    IF t.voided_at IS NOT NULL THEN
        PERFORM booking_internal.raise_error('TICKET_VOID',
            format('this ticket was voided (%s)', lower(replace(t.void_reason, '_', ' '))),
            jsonb_build_object('ticketId', t.id, 'voidedAt', t.voided_at, 'reason', t.void_reason));
    END IF;
    IF p_showtime_id IS NOT NULL AND p_showtime_id <> t.showtime_id THEN
        PERFORM booking_internal.raise_error('TICKET_WRONG_SHOWTIME',
            format('this ticket is for %s at %s, not this showtime', v_movie, v_starts),
            jsonb_build_object('ticketId', t.id, 'showtimeId', t.showtime_id, 'movie', v_movie, 'startsAt', v_starts,
                               'scannerShowtimeId', p_showtime_id));
    END IF;
    v_opens := v_starts - make_interval(mins => booking.setting('checkin_opens_minutes')::int);
    IF v_now < v_opens THEN
        PERFORM booking_internal.raise_error('TICKET_TOO_EARLY',
            format('check-in for this showtime opens at %s', v_opens),
            jsonb_build_object('ticketId', t.id, 'showtimeId', t.showtime_id, 'startsAt', v_starts, 'opensAt', v_opens));
    END IF;
    -- once only: the partial unique index checkins_one_admission decides between doors scanning at once
    INSERT INTO booking.checkins (ticket_id, showtime_id, scanned_at, door, device_id, actor, operator_id, api_key_id)
    VALUES (t.id, t.showtime_id, v_now, nullif(btrim(p_door), ''), nullif(btrim(p_device_id), ''),
            coalesce(v_actor.label, 'unknown'), v_actor.operator_id, v_actor.api_key_id)
    ON CONFLICT (showtime_id, ticket_id) WHERE undone_at IS NULL DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        SELECT * INTO v_first FROM booking.checkins c WHERE c.showtime_id = t.showtime_id AND c.ticket_id = t.id AND c.undone_at IS NULL;
        PERFORM booking_internal.raise_error('TICKET_ALREADY_USED',
            format('already checked in at %s%s', v_first.scanned_at, coalesce(' (door ' || v_first.door || ')', '')),
            jsonb_build_object('ticketId', t.id, 'firstScannedAt', v_first.scanned_at, 'door', v_first.door,
                               'deviceId', v_first.device_id, 'seatId', v_seat.code));
    END IF;
    PERFORM booking_internal.audit(v_actor, 'checkin.scan', 'ticket', t.id::text,
        jsonb_build_object('showtimeId', t.showtime_id, 'door', p_door, 'checkinId', v_id));
    RETURN jsonb_build_object('result', 'ADMITTED', 'ticketId', t.id, 'seatId', v_seat.code,
                              'rowLabel', v_seat.row_label, 'seatNumber', v_seat.seat_number, 'movie', v_movie,
                              'startsAt', v_starts, 'showtimeId', t.showtime_id, 'scannedAt', v_now,
                              'door', nullif(btrim(p_door), ''));
END $$;
COMMENT ON FUNCTION booking.check_in(uuid, text, uuid, text, text) IS
    'Admits a ticket (its code''s signature checked by the API): ADMITTED once; raises TICKET_INVALID (unknown '
    'ticket or key), TICKET_VOID, TICKET_WRONG_SHOWTIME (scanner set to another showtime), TICKET_TOO_EARLY (more '
    'than checkin_opens_minutes before the start), TICKET_ALREADY_USED (details.firstScannedAt, door; two doors at '
    'once: the unique index checkins_one_admission admits one), VALIDATION_ERROR, UNAUTHORIZED, FORBIDDEN (needs '
    'checkin). Audited.';

CREATE FUNCTION booking.undo_check_in(p_ticket_id uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('checkin', booking_internal.ticket_cinema(p_ticket_id));
    v_now timestamptz := booking.clock();
    c booking.checkins;
    t booking.tickets;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);  -- durability class: the commit waits for the synchronous standby (docs/scaling.md)
    SELECT * INTO t FROM booking.tickets WHERE showtime_id = booking.showtime_of(p_ticket_id) AND id = p_ticket_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('TICKET_INVALID', 'no such ticket', jsonb_build_object('ticketId', p_ticket_id));
    END IF;
    UPDATE booking.checkins x SET undone_at = v_now, undone_by = coalesce(v_actor.label, 'unknown')
     WHERE x.showtime_id = t.showtime_id AND x.ticket_id = p_ticket_id AND x.undone_at IS NULL
    RETURNING * INTO c;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('TICKET_NOT_CHECKED_IN', 'this ticket has not been checked in',
            jsonb_build_object('ticketId', p_ticket_id));
    END IF;
    PERFORM booking_internal.audit(v_actor, 'checkin.undo', 'ticket', p_ticket_id::text,
        jsonb_build_object('checkinId', c.id, 'scannedAt', c.scanned_at, 'door', c.door, 'scannedBy', c.actor));
    RETURN jsonb_build_object('ticketId', p_ticket_id, 'status', booking_internal.ticket_status(t), 'undoneAt', v_now,
                              'undone', booking_internal.checkin_json(c));
END $$;
COMMENT ON FUNCTION booking.undo_check_in(uuid) IS
    'Reverses a ticket''s admission (a mistaken scan): the scan keeps its row with undone_at, the ticket is VALID '
    'again; audited (checkin.undo). Raises TICKET_INVALID, TICKET_NOT_CHECKED_IN, UNAUTHORIZED, FORBIDDEN.';

-- ---------------------------------------------------------------------------------------------------------------
-- Offline scanners

CREATE FUNCTION booking.checkin_manifest(p_showtime_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_ctx record;
BEGIN
    PERFORM booking.require('checkin', booking_internal.showtime_cinema(p_showtime_id));
    SELECT st.id, st.starts_at, m.title, c.id AS cinema_id, c.name AS cinema, a.name AS auditorium INTO v_ctx
      FROM booking.showtimes st JOIN booking.movies m ON m.id = st.movie_id
      JOIN booking.auditoriums a ON a.id = st.auditorium_id JOIN booking.cinemas c ON c.id = a.cinema_id
     WHERE st.id = p_showtime_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('SHOWTIME_NOT_FOUND', format('showtime %s not found', p_showtime_id),
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    RETURN jsonb_build_object(
        'showtimeId', v_ctx.id, 'movie', v_ctx.title, 'startsAt', v_ctx.starts_at, 'cinemaId', v_ctx.cinema_id,
        'cinema', v_ctx.cinema, 'auditorium', v_ctx.auditorium,
        'opensAt', v_ctx.starts_at - make_interval(mins => booking.setting('checkin_opens_minutes')::int),
        'generatedAt', booking.clock(),
        'keys', (SELECT coalesce(jsonb_agg(k - 'createdAt' - 'retiredAt'), '[]') FROM jsonb_array_elements(booking.ticket_public_keys()) k),
        'tickets', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                        'ticketId', t.id, 'keyId', t.key_id, 'seatId', s.code, 'rowLabel', s.row_label,
                        'seatNumber', s.seat_number, 'status', booking_internal.ticket_status(t)) ORDER BY s.y, s.x), '[]')
                      FROM booking.tickets t JOIN booking.seats s ON s.id = t.seat_id WHERE t.showtime_id = p_showtime_id),
        'validTicketIds', (SELECT coalesce(jsonb_agg(t.id ORDER BY t.id), '[]') FROM booking.tickets t
                            WHERE t.showtime_id = p_showtime_id AND t.voided_at IS NULL),
        'voidTicketIds', (SELECT coalesce(jsonb_agg(t.id ORDER BY t.id), '[]') FROM booking.tickets t
                           WHERE t.showtime_id = p_showtime_id AND t.voided_at IS NOT NULL),
        'scans', (SELECT coalesce(jsonb_agg(booking_internal.checkin_json(c) ORDER BY c.scanned_at), '[]')
                    FROM booking.checkins c WHERE c.showtime_id = p_showtime_id AND c.undone_at IS NULL));
END $$;
COMMENT ON FUNCTION booking.checkin_manifest(uuid) IS
    'What an offline scanner needs for a showtime: public keys, its tickets (valid and void ids, seats), the scans '
    'so far, when check-in opens. Needs checkin. Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND.';

CREATE FUNCTION booking_internal.try_timestamptz(p text) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN p::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;
COMMENT ON FUNCTION booking_internal.try_timestamptz(text) IS 'Internal: text as a timestamptz, NULL when it is not one.';

-- Offline scans, uploaded: in scannedAt order, the first scan of a ticket is its admission; later ones come back
-- as DUPLICATE naming the first; a ticket void meanwhile is a CONFLICT (kept in booking.checkin_conflicts).
CREATE FUNCTION booking.sync_scans(p_scans jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('checkin', NULL);
    r record;
    t booking.tickets;
    v_first booking.checkins;
    v_id bigint;
    v_at timestamptz;
    v_results jsonb := '[]';
    v_res jsonb;
    v_admitted int := 0; v_dup int := 0; v_conf int := 0; v_inv int := 0;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);  -- durability class: the commit waits for the synchronous standby (docs/scaling.md)
    IF jsonb_typeof(p_scans) IS DISTINCT FROM 'array' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'the body is a list of scans', '{}');
    END IF;
    IF jsonb_array_length(p_scans) > 5000 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'at most 5000 scans per upload',
            jsonb_build_object('count', jsonb_array_length(p_scans)));
    END IF;
    -- the cinemas of every known ticket must be the actor's (one refusal refuses the upload: nothing changed)
    PERFORM booking.require('checkin', x.cinema)
       FROM (SELECT DISTINCT booking_internal.showtime_cinema(tk.showtime_id) AS cinema
               FROM jsonb_array_elements(p_scans) e JOIN booking.tickets tk
                 ON tk.id::text = e->>'ticketId'
                AND tk.showtime_id = booking.showtime_of(CASE WHEN e->>'ticketId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                                              THEN (e->>'ticketId')::uuid END)) x;
    FOR r IN SELECT e.value AS scan, e.ordinality - 1 AS idx,
                    e.value->>'ticketId' AS ticket_text, e.value->>'scannedAt' AS at_text,
                    nullif(btrim(e.value->>'door'), '') AS door, nullif(btrim(e.value->>'deviceId'), '') AS device
               FROM jsonb_array_elements(p_scans) WITH ORDINALITY e
              -- per ticket in scannedAt order (all that "first wins" needs), tickets in id order: concurrent
              -- uploads take the admission index's locks in one order, so they never deadlock
              ORDER BY e.value->>'ticketId', booking_internal.try_timestamptz(e.value->>'scannedAt') NULLS FIRST,
                       e.value->>'deviceId', e.ordinality LOOP
        IF jsonb_typeof(r.scan) <> 'object' OR r.ticket_text IS NULL
           OR r.ticket_text !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
           OR r.at_text IS NULL OR length(r.door) > 100 OR length(r.device) > 100 THEN
            PERFORM booking_internal.raise_error('VALIDATION_ERROR',
                format('scan %s: ticketId (uuid) and scannedAt (timestamp) are required; door and deviceId at most 100 characters', r.idx),
                jsonb_build_object('index', r.idx));
        END IF;
        BEGIN
            v_at := r.at_text::timestamptz;
        EXCEPTION WHEN others THEN
            PERFORM booking_internal.raise_error('VALIDATION_ERROR', format('scan %s: scannedAt is not a timestamp', r.idx),
                jsonb_build_object('index', r.idx, 'field', 'scannedAt'));
        END;
        v_res := jsonb_build_object('index', r.idx, 'ticketId', r.ticket_text, 'scannedAt', v_at, 'door', r.door,
                                    'deviceId', r.device);
        SELECT * INTO t FROM booking.tickets WHERE showtime_id = booking.showtime_of(r.ticket_text::uuid) AND id = r.ticket_text::uuid;
        IF NOT FOUND THEN
            v_inv := v_inv + 1;
            INSERT INTO booking.checkin_conflicts (ticket_id, scanned_at, door, device_id, reason, actor)
            VALUES (r.ticket_text::uuid, v_at, r.door, r.device, 'TICKET_INVALID', coalesce(v_actor.label, 'unknown'));
            v_results := v_results || (v_res || '{"result": "INVALID", "reason": "TICKET_INVALID"}');
            CONTINUE;
        END IF;
        IF t.voided_at IS NOT NULL THEN
            v_conf := v_conf + 1;
            INSERT INTO booking.checkin_conflicts (ticket_id, showtime_id, scanned_at, door, device_id, reason, actor)
            VALUES (t.id, t.showtime_id, v_at, r.door, r.device, 'TICKET_VOID', coalesce(v_actor.label, 'unknown'));
            v_results := v_results || (v_res || jsonb_build_object('result', 'CONFLICT', 'reason', 'TICKET_VOID',
                                                                   'voidedAt', t.voided_at, 'voidReason', t.void_reason));
            CONTINUE;
        END IF;
        -- a concurrent upload may supersede the live admission between our insert and our lock (its row is then
        -- undone and our FOR UPDATE finds none): try again against the admission that replaced it
        LOOP
            INSERT INTO booking.checkins (ticket_id, showtime_id, scanned_at, door, device_id, offline, actor, operator_id, api_key_id)
            VALUES (t.id, t.showtime_id, v_at, r.door, r.device, true, coalesce(v_actor.label, 'unknown'),
                    v_actor.operator_id, v_actor.api_key_id)
            ON CONFLICT (showtime_id, ticket_id) WHERE undone_at IS NULL DO NOTHING
            RETURNING id INTO v_id;
            IF v_id IS NOT NULL THEN
                v_admitted := v_admitted + 1;
                v_results := v_results || (v_res || '{"result": "ADMITTED"}');
                EXIT;
            END IF;
            SELECT * INTO v_first FROM booking.checkins c WHERE c.showtime_id = t.showtime_id AND c.ticket_id = t.id AND c.undone_at IS NULL FOR UPDATE;
            CONTINUE WHEN NOT FOUND;
            IF v_first.scanned_at > v_at THEN
                -- this scan came first: it becomes the admission, the later one is superseded (kept, undone)
                UPDATE booking.checkins SET undone_at = booking.clock(), undone_by = 'sync: earlier scan ' || coalesce(r.device, '')
                 WHERE showtime_id = v_first.showtime_id AND id = v_first.id;
                INSERT INTO booking.checkins (ticket_id, showtime_id, scanned_at, door, device_id, offline, actor, operator_id, api_key_id)
                VALUES (t.id, t.showtime_id, v_at, r.door, r.device, true, coalesce(v_actor.label, 'unknown'),
                        v_actor.operator_id, v_actor.api_key_id);
                v_admitted := v_admitted + 1;
                v_results := v_results || (v_res || jsonb_build_object('result', 'ADMITTED',
                                              'superseded', booking_internal.checkin_json(v_first)));
            ELSE
                v_dup := v_dup + 1;
                v_results := v_results || (v_res || jsonb_build_object('result', 'DUPLICATE',
                                              'firstScannedAt', v_first.scanned_at, 'firstDoor', v_first.door,
                                              'firstDeviceId', v_first.device_id, 'firstScannedBy', v_first.actor));
            END IF;
            EXIT;
        END LOOP;
    END LOOP;
    IF jsonb_array_length(p_scans) > 0 THEN
        PERFORM booking_internal.audit(v_actor, 'checkin.sync', 'showtime',
            coalesce((SELECT string_agg(DISTINCT booking.showtime_of((x->>'ticketId')::uuid)::text, ',')
                        FROM jsonb_array_elements(v_results) x WHERE x->>'result' <> 'INVALID'), '-'),
            jsonb_build_object('scans', jsonb_array_length(p_scans), 'admitted', v_admitted, 'duplicates', v_dup,
                               'conflicts', v_conf, 'invalid', v_inv));
    END IF;
    RETURN jsonb_build_object('admitted', v_admitted, 'duplicates', v_dup, 'conflicts', v_conf, 'invalid', v_inv,
        'results', (SELECT coalesce(jsonb_agg(x ORDER BY (x->>'index')::int), '[]') FROM jsonb_array_elements(v_results) x));
END $$;
COMMENT ON FUNCTION booking.sync_scans(jsonb) IS
    'Uploads offline scans [{ticketId, scannedAt, door, deviceId}]: by scannedAt the first scan of a ticket is its '
    'admission (an earlier synced scan supersedes a later one), later ones are DUPLICATE with firstScannedAt, '
    'firstDoor, firstDeviceId; a void ticket is CONFLICT and an unknown one INVALID (both kept in '
    'booking.checkin_conflicts). Results in upload order. Needs checkin for every ticket''s cinema. Raises '
    'VALIDATION_ERROR (a malformed upload), UNAUTHORIZED, FORBIDDEN. Audited.';

-- ---------------------------------------------------------------------------------------------------------------
-- Reporting (bi_reader: no personal data)

CREATE VIEW reporting.attendance AS
SELECT st.id AS showtime_id, c.id AS cinema_id, c.name AS cinema, a.name AS auditorium, m.title AS movie,
       st.starts_at,
       (st.starts_at AT TIME ZONE c.time_zone)::date AS date,
       (SELECT count(*) FROM booking.tickets t WHERE t.showtime_id = st.id AND t.voided_at IS NULL) AS sold,
       (SELECT count(*) FROM booking.checkins k JOIN booking.tickets t ON t.showtime_id = k.showtime_id AND t.id = k.ticket_id
         WHERE k.showtime_id = st.id AND k.undone_at IS NULL AND t.voided_at IS NULL) AS checked_in,
       (SELECT count(*) FROM booking.tickets t WHERE t.showtime_id = st.id AND t.voided_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM booking.checkins k WHERE k.showtime_id = t.showtime_id AND k.ticket_id = t.id
                              AND k.undone_at IS NULL)) AS no_shows,
       (SELECT coalesce(jsonb_object_agg(d.door, d.n), '{}') FROM (
           SELECT coalesce(k.door, '') AS door, count(*) AS n FROM booking.checkins k JOIN booking.tickets t ON t.showtime_id = k.showtime_id AND t.id = k.ticket_id
            WHERE k.showtime_id = st.id AND k.undone_at IS NULL AND t.voided_at IS NULL GROUP BY 1) d) AS by_door,
       (SELECT coalesce(jsonb_object_agg(q.quarter, q.n), '{}') FROM (
           SELECT to_char(date_bin('15 minutes', k.scanned_at AT TIME ZONE c.time_zone, timestamp '2000-01-01'),
                          'YYYY-MM-DD"T"HH24:MI') AS quarter, count(*) AS n
             FROM booking.checkins k JOIN booking.tickets t ON t.showtime_id = k.showtime_id AND t.id = k.ticket_id
            WHERE k.showtime_id = st.id AND k.undone_at IS NULL AND t.voided_at IS NULL GROUP BY 1) q) AS by_quarter_hour
  FROM booking.showtimes st
  JOIN booking.movies m ON m.id = st.movie_id
  JOIN booking.auditoriums a ON a.id = st.auditorium_id
  JOIN booking.cinemas c ON c.id = a.cinema_id
 WHERE EXISTS (SELECT 1 FROM booking.tickets t WHERE t.showtime_id = st.id);
COMMENT ON VIEW reporting.attendance IS
    'Per showtime with tickets: sold (live tickets), checked in, no-shows, admissions by door and by quarter hour '
    '(cinema local time). No personal data.';
COMMENT ON COLUMN reporting.attendance.showtime_id IS 'Showtime id.';
COMMENT ON COLUMN reporting.attendance.cinema_id IS 'Cinema id.';
COMMENT ON COLUMN reporting.attendance.cinema IS 'Cinema name.';
COMMENT ON COLUMN reporting.attendance.auditorium IS 'Auditorium name.';
COMMENT ON COLUMN reporting.attendance.movie IS 'Movie title.';
COMMENT ON COLUMN reporting.attendance.starts_at IS 'Start (timestamptz).';
COMMENT ON COLUMN reporting.attendance.date IS 'The cinema''s local date of the start.';
COMMENT ON COLUMN reporting.attendance.sold IS 'Live tickets (not void).';
COMMENT ON COLUMN reporting.attendance.checked_in IS 'Live tickets admitted (scans not undone; a ticket voided after its scan no longer counts).';
COMMENT ON COLUMN reporting.attendance.no_shows IS 'sold - checked_in (so far, while the show has not started).';
COMMENT ON COLUMN reporting.attendance.by_door IS 'Admissions per door, as JSON {"door": count} ("" = no door given).';
COMMENT ON COLUMN reporting.attendance.by_quarter_hour IS 'Admissions per quarter hour of local time, JSON {"YYYY-MM-DDTHH:MI": count}.';

-- Bookings confirmed before check-in existed (or while no key was current) get their tickets.
CREATE FUNCTION booking_internal.backfill_tickets() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n int := 0;
BEGIN
    FOR r IN SELECT b.id FROM booking.bookings b
              WHERE b.status = 'CONFIRMED'
                AND NOT EXISTS (SELECT 1 FROM booking.tickets t WHERE t.showtime_id = b.showtime_id AND t.booking_id = b.id) LOOP
        PERFORM booking_internal.sync_tickets(r.id);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
COMMENT ON FUNCTION booking_internal.backfill_tickets() IS
    'Internal (migrate): issues the tickets of CONFIRMED bookings that have none; returns how many bookings.';
