-- Delivery of booking.outbox rows: the relay claims due rows and hands them to Dramatiq, a worker sends each
-- email once, failures back off exponentially and are finally parked FAILED, stale in-flight rows are recovered.
--
-- Status flow: PENDING -(relay claims)-> QUEUED -(worker begins)-> SENDING -> SENT
--              SENDING -(SMTP error)-> PENDING again later (backoff) or FAILED after outbox_max_attempts
--              QUEUED/SENDING too long -> PENDING (Redis lost it / the worker died): sent again, same Message-ID.
-- A delivery only sends after winning the QUEUED -> SENDING transition, so duplicates in Redis send nothing.

-- Claim due rows for the caller's transaction. SKIP LOCKED lets several relays run: each takes other rows.
-- The caller enqueues them and commits; if the enqueue fails it rolls back and the rows stay PENDING.
CREATE FUNCTION booking.outbox_claim_due(p_limit int DEFAULT 100)
RETURNS TABLE (id bigint, kind text, booking_id uuid, attempts int)
LANGUAGE sql AS $$
    WITH due AS (
        SELECT o.id FROM booking.outbox o
         WHERE o.status = 'PENDING' AND o.due_at <= booking.clock()
         ORDER BY o.due_at, o.id
         LIMIT greatest(p_limit, 1)
           FOR UPDATE SKIP LOCKED)
    UPDATE booking.outbox o SET status = 'QUEUED', locked_at = booking.clock()
      FROM due WHERE o.id = due.id
    RETURNING o.id, o.kind, o.booking_id, o.attempts
$$;
COMMENT ON FUNCTION booking.outbox_claim_due(int) IS
    'Marks up to p_limit due PENDING outbox rows QUEUED (FOR UPDATE SKIP LOCKED) and returns them; the relay '
    'enqueues them to Dramatiq before committing, or rolls back when Redis is unreachable.';

-- When the next PENDING row falls due, so the relay can sleep exactly that long (retries, reminders).
CREATE FUNCTION booking.outbox_next_due() RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT min(o.due_at) FROM booking.outbox o WHERE o.status = 'PENDING'
$$;
COMMENT ON FUNCTION booking.outbox_next_due() IS 'Earliest due_at of a PENDING outbox row (NULL when none).';

