-- Group commit for a premiere rush (issue 16, docs/benchmarks.md). The API coalesces the hold requests of ONE
-- showtime that arrive while its previous call is in flight into one call:
--   booking.hold_batch(p_showtime_id, '[{"seatIds": [...], "sessionToken": "...", "ttlSeconds": 300, "channel": null}, ...]')
-- and gets one result per request, in the same order:
--   {"ok": true, "holdId", "expiresAt", "totalAmount", "currency", "seats"}          (what booking.hold returns)
--   {"ok": false, "code", "sqlstate", "message", "details"}                          (what booking.hold would raise)
-- One transaction, one context read, the locks of all requests taken once (session locks, then row locks, each
-- ascending: the lock order of every claimer), the requests decided one after the other in arrival order against the
-- database plus what earlier requests of the batch won, every new hold written by ONE statement at the end (holds,
-- claims, status history). It never NOTIFYs (the publisher reads the history).
-- A request's refusal never fails another: every refusal is decided by a check, not by an exception (the only
-- subtransaction is for a malformed request, to let resolve_seats word its error). If the exclusion constraint still
-- fired (a claimer that bypassed the locks: a bug), the whole call fails and the API retries its requests one by one
-- with booking.hold: the constraint stays the last guard.
-- Two requests of one session in one batch: the later one replaces the earlier one's hold, as two calls would
-- (the pending writes are flushed before the later one is decided).

