-- Seat map, holds and operator blocks.

-- Every seat of a showtime with its live status. p_session_token sees its own held seats as SELECTED.
-- Status: AVAILABLE | SELECTED (held by this session) | LOCKED (held by another) | BOOKED | BLOCKED.
CREATE FUNCTION booking.seat_map(p_showtime_id uuid, p_session_token text DEFAULT NULL)
RETURNS TABLE (seat_id text, row_label text, seat_number int, x int, y int, seat_type booking.seat_type,
               status text, price numeric(10,2))
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
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
      LEFT JOIN booking.holds h ON h.showtime_id = p_showtime_id AND h.id = c.hold_id
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
CREATE FUNCTION booking_internal.resolve_seats(p_auditorium_id uuid, p_seat_codes text[])
RETURNS SETOF booking.seats LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_missing text[];
BEGIN
    IF p_seat_codes IS NULL OR cardinality(p_seat_codes) = 0 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'seatIds must name at least one seat',
            jsonb_build_object('field', 'seatIds'));
    END IF;
    IF cardinality(p_seat_codes) <> (SELECT count(DISTINCT c) FROM unnest(p_seat_codes) c) THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'seatIds has duplicates',
            jsonb_build_object('field', 'seatIds'));
    END IF;
    SELECT array_agg(c ORDER BY c) INTO v_missing
      FROM unnest(p_seat_codes) c
     WHERE c IS NULL OR NOT EXISTS (SELECT 1 FROM booking.seats s WHERE s.auditorium_id = p_auditorium_id AND s.code = c);
    IF v_missing IS NOT NULL THEN
        PERFORM booking_internal.raise_error('SEAT_NOT_FOUND', 'unknown seat ids: ' || array_to_string(v_missing, ', ', 'null'),
            jsonb_build_object('seatIds', to_jsonb(v_missing)));
    END IF;
    RETURN QUERY SELECT s.* FROM booking.seats s
                  WHERE s.auditorium_id = p_auditorium_id AND s.code = ANY (p_seat_codes) ORDER BY s.id;
END $$;
COMMENT ON FUNCTION booking_internal.resolve_seats(uuid, text[]) IS 'Seat rows for public seat ids of an auditorium; raises SEAT_NOT_FOUND.';

-- Raise SEAT_UNAVAILABLE if any seat (already locked by lock_seats) has a live claim other than the hold's own.
CREATE FUNCTION booking_internal.assert_seats_free(p_showtime_id uuid, p_seat_ids bigint[], p_own_hold uuid, p_now timestamptz)
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
        PERFORM booking_internal.raise_error('SEAT_UNAVAILABLE', 'seats not available: ' || array_to_string(v_taken, ', '),
            jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(v_taken)));
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.assert_seats_free(uuid, bigint[], uuid, timestamptz) IS
    'Raises SEAT_UNAVAILABLE naming every seat that is inactive or claimed by someone other than the given hold.';

