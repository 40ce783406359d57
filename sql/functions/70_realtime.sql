-- Real-time publishing (docs/realtime.md): seat changes from the status history, and lapses that write nothing.

-- Seats whose hold or unpaid booking ran out in (p_since, p_until] become AVAILABLE by the passage of time
-- alone (their claim's range ended), so no function call publishes them: the realtime scheduler calls this
-- every ~0.5 s. p_until is capped at the clock, so a caller can never announce a future expiry.
-- No lock is taken: a concurrent hold of the same seat either committed first (the seat is live again and not
-- announced), or commits after this read, and its history row makes the next booking.publish_seat_changes() poll
-- announce LOCKED after this AVAILABLE: a watcher never ends on a stale AVAILABLE.
CREATE FUNCTION booking.publish_expirations(p_since timestamptz, p_until timestamptz DEFAULT NULL)
RETURNS TABLE (published_until timestamptz, notifications int, seats int)
LANGUAGE plpgsql AS $$
DECLARE
    v_now   timestamptz := booking.clock();
    v_until timestamptz := least(coalesce(p_until, v_now), v_now);
    v_free  text[];
    r record;
BEGIN
    published_until := v_until;
    notifications := 0;
    seats := 0;
    IF p_since IS NULL OR p_since >= v_until THEN
        RETURN NEXT;
        RETURN;
    END IF;
    FOR r IN
        WITH ended AS (
            SELECT h.showtime_id, c.seat_id
              FROM booking.holds h
              JOIN booking.seat_claims c ON c.showtime_id = h.showtime_id AND c.hold_id = h.id AND c.kind = 'HOLD'
             WHERE h.status = 'ACTIVE' AND h.expires_at > p_since AND h.expires_at <= v_until
            UNION
            SELECT b.showtime_id, c.seat_id
              FROM booking.bookings b
              JOIN booking.seat_claims c ON c.showtime_id = b.showtime_id AND c.booking_id = b.id AND c.kind = 'BOOKING'
             WHERE b.status = 'PENDING_PAYMENT' AND b.payment_deadline > p_since AND b.payment_deadline <= v_until)
        SELECT e.showtime_id, array_agg(DISTINCT e.seat_id ORDER BY e.seat_id) AS seat_ids
          FROM ended e GROUP BY e.showtime_id ORDER BY e.showtime_id
    LOOP
        SELECT array_agg(s.code ORDER BY s.code) INTO v_free
          FROM booking.seats s
         WHERE s.id = ANY (r.seat_ids)
           AND NOT EXISTS (SELECT 1 FROM booking.seat_claims c
                            WHERE c.showtime_id = r.showtime_id AND c.seat_id = s.id
                              AND c.during && tstzrange(v_now, NULL));
        IF v_free IS NOT NULL THEN
            PERFORM booking_internal.publish_seat_change(r.showtime_id, v_free, 'AVAILABLE');
            notifications := notifications + 1;
            seats := seats + cardinality(v_free);
        END IF;
    END LOOP;
    RETURN NEXT;
END $$;
COMMENT ON FUNCTION booking.publish_expirations(timestamptz, timestamptz) IS
    'Publishes AVAILABLE (seat_changes) for seats whose hold or unpaid booking ran out in (since, until] and that '
    'nobody has claimed since; returns the window end to pass as the next since. Called by the realtime scheduler.';

-- The publisher's poll (issues 16, 22): publish, on channel seat_changes, every seat whose status history changed
-- in a transaction committed since the previous poll, with the seat's status NOW (so a watcher always converges on
-- the database, whatever order the notifications of two polls arrive in). One notification per showtime and
-- status, split under 8000 bytes. The booking transactions themselves never NOTIFY.
-- "Committed since the previous poll" is exact: the cursor keeps the snapshot of the previous poll, and a change is
-- new when its transaction id is not visible in that snapshot but is visible in this one (a transaction that was
-- still running then is found by the first poll after its commit, however long it waited on a lock).
-- Whoever calls it advances the one cursor under its row lock, so a change is published once: the API runs one
-- elected caller (marquee/realtime/expiry.py) every REALTIME_POLL_SECONDS.
CREATE FUNCTION booking.publish_seat_changes()
RETURNS TABLE (notifications int, seats int)
LANGUAGE plpgsql AS $$
DECLARE
    v_prev  pg_snapshot;
    v_snap  pg_snapshot;
    v_now   timestamptz;
    v_st    uuid[];
    v_seat  bigint[];
    r record;