CREATE FUNCTION booking_internal.batch_error(p_code text, p_message text, p_details jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN jsonb_build_object('ok', false, 'code', p_code, 'message', p_message, 'details', coalesce(p_details, '{}'),
                              'sqlstate', (SELECT e.sqlstate FROM booking.error_codes e WHERE e.code = p_code));
END $$;
COMMENT ON FUNCTION booking_internal.batch_error(text, text, jsonb) IS
    'Internal: one refused request of booking.hold_batch, as booking.hold would have raised it.';

-- Writes the pending new holds of a batch: holds, their claims (ascending seat id) and the claims' history.
CREATE FUNCTION booking_internal.hold_batch_flush(p_showtime_id uuid, p_now timestamptz, p_actor text, p_tx xid8,
    p_id uuid[], p_tok text[], p_exp timestamptz[], p_chan text[], p_seat bigint[], p_shold uuid[], p_sexp timestamptz[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH h AS (
        INSERT INTO booking.holds (id, showtime_id, session_token, created_at, expires_at, channel)
        SELECT u.i, p_showtime_id, u.t, p_now, u.e, u.ch FROM unnest(p_id, p_tok, p_exp, p_chan) u(i, t, e, ch)),
    cl AS (
        INSERT INTO booking.seat_claims (showtime_id, seat_id, kind, hold_id, during)
        SELECT p_showtime_id, u.s, 'HOLD', u.h, tstzrange(p_now, u.e)
          FROM unnest(p_seat, p_shold, p_sexp) u(s, h, e) ORDER BY u.s
        RETURNING id, seat_id, hold_id)
    INSERT INTO booking.seat_status_history
           (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, actor, tx_id)
    SELECT p_showtime_id, cl.seat_id, p_now, 'AVAILABLE', 'LOCKED', 'HOLD', cl.id, cl.hold_id, p_actor, p_tx FROM cl;
END $$;
COMMENT ON FUNCTION booking_internal.hold_batch_flush(uuid, timestamptz, text, xid8, uuid[], text[], timestamptz[], text[], bigint[], uuid[], timestamptz[]) IS
    'Internal: writes the new holds of a batch (holds, claims, status history) in one statement.';

CREATE FUNCTION booking.hold_batch(p_showtime_id uuid, p_requests jsonb) RETURNS jsonb
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_now     timestamptz := booking.clock();
    v_actor   text := booking_internal.history_actor();
    v_tx      xid8;
    c         record;
    q         booking_internal.hold_request;
    v_reqs    booking_internal.hold_request[];
    o         record;
    z         record;
    v_out     jsonb[] := '{}';
    v_n       int;
    v_won     bigint[] := '{}';      -- seats won by earlier requests of this batch (written or pending)
    v_seen    text[] := '{}';        -- session tokens decided in this batch
    -- pending new holds (written together at the end): one entry per hold, and one per claimed seat
    w_id uuid[] := '{}'; w_tok text[] := '{}'; w_exp timestamptz[] := '{}'; w_chan text[] := '{}';
    w_seat bigint[] := '{}'; w_shold uuid[] := '{}'; w_sexp timestamptz[] := '{}';
    v_hold    uuid;
    v_exp     timestamptz;
    v_ttl     int;
    v_err     jsonb;
    v_msg text; v_det text; v_hint text;
BEGIN
    IF jsonb_typeof(p_requests) IS DISTINCT FROM 'array' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'requests must be a JSON array',
            jsonb_build_object('field', 'requests'));
    END IF;
    v_n := jsonb_array_length(p_requests);
    PERFORM set_config('synchronous_commit', 'off', true);  -- as in hold: a lost hold only frees seats early
    SELECT st.auditorium_id, st.starts_at, st.is_cancelled, st.showtime_no, ci.currency,
           coalesce(so.lone_seat_rule, hs.lone_seat_rule) AS lone_rule, hs.hold_ttl_seconds, hs.max_seats_per_hold,
           st.starts_at - make_interval(mins => hs.companion_release_minutes) AS companion_release, hs.publish,
           os.opens_at, os.queue  -- on-sale schedule (issue 20, 91_queue.sql): one primary-key lookup
      INTO c
      FROM booking.showtimes st
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.cinemas ci ON ci.id = a.cinema_id
      CROSS JOIN booking_internal.hot_settings hs
      LEFT JOIN booking.showtime_seating so ON so.showtime_id = st.id
      LEFT JOIN booking.on_sales os ON os.showtime_id = st.id
     WHERE st.id = p_showtime_id;
    v_tx := CASE WHEN c.publish THEN pg_current_xact_id() END;

    -- 1. every request's seats at once: one row per request, arrival order
    SELECT array_agg(ROW(rq.i, rq.token, rq.ttl, rq.channel, rq.codes, sx.ids, sx.rows_, sx.n_distinct, sx.unpriced,
                         sx.total, sx.json, sx.channel_bad, sx.companion_bad, rq.admission)::booking_internal.hold_request
                   ORDER BY rq.i)
      INTO v_reqs
      FROM (SELECT (e.i)::int AS i, e.r->>'sessionToken' AS token,
                   CASE WHEN jsonb_typeof(e.r->'ttlSeconds') = 'number' THEN (e.r->>'ttlSeconds')::numeric::int END AS ttl,
                   e.r->>'channel' AS channel,
                   e.r->>'admissionToken' AS admission,
                   CASE WHEN jsonb_typeof(e.r->'seatIds') = 'array'
                        THEN ARRAY(SELECT jsonb_array_elements_text(e.r->'seatIds')) END AS codes
              FROM jsonb_array_elements(p_requests) WITH ORDINALITY e(r, i)) rq
      LEFT JOIN LATERAL (
          SELECT array_agg(s.id ORDER BY s.id) AS ids, array_agg(DISTINCT s.row_label) AS rows_,
                 count(DISTINCT x.code)::int AS n_distinct,
                 array_agg(DISTINCT s.seat_type::text) FILTER (WHERE p.amount IS NULL) AS unpriced,
                 sum(p.amount) AS total,
                 jsonb_agg(jsonb_build_object('id', s.code, 'rowLabel', s.row_label, 'seatNumber', s.seat_number,
                                              'type', s.seat_type, 'price', p.amount) ORDER BY s.y, s.x) AS json,
                 -- seats allocated to a channel other than the request's (a re-hold's own channel: refined below)
                 array_agg(s.code ORDER BY s.code) FILTER (WHERE ca.channel IS NOT NULL) AS channel_bad,
                 array_agg(DISTINCT s.code) FILTER (
                     WHERE v_now < c.companion_release
                       AND EXISTS (SELECT 1 FROM booking.companion_seats l WHERE l.companion_seat_id = s.id)
                       AND NOT EXISTS (SELECT 1 FROM booking.companion_seats l JOIN booking.seats w ON w.id = l.wheelchair_seat_id
                                        WHERE l.companion_seat_id = s.id AND w.code = ANY (rq.codes))) AS companion_bad
            FROM unnest(rq.codes) x(code)
            JOIN booking.seats s ON s.auditorium_id = c.auditorium_id AND s.code = x.code
            LEFT JOIN booking.prices p ON p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type
            LEFT JOIN booking.channel_allocations ca
                   ON ca.showtime_id = p_showtime_id AND ca.seat_id = s.id AND ca.released_at IS NULL
                  AND (ca.release_at IS NULL OR ca.release_at > v_now)
                  AND ca.channel IS DISTINCT FROM rq.channel) sx ON true;

    -- 2. locks, once for the batch: the sessions' locks, then the rows' locks, each ascending
    PERFORM pg_advisory_xact_lock(l.k)
       FROM (SELECT DISTINCT hashtextextended('hold:' || p_showtime_id || ':' || t.token, 0) AS k
               FROM unnest(v_reqs) t WHERE length(t.token) BETWEEN 1 AND 200 ORDER BY 1) l;
    IF c.auditorium_id IS NOT NULL THEN
        PERFORM booking_internal.lock_rows(c.showtime_no,
            ARRAY(SELECT DISTINCT x FROM unnest(v_reqs) t, unnest(t.rows_) x WHERE x IS NOT NULL));
    END IF;

    -- 3. decide in arrival order, with hold()'s checks in hold()'s order
    FOREACH q IN ARRAY coalesce(v_reqs, '{}') LOOP
        v_err := NULL;
        v_ttl := coalesce(q.ttl, c.hold_ttl_seconds);
        IF coalesce(length(q.token), 0) NOT BETWEEN 1 AND 200 THEN
            v_err := booking_internal.batch_error('VALIDATION_ERROR', 'sessionToken is required (1-200 characters)',
                                                  jsonb_build_object('field', 'sessionToken'));
        ELSIF c.auditorium_id IS NULL THEN
            v_err := booking_internal.batch_error('SHOWTIME_NOT_FOUND', format('showtime %s not found', p_showtime_id),
                                                  jsonb_build_object('showtimeId', p_showtime_id));
        ELSIF v_ttl NOT BETWEEN 1 AND 86400 THEN
            v_err := booking_internal.batch_error('VALIDATION_ERROR', 'hold time to live must be 1..86400 seconds',
                                                  jsonb_build_object('field', 'ttlSeconds'));
        ELSIF cardinality(q.codes) > c.max_seats_per_hold THEN
            v_err := booking_internal.batch_error('TOO_MANY_SEATS', format('at most %s seats per hold', c.max_seats_per_hold),
                jsonb_build_object('max', c.max_seats_per_hold, 'requested', cardinality(q.codes)));
        ELSIF c.is_cancelled OR c.starts_at <= v_now THEN
            v_err := booking_internal.batch_error('SHOWTIME_NOT_ON_SALE', 'this showtime is no longer on sale',
                                                  jsonb_build_object('showtimeId', p_showtime_id));
        ELSIF c.opens_at IS NOT NULL AND booking_internal.on_sale_refusal(p_showtime_id, q.token, q.admission,
                                                                          c.opens_at, c.queue, v_now) IS NOT NULL THEN
            v_err := booking_internal.on_sale_refusal(p_showtime_id, q.token, q.admission, c.opens_at, c.queue, v_now);
        ELSIF coalesce(cardinality(q.codes), 0) = 0 OR q.n_distinct IS DISTINCT FROM cardinality(q.codes)
              OR cardinality(q.ids) IS DISTINCT FROM cardinality(q.codes) THEN
            BEGIN  -- malformed request: let resolve_seats word the error (a subtransaction that writes nothing)
                PERFORM booking_internal.resolve_seats(c.auditorium_id, q.codes);
                v_err := booking_internal.batch_error('VALIDATION_ERROR', 'seatIds must name at least one seat',
                                                      jsonb_build_object('field', 'seatIds'));
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_det = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
                v_err := booking_internal.batch_error(v_hint, v_msg, nullif(v_det, '')::jsonb);
            END;
        ELSIF q.unpriced IS NOT NULL THEN
            v_err := booking_internal.batch_error('SEAT_UNAVAILABLE', 'seats of these types are not on sale: ' || array_to_string(q.unpriced, ', '),
                jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(q.codes), 'types', to_jsonb(q.unpriced)));
        END IF;
        IF v_err IS NOT NULL THEN
            v_out := v_out || v_err;
            CONTINUE;
        END IF;

        IF q.token = ANY (v_seen) AND cardinality(w_id) > 0 THEN
            -- the same session again: write what is pending so this request finds (and replaces) that hold
            PERFORM booking_internal.hold_batch_flush(p_showtime_id, v_now, v_actor, v_tx, w_id, w_tok, w_exp, w_chan,
                                                      w_seat, w_shold, w_sexp);
            w_id := '{}'; w_tok := '{}'; w_exp := '{}'; w_chan := '{}'; w_seat := '{}'; w_shold := '{}'; w_sexp := '{}';
        END IF;
        v_seen := v_seen || q.token;

        -- the session's live holds (newest first: the one this request replaces) and booked seats
        SELECT (SELECT array_agg(h.id ORDER BY h.created_at DESC) FROM booking.holds h
                 WHERE h.showtime_id = p_showtime_id AND h.session_token = q.token
                   AND h.status = 'ACTIVE' AND h.expires_at > v_now) AS live_holds,
               (SELECT coalesce(sum(b.num_tickets), 0) FROM booking.bookings b
                 WHERE b.showtime_id = p_showtime_id AND b.session_token = q.token
                   AND (b.status = 'CONFIRMED' OR (b.status = 'PENDING_PAYMENT' AND b.payment_deadline > v_now))) AS other_seats,
               NULL::uuid AS own_id, NULL::text AS own_channel, '{}'::bigint[] AS own_seats
          INTO o;
        IF o.live_holds IS NOT NULL THEN
            o.own_id := o.live_holds[1];
            SELECT h.channel, coalesce((SELECT array_agg(x.seat_id ORDER BY x.seat_id) FROM booking.seat_claims x
                                         WHERE x.showtime_id = p_showtime_id AND x.hold_id = h.id AND x.kind = 'HOLD'), '{}')
              INTO o.own_channel, o.own_seats
              FROM booking.holds h WHERE h.showtime_id = p_showtime_id AND h.id = o.own_id;
            IF cardinality(o.live_holds) > 1 THEN
                o.other_seats := o.other_seats + (SELECT count(*) FROM booking.seat_claims x
                    WHERE x.showtime_id = p_showtime_id AND x.hold_id = ANY (o.live_holds[2:]) AND x.kind = 'HOLD');
            END IF;
        END IF;

        -- the rows' state: the database (this transaction's writes included) plus what the batch won so far
        WITH span AS (
            SELECT t.row_label, min(t.x) - 2 AS x0, max(t.x) + 2 AS x1 FROM booking.seats t
             WHERE t.id = ANY (q.ids) GROUP BY t.row_label),
        rs AS MATERIALIZED (
            SELECT s.code, s.row_label, s.x, s.seat_type, s.id = ANY (q.ids) AS mine,
                   CASE WHEN c.lone_rule OR s.id = ANY (q.ids) THEN
                        NOT s.is_active OR (s.id = ANY (v_won) AND s.id <> ALL (o.own_seats)) OR EXISTS (
                            SELECT 1 FROM booking.seat_claims x
                             WHERE x.showtime_id = p_showtime_id AND x.seat_id = s.id AND x.during && tstzrange(v_now, NULL)
                               AND NOT (x.kind = 'HOLD' AND o.own_id IS NOT NULL AND x.hold_id = o.own_id)) END AS busy
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

        -- a re-hold keeps its channel: seats allocated to that channel are fine for it
        IF q.channel_bad IS NOT NULL AND q.channel IS NULL AND o.own_channel IS NOT NULL THEN
            q.channel_bad := (SELECT array_agg(s.code ORDER BY s.code)
                                FROM booking.channel_allocations ca JOIN booking.seats s ON s.id = ca.seat_id
                               WHERE ca.showtime_id = p_showtime_id AND ca.seat_id = ANY (q.ids) AND ca.released_at IS NULL
                                 AND (ca.release_at IS NULL OR ca.release_at > v_now)
                                 AND ca.channel IS DISTINCT FROM o.own_channel);
        END IF;
        IF z.unavailable IS NOT NULL THEN
            v_err := booking_internal.batch_error('SEAT_UNAVAILABLE', 'seats not available: ' || array_to_string(z.unavailable, ', '),
                jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(z.unavailable)));
        ELSIF o.other_seats + cardinality(q.ids) > c.max_seats_per_hold THEN
            v_err := booking_internal.batch_error('TOO_MANY_SEATS',
                format('at most %s seats per session and showtime (%s already held or booked)', c.max_seats_per_hold, o.other_seats),
                jsonb_build_object('max', c.max_seats_per_hold, 'requested', cardinality(q.ids), 'alreadyHeld', o.other_seats));
        ELSIF q.channel_bad IS NOT NULL THEN
            v_err := booking_internal.batch_error('CHANNEL_RESERVED', 'seats reserved for another sales channel: ' || array_to_string(q.channel_bad, ', '),
                jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(q.channel_bad)));
        ELSIF q.companion_bad IS NOT NULL THEN
            v_err := booking_internal.batch_error('COMPANION_SEAT_RESERVED',
                'companion seats are kept for wheelchair buyers until ' || c.companion_release || ': ' || array_to_string(q.companion_bad, ', '),
                jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(q.companion_bad), 'releaseAt', c.companion_release));
        ELSIF z.lone IS NOT NULL THEN
            v_err := booking_internal.batch_error('SEAT_LONE',
                'this would leave a single empty seat; add it or shift your selection to it: ' || array_to_string(z.lone, ', '),
                jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(z.lone)));
        END IF;
        IF v_err IS NOT NULL THEN
            v_out := v_out || v_err;
            CONTINUE;
        END IF;

        v_exp := v_now + make_interval(secs => v_ttl);
        IF o.own_id IS NULL THEN
            v_hold := overlay(overlay(gen_random_uuid()::text PLACING lpad(to_hex(c.showtime_no), 8, '0') FROM 1 FOR 8)
                              PLACING '8' FROM 15 FOR 1)::uuid;
            w_id := w_id || v_hold; w_tok := w_tok || q.token; w_exp := w_exp || v_exp; w_chan := w_chan || q.channel;
            w_seat := w_seat || q.ids;
            w_shold := w_shold || array_fill(v_hold, ARRAY[cardinality(q.ids)]);
            w_sexp := w_sexp || array_fill(v_exp, ARRAY[cardinality(q.ids)]);
        ELSE
            -- a re-hold replaces the session's hold now (rare in a rush: written at once, not batched)
            v_hold := o.own_id;
            WITH h AS (
                UPDATE booking.holds h SET expires_at = v_exp, channel = coalesce(q.channel, h.channel)
                 WHERE h.showtime_id = p_showtime_id AND h.id = v_hold),
            gone AS (
                DELETE FROM booking.seat_claims x
                 WHERE x.showtime_id = p_showtime_id AND x.hold_id = v_hold AND x.kind = 'HOLD' AND x.seat_id <> ALL (q.ids)
                RETURNING x.id, x.seat_id),
            kept AS (
                UPDATE booking.seat_claims x SET during = tstzrange(lower(x.during), v_exp)
                 WHERE x.showtime_id = p_showtime_id AND x.hold_id = v_hold AND x.kind = 'HOLD' AND x.seat_id = ANY (q.ids)),
            added AS (
                INSERT INTO booking.seat_claims (showtime_id, seat_id, kind, hold_id, during)
                SELECT p_showtime_id, sid, 'HOLD', v_hold, tstzrange(v_now, v_exp)
                  FROM unnest(q.ids) sid WHERE sid <> ALL (o.own_seats) ORDER BY sid
                RETURNING id, seat_id)
            INSERT INTO booking.seat_status_history
                   (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, actor, tx_id)
            SELECT p_showtime_id, e.seat_id, v_now, e.f, e.t, 'HOLD', e.id, v_hold, v_actor, v_tx
              FROM (SELECT a.id, a.seat_id, 'AVAILABLE' AS f, 'LOCKED' AS t FROM added a
                    UNION ALL SELECT g.id, g.seat_id, 'LOCKED', 'AVAILABLE' FROM gone g) e;
            v_won := array(SELECT unnest(v_won) EXCEPT SELECT unnest(o.own_seats));
        END IF;
        v_won := v_won || q.ids;
        v_out := v_out || jsonb_build_object('ok', true, 'holdId', v_hold, 'expiresAt', v_exp,
                                             'totalAmount', coalesce(q.total, 0)::numeric(10,2), 'currency', c.currency,
                                             'seats', q.json);
    END LOOP;

    IF cardinality(w_id) > 0 THEN
        PERFORM booking_internal.hold_batch_flush(p_showtime_id, v_now, v_actor, v_tx, w_id, w_tok, w_exp, w_chan,
                                                  w_seat, w_shold, w_sexp);
    END IF;
    RETURN to_jsonb(v_out);