-- Seats of a hold with their price: [{"id","rowLabel","seatNumber","type","price"}].
CREATE FUNCTION booking_internal.hold_seats_json(p_hold_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_showtime uuid := booking.showtime_of(p_hold_id);
BEGIN
    RETURN (
        SELECT coalesce(jsonb_agg(jsonb_build_object('id', s.code, 'rowLabel', s.row_label, 'seatNumber', s.seat_number,
                                                     'type', s.seat_type, 'price', p.amount) ORDER BY s.y, s.x), '[]')
          FROM booking.seat_claims c
          JOIN booking.seats s ON s.id = c.seat_id
          LEFT JOIN booking.prices p ON p.showtime_id = c.showtime_id AND p.seat_type = s.seat_type
         WHERE c.showtime_id = v_showtime AND c.hold_id = p_hold_id AND c.kind = 'HOLD');
END $$;
COMMENT ON FUNCTION booking_internal.hold_seats_json(uuid) IS 'The seats of a hold with row, number, type and price, as JSON.';

-- Hold seats for a session: all or nothing. Holding again with the same token on the same showtime
-- replaces the session's hold (same holdId, new seat set, fresh expiry) instead of leaving orphans.
-- The hot path of a premiere rush (docs/benchmarks.md has its profile): 7 statements in the common case, each
-- with a generic plan (a custom plan per call was 0.1-0.5 ms of planning), the settings read once through a view,
-- the lone-seat rule evaluated on the touched rows only (two seats either side of the request: a seat can only be
-- left lone next to a new one), the row locks instead of per-seat locks, and the claims' status history written in
-- the statement that writes them (no trigger). It never NOTIFYs: the history is what the publisher reads.
-- Rules, in the order refusals are raised: token, ttl, seats per hold, showtime on sale, seats exist / distinct /
-- priced; then under the locks: SEAT_UNAVAILABLE, TOO_MANY_SEATS (per session and showtime), CHANNEL_RESERVED,
-- COMPANION_SEAT_RESERVED, SEAT_LONE.
CREATE FUNCTION booking.hold(p_showtime_id uuid, p_seat_ids text[], p_session_token text,
                             p_ttl_seconds int DEFAULT NULL, p_channel text DEFAULT NULL,
                             p_admission_token text DEFAULT NULL)
RETURNS TABLE (hold_id uuid, expires_at timestamptz, total_amount numeric(10,2), currency char(3), seats jsonb)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_now     timestamptz := booking.clock();
    c         record;
    r         record;
    z         record;
    v_ttl     int;
    v_expires timestamptz;
    v_hold    uuid;
    v_actor   text := booking_internal.history_actor();
    v_tx      xid8;
    v_refusal jsonb;
BEGIN
    -- A hold lives minutes; losing the last moment of holds in a crash only puts seats back on sale.
    PERFORM set_config('synchronous_commit', 'off', true);
    IF coalesce(length(p_session_token), 0) NOT BETWEEN 1 AND 200 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'sessionToken is required (1-200 characters)',
            jsonb_build_object('field', 'sessionToken'));
    END IF;
    -- one session, one hold per showtime: this session's own concurrent requests are decided one after the other
    PERFORM booking_internal.lock_session(p_showtime_id, p_session_token);

    -- showtime, cinema, seating option, settings, the session's live holds (newest first) and booked seats
    SELECT st.auditorium_id, st.starts_at, st.is_cancelled, st.showtime_no, ci.currency,
           coalesce(o.lone_seat_rule, hs.lone_seat_rule) AS lone_rule, hs.hold_ttl_seconds, hs.max_seats_per_hold,
           st.starts_at - make_interval(mins => hs.companion_release_minutes) AS companion_release, hs.publish,
           (SELECT array_agg(h.id ORDER BY h.created_at DESC) FROM booking.holds h
             WHERE h.showtime_id = p_showtime_id AND h.session_token = p_session_token
               AND h.status = 'ACTIVE' AND h.expires_at > v_now) AS live_holds,
           -- seats of the session's live bookings (= their live claims: cancelled ones were cut, unpaid ones end
           -- at the deadline)
           (SELECT coalesce(sum(b.num_tickets), 0) FROM booking.bookings b
             WHERE b.showtime_id = p_showtime_id AND b.session_token = p_session_token
               AND (b.status = 'CONFIRMED' OR (b.status = 'PENDING_PAYMENT' AND b.payment_deadline > v_now))) AS booked,
           NULL::uuid AS own_id, NULL::text AS own_channel, '{}'::bigint[] AS own_seats, 0::bigint AS other_seats,
           os.opens_at, os.queue  -- on-sale schedule (issue 20, 91_queue.sql): one primary-key lookup
      INTO c
      FROM booking.showtimes st
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.cinemas ci ON ci.id = a.cinema_id
      CROSS JOIN booking_internal.hot_settings hs
      LEFT JOIN booking.showtime_seating o ON o.showtime_id = st.id
      LEFT JOIN booking.on_sales os ON os.showtime_id = st.id
     WHERE st.id = p_showtime_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('SHOWTIME_NOT_FOUND', format('showtime %s not found', p_showtime_id),
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    v_ttl := coalesce(p_ttl_seconds, c.hold_ttl_seconds);
    IF v_ttl NOT BETWEEN 1 AND 86400 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'hold time to live must be 1..86400 seconds',
            jsonb_build_object('field', 'ttlSeconds'));
    END IF;
    IF cardinality(p_seat_ids) > c.max_seats_per_hold THEN
        PERFORM booking_internal.raise_error('TOO_MANY_SEATS', format('at most %s seats per hold', c.max_seats_per_hold),
            jsonb_build_object('max', c.max_seats_per_hold, 'requested', cardinality(p_seat_ids)));
    END IF;
    IF c.is_cancelled OR c.starts_at <= v_now THEN
        PERFORM booking_internal.raise_error('SHOWTIME_NOT_ON_SALE', 'this showtime is no longer on sale',
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    IF c.opens_at IS NOT NULL THEN  -- NOT_YET_ON_SALE, ADMISSION_REQUIRED, ADMISSION_EXPIRED
        v_refusal := booking_internal.on_sale_refusal(p_showtime_id, p_session_token, p_admission_token, c.opens_at,
                                                      c.queue, v_now);
        IF v_refusal IS NOT NULL THEN
            PERFORM booking_internal.raise_error(v_refusal->>'code', v_refusal->>'message', v_refusal->'details');
        END IF;
    END IF;
    c.other_seats := c.booked;
    IF c.live_holds IS NOT NULL THEN
        -- a re-hold (rare in a rush): the hold it replaces, its seats, and the seats of any older live hold
        c.own_id := c.live_holds[1];
        SELECT h.channel, coalesce((SELECT array_agg(x.seat_id ORDER BY x.seat_id) FROM booking.seat_claims x
                                     WHERE x.showtime_id = p_showtime_id AND x.hold_id = h.id AND x.kind = 'HOLD'), '{}')
          INTO c.own_channel, c.own_seats
          FROM booking.holds h WHERE h.showtime_id = p_showtime_id AND h.id = c.own_id;
        IF cardinality(c.live_holds) > 1 THEN
            c.other_seats := c.other_seats + (SELECT count(*) FROM booking.seat_claims x
                WHERE x.showtime_id = p_showtime_id AND x.hold_id = ANY (c.live_holds[2:]) AND x.kind = 'HOLD');
        END IF;
    END IF;

    -- the requested seats: ids, rows, prices, the answer's JSON, and the static rules (channel, companions)
    SELECT array_agg(s.id ORDER BY s.id) AS ids, count(DISTINCT q.code) AS n_distinct,
           array_agg(DISTINCT s.row_label) AS rows_,
           array_agg(DISTINCT s.seat_type::text) FILTER (WHERE p.amount IS NULL) AS unpriced,
           sum(p.amount) AS total,
           jsonb_agg(jsonb_build_object('id', s.code, 'rowLabel', s.row_label, 'seatNumber', s.seat_number,
                                        'type', s.seat_type, 'price', p.amount) ORDER BY s.y, s.x) AS json,
           array_agg(s.code ORDER BY s.code) FILTER (WHERE ca.channel IS DISTINCT FROM coalesce(p_channel, c.own_channel)
                                                       AND ca.channel IS NOT NULL) AS channel_bad,
           array_agg(DISTINCT s.code) FILTER (
               WHERE v_now < c.companion_release
                 AND EXISTS (SELECT 1 FROM booking.companion_seats l WHERE l.companion_seat_id = s.id)
                 AND NOT EXISTS (SELECT 1 FROM booking.companion_seats l JOIN booking.seats w ON w.id = l.wheelchair_seat_id
                                  WHERE l.companion_seat_id = s.id AND w.code = ANY (p_seat_ids))) AS companion_bad
      INTO r
      FROM unnest(p_seat_ids) q(code)
      JOIN booking.seats s ON s.auditorium_id = c.auditorium_id AND s.code = q.code
      LEFT JOIN booking.prices p ON p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type
      LEFT JOIN booking.channel_allocations ca
             ON ca.showtime_id = p_showtime_id AND ca.seat_id = s.id AND ca.released_at IS NULL
            AND (ca.release_at IS NULL OR ca.release_at > v_now);
    IF coalesce(cardinality(p_seat_ids), 0) = 0 OR r.n_distinct IS DISTINCT FROM cardinality(p_seat_ids)::bigint
       OR cardinality(r.ids) <> cardinality(p_seat_ids) THEN
        PERFORM booking_internal.resolve_seats(c.auditorium_id, p_seat_ids);  -- raises the precise error
    END IF;
    IF r.unpriced IS NOT NULL THEN
        PERFORM booking_internal.raise_error('SEAT_UNAVAILABLE', 'seats of these types are not on sale: ' || array_to_string(r.unpriced, ', '),
            jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(p_seat_ids), 'types', to_jsonb(r.unpriced)));
    END IF;

    -- the rows' locks (every claimer of this showtime's seats takes them, ascending), then the rows' state, once:
    -- seats claimed by someone else (SEAT_UNAVAILABLE) and seats this hold would leave lone (SEAT_LONE)
    PERFORM booking_internal.lock_rows(c.showtime_no, r.rows_);
    -- only the requested seats and two seats either side matter: a seat can only be left lone next to a new one
    WITH span AS (
        SELECT t.row_label, min(t.x) - 2 AS x0, max(t.x) + 2 AS x1 FROM booking.seats t
         WHERE t.id = ANY (r.ids) GROUP BY t.row_label),
    rs AS MATERIALIZED (
        SELECT s.code, s.row_label, s.x, s.seat_type, s.id = ANY (r.ids) AS mine,
               CASE WHEN c.lone_rule OR s.id = ANY (r.ids) THEN
                    NOT s.is_active OR EXISTS (
                        SELECT 1 FROM booking.seat_claims x
                         WHERE x.showtime_id = p_showtime_id AND x.seat_id = s.id AND x.during && tstzrange(v_now, NULL)
                           -- only the caller's own HOLD claims are ignored (a block has no hold id and counts)
                           AND NOT (x.kind = 'HOLD' AND c.own_id IS NOT NULL AND x.hold_id = c.own_id)) END AS busy
          FROM span JOIN booking.seats s
            ON s.auditorium_id = c.auditorium_id AND s.row_label = span.row_label AND s.x BETWEEN span.x0 AND span.x1),
    nb AS (
        SELECT rs.*, (rs.busy OR rs.mine) AS taken,
               CASE WHEN lag(rs.x) OVER w = rs.x - 1 THEN lag(rs.busy OR rs.mine) OVER w ELSE true END AS l_taken,
               CASE WHEN lag(rs.x) OVER w = rs.x - 1 THEN lag(rs.mine) OVER w ELSE false END AS l_mine,
               CASE WHEN lead(rs.x) OVER w = rs.x + 1 THEN lead(rs.busy OR rs.mine) OVER w ELSE true END AS r_taken,
               CASE WHEN lead(rs.x) OVER w = rs.x + 1 THEN lead(rs.mine) OVER w ELSE false END AS r_mine
          FROM rs WINDOW w AS (PARTITION BY rs.row_label ORDER BY rs.x))
    SELECT array_agg(nb.code ORDER BY nb.code) FILTER (WHERE nb.mine AND nb.busy) AS unavailable,
           array_agg(nb.code ORDER BY nb.row_label, nb.x) FILTER (
               WHERE c.lone_rule AND NOT nb.taken AND nb.seat_type <> 'WHEELCHAIR' AND nb.l_taken AND nb.r_taken
                 AND (nb.l_mine OR nb.r_mine)) AS lone
      INTO z FROM nb;

    IF z.unavailable IS NOT NULL THEN
        PERFORM booking_internal.raise_error('SEAT_UNAVAILABLE', 'seats not available: ' || array_to_string(z.unavailable, ', '),
            jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(z.unavailable)));
    END IF;
    IF c.other_seats + cardinality(r.ids) > c.max_seats_per_hold THEN
        PERFORM booking_internal.raise_error('TOO_MANY_SEATS',
            format('at most %s seats per session and showtime (%s already held or booked)', c.max_seats_per_hold, c.other_seats),
            jsonb_build_object('max', c.max_seats_per_hold, 'requested', cardinality(r.ids), 'alreadyHeld', c.other_seats));
    END IF;
    IF r.channel_bad IS NOT NULL THEN
        PERFORM booking_internal.raise_error('CHANNEL_RESERVED',
            'seats reserved for another sales channel: ' || array_to_string(r.channel_bad, ', '),
            jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(r.channel_bad)));
    END IF;
    IF r.companion_bad IS NOT NULL THEN
        PERFORM booking_internal.raise_error('COMPANION_SEAT_RESERVED',
            'companion seats are kept for wheelchair buyers until ' || c.companion_release || ': ' || array_to_string(r.companion_bad, ', '),
            jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(r.companion_bad), 'releaseAt', c.companion_release));
    END IF;
    IF z.lone IS NOT NULL THEN
        PERFORM booking_internal.raise_error('SEAT_LONE',
            'this would leave a single empty seat; add it or shift your selection to it: ' || array_to_string(z.lone, ', '),
            jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(z.lone)));
    END IF;

    -- the write: hold, claims and their status history in one statement
    v_expires := v_now + make_interval(secs => v_ttl);
    v_tx := CASE WHEN c.publish THEN pg_current_xact_id() END;
    IF c.own_id IS NULL THEN
        -- booking_internal.new_id() inlined: UUIDv8 = showtime_no (32 bits), version 8, random
        v_hold := overlay(overlay(gen_random_uuid()::text PLACING lpad(to_hex(c.showtime_no), 8, '0') FROM 1 FOR 8)
                          PLACING '8' FROM 15 FOR 1)::uuid;
        WITH h AS (
            INSERT INTO booking.holds (id, showtime_id, session_token, created_at, expires_at, channel)
            VALUES (v_hold, p_showtime_id, p_session_token, v_now, v_expires, p_channel)),
        cl AS (
            INSERT INTO booking.seat_claims (showtime_id, seat_id, kind, hold_id, during)
            SELECT p_showtime_id, sid, 'HOLD', v_hold, tstzrange(v_now, v_expires) FROM unnest(r.ids) sid
            RETURNING id, seat_id)
        INSERT INTO booking.seat_status_history
               (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, actor, tx_id)
        SELECT p_showtime_id, cl.seat_id, v_now, 'AVAILABLE', 'LOCKED', 'HOLD', cl.id, v_hold, v_actor, v_tx FROM cl;
    ELSE
        v_hold := c.own_id;
        WITH h AS (
            UPDATE booking.holds h SET expires_at = v_expires, channel = coalesce(p_channel, h.channel)
             WHERE h.showtime_id = p_showtime_id AND h.id = v_hold),
        gone AS (
            DELETE FROM booking.seat_claims x
             WHERE x.showtime_id = p_showtime_id AND x.hold_id = v_hold AND x.kind = 'HOLD' AND x.seat_id <> ALL (r.ids)
            RETURNING x.id, x.seat_id),
        kept AS (
            UPDATE booking.seat_claims x SET during = tstzrange(lower(x.during), v_expires)
             WHERE x.showtime_id = p_showtime_id AND x.hold_id = v_hold AND x.kind = 'HOLD' AND x.seat_id = ANY (r.ids)),
        added AS (
            INSERT INTO booking.seat_claims (showtime_id, seat_id, kind, hold_id, during)
            SELECT p_showtime_id, sid, 'HOLD', v_hold, tstzrange(v_now, v_expires)
              FROM unnest(r.ids) sid WHERE sid <> ALL (c.own_seats) ORDER BY sid
            RETURNING id, seat_id)
        INSERT INTO booking.seat_status_history
               (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, actor, tx_id)
        SELECT p_showtime_id, e.seat_id, v_now, e.f, e.t, 'HOLD', e.id, v_hold, v_actor, v_tx
          FROM (SELECT a.id, a.seat_id, 'AVAILABLE' AS f, 'LOCKED' AS t FROM added a
                UNION ALL SELECT g.id, g.seat_id, 'LOCKED', 'AVAILABLE' FROM gone g) e;
    END IF;
    RETURN QUERY SELECT v_hold, v_expires, coalesce(r.total, 0)::numeric(10,2), c.currency, r.json;
