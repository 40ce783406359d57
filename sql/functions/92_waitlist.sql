-- Issue 21: the seat-aware waiting list (docs/waitlist.md). A party joins a showtime that cannot serve it now; when
-- seats come free (a cancellation, a hold or unpaid booking running out, an unblock, a channel release) the sweep
-- (booking.waitlist_sweep, run by the API's elected realtime leader every EXPIRY_POLL_SECONDS, and at once in the
-- transaction of a customer leaving the list) holds seats for the first entry in line that fits under every rule,
-- through booking.hold_best_available itself (best available, lone-seat rule, wheelchair companions, seat types,
-- channel allocations), and emails it an offer through the outbox. An entry that does not fit keeps its place; an
-- offer that runs out is EXPIRED and its seats go to the next entry that fits. A started showtime closes its list.

-- The session token of an entry's offer hold (confirming needs only the hold id, like any hold).
CREATE FUNCTION booking_internal.waitlist_token(p_waitlist_id uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT 'waitlist:' || p_waitlist_id::text
$$;
COMMENT ON FUNCTION booking_internal.waitlist_token(uuid) IS 'Internal: the session token of a waiting-list entry''s offer hold.';

-- The status an entry has now: an OFFERED entry whose hold was confirmed is BOOKED, one whose hold ran out or was
-- released is EXPIRED, whether or not the sweep has written it yet.
CREATE FUNCTION booking_internal.waitlist_status(p_entry booking.waitlist, p_now timestamptz) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    h booking.holds;
BEGIN
    IF p_entry.status <> 'OFFERED' THEN
        RETURN p_entry.status;
    END IF;
    SELECT * INTO h FROM booking.holds x WHERE x.showtime_id = p_entry.showtime_id AND x.id = p_entry.hold_id;
    IF h.status = 'CONVERTED' THEN
        RETURN 'BOOKED';
    ELSIF h.status = 'RELEASED' OR h.expires_at <= p_now THEN
        RETURN 'EXPIRED';
    END IF;
    RETURN 'OFFERED';
END $$;
COMMENT ON FUNCTION booking_internal.waitlist_status(booking.waitlist, timestamptz) IS
    'Internal: an entry''s status now (an OFFERED entry whose hold was confirmed is BOOKED, run out: EXPIRED).';

-- The customer's view of an entry: {"waitlistId","showtimeId","quantity","together","accessible","seatTypes",
-- "position","status","offer"?}. position: the place in line now (1 = next) while WAITING or OFFERED, else the place
-- it had when it joined.
CREATE FUNCTION booking_internal.waitlist_json(p_entry booking.waitlist) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_now    timestamptz := booking.clock();
    v_status text := booking_internal.waitlist_status(p_entry, v_now);
    v_pos    int;
    v_offer  jsonb;
BEGIN
    IF v_status IN ('WAITING', 'OFFERED') THEN
        SELECT 1 + count(*) INTO v_pos FROM booking.waitlist w
         WHERE w.showtime_id = p_entry.showtime_id AND w.status IN ('WAITING', 'OFFERED') AND w.seq < p_entry.seq
           AND booking_internal.waitlist_status(w, v_now) IN ('WAITING', 'OFFERED');
    ELSE
        v_pos := p_entry.joined_position;
    END IF;
    IF v_status = 'OFFERED' THEN
        SELECT jsonb_build_object('holdId', h.id, 'seats', booking_internal.hold_seats_json(h.id),
                                  'expiresAt', h.expires_at, 'totalAmount', t.subtotal, 'currency', ci.currency,
                                  'sessionToken', h.session_token,
                                  'bookingUrl', format('/showtime/%s?waitlist=%s', h.showtime_id, p_entry.id))
          INTO v_offer
          FROM booking.holds h
          JOIN booking.showtimes st ON st.id = h.showtime_id
          JOIN booking.auditoriums a ON a.id = st.auditorium_id
          JOIN booking.cinemas ci ON ci.id = a.cinema_id
          CROSS JOIN LATERAL booking_internal.hold_subtotal(h.id) t
         WHERE h.showtime_id = p_entry.showtime_id AND h.id = p_entry.hold_id;
    END IF;
    RETURN jsonb_build_object('waitlistId', p_entry.id, 'showtimeId', p_entry.showtime_id, 'quantity', p_entry.quantity,
                              'together', p_entry.together, 'accessible', p_entry.accessible,
                              'seatTypes', to_jsonb(p_entry.seat_types), 'position', v_pos, 'status', v_status,
                              'createdAt', p_entry.created_at)
           || CASE WHEN v_offer IS NOT NULL THEN jsonb_build_object('offer', v_offer) ELSE '{}'::jsonb END
           || CASE WHEN v_status = 'BOOKED' AND p_entry.booking_id IS NOT NULL
                   THEN jsonb_build_object('bookingId', p_entry.booking_id) ELSE '{}'::jsonb END;