END $$;
COMMENT ON FUNCTION booking.hold_batch(uuid, jsonb) IS
    'Decides many hold requests of one showtime in arrival order in one transaction (group commit): one result per '
    'request, {"ok": true, holdId, expiresAt, totalAmount, currency, seats} or {"ok": false, code, sqlstate, message, '
    'details} with what booking.hold would raise (SEAT_UNAVAILABLE, SEAT_NOT_FOUND, TOO_MANY_SEATS, SHOWTIME_NOT_FOUND, '
    'SHOWTIME_NOT_ON_SALE, CHANNEL_RESERVED, COMPANION_SEAT_RESERVED, SEAT_LONE, VALIDATION_ERROR, NOT_YET_ON_SALE, '
    'ADMISSION_REQUIRED, ADMISSION_EXPIRED). Requests: [{seatIds, sessionToken, ttlSeconds?, channel?, admissionToken?}]. Raises VALIDATION_ERROR only when p_requests is not an array.';

-- Losers answered by a read (no write transaction, no lock queue): the requested seats that are claimed right now
-- by someone else than this session, or NULL when booking.hold would refuse the request for an earlier reason (or
-- the read cannot tell: the request then goes to hold / hold_batch as usual). A refusal from it is true at the
-- moment of the read (issue 16's "no false refusal"); an empty answer proves nothing (the seats may go the next
-- instant) and the request goes on to the hold.
CREATE FUNCTION booking.seats_claimed(p_showtime_id uuid, p_seat_ids text[], p_session_token text)
RETURNS text[] LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_now timestamptz := booking.clock();
    c record;
    r record;
