-- Real-time publishing of seat changes that happen without a write (see docs/realtime.md).

-- Seats whose hold or unpaid booking ran out in (p_since, p_until] become AVAILABLE by the passage of time
-- alone (their claim's range ended), so no function call publishes them: the realtime scheduler calls this
-- every ~0.5 s. p_until is capped at the clock, so a caller can never announce a future expiry.
-- Each showtime's seats are locked like a claimer would (booking.lock_seats) before they are checked, so a
-- concurrent hold of the same seat either committed first (the seat is live again and not announced) or
-- waits and publishes LOCKED after this AVAILABLE: a watcher never ends on a stale AVAILABLE.
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
              JOIN booking.seat_claims c ON c.hold_id = h.id AND c.kind = 'HOLD'
             WHERE h.status = 'ACTIVE' AND h.expires_at > p_since AND h.expires_at <= v_until
            UNION
            SELECT b.showtime_id, c.seat_id
              FROM booking.bookings b
              JOIN booking.seat_claims c ON c.booking_id = b.id AND c.kind = 'BOOKING'
             WHERE b.status = 'PENDING_PAYMENT' AND b.payment_deadline > p_since AND b.payment_deadline <= v_until)
        SELECT e.showtime_id, array_agg(DISTINCT e.seat_id ORDER BY e.seat_id) AS seat_ids
          FROM ended e GROUP BY e.showtime_id ORDER BY e.showtime_id
    LOOP
        PERFORM booking.lock_seats(r.showtime_id, r.seat_ids);
        SELECT array_agg(s.code ORDER BY s.code) INTO v_free
          FROM booking.seats s
         WHERE s.id = ANY (r.seat_ids)
           AND NOT EXISTS (SELECT 1 FROM booking.seat_claims c
                            WHERE c.showtime_id = r.showtime_id AND c.seat_id = s.id
                              AND c.during && tstzrange(v_now, NULL));
        IF v_free IS NOT NULL THEN
            PERFORM booking.publish_seat_change(r.showtime_id, v_free, 'AVAILABLE');
            notifications := notifications + 1;
            seats := seats + cardinality(v_free);
        END IF;
    END LOOP;
    RETURN NEXT;
END $$;
COMMENT ON FUNCTION booking.publish_expirations(timestamptz, timestamptz) IS
    'Publishes AVAILABLE (seat_changes) for seats whose hold or unpaid booking ran out in (since, until] and that '
    'nobody has claimed since; returns the window end to pass as the next since. Called by the realtime scheduler.';