BEGIN
    notifications := 0;
    seats := 0;
    SELECT c.snapshot INTO v_prev FROM booking.seat_change_cursor c WHERE c.id = 1 FOR UPDATE;
    -- ONE statement, so its snapshot and the rows it reads are the same instant
    SELECT pg_current_snapshot(), array_agg(h.showtime_id), array_agg(h.seat_id)
      INTO v_snap, v_st, v_seat
      FROM (SELECT DISTINCT x.showtime_id, x.seat_id FROM booking.seat_status_history x
             WHERE x.tx_id >= pg_snapshot_xmin(v_prev) AND NOT pg_visible_in_snapshot(x.tx_id, v_prev)) h;
    IF v_st IS NOT NULL THEN
        v_now := booking.clock();
        FOR r IN
            SELECT ch.showtime_id, cur.status, array_agg(s.code ORDER BY s.code) AS codes
              FROM unnest(v_st, v_seat) ch(showtime_id, seat_id)
              JOIN booking.seats s ON s.id = ch.seat_id
              CROSS JOIN LATERAL (
                  SELECT CASE WHEN NOT s.is_active THEN 'BLOCKED'
                              ELSE coalesce((SELECT booking_internal.claim_status(x.kind) FROM booking.seat_claims x
                                              WHERE x.showtime_id = ch.showtime_id AND x.seat_id = ch.seat_id
                                                AND x.during && tstzrange(v_now, NULL) LIMIT 1), 'AVAILABLE') END AS status) cur
             GROUP BY ch.showtime_id, cur.status
             ORDER BY ch.showtime_id, array_position(ARRAY['LOCKED', 'BOOKED', 'BLOCKED', 'AVAILABLE'], cur.status)
        LOOP
            PERFORM booking_internal.publish_seat_change(r.showtime_id, r.codes, r.status);
            notifications := notifications + 1;
            seats := seats + cardinality(r.codes);
        END LOOP;
    END IF;
    IF v_snap::text IS DISTINCT FROM v_prev::text THEN
        UPDATE booking.seat_change_cursor c SET snapshot = v_snap, updated_at = now() WHERE c.id = 1;
    END IF;
    RETURN NEXT;
END $$;
COMMENT ON FUNCTION booking.publish_seat_changes() IS
    'Publishes (NOTIFY seat_changes, {"showtimeId","seatIds","status","at"}) the current status of every seat changed '
    'by a transaction committed since the previous call, once per showtime and status; returns what it sent. '
    'Called by the elected realtime publisher every REALTIME_POLL_SECONDS. Raises nothing.';

-- What a listener reads to start following showtimes (and when a claim lapses, and as a periodic safety net): the
-- live claimed seats of each showtime by status, the database clock, when the next claim lapses on its own (nothing
-- is written then), and the snapshot of the read: booking.seat_changes continues from it.
CREATE FUNCTION booking.seat_states(p_showtime_ids uuid[])
RETURNS TABLE (showtime_id uuid, at timestamptz, next_lapse_seconds double precision,
               locked text[], booked text[], blocked text[], snapshot pg_snapshot)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_now timestamptz := booking.clock();
