-- Issue 20: on-sale schedules and the virtual waiting room (docs/waiting-room.md).
-- booking.hold / booking.hold_batch read booking.on_sales in their context statement (one primary-key lookup, nothing
-- more for a showtime without a row) and ask booking_internal.on_sale_refusal only when a row exists.

-- The refusal (as booking.hold_batch writes refusals) of a hold on a showtime with an on-sale row, NULL when allowed:
-- NOT_YET_ON_SALE before opens_at; with a queue, ADMISSION_REQUIRED (no token, or not this session's) and
-- ADMISSION_EXPIRED (the admission window is over, or the buyer left).
CREATE FUNCTION booking_internal.on_sale_refusal(p_showtime_id uuid, p_session_token text, p_admission_token text,
                                                 p_opens_at timestamptz, p_queue boolean, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    e record;
BEGIN
    IF p_now < p_opens_at THEN
        RETURN booking_internal.batch_error('NOT_YET_ON_SALE', 'tickets for this showtime go on sale at ' || p_opens_at,
            jsonb_build_object('showtimeId', p_showtime_id, 'opensAt', p_opens_at));
    END IF;
    -- the waiting list's own offers (92_waitlist.sql: booking_internal.waitlist_match sets this for its holds, in
    -- its transaction; no API query sets a GUC) are a fair line of their own: they do not pass the waiting room
    IF NOT p_queue OR current_setting('marquee.waitlist_offer', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF coalesce(p_admission_token, '') = '' THEN
        RETURN booking_internal.batch_error('ADMISSION_REQUIRED',
            'this showtime sells through its waiting room: join the queue and send X-Admission-Token once admitted',
            jsonb_build_object('showtimeId', p_showtime_id, 'header', 'X-Admission-Token'));
    END IF;
    SELECT q.status, q.admitted_until, q.admission_token_hash INTO e
      FROM booking.queue_entries q WHERE q.showtime_id = p_showtime_id AND q.session_token = p_session_token;
    IF NOT FOUND OR e.admission_token_hash IS DISTINCT FROM sha256(convert_to(p_admission_token, 'UTF8')) THEN
        RETURN booking_internal.batch_error('ADMISSION_REQUIRED',
            'the admission token is not valid for this session and showtime',
            jsonb_build_object('showtimeId', p_showtime_id, 'header', 'X-Admission-Token'));
    END IF;
    IF e.status <> 'ADMITTED' OR e.admitted_until <= p_now THEN
        RETURN booking_internal.batch_error('ADMISSION_EXPIRED', 'the admission ended at ' || e.admitted_until,
            jsonb_build_object('showtimeId', p_showtime_id, 'admittedUntil', e.admitted_until));
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION booking_internal.on_sale_refusal(uuid, text, text, timestamptz, boolean, timestamptz) IS
    'Internal: why a hold on a showtime with an on-sale schedule is refused (NOT_YET_ON_SALE, ADMISSION_REQUIRED, '
    'ADMISSION_EXPIRED) as a hold_batch refusal, NULL when it may go on.';

-- The admission token of an admitted entry: derived from the secret key, never stored (its SHA-256 is).
CREATE FUNCTION booking_internal.admission_token(p_entry_id uuid, p_admitted_at timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(s.secret || ':' || p_entry_id || ':' || extract(epoch FROM p_admitted_at), 'UTF8')), 'hex')
      FROM booking_internal.queue_secret s
$$;
COMMENT ON FUNCTION booking_internal.admission_token(uuid, timestamptz) IS
    'Internal: the admission token of an entry admitted at that time (SHA-256 of the secret key, entry and time).';

-- The on-sale schedule as the API shows it.
CREATE FUNCTION booking_internal.on_sale_json(p_showtime_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('showtimeId', o.showtime_id, 'opensAt', o.opens_at, 'queue', o.queue,
                              'admitPerMinute', o.admit_per_minute, 'admissionMinutes', o.admission_minutes,
                              'paused', o.paused, 'updatedAt', o.updated_at)
      FROM booking.on_sales o WHERE o.showtime_id = p_showtime_id
$$;
COMMENT ON FUNCTION booking_internal.on_sale_json(uuid) IS 'Internal: an on-sale schedule as JSON (API field names).';

CREATE FUNCTION booking_internal.check_on_sale_args(p_opens_at timestamptz, p_admit_per_minute int,
                                                    p_admission_minutes int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_opens_at IS NULL THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'opensAt is required', jsonb_build_object('field', 'opensAt'));
    END IF;
    IF p_admit_per_minute IS NOT NULL AND p_admit_per_minute NOT BETWEEN 1 AND 100000 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'admitPerMinute must be 1..100000',
            jsonb_build_object('field', 'admitPerMinute'));
    END IF;
    IF p_admission_minutes IS NOT NULL AND p_admission_minutes NOT BETWEEN 1 AND 1440 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'admissionMinutes must be 1..1440',
            jsonb_build_object('field', 'admissionMinutes'));
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.check_on_sale_args(timestamptz, int, int) IS
    'Internal: the arguments of an on-sale schedule (a showtime''s or a movie''s); raises VALIDATION_ERROR naming the field.';