END $$;
COMMENT ON FUNCTION booking_internal.waitlist_json(booking.waitlist) IS
    'Internal: an entry as the API shows it (waitlistId, showtimeId, quantity, position, status, offer when OFFERED).';

-- Whether a party could be served now by best available (then it should book, not wait).
CREATE FUNCTION booking_internal.waitlist_servable(p_showtime_id uuid, p_quantity int, p_types text[],
                                                   p_together boolean, p_accessible boolean, p_now timestamptz)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM booking_internal.best_available_candidates(p_showtime_id, NULL, p_quantity, p_types,
                                                                            p_together, p_accessible, NULL, p_now))
$$;
COMMENT ON FUNCTION booking_internal.waitlist_servable(uuid, int, text[], boolean, boolean, timestamptz) IS
    'Internal: true when best available has a candidate for this party now (the rules of hold_best_available).';

-- The waiting-list lock of a showtime: joins number their place and the matcher offers seats one at a time.
CREATE FUNCTION booking_internal.waitlist_lock(p_showtime_no int, p_try boolean DEFAULT false) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF p_try THEN
        RETURN pg_try_advisory_xact_lock(7300021, p_showtime_no);
    END IF;
    PERFORM pg_advisory_xact_lock(7300021, p_showtime_no);
    RETURN true;
END $$;
COMMENT ON FUNCTION booking_internal.waitlist_lock(int, boolean) IS
    'Internal: the per-showtime waiting-list advisory lock (7300021, showtime_no); p_try: do not wait.';