BEGIN
    RETURN QUERY
    SELECT st.id, v_now, z.next_lapse, z.locked, z.booked,
           CASE WHEN z.blocked IS NULL AND ina.codes IS NULL THEN NULL
                ELSE ARRAY(SELECT DISTINCT u FROM unnest(coalesce(z.blocked, '{}') || coalesce(ina.codes, '{}')) u ORDER BY 1) END,
           pg_current_snapshot()
      FROM booking.showtimes st
      CROSS JOIN LATERAL (
          SELECT array_agg(s.code ORDER BY s.code) FILTER (WHERE x.kind = 'HOLD') AS locked,
                 array_agg(s.code ORDER BY s.code) FILTER (WHERE x.kind = 'BOOKING') AS booked,
                 array_agg(s.code ORDER BY s.code) FILTER (WHERE x.kind = 'BLOCK') AS blocked,
                 extract(epoch FROM min(upper(x.during)) FILTER (WHERE NOT upper_inf(x.during)) - v_now)::double precision AS next_lapse
            FROM booking.seat_claims x JOIN booking.seats s ON s.id = x.seat_id
           WHERE x.showtime_id = st.id AND (upper_inf(x.during) OR upper(x.during) > v_now)) z
      CROSS JOIN LATERAL (
          SELECT array_agg(s.code) AS codes FROM booking.seats s
           WHERE s.auditorium_id = st.auditorium_id AND NOT s.is_active) ina
     WHERE st.id = ANY (p_showtime_ids);
END $$;
COMMENT ON FUNCTION booking.seat_states(uuid[]) IS
    'Live LOCKED/BOOKED/BLOCKED seat ids of each showtime, the database clock, seconds to the next lapse of a hold or '
    'payment window (NULL: none) and the snapshot of the read (for booking.seat_changes): what the realtime hub '
    'starts from. Unknown showtimes are left out. Raises nothing.';

-- The seat status changes of each showtime committed since a snapshot (the one its previous read returned), one
-- entry per transaction and status in the order they were made: [[status, [seat ids]], ...], the snapshot of this
-- read to continue from, and the seconds until the first of the changed claims lapses on its own (a lapse writes
-- nothing: the reader re-reads the showtime's state then). What the realtime hub reads when told "showtime X
-- changed" (it trusts no payload).
CREATE FUNCTION booking.seat_changes(p_showtime_ids uuid[], p_since pg_snapshot[])
RETURNS TABLE (showtime_id uuid, snapshot pg_snapshot, changes jsonb, next_lapse_seconds double precision)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_now timestamptz := booking.clock();
BEGIN
    RETURN QUERY
    SELECT q.id, pg_current_snapshot(), coalesce(e.changes, '[]'::jsonb), e.next_lapse
      FROM unnest(p_showtime_ids, p_since) q(id, since)
      LEFT JOIN LATERAL (
          SELECT jsonb_agg(jsonb_build_array(g.to_status, g.codes) ORDER BY g.first) AS changes,
                 extract(epoch FROM min(g.lapse) - v_now)::double precision AS next_lapse
            FROM (SELECT x.tx_id, x.to_status, min(x.id) AS first, array_agg(s.code ORDER BY s.code) AS codes,
                         min(upper(c.during)) FILTER (WHERE upper(c.during) > v_now) AS lapse
                    FROM booking.seat_status_history x
                    JOIN booking.seats s ON s.id = x.seat_id
                    LEFT JOIN booking.seat_claims c ON c.showtime_id = x.showtime_id AND c.id = x.claim_id
                   WHERE x.tx_id >= pg_snapshot_xmin(q.since) AND NOT pg_visible_in_snapshot(x.tx_id, q.since)
                     AND x.showtime_id = q.id
                   GROUP BY x.tx_id, x.to_status) g) e ON true;
END $$;
COMMENT ON FUNCTION booking.seat_changes(uuid[], pg_snapshot[]) IS
    'Seat status changes of each showtime committed since the given snapshot ([[status, [seat ids]], ...] per '
    'transaction and status, in order), the snapshot to continue from, and seconds until the first changed claim '
    'lapses (NULL: none): the realtime hub''s read. Raises nothing.';
