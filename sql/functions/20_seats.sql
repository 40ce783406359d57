-- Seat map, holds and operator blocks.

-- Every seat of a showtime with its live status. p_session_token sees its own held seats as SELECTED.
-- Status: AVAILABLE | SELECTED (held by this session) | LOCKED (held by another) | BOOKED | BLOCKED.
CREATE FUNCTION booking.seat_map(p_showtime_id uuid, p_session_token text DEFAULT NULL)
RETURNS TABLE (seat_id text, row_label text, seat_number int, x int, y int, seat_type booking.seat_type,
               status text, price numeric(10,2))
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_ctx record;
    v_now timestamptz := booking.clock();
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    RETURN QUERY
    -- The showtime's live claims first, in one index range scan on showtime_id: probing the GiST exclusion
    -- index once per seat slows down as years of claims accumulate (docs/benchmarks.md, growth).
    WITH c AS MATERIALIZED (
        SELECT lc.seat_id, lc.kind, lc.hold_id FROM booking.seat_claims lc
         WHERE lc.showtime_id = p_showtime_id AND (upper_inf(lc.during) OR upper(lc.during) > v_now))
    SELECT s.code, s.row_label, s.seat_number, s.x, s.y, s.seat_type,
           CASE WHEN NOT s.is_active THEN 'BLOCKED'
                WHEN c.kind = 'BLOCK' THEN 'BLOCKED'
                WHEN c.kind = 'BOOKING' THEN 'BOOKED'
                WHEN c.kind = 'HOLD' AND h.session_token = p_session_token THEN 'SELECTED'
                WHEN c.kind = 'HOLD' THEN 'LOCKED'
                ELSE 'AVAILABLE' END,
           p.amount
      FROM booking.seats s
      LEFT JOIN c ON c.seat_id = s.id
      LEFT JOIN booking.holds h ON h.id = c.hold_id
      LEFT JOIN booking.prices p ON p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type
     WHERE s.auditorium_id = v_ctx.auditorium_id
     ORDER BY s.y, s.x;
END $$;
COMMENT ON FUNCTION booking.seat_map(uuid, text) IS
    'Seats of a showtime with live status (AVAILABLE/SELECTED/LOCKED/BOOKED/BLOCKED), position and price.';