CREATE FUNCTION booking.set_on_sale(p_showtime_id uuid, p_opens_at timestamptz, p_queue boolean DEFAULT true,
                                    p_admit_per_minute int DEFAULT NULL, p_admission_minutes int DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('showtimes.manage', booking_internal.showtime_cinema(p_showtime_id));
BEGIN
    PERFORM booking.showtime_context(p_showtime_id);
    PERFORM booking_internal.check_on_sale_args(p_opens_at, p_admit_per_minute, p_admission_minutes);
    INSERT INTO booking.on_sales (showtime_id, opens_at, queue, admit_per_minute, admission_minutes, updated_by)
    VALUES (p_showtime_id, p_opens_at, coalesce(p_queue, true), p_admit_per_minute, coalesce(p_admission_minutes, 10),
            v_actor.label)
    ON CONFLICT (showtime_id) DO UPDATE
        SET opens_at = EXCLUDED.opens_at, queue = EXCLUDED.queue, admit_per_minute = EXCLUDED.admit_per_minute,
            admission_minutes = EXCLUDED.admission_minutes, updated_at = now(), updated_by = EXCLUDED.updated_by;
    PERFORM booking_internal.audit(v_actor, 'showtime.on_sale', 'showtime', p_showtime_id::text,
        booking_internal.on_sale_json(p_showtime_id));
    RETURN booking_internal.on_sale_json(p_showtime_id);
END $$;
COMMENT ON FUNCTION booking.set_on_sale(uuid, timestamptz, boolean, int, int) IS
    'Schedules (or changes) the on-sale of a showtime: opensAt, queue, admitPerMinute (NULL: derived), '
    'admissionMinutes (default 10). Needs showtimes.manage for its cinema. Raises UNAUTHORIZED, FORBIDDEN, '
    'SHOWTIME_NOT_FOUND, VALIDATION_ERROR; audited.';

CREATE FUNCTION booking.get_on_sale(p_showtime_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v jsonb;
BEGIN
    PERFORM booking.require('showtimes.manage', booking_internal.showtime_cinema(p_showtime_id));
    PERFORM booking.showtime_context(p_showtime_id);
    v := booking_internal.on_sale_json(p_showtime_id);
    IF v IS NULL THEN
        PERFORM booking_internal.raise_error('ON_SALE_NOT_FOUND', 'this showtime has no on-sale schedule',
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    RETURN v;
END $$;
COMMENT ON FUNCTION booking.get_on_sale(uuid) IS
    'The on-sale schedule of a showtime. Needs showtimes.manage. Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND, ON_SALE_NOT_FOUND.';

CREATE FUNCTION booking.cancel_on_sale(p_showtime_id uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('showtimes.manage', booking_internal.showtime_cinema(p_showtime_id));
    v jsonb;
BEGIN
    PERFORM booking.showtime_context(p_showtime_id);
    v := booking_internal.on_sale_json(p_showtime_id);
    IF v IS NULL THEN
        PERFORM booking_internal.raise_error('ON_SALE_NOT_FOUND', 'this showtime has no on-sale schedule',
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    DELETE FROM booking.on_sales WHERE showtime_id = p_showtime_id;  -- its waiting room goes with it
    PERFORM booking_internal.audit(v_actor, 'showtime.on_sale_cancelled', 'showtime', p_showtime_id::text, v);
    PERFORM pg_notify('queue_changes', p_showtime_id::text);
    RETURN v;
END $$;
COMMENT ON FUNCTION booking.cancel_on_sale(uuid) IS
    'Cancels the on-sale schedule (and its waiting room): holds are open again. Returns the schedule it removed. '
    'Needs showtimes.manage. Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND, ON_SALE_NOT_FOUND; audited.';

-- Admissions per minute: admit_per_minute, else derived from how fast admitted buyers finish (book or leave):
-- 1.5 x the places freed per minute over the last 5 minutes, at least 10 a minute.
CREATE FUNCTION booking_internal.queue_rate(p_showtime_id uuid, p_now timestamptz) RETURNS double precision
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_fixed int;
    v_freed bigint;
BEGIN
    SELECT o.admit_per_minute INTO v_fixed FROM booking.on_sales o WHERE o.showtime_id = p_showtime_id;
    IF v_fixed IS NOT NULL THEN
        RETURN v_fixed;
    END IF;
    SELECT count(*) INTO v_freed FROM booking.queue_entries q
     WHERE q.showtime_id = p_showtime_id AND q.freed_at > p_now - interval '5 minutes';
    RETURN greatest(10.0, 1.5 * v_freed / 5.0);
END $$;
COMMENT ON FUNCTION booking_internal.queue_rate(uuid, timestamptz) IS
    'Internal: admissions per minute of a waiting room: admitPerMinute, else max(10, 1.5 x places freed per minute '
    'over the last 5 minutes).';

-- At (or after) opensAt, once: everyone who joined before gets a random position 1..N (a permutation).
CREATE FUNCTION booking_internal.queue_draw(p_showtime_id uuid, p_now timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    o record;
    v_n bigint;
BEGIN
    SELECT * INTO o FROM booking.on_sales WHERE showtime_id = p_showtime_id;
    IF NOT FOUND OR o.drawn_at IS NOT NULL OR p_now < o.opens_at THEN
        RETURN false;
    END IF;
    SELECT * INTO o FROM booking.on_sales WHERE showtime_id = p_showtime_id FOR UPDATE;  -- waits for early joins
    IF o.drawn_at IS NOT NULL THEN
        RETURN false;
    END IF;
    WITH r AS (SELECT q.id, row_number() OVER (ORDER BY random()) AS n
                 FROM booking.queue_entries q WHERE q.showtime_id = p_showtime_id AND q.position IS NULL)
    UPDATE booking.queue_entries q SET position = r.n FROM r WHERE q.id = r.id;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    UPDATE booking.on_sales SET drawn_at = p_now, early_count = v_n, last_admit_at = p_now
     WHERE showtime_id = p_showtime_id;
    PERFORM pg_notify('queue_changes', p_showtime_id::text);
    RETURN true;
END $$;
COMMENT ON FUNCTION booking_internal.queue_draw(uuid, timestamptz) IS
    'Internal: the random order at opening: positions 1..N, a random permutation of everyone who joined before '
    'opensAt; later joiners get N + a sequence number (first come, first served). Runs once per waiting room.';

-- One entry as the API shows it.
CREATE FUNCTION booking_internal.queue_entry_json(p_entry_id uuid, p_now timestamptz) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    e record;
    v_pos bigint;
    v_rate double precision;
    v_wait bigint;
BEGIN
    SELECT q.*, o.opens_at, o.drawn_at INTO e
      FROM booking.queue_entries q JOIN booking.on_sales o ON o.showtime_id = q.showtime_id WHERE q.id = p_entry_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF e.status = 'WAITING' THEN
        IF e.position IS NULL THEN  -- before the draw: provisional, among those who joined before
            v_pos := 1 + (SELECT count(*) FROM booking.queue_entries q
                           WHERE q.showtime_id = e.showtime_id AND q.position IS NULL AND q.join_seq < e.join_seq);
        ELSE
            v_pos := 1 + (SELECT count(*) FROM booking.queue_entries q
                           WHERE q.showtime_id = e.showtime_id AND q.status = 'WAITING' AND q.position < e.position);
        END IF;
        v_rate := booking_internal.queue_rate(e.showtime_id, p_now);
        v_wait := greatest(0, ceil(extract(epoch FROM e.opens_at - p_now)))::bigint + ceil(60.0 * (v_pos - 1) / v_rate)::bigint;
    ELSE
        v_pos := 0;
        v_wait := 0;
    END IF;
    RETURN jsonb_build_object(
        'queueId', e.id, 'showtimeId', e.showtime_id, 'position', v_pos,
        'status', CASE WHEN e.status = 'ADMITTED' AND e.admitted_until <= p_now THEN 'EXPIRED' ELSE e.status END,
        'opensAt', e.opens_at, 'estimatedWaitSeconds', v_wait,
        'admissionToken', CASE WHEN e.status = 'ADMITTED' AND e.admitted_until > p_now
                               THEN booking_internal.admission_token(e.id, e.admitted_at) END,
        'admittedUntil', e.admitted_until);
END $$;
COMMENT ON FUNCTION booking_internal.queue_entry_json(uuid, timestamptz) IS
    'Internal: a waiting-room entry as the API shows it (queueId, showtimeId, position: 1 = next, status, opensAt, '
    'estimatedWaitSeconds, admissionToken only while ADMITTED, admittedUntil).';

-- Join a showtime's waiting room; idempotent per session token (the same entry again).
CREATE FUNCTION booking.queue_join(p_showtime_id uuid, p_session_token text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := booking.clock();
    o record;
    v_id uuid;
BEGIN
    IF coalesce(length(p_session_token), 0) NOT BETWEEN 1 AND 200 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'sessionToken is required (1-200 characters)',
            jsonb_build_object('field', 'sessionToken'));
    END IF;
    PERFORM booking.showtime_context(p_showtime_id);
    SELECT q.id INTO v_id FROM booking.queue_entries q
     WHERE q.showtime_id = p_showtime_id AND q.session_token = p_session_token;
    IF FOUND THEN
        RETURN booking_internal.queue_entry_json(v_id, v_now);
    END IF;
    SELECT * INTO o FROM booking.on_sales s WHERE s.showtime_id = p_showtime_id;
    IF NOT FOUND OR NOT o.queue THEN
        PERFORM booking_internal.raise_error('QUEUE_NOT_ENABLED', 'this showtime has no waiting room',
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    IF v_now >= o.opens_at THEN
        PERFORM booking_internal.queue_draw(p_showtime_id, v_now);
    END IF;
    -- Every join holds the schedule row FOR SHARE until it commits, and decides by what it reads under that lock:
    -- the draw and each admission step take the row FOR UPDATE, so they wait for the joins in flight. A join is
    -- either drawn (no position yet: the draw waits for it) or, when the draw committed while this join waited for
    -- the row (its clock still said "before"), placed after the drawn ones; and no admission step runs between a
    -- join's position number and its commit, so admission never passes over a smaller position.
    SELECT s.drawn_at, s.early_count, s.sold_out_at INTO o.drawn_at, o.early_count, o.sold_out_at
      FROM booking.on_sales s WHERE s.showtime_id = p_showtime_id FOR SHARE;
    IF o.drawn_at IS NULL THEN
        INSERT INTO booking.queue_entries (showtime_id, session_token, joined_at)
        VALUES (p_showtime_id, p_session_token, v_now)
        ON CONFLICT (showtime_id, session_token) DO NOTHING RETURNING id INTO v_id;
    ELSE
        INSERT INTO booking.queue_entries (showtime_id, session_token, joined_at, position, status)
        VALUES (p_showtime_id, p_session_token, v_now, o.early_count + nextval('booking.queue_position_seq'),
                CASE WHEN o.sold_out_at IS NULL THEN 'WAITING' ELSE 'SOLD_OUT' END)
        ON CONFLICT (showtime_id, session_token) DO NOTHING RETURNING id INTO v_id;
    END IF;
    IF v_id IS NULL THEN  -- the same session joined concurrently
        SELECT q.id INTO v_id FROM booking.queue_entries q
         WHERE q.showtime_id = p_showtime_id AND q.session_token = p_session_token;
    END IF;
    RETURN booking_internal.queue_entry_json(v_id, v_now);
END $$;
COMMENT ON FUNCTION booking.queue_join(uuid, text) IS
    'Joins the waiting room of a showtime for a session token (idempotent: the same entry again). Before opensAt the '
    'position is provisional (the order is drawn at random at opensAt); after, first come first served. Raises '
    'VALIDATION_ERROR, SHOWTIME_NOT_FOUND, QUEUE_NOT_ENABLED.';

CREATE FUNCTION booking.queue_entry(p_queue_id uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := booking.clock();
    v jsonb;
    v_showtime uuid;
BEGIN
    SELECT q.showtime_id INTO v_showtime FROM booking.queue_entries q WHERE q.id = p_queue_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('QUEUE_NOT_FOUND', format('no waiting-room entry %s', p_queue_id),
            jsonb_build_object('queueId', p_queue_id));
    END IF;
    PERFORM booking_internal.queue_draw(v_showtime, v_now);
    v := booking_internal.queue_entry_json(p_queue_id, v_now);
    RETURN v;
END $$;
COMMENT ON FUNCTION booking.queue_entry(uuid) IS
    'A waiting-room entry: position, status, estimated wait, admission token while ADMITTED. Raises QUEUE_NOT_FOUND.';

CREATE FUNCTION booking.queue_leave(p_queue_id uuid, p_session_token text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := booking.clock();
    e record;
BEGIN
    SELECT * INTO e FROM booking.queue_entries q WHERE q.id = p_queue_id FOR UPDATE;
    IF NOT FOUND OR e.session_token IS DISTINCT FROM p_session_token THEN
        PERFORM booking_internal.raise_error('QUEUE_NOT_FOUND', format('no waiting-room entry %s for this session', p_queue_id),
            jsonb_build_object('queueId', p_queue_id));
    END IF;
    IF e.status IN ('WAITING', 'ADMITTED') THEN
        UPDATE booking.queue_entries q
           SET status = 'EXPIRED', admitted_until = least(coalesce(q.admitted_until, v_now), v_now),
               freed_at = coalesce(q.freed_at, v_now)
         WHERE q.id = p_queue_id;
        PERFORM pg_notify('queue_changes', e.showtime_id::text);
    END IF;
    RETURN booking_internal.queue_entry_json(p_queue_id, v_now);
END $$;
COMMENT ON FUNCTION booking.queue_leave(uuid, text) IS
    'Leaves the waiting room (or gives up an admission): the entry becomes EXPIRED and its place goes to the next. '
    'Raises QUEUE_NOT_FOUND (also when the session token is not the entry''s).';

-- One admission step of one waiting room (docs/waiting-room.md, "Admission"). p_extra admits that many more now.
CREATE FUNCTION booking_internal.queue_admit(p_showtime_id uuid, p_now timestamptz, p_extra int DEFAULT 0)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    o record;
    v_free bigint;
    v_active bigint;
    v_rate double precision;
    v_credit double precision;
    v_n int;
    v_changed int := 0;
    v_aud uuid;
BEGIN
    PERFORM booking_internal.queue_draw(p_showtime_id, p_now);
    SELECT * INTO o FROM booking.on_sales WHERE showtime_id = p_showtime_id FOR UPDATE;
    IF NOT FOUND OR NOT o.queue OR p_now < o.opens_at THEN
        RETURN 0;
    END IF;
    -- admitted buyers who booked free their place (they keep their window)
    UPDATE booking.queue_entries q SET freed_at = p_now
     WHERE q.showtime_id = p_showtime_id AND q.status = 'ADMITTED' AND q.freed_at IS NULL
       AND EXISTS (SELECT 1 FROM booking.bookings b WHERE b.showtime_id = p_showtime_id AND b.session_token = q.session_token
                      AND (b.status = 'CONFIRMED' OR (b.status = 'PENDING_PAYMENT' AND b.payment_deadline > p_now)));
    -- admissions that ran out
    UPDATE booking.queue_entries q SET status = 'EXPIRED', freed_at = coalesce(q.freed_at, p_now)
     WHERE q.showtime_id = p_showtime_id AND q.status = 'ADMITTED' AND q.admitted_until <= p_now;
    GET DIAGNOSTICS v_changed = ROW_COUNT;
    -- seats nobody holds, has booked or blocked
    SELECT st.auditorium_id INTO v_aud FROM booking.showtimes st WHERE st.id = p_showtime_id;
    SELECT count(*) INTO v_free FROM booking.seats s
     WHERE s.auditorium_id = v_aud AND s.is_active
       AND EXISTS (SELECT 1 FROM booking.prices p WHERE p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type)
       AND NOT EXISTS (SELECT 1 FROM booking.seat_claims c WHERE c.showtime_id = p_showtime_id AND c.seat_id = s.id
                          AND c.during && tstzrange(p_now, NULL) AND c.kind <> 'HOLD');
    IF v_free = 0 THEN  -- sold out: everyone still waiting is told at once
        UPDATE booking.queue_entries q SET status = 'SOLD_OUT' WHERE q.showtime_id = p_showtime_id AND q.status = 'WAITING';
        GET DIAGNOSTICS v_n = ROW_COUNT;
        UPDATE booking.on_sales SET sold_out_at = coalesce(sold_out_at, p_now) WHERE showtime_id = p_showtime_id;
        IF v_n + v_changed > 0 THEN
            PERFORM pg_notify('queue_changes', p_showtime_id::text);
        END IF;
        RETURN 0;
    END IF;
    UPDATE booking.on_sales SET sold_out_at = NULL WHERE showtime_id = p_showtime_id AND sold_out_at IS NOT NULL;
    v_rate := booking_internal.queue_rate(p_showtime_id, p_now);
    v_credit := CASE WHEN o.paused THEN 0
                     ELSE least(greatest(v_rate, 1), o.admit_credit
                                + v_rate * extract(epoch FROM p_now - coalesce(o.last_admit_at, o.opens_at)) / 60.0) END;
    -- never more admitted buyers still shopping than seats nobody has taken yet
    SELECT count(*) INTO v_active FROM booking.queue_entries q
     WHERE q.showtime_id = p_showtime_id AND q.status = 'ADMITTED' AND q.freed_at IS NULL;
    SELECT count(*) INTO v_free FROM booking.seats s
     WHERE s.auditorium_id = v_aud AND s.is_active
       AND EXISTS (SELECT 1 FROM booking.prices p WHERE p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type)
       AND NOT EXISTS (SELECT 1 FROM booking.seat_claims c WHERE c.showtime_id = p_showtime_id AND c.seat_id = s.id
                          AND c.during && tstzrange(p_now, NULL));
    v_n := least(floor(v_credit)::int, greatest(0, v_free - v_active)::int) + greatest(coalesce(p_extra, 0), 0);
    IF v_n > 0 THEN
        WITH next AS (
            SELECT q.id FROM booking.queue_entries q
             WHERE q.showtime_id = p_showtime_id AND q.status = 'WAITING' AND q.position IS NOT NULL
             ORDER BY q.position LIMIT v_n FOR UPDATE)
        UPDATE booking.queue_entries q
           SET status = 'ADMITTED', admitted_at = p_now,
               admitted_until = p_now + make_interval(mins => o.admission_minutes),
               admission_token_hash = sha256(convert_to(booking_internal.admission_token(q.id, p_now), 'UTF8'))
          FROM next WHERE q.id = next.id;
        GET DIAGNOSTICS v_n = ROW_COUNT;
    END IF;
    UPDATE booking.on_sales
       SET admit_credit = greatest(0, v_credit - greatest(v_n - greatest(coalesce(p_extra, 0), 0), 0)), last_admit_at = p_now
     WHERE showtime_id = p_showtime_id;
    IF v_n + v_changed > 0 THEN
        PERFORM pg_notify('queue_changes', p_showtime_id::text);
    END IF;
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking_internal.queue_admit(uuid, timestamptz, int) IS
    'Internal: one admission step: draw if due, free the places of admitted buyers who booked, expire ended '
    'admissions, SOLD_OUT to everyone waiting when no seat is left, then admit in position order as many as the rate '
    'has earned since the last step (capped by the seats nobody has taken minus buyers still shopping), plus p_extra.';

CREATE FUNCTION booking.queue_tick() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := booking.clock();
    r record;
    v int := 0;
BEGIN
    FOR r IN SELECT o.showtime_id FROM booking.on_sales o JOIN booking.showtimes st ON st.id = o.showtime_id
              WHERE o.queue AND o.opens_at <= v_now AND st.starts_at > v_now AND NOT st.is_cancelled
              ORDER BY o.showtime_id LOOP
        v := v + booking_internal.queue_admit(r.showtime_id, v_now);
    END LOOP;
    RETURN v;
END $$;
COMMENT ON FUNCTION booking.queue_tick() IS
    'The admission job: one admission step for every open waiting room; returns how many buyers it admitted. Run '
    'every QUEUE_ADMIT_SECONDS by the elected leader (marquee/queue/admitter.py); running it more often or twice is harmless.';

CREATE FUNCTION booking.queue_status(p_showtime_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_now timestamptz := booking.clock();
    v jsonb;
BEGIN
    SELECT jsonb_build_object(
        'showtimeId', o.showtime_id, 'opensAt', o.opens_at, 'queue', o.queue, 'paused', o.paused,
        'drawnAt', o.drawn_at, 'soldOutAt', o.sold_out_at,
        'admitPerMinute', o.admit_per_minute, 'admissionRate', booking_internal.queue_rate(o.showtime_id, v_now),
        'waiting', (SELECT count(*) FROM booking.queue_entries q WHERE q.showtime_id = o.showtime_id AND q.status = 'WAITING'),
        'admitted', (SELECT count(*) FROM booking.queue_entries q WHERE q.showtime_id = o.showtime_id AND q.status = 'ADMITTED'
                        AND q.admitted_until > v_now),
        'shopping', (SELECT count(*) FROM booking.queue_entries q WHERE q.showtime_id = o.showtime_id AND q.status = 'ADMITTED'
                        AND q.admitted_until > v_now AND q.freed_at IS NULL),
        'expired', (SELECT count(*) FROM booking.queue_entries q WHERE q.showtime_id = o.showtime_id
                       AND (q.status = 'EXPIRED' OR (q.status = 'ADMITTED' AND q.admitted_until <= v_now))),
        'soldOut', (SELECT count(*) FROM booking.queue_entries q WHERE q.showtime_id = o.showtime_id AND q.status = 'SOLD_OUT'),
        'soldSeats', (SELECT count(*) FROM booking.seat_claims c WHERE c.showtime_id = o.showtime_id AND c.kind = 'BOOKING'
                         AND c.during && tstzrange(v_now, NULL)))
      INTO v
      FROM booking.on_sales o WHERE o.showtime_id = p_showtime_id;
    IF v IS NULL THEN
        PERFORM booking_internal.raise_error('ON_SALE_NOT_FOUND', 'this showtime has no on-sale schedule',
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    RETURN v;
END $$;
COMMENT ON FUNCTION booking.queue_status(uuid) IS
    'A waiting room at a glance (psql, admin page): waiting, admitted, shopping, expired, soldOut counts, the '
    'admission rate, sold seats, paused, drawnAt. No personal data. Raises ON_SALE_NOT_FOUND.';

-- DBA steering (psql as booking_admin): pause / resume, admit more now.
CREATE FUNCTION booking_ops.queue_pause(p_showtime_id uuid, p_paused boolean DEFAULT true) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE booking.on_sales SET paused = coalesce(p_paused, true), admit_credit = 0, last_admit_at = booking.clock(),
                                updated_at = now(), updated_by = 'dba'
     WHERE showtime_id = p_showtime_id;
    RETURN booking.queue_status(p_showtime_id);
END $$;
COMMENT ON FUNCTION booking_ops.queue_pause(uuid, boolean) IS
    'DBA: pauses (true) or resumes (false) admissions from a waiting room; returns booking.queue_status.';

CREATE FUNCTION booking_ops.queue_admit(p_showtime_id uuid, p_count int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN booking_internal.queue_admit(p_showtime_id, booking.clock(), p_count);
END $$;
COMMENT ON FUNCTION booking_ops.queue_admit(uuid, int) IS
    'DBA: admits p_count more buyers now, in position order (on top of what the rate allows); returns how many were admitted.';

CREATE FUNCTION booking.queue_status_admin(p_showtime_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM booking.require('showtimes.manage', booking_internal.showtime_cinema(p_showtime_id));
    PERFORM booking.showtime_context(p_showtime_id);
    RETURN booking.queue_status(p_showtime_id);
END $$;
COMMENT ON FUNCTION booking.queue_status_admin(uuid) IS
    'booking.queue_status for the admin page: needs showtimes.manage for the showtime''s cinema. Raises UNAUTHORIZED, '
    'FORBIDDEN, SHOWTIME_NOT_FOUND, ON_SALE_NOT_FOUND.';

-- The showtime page (marquee/web): whether a showtime sells through a waiting room, public (no operator data).
CREATE FUNCTION booking.waiting_room(p_showtime_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('showtimeId', o.showtime_id, 'opensAt', o.opens_at, 'queue', o.queue,
                              'open', o.opens_at <= booking.clock(), 'soldOut', o.sold_out_at IS NOT NULL)
      FROM booking.on_sales o WHERE o.showtime_id = p_showtime_id
$$;
COMMENT ON FUNCTION booking.waiting_room(uuid) IS
    'Public: the on-sale of a showtime as the showtime page needs it (opensAt, queue, open, soldOut), NULL when it '
    'has none. Raises nothing.';

-- "or for all showtimes of a movie" (issue 20): the same schedule on every showtime of a movie that has not started
-- and is not cancelled, in one cinema (p_cinema_id) or in all. All or nothing: the operator needs showtimes.manage
-- for the cinema of every one of them, else FORBIDDEN and nothing changes.
CREATE FUNCTION booking_internal.movie_showtimes_to_schedule(p_movie_id uuid, p_cinema_id uuid)
RETURNS TABLE (showtime_id uuid, cinema_id uuid) LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM booking.require('showtimes.manage', p_cinema_id);
    IF NOT EXISTS (SELECT 1 FROM booking.movies m WHERE m.id = p_movie_id) THEN
        PERFORM booking_internal.raise_error('MOVIE_NOT_FOUND', format('movie %s not found', p_movie_id),
            jsonb_build_object('movieId', p_movie_id));
    END IF;
    IF p_cinema_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM booking.cinemas c WHERE c.id = p_cinema_id) THEN
        PERFORM booking_internal.raise_error('CINEMA_NOT_FOUND', format('cinema %s not found', p_cinema_id),
            jsonb_build_object('cinemaId', p_cinema_id));
    END IF;
    RETURN QUERY
        SELECT st.id, a.cinema_id FROM booking.showtimes st JOIN booking.auditoriums a ON a.id = st.auditorium_id
         WHERE st.movie_id = p_movie_id AND NOT st.is_cancelled AND st.starts_at > booking.clock()
           AND (p_cinema_id IS NULL OR a.cinema_id = p_cinema_id)
         ORDER BY st.starts_at, st.id;
END $$;
COMMENT ON FUNCTION booking_internal.movie_showtimes_to_schedule(uuid, uuid) IS
    'Internal: the showtimes of a movie (in one cinema or all) that have not started and are not cancelled. Raises '
    'UNAUTHORIZED, FORBIDDEN (no showtimes.manage at all, or not for p_cinema_id), MOVIE_NOT_FOUND, CINEMA_NOT_FOUND.';

-- The standing schedules of a movie as the API shows them: in one cinema (those that apply there: its own and the
-- chain-wide one) or all of the movie's.
CREATE FUNCTION booking_internal.movie_standing_json(p_movie_id uuid, p_cinema_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('cinemaId', m.cinema_id, 'opensAt', m.opens_at, 'queue', m.queue,
                                                 'admitPerMinute', m.admit_per_minute,
                                                 'admissionMinutes', m.admission_minutes, 'updatedAt', m.updated_at)
                              ORDER BY m.cinema_id NULLS FIRST), '[]')
      FROM booking.movie_on_sales m
     WHERE m.movie_id = p_movie_id AND (p_cinema_id IS NULL OR m.cinema_id IS NULL OR m.cinema_id = p_cinema_id)
$$;
COMMENT ON FUNCTION booking_internal.movie_standing_json(uuid, uuid) IS
    'Internal: a movie''s standing on-sale schedules (booking.movie_on_sales) as JSON: those that apply in a cinema, '
    'or all when p_cinema_id is NULL.';

-- A showtime created after PUT /api/admin/movies/{movieId}/on-sale takes the movie's standing schedule: the one of
-- its cinema, else the chain-wide one (when its cinema is within the scope of the operator who set it).
CREATE FUNCTION booking_internal.showtime_takes_movie_on_sale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    m record;
BEGIN
    IF NEW.is_cancelled OR NEW.starts_at <= booking.clock() THEN
        RETURN NULL;
    END IF;
    SELECT s.* INTO m FROM booking.movie_on_sales s JOIN booking.auditoriums a ON a.id = NEW.auditorium_id
     WHERE s.movie_id = NEW.movie_id AND (s.cinema_id IS NULL OR s.cinema_id = a.cinema_id)
       AND (s.scope_cinema_ids IS NULL OR a.cinema_id = ANY (s.scope_cinema_ids))
     ORDER BY s.cinema_id IS NULL, s.updated_at DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO booking.on_sales (showtime_id, opens_at, queue, admit_per_minute, admission_minutes, updated_by)
    VALUES (NEW.id, m.opens_at, m.queue, m.admit_per_minute, m.admission_minutes, m.updated_by)
    ON CONFLICT (showtime_id) DO NOTHING;
    PERFORM booking_internal.audit(coalesce(booking_internal.history_actor(), m.updated_by), 'showtime.on_sale',
        'showtime', NEW.id::text, booking_internal.on_sale_json(NEW.id) || jsonb_build_object('from', 'movie'));
    RETURN NULL;
END $$;
COMMENT ON FUNCTION booking_internal.showtime_takes_movie_on_sale() IS
    'Trigger (after a showtime is created): a showtime of a movie with a standing on-sale schedule '
    '(booking.movie_on_sales: its cinema''s, else the chain-wide one within its setter''s cinemas) gets it in '
    'booking.on_sales; audited.';

CREATE TRIGGER showtimes_take_movie_on_sale AFTER INSERT ON booking.showtimes
    FOR EACH ROW EXECUTE FUNCTION booking_internal.showtime_takes_movie_on_sale();

CREATE FUNCTION booking.set_movie_on_sale(p_movie_id uuid, p_cinema_id uuid, p_opens_at timestamptz,
                                          p_queue boolean DEFAULT true, p_admit_per_minute int DEFAULT NULL,
                                          p_admission_minutes int DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r record;
    v jsonb := '[]';
    v_actor booking.actor;
BEGIN
    PERFORM booking_internal.check_on_sale_args(p_opens_at, p_admit_per_minute, p_admission_minutes);
    FOR r IN SELECT * FROM booking_internal.movie_showtimes_to_schedule(p_movie_id, p_cinema_id) LOOP
        -- checks showtimes.manage for each showtime's cinema (FORBIDDEN rolls back the ones done), validates, audits
        v := v || booking.set_on_sale(r.showtime_id, p_opens_at, p_queue, p_admit_per_minute, p_admission_minutes);
    END LOOP;
    -- the standing schedule: showtimes of the movie created later take it (booking_internal.showtime_takes_movie_on_sale),
    -- within the cinemas of this operator (an operator of some cinemas never schedules another's)
    v_actor := booking.require('showtimes.manage', p_cinema_id);
    INSERT INTO booking.movie_on_sales AS m (movie_id, cinema_id, scope_cinema_ids, opens_at, queue, admit_per_minute,
                                             admission_minutes, updated_by)
    VALUES (p_movie_id, p_cinema_id, v_actor.cinema_ids, p_opens_at, coalesce(p_queue, true), p_admit_per_minute,
            coalesce(p_admission_minutes, 10), v_actor.label)
    ON CONFLICT (movie_id, cinema_id) DO UPDATE
        SET scope_cinema_ids = EXCLUDED.scope_cinema_ids, opens_at = EXCLUDED.opens_at, queue = EXCLUDED.queue,
            admit_per_minute = EXCLUDED.admit_per_minute, admission_minutes = EXCLUDED.admission_minutes,
            updated_at = now(), updated_by = EXCLUDED.updated_by;
    PERFORM booking_internal.audit(v_actor, 'movie.on_sale', 'movie', p_movie_id::text,
        jsonb_build_object('cinemaId', p_cinema_id, 'opensAt', p_opens_at, 'count', jsonb_array_length(v)));
    RETURN jsonb_build_object('movieId', p_movie_id, 'cinemaId', p_cinema_id, 'count', jsonb_array_length(v),
                              'showtimes', v, 'standing', booking_internal.movie_standing_json(p_movie_id, p_cinema_id));
END $$;
COMMENT ON FUNCTION booking.set_movie_on_sale(uuid, uuid, timestamptz, boolean, int, int) IS
    'Schedules the same on-sale (booking.set_on_sale) for every showtime of a movie that has not started and is not '
    'cancelled, in one cinema (p_cinema_id) or in all; all or nothing; and keeps it as the movie''s standing '
    'schedule (booking.movie_on_sales) for its showtimes created later. Returns {movieId, cinemaId, count, showtimes, standing}. '
    'Raises UNAUTHORIZED, FORBIDDEN (showtimes.manage is needed for every cinema involved), MOVIE_NOT_FOUND, '
    'CINEMA_NOT_FOUND, SHOWTIME_NOT_FOUND, VALIDATION_ERROR; each showtime audited.';

CREATE FUNCTION booking.movie_on_sales(p_movie_id uuid, p_cinema_id uuid DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    r record;
    v jsonb := '[]';
BEGIN
    FOR r IN SELECT * FROM booking_internal.movie_showtimes_to_schedule(p_movie_id, p_cinema_id) LOOP
        PERFORM booking.require('showtimes.manage', r.cinema_id);
        IF EXISTS (SELECT 1 FROM booking.on_sales o WHERE o.showtime_id = r.showtime_id) THEN
            v := v || jsonb_build_array(booking_internal.on_sale_json(r.showtime_id));
        END IF;
    END LOOP;
    RETURN jsonb_build_object('movieId', p_movie_id, 'cinemaId', p_cinema_id, 'count', jsonb_array_length(v),
                              'showtimes', v, 'standing', booking_internal.movie_standing_json(p_movie_id, p_cinema_id));
END $$;
COMMENT ON FUNCTION booking.movie_on_sales(uuid, uuid) IS
    'The on-sale schedules of a movie''s showtimes that have not started (in one cinema or all); showtimes without '
    'one are left out; standing: the movie''s standing schedules that later showtimes (there) take. Raises '
    'UNAUTHORIZED, FORBIDDEN, MOVIE_NOT_FOUND, CINEMA_NOT_FOUND.';

CREATE FUNCTION booking.cancel_movie_on_sale(p_movie_id uuid, p_cinema_id uuid DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    v jsonb := '[]';
    v_actor booking.actor;
    v_n bigint;
BEGIN
    FOR r IN SELECT * FROM booking_internal.movie_showtimes_to_schedule(p_movie_id, p_cinema_id) LOOP
        PERFORM booking.require('showtimes.manage', r.cinema_id);  -- all or nothing, before anything is removed
    END LOOP;
    FOR r IN SELECT * FROM booking_internal.movie_showtimes_to_schedule(p_movie_id, p_cinema_id) s
              WHERE EXISTS (SELECT 1 FROM booking.on_sales o WHERE o.showtime_id = s.showtime_id) LOOP
        v := v || booking.cancel_on_sale(r.showtime_id);
    END LOOP;
    -- the standing schedules: with cinemaId that cinema's; without, the movie's every one this operator could have
    -- set (an operator of some cinemas leaves a chain-wide one in place: it shows in "standing")
    v_actor := booking.require('showtimes.manage', p_cinema_id);
    WITH gone AS (
        DELETE FROM booking.movie_on_sales m
         WHERE m.movie_id = p_movie_id
           AND (CASE WHEN p_cinema_id IS NOT NULL THEN m.cinema_id = p_cinema_id
                     ELSE v_actor.cinema_ids IS NULL OR m.cinema_id = ANY (v_actor.cinema_ids)
                          OR (m.cinema_id IS NULL AND m.scope_cinema_ids <@ v_actor.cinema_ids) END)
        RETURNING m.cinema_id)
    SELECT count(*) INTO v_n FROM gone;
    IF v_n > 0 THEN
        PERFORM booking_internal.audit(v_actor, 'movie.on_sale_cancelled', 'movie', p_movie_id::text,
            jsonb_build_object('cinemaId', p_cinema_id, 'standing', v_n));
    END IF;
    RETURN jsonb_build_object('movieId', p_movie_id, 'cinemaId', p_cinema_id, 'count', jsonb_array_length(v),
                              'showtimes', v, 'standing', booking_internal.movie_standing_json(p_movie_id, p_cinema_id));
END $$;
COMMENT ON FUNCTION booking.cancel_movie_on_sale(uuid, uuid) IS
    'Cancels the on-sale schedules (and waiting rooms) of every showtime of a movie that has not started (in one '
    'cinema or all) and the movie''s standing schedules there (those the operator could set); returns the schedules '
    'removed and the standing ones left. Raises UNAUTHORIZED, FORBIDDEN, MOVIE_NOT_FOUND, CINEMA_NOT_FOUND, '
    'SHOWTIME_NOT_FOUND; each showtime audited.';