END $$;
COMMENT ON FUNCTION booking.hold(uuid, text[], text, int, text, text) IS
    'Holds seats for a session token, all or nothing, for hold_ttl_seconds; re-holding replaces the session''s hold. '
    'Raises SEAT_UNAVAILABLE (details.seatIds), SEAT_NOT_FOUND, TOO_MANY_SEATS, SHOWTIME_NOT_FOUND, '
    'SHOWTIME_NOT_ON_SALE, CHANNEL_RESERVED, COMPANION_SEAT_RESERVED, SEAT_LONE, VALIDATION_ERROR; for a showtime '
    'with an on-sale schedule (91_queue.sql) NOT_YET_ON_SALE, ADMISSION_REQUIRED, ADMISSION_EXPIRED '
    '(p_admission_token: the X-Admission-Token of a queued showtime).';

-- The hold, checked against the caller's token (when given); raises HOLD_NOT_FOUND / HOLD_NOT_YOURS.
-- Its showtime comes from the id (booking.showtime_of): one primary-key lookup, never a scan across showtimes.
CREATE FUNCTION booking_internal.hold_for(p_hold_id uuid, p_session_token text, p_lock boolean DEFAULT false)
RETURNS booking.holds LANGUAGE plpgsql AS $$
DECLARE
    v booking.holds;
    v_showtime uuid := booking.showtime_of(p_hold_id);