-- Seconds until the next live claim of a showtime lapses on its own (a hold or an unpaid booking running out),
-- NULL when none will. Such a lapse writes nothing and so publishes nothing at that instant: a copy of the seat
-- map kept by a reader (the API's seat-map cache) must not outlive it.
CREATE FUNCTION booking.seat_map_next_lapse(p_showtime_id uuid) RETURNS double precision
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_now timestamptz := booking.clock();
BEGIN
    RETURN (SELECT extract(epoch FROM min(upper(c.during)) - v_now)::double precision
              FROM booking.seat_claims c
             WHERE c.showtime_id = p_showtime_id AND NOT upper_inf(c.during) AND upper(c.during) > v_now);
END $$;
COMMENT ON FUNCTION booking.seat_map_next_lapse(uuid) IS
    'Seconds until the next hold or payment window of the showtime runs out (NULL: none); bounds seat-map caching.';

-- Resolve public seat ids of a showtime's auditorium to seat rows; raises SEAT_NOT_FOUND / VALIDATION_ERROR.
CREATE FUNCTION booking.resolve_seats(p_auditorium_id uuid, p_seat_codes text[])
RETURNS SETOF booking.seats LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_missing text[];
BEGIN
    IF p_seat_codes IS NULL OR cardinality(p_seat_codes) = 0 THEN
        PERFORM booking.raise_error('VALIDATION_ERROR', 'seatIds must name at least one seat',
            jsonb_build_object('field', 'seatIds'));
    END IF;
    IF cardinality(p_seat_codes) <> (SELECT count(DISTINCT c) FROM unnest(p_seat_codes) c) THEN
        PERFORM booking.raise_error('VALIDATION_ERROR', 'seatIds has duplicates',
            jsonb_build_object('field', 'seatIds'));
    END IF;
    SELECT array_agg(c ORDER BY c) INTO v_missing
      FROM unnest(p_seat_codes) c
     WHERE c IS NULL OR NOT EXISTS (SELECT 1 FROM booking.seats s WHERE s.auditorium_id = p_auditorium_id AND s.code = c);
    IF v_missing IS NOT NULL THEN
        PERFORM booking.raise_error('SEAT_NOT_FOUND', 'unknown seat ids: ' || array_to_string(v_missing, ', ', 'null'),
            jsonb_build_object('seatIds', to_jsonb(v_missing)));
    END IF;
    RETURN QUERY SELECT s.* FROM booking.seats s
                  WHERE s.auditorium_id = p_auditorium_id AND s.code = ANY (p_seat_codes) ORDER BY s.id;
END $$;
COMMENT ON FUNCTION booking.resolve_seats(uuid, text[]) IS 'Seat rows for public seat ids of an auditorium; raises SEAT_NOT_FOUND.';

-- Raise SEAT_UNAVAILABLE if any seat (already locked by lock_seats) has a live claim other than the hold's own.
CREATE FUNCTION booking.assert_seats_free(p_showtime_id uuid, p_seat_ids bigint[], p_own_hold uuid, p_now timestamptz)
RETURNS void LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_taken text[];
BEGIN
    SELECT array_agg(s.code ORDER BY s.code) INTO v_taken
      FROM booking.seats s
     WHERE s.id = ANY (p_seat_ids)
       AND (NOT s.is_active OR EXISTS (
            SELECT 1 FROM booking.seat_claims c
             WHERE c.showtime_id = p_showtime_id AND c.seat_id = s.id
               AND c.during && tstzrange(p_now, NULL)
               -- only the caller's own HOLD claims are ignored; a block (hold_id NULL) must count even when
               -- p_own_hold is NULL, which `hold_id IS DISTINCT FROM p_own_hold` alone would miss
               AND NOT (c.kind = 'HOLD' AND p_own_hold IS NOT NULL AND c.hold_id = p_own_hold)));
    IF v_taken IS NOT NULL THEN
        PERFORM booking.raise_error('SEAT_UNAVAILABLE', 'seats not available: ' || array_to_string(v_taken, ', '),
            jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(v_taken)));
    END IF;
END $$;
COMMENT ON FUNCTION booking.assert_seats_free(uuid, bigint[], uuid, timestamptz) IS
    'Raises SEAT_UNAVAILABLE naming every seat that is inactive or claimed by someone other than the given hold.';