-- Everything a template needs for one outbox row: the booking as JSON plus the message's own payload and
-- the start time already rendered in the cinema's zone (time rules stay in SQL).
-- A waiting-list offer (issue 21) has no booking: its entry gives the recipient and the showtime the rest.
CREATE FUNCTION booking.mail_context(p_outbox_id bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(booking.booking_json(o.booking_id), jsonb_build_object(
        'waitlistId', w.id, 'bookingReference', '', 'showtimeId', st.id, 'startsAt', st.starts_at, 'movie', m.title,
        'cinema', c.name, 'auditorium', a.name, 'userDetails', jsonb_build_object('name', w.name, 'email', w.email)))
      || jsonb_build_object(
        'outboxId', o.id, 'kind', o.kind, 'dedupKey', o.dedup_key, 'payload', o.payload,
        'endsAt', st.starts_at + make_interval(mins => m.duration_minutes),
        'durationMinutes', m.duration_minutes,
        'localStartsAtText', to_char(st.starts_at AT TIME ZONE c.time_zone, 'FMDay FMDD FMMonth YYYY, HH24:MI')
                             || ' (' || c.time_zone || ')',
        'cinemaCity', c.city)
      FROM booking.outbox o
      LEFT JOIN booking.waitlist w ON w.showtime_id = o.showtime_id AND w.id = o.waitlist_id
      JOIN booking.showtimes st ON st.id = o.showtime_id
      JOIN booking.movies m ON m.id = st.movie_id
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.cinemas c ON c.id = a.cinema_id
     WHERE o.id = p_outbox_id
$$;
COMMENT ON FUNCTION booking.mail_context(bigint) IS
    'booking_json of the message''s booking plus kind, payload, endsAt and the local start time as text, for templates.';

-- A worker asks before sending. Only the delivery that moves the row QUEUED -> SENDING may send; anything else
-- (already sent, in flight elsewhere, parked, a duplicate from Redis) gets NULL and sends nothing.
-- A reminder is skipped at the last moment if the booking is no longer confirmed or the show has started.
CREATE FUNCTION booking.outbox_begin_send(p_outbox_id bigint)
RETURNS TABLE (id bigint, kind text, attempt int, context jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    o booking.outbox;
    v_now timestamptz := booking.clock();
BEGIN
    SELECT * INTO o FROM booking.outbox x WHERE x.id = p_outbox_id FOR UPDATE;
    IF o.id IS NULL OR o.status <> 'QUEUED' THEN
        RETURN;
    END IF;
    IF o.kind = 'REMINDER' AND EXISTS (
        SELECT 1 FROM booking.bookings b JOIN booking.showtimes st ON st.id = b.showtime_id
         WHERE b.id = o.booking_id AND (b.status <> 'CONFIRMED' OR st.starts_at <= v_now OR st.is_cancelled)) THEN
        UPDATE booking.outbox x SET status = 'SKIPPED', locked_at = NULL,
               last_error = 'reminder no longer due: booking not confirmed or show started'
         WHERE x.id = o.id;
        RETURN;
    END IF;
    UPDATE booking.outbox x SET status = 'SENDING', attempts = x.attempts + 1, locked_at = v_now
     WHERE x.id = o.id RETURNING * INTO o;
    RETURN QUERY SELECT o.id, o.kind, o.attempts, booking.mail_context(o.id);
END $$;
COMMENT ON FUNCTION booking.outbox_begin_send(bigint) IS
    'Moves a QUEUED outbox row to SENDING (attempts + 1) and returns its mail context; returns no row when this '
    'delivery must not send (already sent or in flight, parked, or a reminder that is no longer due: then SKIPPED).';

-- The SMTP server accepted the email. Idempotent; also wins over a recovery that re-queued a slow send.
CREATE FUNCTION booking.outbox_mark_sent(p_outbox_id bigint) RETURNS boolean LANGUAGE sql AS $$
    WITH done AS (
        UPDATE booking.outbox o SET status = 'SENT', sent_at = booking.clock(), locked_at = NULL, failed_at = NULL
         WHERE o.id = p_outbox_id AND o.status <> 'SENT'
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM done)
$$;
COMMENT ON FUNCTION booking.outbox_mark_sent(bigint) IS 'Marks an outbox row SENT (true) or reports it already was (false).';

-- Delay before the attempt after failed attempt n: base * 2^(n-1) seconds.
CREATE FUNCTION booking_internal.outbox_backoff(p_attempts int) RETURNS interval LANGUAGE sql STABLE AS $$
    SELECT make_interval(secs => booking.setting('outbox_backoff_base_seconds')::numeric
                                 * power(2, greatest(p_attempts, 1) - 1))
$$;
COMMENT ON FUNCTION booking_internal.outbox_backoff(int) IS
    'Wait after failed attempt n: outbox_backoff_base_seconds * 2^(n-1) (2 s, 4 s, 8 s ... by default).';

-- A send attempt failed: back off and try again, or park it FAILED after outbox_max_attempts (or at once when
-- the failure is permanent, e.g. the server refused the address). Returns the row's new status.
CREATE FUNCTION booking.outbox_mark_failed(p_outbox_id bigint, p_error text, p_permanent boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    o booking.outbox;
    v_now timestamptz := booking.clock();
BEGIN
    SELECT * INTO o FROM booking.outbox x WHERE x.id = p_outbox_id FOR UPDATE;
    IF o.id IS NULL THEN
        PERFORM booking_internal.raise_error('OUTBOX_MESSAGE_NOT_FOUND', format('outbox message %s not found', p_outbox_id),
            jsonb_build_object('outboxId', p_outbox_id));
    END IF;
    IF o.status <> 'SENDING' THEN
        RETURN o.status;  -- recovered or finished by someone else meanwhile: theirs is the newer truth
    END IF;
    IF p_permanent OR o.attempts >= booking.setting('outbox_max_attempts')::int THEN
        UPDATE booking.outbox x SET status = 'FAILED', failed_at = v_now, locked_at = NULL, last_error = left(p_error, 2000)
         WHERE x.id = o.id;
        RETURN 'FAILED';
    END IF;
    UPDATE booking.outbox x SET status = 'PENDING', locked_at = NULL, last_error = left(p_error, 2000),
           due_at = v_now + booking_internal.outbox_backoff(o.attempts)
     WHERE x.id = o.id;
    PERFORM pg_notify('outbox', 'RETRY');  -- a sleeping relay recomputes when to wake
    RETURN 'PENDING';
END $$;
COMMENT ON FUNCTION booking.outbox_mark_failed(bigint, text, boolean) IS
    'Records a failed send: PENDING again after the exponential backoff, or FAILED (parked, never dropped) after '
    'outbox_max_attempts or a permanent error. Returns the new status. Raises OUTBOX_MESSAGE_NOT_FOUND.';

-- Recover rows stuck in flight. Dramatiq's Redis broker requeues a dead worker's messages only during occasional
-- maintenance, and Redis may lose queued messages when it restarts, so Postgres decides: a SENDING row older than
-- outbox_sending_timeout_seconds had its worker die (counts as an attempt), a QUEUED row older than
-- outbox_queued_timeout_seconds was lost on the way (does not). Both go back to PENDING, due now.
CREATE FUNCTION booking.outbox_recover_stale()
RETURNS TABLE (id bigint, kind text, old_status text, new_status text)
LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := booking.clock();
    v_sending interval := make_interval(secs => booking.setting('outbox_sending_timeout_seconds')::int);
    v_queued  interval := make_interval(secs => booking.setting('outbox_queued_timeout_seconds')::int);
    v_max int := booking.setting('outbox_max_attempts')::int;
    r record;
BEGIN
    FOR r IN SELECT o.id, o.kind, o.status, o.attempts FROM booking.outbox o
              WHERE (o.status = 'SENDING' AND o.locked_at < v_now - v_sending)
                 OR (o.status = 'QUEUED' AND o.locked_at < v_now - v_queued)
              ORDER BY o.id FOR UPDATE SKIP LOCKED LOOP
        id := r.id; kind := r.kind; old_status := r.status;
        IF r.status = 'SENDING' AND r.attempts >= v_max THEN
            UPDATE booking.outbox o SET status = 'FAILED', failed_at = v_now, locked_at = NULL,
                   last_error = format('worker stopped during send attempt %s; giving up', r.attempts)
             WHERE o.id = r.id;
            new_status := 'FAILED';
        ELSE
            UPDATE booking.outbox o SET status = 'PENDING', locked_at = NULL, due_at = v_now,
                   last_error = CASE r.status WHEN 'SENDING'
                       THEN format('worker stopped during send attempt %s (no result after %s)', r.attempts, v_sending)
                       ELSE format('no worker took the message within %s; queued again', v_queued) END
             WHERE o.id = r.id;
            new_status := 'PENDING';
        END IF;
        RETURN NEXT;
    END LOOP;
    IF FOUND THEN
        PERFORM pg_notify('outbox', 'RECOVERED');
    END IF;
END $$;
COMMENT ON FUNCTION booking.outbox_recover_stale() IS
    'Puts outbox rows stuck in SENDING (worker died) or QUEUED (lost by Redis) past their timeouts back to PENDING '
    '(or FAILED when a stuck send used the last attempt); returns what it changed.';

-- Operators put a parked message back in the queue with a fresh set of attempts (audited).
CREATE FUNCTION booking.outbox_retry(p_outbox_id bigint, p_actor text DEFAULT 'operator')
RETURNS TABLE (id bigint, kind text, status text, due_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('outbox.manage',
        (SELECT booking_internal.booking_cinema(x.booking_id) FROM booking.outbox x WHERE x.id = p_outbox_id));
    o booking.outbox;
BEGIN
    SELECT * INTO o FROM booking.outbox x WHERE x.id = p_outbox_id FOR UPDATE;
    IF o.id IS NULL THEN
        PERFORM booking_internal.raise_error('OUTBOX_MESSAGE_NOT_FOUND', format('outbox message %s not found', p_outbox_id),
            jsonb_build_object('outboxId', p_outbox_id));
    END IF;
    IF o.status <> 'FAILED' THEN
        PERFORM booking_internal.raise_error('OUTBOX_NOT_FAILED',
            format('outbox message %s is %s; only FAILED messages can be retried', p_outbox_id, o.status),
            jsonb_build_object('outboxId', p_outbox_id, 'status', o.status));
    END IF;
    UPDATE booking.outbox x SET status = 'PENDING', attempts = 0, due_at = booking.clock(), failed_at = NULL,
           locked_at = NULL
     WHERE x.id = o.id RETURNING * INTO o;
    PERFORM booking_internal.audit(v_actor, 'outbox.retry', 'outbox', o.id::text,
        jsonb_build_object('kind', o.kind, 'bookingId', o.booking_id, 'lastError', o.last_error));
    PERFORM pg_notify('outbox', 'RETRY');
    RETURN QUERY SELECT o.id, o.kind, o.status, o.due_at;
END $$;
COMMENT ON FUNCTION booking.outbox_retry(bigint, text) IS
    'Re-queues a FAILED outbox message with fresh attempts. Needs outbox.manage for its booking''s cinema (p_actor is '
    'ignored). Raises UNAUTHORIZED, FORBIDDEN, OUTBOX_MESSAGE_NOT_FOUND, OUTBOX_NOT_FAILED; audited.';

CREATE VIEW booking.failed_messages AS
SELECT o.id, o.kind, o.booking_id, b.reference AS booking_reference, b.customer_email, o.attempts, o.last_error,
       o.created_at, o.failed_at, o.dedup_key
  FROM booking.outbox o JOIN booking.bookings b ON b.id = o.booking_id
 WHERE o.status = 'FAILED'
   -- customer emails: only for who may manage the outbox of that cinema (a DBA, or the credential's operator)
   -- (booking.may, not an internal: a view's functions are called with the reader's rights)
   AND booking.may('outbox.manage', (SELECT a.cinema_id FROM booking.showtimes st
                                       JOIN booking.auditoriums a ON a.id = st.auditorium_id WHERE st.id = b.showtime_id));
COMMENT ON VIEW booking.failed_messages IS
    'Emails parked after their last attempt (or a permanent SMTP refusal): what failed, for whom, and why. '
    'booking.outbox_retry(id) sends one again. Rows show only for who may manage that cinema''s outbox (booking.may).';

-- The failed messages as JSON for the admin endpoint, newest first.
CREATE FUNCTION booking.failed_messages_json(p_limit int DEFAULT 100) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT booking.require('outbox.manage') IS NULL;  -- raises UNAUTHORIZED / FORBIDDEN; the view filters cinemas
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', f.id, 'kind', f.kind, 'bookingId', f.booking_id, 'bookingReference', f.booking_reference,
               'email', f.customer_email, 'attempts', f.attempts, 'lastError', f.last_error,
               'createdAt', f.created_at, 'failedAt', f.failed_at) ORDER BY f.failed_at DESC, f.id DESC), '[]')
      FROM (SELECT * FROM booking.failed_messages ORDER BY failed_at DESC, id DESC LIMIT greatest(p_limit, 1)) f
$$;
COMMENT ON FUNCTION booking.failed_messages_json(int) IS
    'booking.failed_messages of the operator''s cinemas as a JSON array, newest first. Needs outbox.manage. '
    'Raises UNAUTHORIZED, FORBIDDEN.';

-- Issue 17 (/metrics): how late the notification emails are: the age of the oldest PENDING email that is due
-- (0 when none is). One index probe (outbox_due), cheap enough for every scrape.
CREATE FUNCTION booking.outbox_lag_seconds() RETURNS double precision LANGUAGE sql AS $$
    SELECT coalesce(extract(epoch FROM booking.clock() - min(due_at)), 0)::double precision
      FROM booking.outbox WHERE status = 'PENDING' AND due_at <= booking.clock();
$$;
COMMENT ON FUNCTION booking.outbox_lag_seconds() IS
    'Seconds the oldest due, unsent notification email has waited (0: none); for /metrics. Raises nothing.';
