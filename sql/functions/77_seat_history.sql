-- The seat status history: every function that changes a seat claim records the status change of the seat
-- (AVAILABLE/LOCKED/BOOKED/BLOCKED) with who made it, in the statement that changes the claim (no trigger: Citus
-- cannot run statement triggers with transition tables, issue 25). A claim that lapsed on its own (hold or payment
-- window over: nothing is written then) is recorded when it is next touched, at the instant it ended
-- (booking_internal.record_claims_ended); booking.showtime_seat_history adds the ones nobody touched yet.
-- Operators read it through booking.showtime_seat_history; the seat-change publisher polls it (70_realtime.sql).

CREATE FUNCTION booking_internal.claim_status(p_kind booking.claim_kind) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN CASE p_kind WHEN 'HOLD' THEN 'LOCKED' WHEN 'BOOKING' THEN 'BOOKED' ELSE 'BLOCKED' END;
END $$;
COMMENT ON FUNCTION booking_internal.claim_status(booking.claim_kind) IS 'Seat-map status of a live claim kind: LOCKED, BOOKED or BLOCKED.';

-- The history of a showtime's seats (one seat, or all), oldest first, with who did it:
--   SESSION (a hold: hold id and a fingerprint of the session token, never the token itself, which is a
--   capability), BOOKING (its reference; a cancelling operator when there was one), OPERATOR (blocks; or any
--   change made with an operator's credential), SYSTEM (a hold or payment window that ran out).
CREATE FUNCTION booking.showtime_seat_history(p_showtime_id uuid, p_seat_id text DEFAULT NULL,
                                              p_since timestamptz DEFAULT NULL, p_limit int DEFAULT 1000)
RETURNS TABLE (at timestamptz, seat_id text, from_status text, to_status text, actor_kind text, actor text,
               hold_id uuid, booking_reference text, reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_actor booking.actor := booking.require('bookings.read', booking_internal.showtime_cinema(p_showtime_id));
    v_ctx record;
    v_now timestamptz := booking.clock();
    v_seat bigint;
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    IF p_seat_id IS NOT NULL THEN
        SELECT s.id INTO v_seat FROM booking_internal.resolve_seats(v_ctx.auditorium_id, ARRAY[p_seat_id]) s;
    END IF;
    IF coalesce(p_limit, 0) NOT BETWEEN 1 AND 100000 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'limit must be 1..100000', jsonb_build_object('field', 'limit'));
    END IF;
    RETURN QUERY
    WITH ev AS (
        SELECT h.at, h.seat_id AS sid, h.from_status, h.to_status, h.claim_kind, h.hold_id, h.booking_id,
               h.reason, h.actor, h.tx_at, h.id AS ord
          FROM booking.seat_status_history h
         WHERE h.showtime_id = p_showtime_id AND (v_seat IS NULL OR h.seat_id = v_seat)
        UNION ALL
        -- claims that ran out and were not touched since: their end is known, only not written yet
        SELECT upper(c.during), c.seat_id, booking_internal.claim_status(c.kind), 'AVAILABLE', c.kind, c.hold_id, c.booking_id,
               'EXPIRED', NULL, NULL, NULL
          FROM booking.seat_claims c
         WHERE c.showtime_id = p_showtime_id AND (v_seat IS NULL OR c.seat_id = v_seat)
           AND NOT upper_inf(c.during) AND upper(c.during) <= v_now
           AND NOT EXISTS (SELECT 1 FROM booking.seat_status_history h
                            WHERE h.showtime_id = c.showtime_id AND h.claim_id = c.id AND h.to_status = 'AVAILABLE'))
    SELECT ev.at, s.code, ev.from_status, ev.to_status,
           CASE WHEN ev.reason = 'EXPIRED' THEN 'SYSTEM'
                WHEN ev.actor IS NOT NULL OR ev.claim_kind = 'BLOCK' THEN 'OPERATOR'
                WHEN ev.claim_kind = 'BOOKING' THEN 'BOOKING'
                ELSE 'SESSION' END,
           CASE WHEN ev.reason = 'EXPIRED' THEN CASE ev.claim_kind WHEN 'HOLD' THEN 'hold expired' ELSE 'payment window ended' END
                WHEN ev.actor IS NOT NULL THEN ev.actor
                WHEN ev.claim_kind = 'BLOCK' THEN coalesce(
                    (SELECT a.actor FROM booking.audit_log a
                      WHERE a.at = ev.tx_at AND a.entity = 'showtime' AND a.entity_id = p_showtime_id::text
                        AND a.action = CASE WHEN ev.to_status = 'BLOCKED' THEN 'seats.block' ELSE 'seats.unblock' END
                        AND a.details -> 'seatIds' ? s.code
                      ORDER BY a.id LIMIT 1), 'operator')
                WHEN ev.claim_kind = 'BOOKING' THEN
                    CASE WHEN ev.to_status = 'AVAILABLE' AND b.cancelled_by IS NOT NULL
                         THEN b.reference || ' cancelled by ' || b.cancelled_by ELSE b.reference END
                ELSE 'session ' || left(encode(sha256(convert_to(hd.session_token, 'UTF8')), 'hex'), 12) END,
           ev.hold_id, b.reference, ev.reason
      FROM ev
      JOIN booking.seats s ON s.id = ev.sid
      LEFT JOIN booking.bookings b ON b.showtime_id = p_showtime_id AND b.id = ev.booking_id
      LEFT JOIN booking.holds hd ON hd.showtime_id = p_showtime_id AND hd.id = coalesce(ev.hold_id, b.hold_id)
     WHERE p_since IS NULL OR ev.at >= p_since
     ORDER BY ev.at, ev.ord NULLS LAST, s.code
     LIMIT p_limit;
END $$;
COMMENT ON FUNCTION booking.showtime_seat_history(uuid, text, timestamptz, int) IS
    'Seat status changes of a showtime (or one seat): when, from -> to, who (SESSION/BOOKING/OPERATOR/SYSTEM), oldest '
    'first. Needs bookings.read for its cinema. Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND, SEAT_NOT_FOUND, VALIDATION_ERROR.';

CREATE FUNCTION booking.seat_history(p_showtime_id uuid, p_seat_id text)
RETURNS TABLE (at timestamptz, seat_id text, from_status text, to_status text, actor_kind text, actor text,
               hold_id uuid, booking_reference text, reason text)
LANGUAGE sql STABLE AS $$
    SELECT * FROM booking.showtime_seat_history(p_showtime_id, p_seat_id, NULL, 100000)
$$;
COMMENT ON FUNCTION booking.seat_history(uuid, text) IS 'Every status change of one seat of a showtime, oldest first (see showtime_seat_history).';