BEGIN
    IF p_lock THEN
        SELECT * INTO v FROM booking.holds WHERE showtime_id = v_showtime AND id = p_hold_id FOR UPDATE;
    ELSE
        SELECT * INTO v FROM booking.holds WHERE showtime_id = v_showtime AND id = p_hold_id;
    END IF;
    IF v.id IS NULL THEN
        PERFORM booking_internal.raise_error('HOLD_NOT_FOUND', format('hold %s not found', p_hold_id),
            jsonb_build_object('holdId', p_hold_id));
    END IF;
    IF p_session_token IS NOT NULL AND p_session_token IS DISTINCT FROM v.session_token THEN
        PERFORM booking_internal.raise_error('HOLD_NOT_YOURS', 'this hold belongs to another session',
            jsonb_build_object('holdId', p_hold_id));
    END IF;
    RETURN v;
END $$;
COMMENT ON FUNCTION booking_internal.hold_for(uuid, text, boolean) IS 'A hold checked against the caller''s session token; raises HOLD_NOT_FOUND/HOLD_NOT_YOURS.';

-- The hold must be live: ACTIVE and not past expires_at.
CREATE FUNCTION booking_internal.assert_hold_live(p_hold booking.holds, p_now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_hold.status <> 'ACTIVE' THEN
        PERFORM booking_internal.raise_error('HOLD_NOT_ACTIVE', format('hold is %s', lower(p_hold.status::text)),
            jsonb_build_object('holdId', p_hold.id, 'holdStatus', p_hold.status));
    END IF;
    IF p_hold.expires_at <= p_now THEN
        PERFORM booking_internal.raise_error('HOLD_EXPIRED', 'the hold expired; its seats are back on sale',
            jsonb_build_object('holdId', p_hold.id, 'expiredAt', p_hold.expires_at));
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.assert_hold_live(booking.holds, timestamptz) IS 'Raises HOLD_NOT_ACTIVE or HOLD_EXPIRED unless the hold is live.';

-- Status history of claims that are deleted or cut short: a live claim changes now; one that lapsed on its own
-- (nothing was written then) gets its EXPIRED row at the instant it ended, once.
CREATE FUNCTION booking_internal.record_claims_ended(p_showtime_id uuid, p_claim_ids bigint[], p_seat_ids bigint[],
    p_kinds booking.claim_kind[], p_ends timestamptz[], p_hold_ids uuid[], p_booking_ids uuid[], p_now timestamptz,
    p_was_live boolean[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_actor text := booking_internal.history_actor();
    v_tx    xid8 := booking_internal.change_tx();
BEGIN
    INSERT INTO booking.seat_status_history
           (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, booking_id, reason, actor, tx_id)
    SELECT p_showtime_id, e.seat_id, CASE WHEN e.live THEN p_now ELSE e.ended END,
           booking_internal.claim_status(e.kind), 'AVAILABLE', e.kind, e.claim_id, e.hold_id, e.booking_id,
           CASE WHEN e.live THEN NULL ELSE 'EXPIRED' END, CASE WHEN e.live THEN v_actor END, v_tx
      FROM unnest(p_claim_ids, p_seat_ids, p_kinds, p_ends, p_hold_ids, p_booking_ids, p_was_live)
           e(claim_id, seat_id, kind, ended, hold_id, booking_id, live)
     WHERE e.live OR NOT EXISTS (SELECT 1 FROM booking.seat_status_history h
                                  WHERE h.showtime_id = p_showtime_id AND h.claim_id = e.claim_id
                                    AND h.to_status = 'AVAILABLE')
     ORDER BY e.claim_id;
END $$;
COMMENT ON FUNCTION booking_internal.record_claims_ended(uuid, bigint[], bigint[], booking.claim_kind[], timestamptz[], uuid[], uuid[], timestamptz, boolean[]) IS
    'Internal: seat status history (-> AVAILABLE) of claims deleted or cut short; a lapsed one gets its EXPIRED row once.';

-- Release a hold (only its own session may). Releasing twice, or an expired hold, is harmless.
CREATE FUNCTION booking.release_hold(p_showtime_id uuid, p_hold_id uuid, p_session_token text) RETURNS boolean
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v     booking.holds;
    v_now timestamptz := booking.clock();
    g     record;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);  -- as in hold: a lost release only frees seats later
    IF p_session_token IS NULL THEN
        PERFORM booking_internal.raise_error('HOLD_NOT_YOURS', 'the session token is required to release a hold',
            jsonb_build_object('holdId', p_hold_id));
    END IF;
    -- the session lock first (lock order, 00_core.sql): a concurrent re-hold of this session waits or goes first
    PERFORM booking_internal.lock_session(p_showtime_id, p_session_token);
    SELECT * INTO v FROM booking.holds h WHERE h.showtime_id = p_showtime_id AND h.id = p_hold_id FOR UPDATE;
    IF v.id IS NULL THEN
        PERFORM booking_internal.raise_error('HOLD_NOT_FOUND', format('hold %s not found', p_hold_id),
            jsonb_build_object('holdId', p_hold_id));
    END IF;
    IF p_session_token IS DISTINCT FROM v.session_token THEN
        PERFORM booking_internal.raise_error('HOLD_NOT_YOURS', 'this hold belongs to another session',
            jsonb_build_object('holdId', p_hold_id));
    END IF;
    IF v.status = 'CONVERTED' THEN
        PERFORM booking_internal.raise_error('HOLD_NOT_ACTIVE', 'the hold was confirmed into a booking; cancel the booking instead',
            jsonb_build_object('holdId', p_hold_id, 'holdStatus', v.status));
    END IF;
    IF v.status = 'RELEASED' THEN
        RETURN false;
    END IF;
    -- freeing seats never needs the row locks: it cannot double-sell anything
    WITH gone AS (
        DELETE FROM booking.seat_claims x
         WHERE x.showtime_id = p_showtime_id AND x.hold_id = p_hold_id AND x.kind = 'HOLD'
        RETURNING x.id, x.seat_id, x.kind, upper(x.during) AS ended, upper(x.during) > v_now AS live)
    SELECT array_agg(id) AS ids, array_agg(seat_id) AS seats, array_agg(kind) AS kinds, array_agg(ended) AS ends,
           array_agg(live) AS live
      INTO g FROM gone;
    UPDATE booking.holds SET status = 'RELEASED' WHERE showtime_id = p_showtime_id AND id = p_hold_id;
    IF g.ids IS NOT NULL THEN
        PERFORM booking_internal.record_claims_ended(p_showtime_id, g.ids, g.seats, g.kinds, g.ends,
            array_fill(p_hold_id, ARRAY[cardinality(g.ids)]), array_fill(NULL::uuid, ARRAY[cardinality(g.ids)]), v_now, g.live);
    END IF;
    RETURN true;
END $$;
COMMENT ON FUNCTION booking.release_hold(uuid, uuid, text) IS
    'Releases a hold of a showtime by its session token; seats are on sale at once. Returns false if it was already '
    'released. Raises HOLD_NOT_FOUND, HOLD_NOT_YOURS, HOLD_NOT_ACTIVE.';

CREATE FUNCTION booking.release_hold(p_hold_id uuid, p_session_token text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    RETURN booking.release_hold(booking.showtime_of(p_hold_id), p_hold_id, p_session_token);
END $$;
COMMENT ON FUNCTION booking.release_hold(uuid, text) IS
    'Releases a hold by its session token (the showtime comes from the hold id); seats are on sale at once. Returns '
    'false if it was already released. Raises HOLD_NOT_FOUND, HOLD_NOT_YOURS, HOLD_NOT_ACTIVE.';

-- Holds that expired in (p_since, p_until] without being released or confirmed, with their seats:
-- they produce no write at expiry, so the realtime scheduler publishes them from here.
CREATE FUNCTION booking.expired_holds(p_since timestamptz, p_until timestamptz DEFAULT NULL)
RETURNS TABLE (hold_id uuid, showtime_id uuid, expired_at timestamptz, seat_ids text[])
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT h.id, h.showtime_id, h.expires_at, array_agg(s.code ORDER BY s.code)
      FROM booking.holds h
      JOIN booking.seat_claims c ON c.showtime_id = h.showtime_id AND c.hold_id = h.id AND c.kind = 'HOLD'
      JOIN booking.seats s ON s.id = c.seat_id
     WHERE h.status = 'ACTIVE' AND h.expires_at > p_since AND h.expires_at <= coalesce(p_until, booking.clock())
     GROUP BY h.showtime_id, h.id;
END $$;
COMMENT ON FUNCTION booking.expired_holds(timestamptz, timestamptz) IS
    'Holds that timed out in a time window, with their seat ids (for publishing expiries).';

-- Delete claims and holds that ended long ago (housekeeping only: correctness never depends on it). A claim that
-- lapsed unseen gets its EXPIRED history row first (the history outlives the claims).
CREATE FUNCTION booking.purge_expired_holds(p_older_than interval DEFAULT '1 hour') RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    v_n int := 0;
    v_now timestamptz := booking.clock();
    g record;
BEGIN
    FOR g IN
        WITH gone AS (
            DELETE FROM booking.seat_claims c
             WHERE c.kind = 'HOLD' AND upper(c.during) < v_now - p_older_than
            RETURNING c.showtime_id, c.id, c.seat_id, c.kind, upper(c.during) AS ended, c.hold_id)
        SELECT showtime_id, array_agg(id) AS ids, array_agg(seat_id) AS seats, array_agg(kind) AS kinds,
               array_agg(ended) AS ends, array_agg(hold_id) AS holds
          FROM gone GROUP BY showtime_id
    LOOP
        PERFORM booking_internal.record_claims_ended(g.showtime_id, g.ids, g.seats, g.kinds, g.ends, g.holds,
            array_fill(NULL::uuid, ARRAY[cardinality(g.ids)]), v_now, array_fill(false, ARRAY[cardinality(g.ids)]));
        v_n := v_n + cardinality(g.ids);
    END LOOP;
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking.purge_expired_holds(interval) IS 'Deletes hold claims that ended more than the given interval ago; returns how many.';

-- Take seats off sale for one showtime (operator). Fails with SEAT_UNAVAILABLE if a seat is held or booked.
CREATE FUNCTION booking.block_seats(p_showtime_id uuid, p_seat_ids text[], p_actor text DEFAULT 'operator',
                                    p_reason text DEFAULT '')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('seats.block', booking_internal.showtime_cinema(p_showtime_id));
    v_ctx record;
    v_now timestamptz := booking.clock();
    v_ids bigint[];
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    SELECT array_agg(s.id ORDER BY s.id) INTO v_ids FROM booking_internal.resolve_seats(v_ctx.auditorium_id, p_seat_ids) s;
    PERFORM booking_internal.lock_seat_rows(p_showtime_id, v_ids);
    -- already blocked seats are fine: drop them from the request
    v_ids := ARRAY(SELECT i FROM unnest(v_ids) i WHERE NOT EXISTS (
        SELECT 1 FROM booking.seat_claims c WHERE c.showtime_id = p_showtime_id AND c.seat_id = i
           AND c.kind = 'BLOCK' AND c.during && tstzrange(v_now, NULL)));
    PERFORM booking_internal.assert_seats_free(p_showtime_id, v_ids, NULL, v_now);
    WITH cl AS (
        INSERT INTO booking.seat_claims (showtime_id, seat_id, kind, during)
        SELECT p_showtime_id, i, 'BLOCK', tstzrange(v_now, NULL) FROM unnest(v_ids) i ORDER BY i
        RETURNING id, seat_id)
    INSERT INTO booking.seat_status_history (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, actor, tx_id)
    SELECT p_showtime_id, cl.seat_id, v_now, 'AVAILABLE', 'BLOCKED', 'BLOCK', cl.id,
           booking_internal.history_actor(), booking_internal.change_tx()
      FROM cl;
    PERFORM booking_internal.audit(v_actor, 'seats.block', 'showtime', p_showtime_id::text,
        jsonb_build_object('seatIds', p_seat_ids, 'reason', p_reason));
    RETURN cardinality(v_ids);
END $$;
COMMENT ON FUNCTION booking.block_seats(uuid, text[], text, text) IS
    'Blocks seats of one showtime; returns the seats newly blocked. Needs seats.block for its cinema (p_actor is '
    'ignored). Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND, SEAT_NOT_FOUND, VALIDATION_ERROR, SEAT_UNAVAILABLE '
    '(held/booked); audited.';

-- Put blocked seats of a showtime back on sale.
CREATE FUNCTION booking.unblock_seats(p_showtime_id uuid, p_seat_ids text[], p_actor text DEFAULT 'operator')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('seats.block', booking_internal.showtime_cinema(p_showtime_id));
    v_ctx record;
    v_now timestamptz := booking.clock();
    v_ids bigint[];
    v_n int;
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    SELECT array_agg(s.id ORDER BY s.id) INTO v_ids FROM booking_internal.resolve_seats(v_ctx.auditorium_id, p_seat_ids) s;
    -- freeing seats takes no row lock: it cannot double-sell anything
    WITH ended AS (
        UPDATE booking.seat_claims c SET during = tstzrange(lower(c.during), greatest(lower(c.during), v_now), '[)')
         WHERE c.showtime_id = p_showtime_id AND c.seat_id = ANY (v_ids) AND c.kind = 'BLOCK'
           AND c.during && tstzrange(v_now, NULL) AND lower(c.during) < v_now
        RETURNING c.id, c.seat_id, true AS counted),
    -- a block created in this same instant has an empty remaining range: remove it
    dropped AS (
        DELETE FROM booking.seat_claims c
         WHERE c.showtime_id = p_showtime_id AND c.seat_id = ANY (v_ids) AND c.kind = 'BLOCK' AND lower(c.during) >= v_now
        RETURNING c.id, c.seat_id, false AS counted),
    hist AS (
        INSERT INTO booking.seat_status_history
               (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, actor, tx_id)
        SELECT p_showtime_id, e.seat_id, v_now, 'BLOCKED', 'AVAILABLE', 'BLOCK', e.id,
               booking_internal.history_actor(), booking_internal.change_tx()
          FROM (SELECT * FROM ended UNION ALL SELECT * FROM dropped) e)
    SELECT count(*) INTO v_n FROM ended;
    PERFORM booking_internal.audit(v_actor, 'seats.unblock', 'showtime', p_showtime_id::text,
        jsonb_build_object('seatIds', p_seat_ids));
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking.unblock_seats(uuid, text[], text) IS
    'Puts blocked seats of a showtime back on sale. Needs seats.block for its cinema (p_actor is ignored). '
    'Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND, SEAT_NOT_FOUND, VALIDATION_ERROR; audited.';