-- Join the waiting list of a showtime. Refused with SEATS_AVAILABLE when best available could serve the party now.
CREATE FUNCTION booking.join_waitlist(p_showtime_id uuid, p_email text, p_name text, p_phone text, p_quantity int,
                                      p_together boolean DEFAULT true, p_accessible boolean DEFAULT false,
                                      p_seat_types text[] DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_ctx   record;
    v_now   timestamptz := booking.clock();
    v_max   int := booking.setting('max_seats_per_hold')::int;
    v_bad   text[];
    v_types text[];
    v_pos   int;
    w       booking.waitlist;
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    PERFORM booking_internal.check_customer(p_email, p_name, p_phone, 'CARD');
    IF p_quantity IS NULL OR p_quantity < 1 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'quantity must be at least 1',
            jsonb_build_object('field', 'quantity'));
    END IF;
    IF p_quantity > v_max THEN
        PERFORM booking_internal.raise_error('TOO_MANY_SEATS', format('at most %s seats per hold', v_max),
            jsonb_build_object('max', v_max, 'requested', p_quantity));
    END IF;
    SELECT array_agg(t) INTO v_bad FROM unnest(p_seat_types) t
     WHERE t IS NULL OR t NOT IN ('STANDARD', 'PREMIUM', 'VIP', 'WHEELCHAIR');
    IF v_bad IS NOT NULL THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'seatTypes must be STANDARD, PREMIUM, VIP or WHEELCHAIR',
            jsonb_build_object('field', 'seatTypes', 'types', to_jsonb(v_bad)));
    END IF;
    v_types := CASE WHEN coalesce(cardinality(p_seat_types), 0) = 0 THEN NULL
                    ELSE ARRAY(SELECT DISTINCT t FROM unnest(p_seat_types) t ORDER BY 1) END;
    IF v_ctx.is_cancelled OR v_ctx.starts_at <= v_now THEN
        PERFORM booking_internal.raise_error('SHOWTIME_NOT_ON_SALE', 'this showtime is no longer on sale',
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    IF booking_internal.waitlist_servable(p_showtime_id, p_quantity, v_types, coalesce(p_together, true),
                                          coalesce(p_accessible, false), v_now) THEN
        PERFORM booking_internal.raise_error('SEATS_AVAILABLE',
            format('%s seat(s) can be booked now as requested; book them instead of waiting', p_quantity),
            jsonb_build_object('showtimeId', p_showtime_id, 'quantity', p_quantity));
    END IF;
    PERFORM booking_internal.waitlist_lock(v_ctx.showtime_no);
    SELECT 1 + count(*) INTO v_pos FROM booking.waitlist x
     WHERE x.showtime_id = p_showtime_id AND x.status IN ('WAITING', 'OFFERED');
    INSERT INTO booking.waitlist (showtime_id, id, joined_position, email, name, phone, quantity, together, accessible,
                                  seat_types, created_at)
    VALUES (p_showtime_id, booking_internal.new_id(v_ctx.showtime_no), v_pos, lower(btrim(p_email)), btrim(p_name),
            nullif(btrim(p_phone), ''), p_quantity, coalesce(p_together, true), coalesce(p_accessible, false), v_types,
            v_now)
    RETURNING * INTO w;
    RETURN booking_internal.waitlist_json(w);
END $$;
COMMENT ON FUNCTION booking.join_waitlist(uuid, text, text, text, int, boolean, boolean, text[]) IS
    'Puts a party on the waiting list of a showtime (status WAITING, position in line). Raises SHOWTIME_NOT_FOUND, '
    'SHOWTIME_NOT_ON_SALE, VALIDATION_ERROR, TOO_MANY_SEATS, and SEATS_AVAILABLE when best available can serve it now.';

-- One entry by id (its showtime comes from the id), optionally locked; raises WAITLIST_NOT_FOUND.
CREATE FUNCTION booking_internal.waitlist_for(p_waitlist_id uuid, p_lock boolean DEFAULT false) RETURNS booking.waitlist
LANGUAGE plpgsql AS $$
DECLARE
    v_showtime uuid := booking.showtime_of(p_waitlist_id);
    w booking.waitlist;
BEGIN
    IF p_lock THEN
        SELECT * INTO w FROM booking.waitlist x WHERE x.showtime_id = v_showtime AND x.id = p_waitlist_id FOR UPDATE;
    ELSE
        SELECT * INTO w FROM booking.waitlist x WHERE x.showtime_id = v_showtime AND x.id = p_waitlist_id;
    END IF;
    IF w.id IS NULL THEN
        PERFORM booking_internal.raise_error('WAITLIST_NOT_FOUND', format('waiting-list entry %s not found', p_waitlist_id),
            jsonb_build_object('waitlistId', p_waitlist_id));
    END IF;
    RETURN w;
END $$;
COMMENT ON FUNCTION booking_internal.waitlist_for(uuid, boolean) IS 'Internal: a waiting-list entry by id; raises WAITLIST_NOT_FOUND.';

CREATE FUNCTION booking.waitlist_entry(p_waitlist_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN booking_internal.waitlist_json(booking_internal.waitlist_for(p_waitlist_id));
END $$;
COMMENT ON FUNCTION booking.waitlist_entry(uuid) IS
    'A waiting-list entry: waitlistId, showtimeId, quantity, position, status (WAITING|OFFERED|BOOKED|EXPIRED|'
    'CANCELLED) and, when OFFERED, offer {holdId, seats, expiresAt, totalAmount}. Raises WAITLIST_NOT_FOUND.';

-- Leave the list. An offer's hold is released and its seats go to the next entry that fits, in this transaction.
-- Leaving twice answers the CANCELLED entry again; a BOOKED or EXPIRED entry has nothing to leave.
CREATE FUNCTION booking.leave_waitlist(p_waitlist_id uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_now    timestamptz := booking.clock();
    w        booking.waitlist := booking_internal.waitlist_for(p_waitlist_id, true);
    v_status text := booking_internal.waitlist_status(w, v_now);
BEGIN
    IF v_status = 'CANCELLED' THEN
        RETURN booking_internal.waitlist_json(w);
    END IF;
    IF v_status IN ('BOOKED', 'EXPIRED') THEN
        PERFORM booking_internal.raise_error('WAITLIST_NOT_ACTIVE', format('this entry is already %s', lower(v_status)),
            jsonb_build_object('waitlistId', p_waitlist_id, 'status', v_status));
    END IF;
    IF v_status = 'OFFERED' THEN
        PERFORM booking.release_hold(w.showtime_id, w.hold_id, booking_internal.waitlist_token(w.id));
    END IF;
    UPDATE booking.waitlist x SET status = 'CANCELLED', closed_at = v_now
     WHERE x.showtime_id = w.showtime_id AND x.id = w.id RETURNING * INTO w;
    IF v_status = 'OFFERED' THEN
        PERFORM booking_internal.waitlist_match(w.showtime_id);
    END IF;
    RETURN booking_internal.waitlist_json(w);
END $$;
COMMENT ON FUNCTION booking.leave_waitlist(uuid) IS
    'Takes an entry off the waiting list (CANCELLED); an offer''s hold is released and offered to the next entry '
    'that fits. Idempotent. Raises WAITLIST_NOT_FOUND, WAITLIST_NOT_ACTIVE (already BOOKED or EXPIRED).';

-- Write what the clock and the holds decided: offers confirmed (BOOKED), offers run out or released (EXPIRED), and
-- the lists of showtimes that started or were cancelled (closed: EXPIRED). p_showtime_id NULL: every showtime.
CREATE FUNCTION booking_internal.waitlist_settle(p_showtime_id uuid, p_now timestamptz,
                                                 OUT booked int, OUT expired int, OUT closed int)
LANGUAGE plpgsql AS $$
BEGIN
    WITH b AS (
        UPDATE booking.waitlist w SET status = 'BOOKED', closed_at = p_now,
               booking_id = (SELECT k.id FROM booking.bookings k WHERE k.showtime_id = w.showtime_id AND k.hold_id = w.hold_id)
          FROM booking.holds h
         WHERE w.status = 'OFFERED' AND (p_showtime_id IS NULL OR w.showtime_id = p_showtime_id)
           AND h.showtime_id = w.showtime_id AND h.id = w.hold_id AND h.status = 'CONVERTED'
        RETURNING 1)
    SELECT count(*) INTO booked FROM b;
    WITH e AS (
        UPDATE booking.waitlist w SET status = 'EXPIRED', closed_at = p_now
          FROM booking.holds h
         WHERE w.status = 'OFFERED' AND (p_showtime_id IS NULL OR w.showtime_id = p_showtime_id)
           AND h.showtime_id = w.showtime_id AND h.id = w.hold_id
           AND (h.status = 'RELEASED' OR (h.status = 'ACTIVE' AND h.expires_at <= p_now))
        RETURNING 1)
    SELECT count(*) INTO expired FROM e;
    WITH c AS (
        UPDATE booking.waitlist w SET status = 'EXPIRED', closed_at = p_now
          FROM booking.showtimes st
         WHERE w.status IN ('WAITING', 'OFFERED') AND (p_showtime_id IS NULL OR w.showtime_id = p_showtime_id)
           AND st.id = w.showtime_id AND (st.starts_at <= p_now OR st.is_cancelled)
        RETURNING 1)
    SELECT count(*) INTO closed FROM c;
END $$;
COMMENT ON FUNCTION booking_internal.waitlist_settle(uuid, timestamptz) IS
    'Internal: OFFERED entries whose hold was confirmed -> BOOKED, run out or released -> EXPIRED; entries of '
    'started or cancelled showtimes -> EXPIRED (the list closes).';

-- Queue the offer email of an entry (once per offer).
CREATE FUNCTION booking_internal.enqueue_waitlist_offer(p_entry booking.waitlist, p_showtime_no int, p_payload jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO booking.outbox (id, showtime_id, kind, waitlist_id, dedup_key, due_at, payload)
    VALUES (booking_internal.new_outbox_id(p_showtime_no), p_entry.showtime_id, 'WAITLIST_OFFER', p_entry.id,
            format('waitlist-offer:%s:%s', p_entry.id, p_entry.offers), booking.clock(), p_payload)
    ON CONFLICT (showtime_id, dedup_key) DO NOTHING;
END $$;
COMMENT ON FUNCTION booking_internal.enqueue_waitlist_offer(booking.waitlist, int, jsonb) IS
    'Internal: the WAITLIST_OFFER outbox message of an entry''s offer (dedup key waitlist-offer:<id>:<n>).';

-- Offer freed seats of one showtime: for each WAITING entry in line order, hold the best seats that fit it (a real
-- hold for waitlist_offer_minutes, through booking.hold_best_available, so every seating rule applies and concurrent
-- buyers are raced fairly by the same locks), mark it OFFERED and queue its email. An entry that does not fit is
-- skipped and keeps its place. One matcher per showtime at a time (a second one returns at once). Returns the
-- offers made.
CREATE FUNCTION booking_internal.waitlist_match(p_showtime_id uuid) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_now    timestamptz := booking.clock();
    v_ctx    record;
    v_ttl    int := booking.setting('waitlist_offer_minutes')::int * 60;
    v_free   int;
    v_n      int := 0;
    w        booking.waitlist;
    h        record;
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    IF v_ctx.is_cancelled OR v_ctx.starts_at <= v_now THEN
        PERFORM booking_internal.waitlist_settle(p_showtime_id, v_now);
        RETURN 0;
    END IF;
    IF NOT booking_internal.waitlist_lock(v_ctx.showtime_no, true) THEN
        RETURN 0;  -- another matcher is offering this showtime's seats right now
    END IF;
    -- seats free now (on sale to the general public, priced): nothing to offer in a sold-out house
    SELECT count(*) INTO v_free FROM booking_internal.best_available_seats(p_showtime_id, NULL, NULL, v_now) s
     WHERE NOT s.occupied AND s.on_sale;
    FOR w IN SELECT * FROM booking.waitlist x
              WHERE x.showtime_id = p_showtime_id AND x.status = 'WAITING'
              ORDER BY x.seq FOR UPDATE SKIP LOCKED LOOP
        EXIT WHEN v_free <= 0;
        CONTINUE WHEN w.quantity > v_free;
        BEGIN
            -- an offer is not a buyer from the showtime's waiting room (issue 20): booking_internal.on_sale_refusal
            -- lets it through after opensAt (the setting ends with this block or is reset below)
            PERFORM set_config('marquee.waitlist_offer', 'on', true);
            SELECT * INTO h FROM booking.hold_best_available(p_showtime_id, booking_internal.waitlist_token(w.id),
                w.quantity, w.seat_types, w.together, w.accessible, NULL, v_ttl);
            PERFORM set_config('marquee.waitlist_offer', '', true);
        EXCEPTION
            -- no fitting seats (or lost to a faster buyer): it keeps its place
            WHEN SQLSTATE 'MQ061' OR SQLSTATE 'MQ010' OR SQLSTATE 'MQ060' OR SQLSTATE 'MQ062' OR SQLSTATE 'MQ063'
                 OR SQLSTATE 'MQ014' OR exclusion_violation OR deadlock_detected THEN
                CONTINUE;
        END;
        UPDATE booking.waitlist x SET status = 'OFFERED', hold_id = h.hold_id, offered_at = v_now, offers = x.offers + 1
         WHERE x.showtime_id = w.showtime_id AND x.id = w.id RETURNING * INTO w;
        PERFORM booking_internal.enqueue_waitlist_offer(w, v_ctx.showtime_no, jsonb_build_object(
            'holdId', h.hold_id, 'expiresAt', h.expires_at, 'seats', h.seats, 'totalAmount', h.total_amount,
            'currency', h.currency, 'quantity', w.quantity,
            'bookingUrl', format('/showtime/%s?waitlist=%s', p_showtime_id, w.id)));
        v_free := v_free - w.quantity;
        v_n := v_n + 1;
    END LOOP;
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking_internal.waitlist_match(uuid) IS
    'Internal: holds freed seats of a showtime for the first WAITING entries in line that fit (hold_best_available), '
    'marks them OFFERED and queues their offer emails; returns the offers made.';

-- The sweep: settle what the clock decided, then offer freed seats of every showtime with a waiting entry. The API's
-- elected realtime leader calls it every EXPIRY_POLL_SECONDS (marquee/realtime/expiry.py); a DBA or a test may too.
CREATE FUNCTION booking.waitlist_sweep()
RETURNS TABLE (offers int, booked int, expired int, closed int)
LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := booking.clock();
    s record;
    st uuid;
BEGIN
    s := booking_internal.waitlist_settle(NULL, v_now);
    booked := s.booked; expired := s.expired; closed := s.closed; offers := 0;
    FOR st IN SELECT DISTINCT w.showtime_id FROM booking.waitlist w WHERE w.status = 'WAITING' LOOP
        offers := offers + booking_internal.waitlist_match(st);
    END LOOP;
    RETURN NEXT;
END $$;
COMMENT ON FUNCTION booking.waitlist_sweep() IS
    'Waiting lists: confirmed offers -> BOOKED, run-out offers -> EXPIRED, lists of started showtimes closed, then '
    'freed seats offered to the first fitting WAITING entries; returns the counts. Raises nothing.';

-- Operators: the waiting list of a showtime, in line order, with the contact details (bookings.read).
CREATE FUNCTION booking.showtime_waitlist(p_showtime_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_actor booking.actor := booking.require('bookings.read', booking_internal.showtime_cinema(p_showtime_id));
BEGIN
    PERFORM booking.showtime_context(p_showtime_id);
    RETURN jsonb_build_object('showtimeId', p_showtime_id, 'entries', coalesce((
        SELECT jsonb_agg(booking_internal.waitlist_json(w) || jsonb_build_object(
                   'email', w.email, 'name', w.name, 'phone', w.phone, 'offeredAt', w.offered_at,
                   'closedAt', w.closed_at, 'offers', w.offers) ORDER BY w.seq)
          FROM booking.waitlist w WHERE w.showtime_id = p_showtime_id), '[]'::jsonb));
END $$;
COMMENT ON FUNCTION booking.showtime_waitlist(uuid) IS
    'The waiting list of a showtime in line order, with contact details. Needs bookings.read for its cinema. Raises '
    'UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND.';

-- BI: demand per showtime from its waiting list (counts only, no personal data). Statuses as stored (the sweep
-- writes them within EXPIRY_POLL_SECONDS).
CREATE VIEW reporting.waitlist AS
SELECT (st.starts_at AT TIME ZONE c.time_zone)::date AS date, st.id AS showtime_id, st.starts_at,
       c.id AS cinema_id, c.name AS cinema, m.id AS movie_id, m.title,
       count(*)::int AS entries,
       count(*) FILTER (WHERE w.status = 'WAITING')::int AS waiting,
       coalesce(sum(w.quantity) FILTER (WHERE w.status = 'WAITING'), 0)::int AS waiting_seats,
       count(*) FILTER (WHERE w.status = 'OFFERED')::int AS offered,
       count(*) FILTER (WHERE w.offers > 0)::int AS offers_made,
       count(*) FILTER (WHERE w.status = 'BOOKED')::int AS converted,
       coalesce(sum(w.quantity) FILTER (WHERE w.status = 'BOOKED'), 0)::int AS converted_seats,
       count(*) FILTER (WHERE w.status = 'EXPIRED')::int AS expired,
       count(*) FILTER (WHERE w.status = 'CANCELLED')::int AS cancelled,
       CASE WHEN count(*) FILTER (WHERE w.offers > 0) > 0
            THEN round(100.0 * count(*) FILTER (WHERE w.status = 'BOOKED') / count(*) FILTER (WHERE w.offers > 0), 2)
       END::numeric(5,2) AS conversion_pct
  FROM booking.waitlist w
  JOIN booking.showtimes st ON st.id = w.showtime_id
  JOIN booking.auditoriums a ON a.id = st.auditorium_id
  JOIN booking.cinemas c ON c.id = a.cinema_id
  JOIN booking.movies m ON m.id = st.movie_id
 GROUP BY st.id, st.starts_at, c.id, c.name, c.time_zone, m.id, m.title;
COMMENT ON VIEW reporting.waitlist IS
    'Waiting-list demand per showtime: entries waiting (and their seats), offered, converted into bookings, expired, '
    'cancelled, conversion %. No personal data.';
COMMENT ON COLUMN reporting.waitlist.date IS 'Local date of the show in the cinema''s time zone.';
COMMENT ON COLUMN reporting.waitlist.showtime_id IS 'Showtime id.';
COMMENT ON COLUMN reporting.waitlist.starts_at IS 'Start instant (timestamptz).';
COMMENT ON COLUMN reporting.waitlist.cinema_id IS 'Cinema id.';
COMMENT ON COLUMN reporting.waitlist.cinema IS 'Cinema name.';
COMMENT ON COLUMN reporting.waitlist.movie_id IS 'Movie id.';
COMMENT ON COLUMN reporting.waitlist.title IS 'Movie title.';
COMMENT ON COLUMN reporting.waitlist.entries IS 'Every entry that joined the list.';
COMMENT ON COLUMN reporting.waitlist.waiting IS 'Entries still WAITING.';
COMMENT ON COLUMN reporting.waitlist.waiting_seats IS 'Seats those entries want.';
COMMENT ON COLUMN reporting.waitlist.offered IS 'Entries with a live offer (OFFERED).';
COMMENT ON COLUMN reporting.waitlist.offers_made IS 'Entries that were ever offered seats.';
COMMENT ON COLUMN reporting.waitlist.converted IS 'Entries whose offer became a booking (BOOKED).';
COMMENT ON COLUMN reporting.waitlist.converted_seats IS 'Seats of those entries.';
COMMENT ON COLUMN reporting.waitlist.expired IS 'Entries whose offer ran out, or whose showtime started first (EXPIRED).';
COMMENT ON COLUMN reporting.waitlist.cancelled IS 'Entries that left the list (CANCELLED).';
COMMENT ON COLUMN reporting.waitlist.conversion_pct IS '100 * converted / offers_made, 2 decimals (NULL before any offer).';