BEGIN
    SELECT st.auditorium_id, st.starts_at, st.is_cancelled, hs.max_seats_per_hold, os.showtime_id AS on_sale
      INTO c
      FROM booking.showtimes st CROSS JOIN booking_internal.hot_settings hs
      LEFT JOIN booking.on_sales os ON os.showtime_id = st.id
     WHERE st.id = p_showtime_id;
    -- an on-sale schedule (issue 20) is decided by hold() first: NOT_YET_ON_SALE, ADMISSION_REQUIRED
    IF NOT FOUND OR c.on_sale IS NOT NULL OR c.is_cancelled OR c.starts_at <= v_now OR coalesce(length(p_session_token), 0) NOT BETWEEN 1 AND 200
       OR coalesce(cardinality(p_seat_ids), 0) = 0 OR cardinality(p_seat_ids) > c.max_seats_per_hold THEN
        RETURN NULL;  -- hold() answers these itself, first
    END IF;
    SELECT count(DISTINCT q.code) AS n_distinct, count(s.id) AS n_found, bool_and(p.amount IS NOT NULL) AS priced,
           array_agg(s.code ORDER BY s.code) FILTER (
               WHERE NOT s.is_active OR EXISTS (
                   SELECT 1 FROM booking.seat_claims x
                     LEFT JOIN booking.holds h ON h.showtime_id = x.showtime_id AND h.id = x.hold_id AND x.kind = 'HOLD'
                    WHERE x.showtime_id = p_showtime_id AND x.seat_id = s.id AND x.during && tstzrange(v_now, NULL)
                      AND h.session_token IS DISTINCT FROM p_session_token)) AS claimed
      INTO r
      FROM unnest(p_seat_ids) q(code)
      LEFT JOIN booking.seats s ON s.auditorium_id = c.auditorium_id AND s.code = q.code
      LEFT JOIN booking.prices p ON p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type;
    IF r.n_distinct <> cardinality(p_seat_ids) OR r.n_found <> cardinality(p_seat_ids) OR NOT r.priced THEN
        RETURN NULL;
    END IF;
    RETURN r.claimed;
END $$;
COMMENT ON FUNCTION booking.seats_claimed(uuid, text[], text) IS
    'Read-only: which of these seats are claimed right now by someone other than this session (NULL: none, or hold() '
    'would refuse the request for another reason first). Raises nothing.';