-- Seats of a hold with their price: [{"id","rowLabel","seatNumber","type","price"}].
CREATE FUNCTION booking.hold_seats_json(p_hold_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    -- claims by hold_id first (see booking.hold_subtotal)
    RETURN (
        WITH c AS MATERIALIZED (
            SELECT c.seat_id FROM booking.seat_claims c WHERE c.hold_id = p_hold_id AND c.kind = 'HOLD')
        SELECT coalesce(jsonb_agg(jsonb_build_object('id', s.code, 'rowLabel', s.row_label, 'seatNumber', s.seat_number,
                                                     'type', s.seat_type, 'price', p.amount) ORDER BY s.y, s.x), '[]')
          FROM c
          JOIN booking.seats s ON s.id = c.seat_id
          LEFT JOIN booking.prices p ON p.showtime_id = (SELECT h.showtime_id FROM booking.holds h WHERE h.id = p_hold_id)
                                    AND p.seat_type = s.seat_type);
END $$;
COMMENT ON FUNCTION booking.hold_seats_json(uuid) IS 'The seats of a hold with row, number, type and price, as JSON.';

-- Hold seats for a session: all or nothing. Holding again with the same token on the same showtime
-- replaces the session's hold (same holdId, new seat set, fresh expiry) instead of leaving orphans.
-- The hot path of a premiere rush, so it reads each table once: one query resolves the seats with their
-- prices and builds the answer's JSON; the slower helpers (resolve_seats) only run to explain an error.
CREATE FUNCTION booking.hold(p_showtime_id uuid, p_seat_ids text[], p_session_token text,
                             p_ttl_seconds int DEFAULT NULL, p_channel text DEFAULT NULL)
RETURNS TABLE (hold_id uuid, expires_at timestamptz, total_amount numeric(10,2), currency char(3), seats jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_ctx      record;
    v_now      timestamptz := booking.clock();
    v_ttl      int := coalesce(p_ttl_seconds, booking.setting('hold_ttl_seconds')::int);
    v_max      int := booking.setting('max_seats_per_hold')::int;
    v_expires  timestamptz;
    v_hold     uuid;
    v_ids      bigint[];
    v_distinct int;
    v_total    numeric(10,2);
    v_json     jsonb;
    v_added    text[];
    v_dropped  text[];
    v_unpriced text[];
BEGIN
    -- A hold lives five minutes; losing the last moment of holds in a crash only puts seats back on sale.
    -- Not waiting for the WAL flush matters here: NOTIFY serialises commits server-wide (docs/benchmarks.md).
    PERFORM set_config('synchronous_commit', 'off', true);
    IF coalesce(length(p_session_token), 0) NOT BETWEEN 1 AND 200 THEN
        PERFORM booking.raise_error('VALIDATION_ERROR', 'sessionToken is required (1-200 characters)',
            jsonb_build_object('field', 'sessionToken'));
    END IF;
    IF v_ttl NOT BETWEEN 1 AND 86400 THEN
        PERFORM booking.raise_error('VALIDATION_ERROR', 'hold time to live must be 1..86400 seconds',
            jsonb_build_object('field', 'ttlSeconds'));
    END IF;
    IF cardinality(p_seat_ids) > v_max THEN
        PERFORM booking.raise_error('TOO_MANY_SEATS', format('at most %s seats per hold', v_max),
            jsonb_build_object('max', v_max, 'requested', cardinality(p_seat_ids)));
    END IF;
    v_ctx := booking.showtime_context(p_showtime_id);
    IF v_ctx.is_cancelled OR v_ctx.starts_at <= v_now THEN
        PERFORM booking.raise_error('SHOWTIME_NOT_ON_SALE', 'this showtime is no longer on sale',
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;

    SELECT array_agg(s.id ORDER BY s.id), count(DISTINCT r.code),
           array_agg(DISTINCT s.seat_type::text) FILTER (WHERE p.amount IS NULL),
           sum(p.amount),
           jsonb_agg(jsonb_build_object('id', s.code, 'rowLabel', s.row_label, 'seatNumber', s.seat_number,
                                        'type', s.seat_type, 'price', p.amount) ORDER BY s.y, s.x)
      INTO v_ids, v_distinct, v_unpriced, v_total, v_json
      FROM unnest(p_seat_ids) r(code)
      JOIN booking.seats s ON s.auditorium_id = v_ctx.auditorium_id AND s.code = r.code
      LEFT JOIN booking.prices p ON p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type;
    IF coalesce(cardinality(p_seat_ids), 0) = 0 OR v_distinct IS DISTINCT FROM cardinality(p_seat_ids)
       OR cardinality(v_ids) <> cardinality(p_seat_ids) THEN
        PERFORM booking.resolve_seats(v_ctx.auditorium_id, p_seat_ids);  -- raises the precise error
    END IF;
    IF v_unpriced IS NOT NULL THEN
        PERFORM booking.raise_error('SEAT_UNAVAILABLE', 'seats of these types are not on sale: ' || array_to_string(v_unpriced, ', '),
            jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(p_seat_ids), 'types', to_jsonb(v_unpriced)));
    END IF;

    -- One session, one hold per showtime: serialise this session's own concurrent requests.
    PERFORM pg_advisory_xact_lock(hashtextextended('hold:' || p_showtime_id || ':' || p_session_token, 0));
    PERFORM booking.lock_seats(p_showtime_id, v_ids);

    SELECT h.id INTO v_hold FROM booking.holds h
     WHERE h.showtime_id = p_showtime_id AND h.session_token = p_session_token
       AND h.status = 'ACTIVE' AND h.expires_at > v_now
     ORDER BY h.created_at DESC LIMIT 1;

    PERFORM booking.assert_seats_free(p_showtime_id, v_ids, v_hold, v_now);
    -- smart seating (75_smart_seating.sql): group limit, channels, companion hold-back, no lone empty seat
    PERFORM booking.assert_hold_rules(p_showtime_id, v_ids, p_session_token, v_hold, p_channel, v_now);

    v_expires := v_now + make_interval(secs => v_ttl);
    IF v_hold IS NULL THEN
        INSERT INTO booking.holds (showtime_id, session_token, created_at, expires_at, channel)
        VALUES (p_showtime_id, p_session_token, v_now, v_expires, p_channel)
        RETURNING id INTO v_hold;
        INSERT INTO booking.seat_claims (showtime_id, seat_id, kind, hold_id, during)
        SELECT p_showtime_id, sid, 'HOLD', v_hold, tstzrange(v_now, v_expires) FROM unnest(v_ids) sid;
        v_added := p_seat_ids;
    ELSE
        UPDATE booking.holds h SET expires_at = v_expires, channel = coalesce(p_channel, h.channel) WHERE h.id = v_hold;
        WITH gone AS (
            DELETE FROM booking.seat_claims c WHERE c.hold_id = v_hold AND c.kind = 'HOLD' AND c.seat_id <> ALL (v_ids)
            RETURNING c.seat_id)
        SELECT array_agg(s.code) INTO v_dropped FROM gone JOIN booking.seats s ON s.id = gone.seat_id;
        UPDATE booking.seat_claims c SET during = tstzrange(lower(c.during), v_expires)
         WHERE c.hold_id = v_hold AND c.kind = 'HOLD';
        WITH added AS (
            INSERT INTO booking.seat_claims (showtime_id, seat_id, kind, hold_id, during)
            SELECT p_showtime_id, sid, 'HOLD', v_hold, tstzrange(v_now, v_expires)
              FROM unnest(v_ids) sid
             WHERE NOT EXISTS (SELECT 1 FROM booking.seat_claims c WHERE c.hold_id = v_hold AND c.seat_id = sid)
             ORDER BY sid
            RETURNING seat_id)
        SELECT array_agg(s.code) INTO v_added FROM added JOIN booking.seats s ON s.id = added.seat_id;
    END IF;

    PERFORM booking.publish_seat_change(p_showtime_id, v_added, 'LOCKED');
    PERFORM booking.publish_seat_change(p_showtime_id, v_dropped, 'AVAILABLE');

    RETURN QUERY SELECT v_hold, v_expires, coalesce(v_total, 0)::numeric(10,2), v_ctx.currency, v_json;
END $$;
COMMENT ON FUNCTION booking.hold(uuid, text[], text, int, text) IS
    'Holds seats for a session token, all or nothing, for hold_ttl_seconds; re-holding replaces the session''s hold. '
    'Raises SEAT_UNAVAILABLE (details.seatIds), SEAT_NOT_FOUND, TOO_MANY_SEATS, SHOWTIME_NOT_FOUND/NOT_ON_SALE.';

-- The hold, checked against the caller's token (when given); raises HOLD_NOT_FOUND / HOLD_NOT_YOURS.
CREATE FUNCTION booking.hold_for(p_hold_id uuid, p_session_token text, p_lock boolean DEFAULT false)
RETURNS booking.holds LANGUAGE plpgsql AS $$
DECLARE v booking.holds;
BEGIN
    IF p_lock THEN
        SELECT * INTO v FROM booking.holds WHERE id = p_hold_id FOR UPDATE;
    ELSE
        SELECT * INTO v FROM booking.holds WHERE id = p_hold_id;
    END IF;
    IF v.id IS NULL THEN
        PERFORM booking.raise_error('HOLD_NOT_FOUND', format('hold %s not found', p_hold_id),
            jsonb_build_object('holdId', p_hold_id));
    END IF;
    IF p_session_token IS NOT NULL AND p_session_token IS DISTINCT FROM v.session_token THEN
        PERFORM booking.raise_error('HOLD_NOT_YOURS', 'this hold belongs to another session',
            jsonb_build_object('holdId', p_hold_id));
    END IF;
    RETURN v;
END $$;
COMMENT ON FUNCTION booking.hold_for(uuid, text, boolean) IS 'A hold checked against the caller''s session token; raises HOLD_NOT_FOUND/HOLD_NOT_YOURS.';

-- The hold must be live: ACTIVE and not past expires_at.
CREATE FUNCTION booking.assert_hold_live(p_hold booking.holds, p_now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_hold.status <> 'ACTIVE' THEN
        PERFORM booking.raise_error('HOLD_NOT_ACTIVE', format('hold is %s', lower(p_hold.status::text)),
            jsonb_build_object('holdId', p_hold.id, 'holdStatus', p_hold.status));
    END IF;
    IF p_hold.expires_at <= p_now THEN
        PERFORM booking.raise_error('HOLD_EXPIRED', 'the hold expired; its seats are back on sale',
            jsonb_build_object('holdId', p_hold.id, 'expiredAt', p_hold.expires_at));
    END IF;
END $$;
COMMENT ON FUNCTION booking.assert_hold_live(booking.holds, timestamptz) IS 'Raises HOLD_NOT_ACTIVE or HOLD_EXPIRED unless the hold is live.';

-- Release a hold (only its own session may). Releasing twice, or an expired hold, is harmless.
CREATE FUNCTION booking.release_hold(p_hold_id uuid, p_session_token text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v booking.holds;
    v_now timestamptz := booking.clock();
    v_live text[];
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);  -- as in hold: a lost release only frees seats later
    IF p_session_token IS NULL THEN
        PERFORM booking.raise_error('HOLD_NOT_YOURS', 'the session token is required to release a hold',
            jsonb_build_object('holdId', p_hold_id));
    END IF;
    v := booking.hold_for(p_hold_id, p_session_token, true);
    IF v.status = 'CONVERTED' THEN
        PERFORM booking.raise_error('HOLD_NOT_ACTIVE', 'the hold was confirmed into a booking; cancel the booking instead',
            jsonb_build_object('holdId', p_hold_id, 'holdStatus', v.status));
    END IF;
    IF v.status = 'RELEASED' THEN
        RETURN false;
    END IF;
    WITH gone AS (
        DELETE FROM booking.seat_claims c WHERE c.hold_id = p_hold_id AND c.kind = 'HOLD'
        RETURNING c.seat_id, c.during)
    SELECT array_agg(s.code) INTO v_live FROM gone JOIN booking.seats s ON s.id = gone.seat_id
     WHERE upper(gone.during) > v_now;
    UPDATE booking.holds SET status = 'RELEASED' WHERE id = p_hold_id;
    PERFORM booking.publish_seat_change(v.showtime_id, v_live, 'AVAILABLE');
    RETURN true;
END $$;
COMMENT ON FUNCTION booking.release_hold(uuid, text) IS
    'Releases a hold by its session token; seats are on sale at once. Returns false if it was already released.';

-- Holds that expired in (p_since, p_until] without being released or confirmed, with their seats:
-- they produce no write at expiry, so the realtime scheduler publishes them from here.
CREATE FUNCTION booking.expired_holds(p_since timestamptz, p_until timestamptz DEFAULT NULL)
RETURNS TABLE (hold_id uuid, showtime_id uuid, expired_at timestamptz, seat_ids text[])
LANGUAGE sql STABLE AS $$
    SELECT h.id, h.showtime_id, h.expires_at, array_agg(s.code ORDER BY s.code)
      FROM booking.holds h
      JOIN booking.seat_claims c ON c.hold_id = h.id AND c.kind = 'HOLD'
      JOIN booking.seats s ON s.id = c.seat_id
     WHERE h.status = 'ACTIVE' AND h.expires_at > p_since AND h.expires_at <= coalesce(p_until, booking.clock())
     GROUP BY h.id
$$;
COMMENT ON FUNCTION booking.expired_holds(timestamptz, timestamptz) IS
    'Holds that timed out in a time window, with their seat ids (for publishing expiries).';

-- Delete claims and holds that ended long ago (housekeeping only: correctness never depends on it).
CREATE FUNCTION booking.purge_expired_holds(p_older_than interval DEFAULT '1 hour') RETURNS int
LANGUAGE plpgsql AS $$
DECLARE v_n int;
BEGIN
    DELETE FROM booking.seat_claims c
     WHERE c.kind = 'HOLD' AND upper(c.during) < booking.clock() - p_older_than;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking.purge_expired_holds(interval) IS 'Deletes hold claims that ended more than the given interval ago; returns how many.';

-- Take seats off sale for one showtime (operator). Fails with SEAT_UNAVAILABLE if a seat is held or booked.
CREATE FUNCTION booking.block_seats(p_showtime_id uuid, p_seat_ids text[], p_actor text DEFAULT 'operator',
                                    p_reason text DEFAULT '')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_ctx record;
    v_now timestamptz := booking.clock();
    v_ids bigint[];
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    SELECT array_agg(s.id ORDER BY s.id) INTO v_ids FROM booking.resolve_seats(v_ctx.auditorium_id, p_seat_ids) s;
    PERFORM booking.lock_seats(p_showtime_id, v_ids);
    -- already blocked seats are fine: drop them from the request
    v_ids := ARRAY(SELECT i FROM unnest(v_ids) i WHERE NOT EXISTS (
        SELECT 1 FROM booking.seat_claims c WHERE c.showtime_id = p_showtime_id AND c.seat_id = i
           AND c.kind = 'BLOCK' AND c.during && tstzrange(v_now, NULL)));
    PERFORM booking.assert_seats_free(p_showtime_id, v_ids, NULL, v_now);
    INSERT INTO booking.seat_claims (showtime_id, seat_id, kind, during)
    SELECT p_showtime_id, i, 'BLOCK', tstzrange(v_now, NULL) FROM unnest(v_ids) i ORDER BY i;
    PERFORM booking.audit(p_actor, 'seats.block', 'showtime', p_showtime_id::text,
        jsonb_build_object('seatIds', p_seat_ids, 'reason', p_reason));
    PERFORM booking.publish_seat_change(p_showtime_id, p_seat_ids, 'BLOCKED');
    RETURN cardinality(v_ids);
END $$;
COMMENT ON FUNCTION booking.block_seats(uuid, text[], text, text) IS
    'Blocks seats of one showtime (operator); raises SEAT_UNAVAILABLE if held/booked. Audited; returns seats newly blocked.';

-- Put blocked seats of a showtime back on sale.
CREATE FUNCTION booking.unblock_seats(p_showtime_id uuid, p_seat_ids text[], p_actor text DEFAULT 'operator')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_ctx record;
    v_now timestamptz := booking.clock();
    v_ids bigint[];
    v_n int;
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    SELECT array_agg(s.id ORDER BY s.id) INTO v_ids FROM booking.resolve_seats(v_ctx.auditorium_id, p_seat_ids) s;
    PERFORM booking.lock_seats(p_showtime_id, v_ids);
    UPDATE booking.seat_claims c SET during = tstzrange(lower(c.during), greatest(lower(c.during), v_now), '[)')
     WHERE c.showtime_id = p_showtime_id AND c.seat_id = ANY (v_ids) AND c.kind = 'BLOCK'
       AND c.during && tstzrange(v_now, NULL) AND lower(c.during) < v_now;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    -- a block created in this same instant has an empty remaining range: remove it
    DELETE FROM booking.seat_claims c
     WHERE c.showtime_id = p_showtime_id AND c.seat_id = ANY (v_ids) AND c.kind = 'BLOCK' AND lower(c.during) >= v_now;
    PERFORM booking.audit(p_actor, 'seats.unblock', 'showtime', p_showtime_id::text,
        jsonb_build_object('seatIds', p_seat_ids));
    PERFORM booking.publish_seat_change(p_showtime_id, p_seat_ids, 'AVAILABLE');
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking.unblock_seats(uuid, text[], text) IS 'Puts blocked seats of a showtime back on sale; audited.';
