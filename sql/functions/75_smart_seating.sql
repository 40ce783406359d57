-- Smart seating: best available, no lone empty seat, wheelchair companions, sales channels, group limits and
-- the seat status history. booking.hold() calls booking.assert_hold_rules, so manual holds obey the same rules
-- that best available plans around. Design notes: docs/smart-seating.md.

INSERT INTO booking.error_codes (sqlstate, code, http_status, description) VALUES
    ('MQ060', 'SEAT_LONE',                409, 'The hold would leave a single empty seat; details.seatIds names the seat(s) to add or shift to.'),
    ('MQ061', 'BEST_AVAILABLE_NOT_FOUND', 409, 'No seats match the best-available request (quantity, types, together, accessible).'),
    ('MQ062', 'COMPANION_SEAT_RESERVED',  409, 'Companion seats are kept for wheelchair buyers until details.releaseAt.'),
    ('MQ063', 'CHANNEL_RESERVED',         409, 'Seats are allocated to a sales channel; hold them through that channel.')
ON CONFLICT (sqlstate) DO UPDATE
    SET code = EXCLUDED.code, http_status = EXCLUDED.http_status, description = EXCLUDED.description;

-- ---------------------------------------------------------------------------------------------------------
-- Options and operator tools
-- ---------------------------------------------------------------------------------------------------------

CREATE FUNCTION booking.lone_seat_rule(p_showtime_id uuid) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
    v boolean;
BEGIN
    SELECT o.lone_seat_rule INTO v FROM booking.showtime_seating o WHERE o.showtime_id = p_showtime_id;
    RETURN coalesce(v, coalesce(booking.setting('lone_seat_rule'), 'on') = 'on');
END $$;
COMMENT ON FUNCTION booking.lone_seat_rule(uuid) IS
    'Whether holds of this showtime may not leave a lone empty seat: its own option, else the lone_seat_rule setting.';

CREATE FUNCTION booking.set_lone_seat_rule(p_showtime_id uuid, p_on boolean, p_actor text DEFAULT 'operator')
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM booking.showtime_context(p_showtime_id);
    IF p_on IS NULL THEN
        -- NULL = follow the setting again
        DELETE FROM booking.showtime_seating WHERE showtime_id = p_showtime_id;
    ELSE
        INSERT INTO booking.showtime_seating (showtime_id, lone_seat_rule, updated_by)
        VALUES (p_showtime_id, p_on, coalesce(nullif(p_actor, ''), 'operator'))
        ON CONFLICT (showtime_id) DO UPDATE
            SET lone_seat_rule = EXCLUDED.lone_seat_rule, updated_at = now(), updated_by = EXCLUDED.updated_by;
    END IF;
    PERFORM booking.audit(p_actor, 'showtime.lone_seat_rule', 'showtime', p_showtime_id::text,
        jsonb_build_object('on', p_on));
    RETURN booking.lone_seat_rule(p_showtime_id);
END $$;
COMMENT ON FUNCTION booking.set_lone_seat_rule(uuid, boolean, text) IS
    'Turns the no-lone-empty-seat rule on/off for one showtime (NULL: follow the setting); audited; returns the rule.';

-- The focal point: the auditorium's own, else the centre of the seat block, two thirds of the way back from
-- the screen (row y = 0 is the front row, nearest the screen).
CREATE FUNCTION booking.focal_point(p_auditorium_id uuid, OUT focal_x double precision, OUT focal_y double precision)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(a.focal_x::float8, (min(s.x) + max(s.x)) / 2.0),
           coalesce(a.focal_y::float8, min(s.y) + (max(s.y) - min(s.y)) * 2 / 3.0)
      FROM booking.auditoriums a LEFT JOIN booking.seats s ON s.auditorium_id = a.id
     WHERE a.id = p_auditorium_id
     GROUP BY a.id
$$;
COMMENT ON FUNCTION booking.focal_point(uuid) IS
    'Best-available focal point of an auditorium: its focal_x/focal_y, else centre x and two thirds back from the screen.';

CREATE FUNCTION booking.set_focal_point(p_auditorium_id uuid, p_focal_x numeric, p_focal_y numeric,
                                        p_actor text DEFAULT 'operator')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE booking.auditoriums SET focal_x = p_focal_x, focal_y = p_focal_y WHERE id = p_auditorium_id;
    IF NOT FOUND THEN
        PERFORM booking.raise_error('AUDITORIUM_NOT_FOUND', format('auditorium %s not found', p_auditorium_id),
            jsonb_build_object('auditoriumId', p_auditorium_id));
    END IF;
    PERFORM booking.audit(p_actor, 'auditorium.focal_point', 'auditorium', p_auditorium_id::text,
        jsonb_build_object('x', p_focal_x, 'y', p_focal_y));
END $$;
COMMENT ON FUNCTION booking.set_focal_point(uuid, numeric, numeric, text) IS
    'Sets (or with NULLs resets to the default) the best-available focal point of an auditorium; audited.';

-- Link companion seats to a wheelchair space, replacing its previous links.
CREATE FUNCTION booking.link_companion_seats(p_auditorium_id uuid, p_wheelchair_seat text, p_companion_seats text[],
                                             p_actor text DEFAULT 'operator')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_space booking.seats;
    v_ids bigint[];
BEGIN
    SELECT * INTO v_space FROM booking.resolve_seats(p_auditorium_id, ARRAY[p_wheelchair_seat]);
    IF v_space.seat_type <> 'WHEELCHAIR' THEN
        PERFORM booking.raise_error('VALIDATION_ERROR', format('%s is not a wheelchair space', p_wheelchair_seat),
            jsonb_build_object('field', 'wheelchairSeatId', 'seatId', p_wheelchair_seat));
    END IF;
    IF coalesce(cardinality(p_companion_seats), 0) > 0 THEN
        SELECT array_agg(s.id) INTO v_ids FROM booking.resolve_seats(p_auditorium_id, p_companion_seats) s;
        IF EXISTS (SELECT 1 FROM booking.seats s WHERE s.id = ANY (v_ids) AND s.seat_type = 'WHEELCHAIR') THEN
            PERFORM booking.raise_error('VALIDATION_ERROR', 'a companion seat cannot be a wheelchair space',
                jsonb_build_object('field', 'companionSeatIds'));
        END IF;
    END IF;
    DELETE FROM booking.companion_seats WHERE wheelchair_seat_id = v_space.id;
    INSERT INTO booking.companion_seats (wheelchair_seat_id, companion_seat_id)
    SELECT v_space.id, i FROM unnest(coalesce(v_ids, '{}')) i;
    PERFORM booking.audit(p_actor, 'seats.link_companions', 'auditorium', p_auditorium_id::text,
        jsonb_build_object('wheelchairSeatId', p_wheelchair_seat, 'companionSeatIds', p_companion_seats));
    RETURN coalesce(cardinality(v_ids), 0);
END $$;
COMMENT ON FUNCTION booking.link_companion_seats(uuid, text, text[], text) IS
    'Links companion seats to a WHEELCHAIR space (replacing its links; empty array unlinks); audited; returns the count.';

-- When companion seats of a showtime go on general sale.
CREATE FUNCTION booking.companion_release_at(p_showtime_id uuid) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT st.starts_at FROM booking.showtimes st WHERE st.id = p_showtime_id)
           - make_interval(mins => coalesce(booking.setting('companion_release_minutes'), '60')::int);
END $$;
COMMENT ON FUNCTION booking.companion_release_at(uuid) IS
    'Instant companion seats of a showtime are released to everyone: start minus companion_release_minutes.';

-- Allocate seats of a showtime to a sales channel (replacing a previous allocation of those seats).
CREATE FUNCTION booking.allocate_channel_seats(p_showtime_id uuid, p_seat_ids text[], p_channel text,
                                               p_release_at timestamptz DEFAULT NULL, p_actor text DEFAULT 'operator')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_ctx record;
    v_n int;
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    IF coalesce(p_channel, '') !~ '^[A-Za-z0-9_.-]{1,60}$' THEN
        PERFORM booking.raise_error('VALIDATION_ERROR', 'channel must be 1-60 letters, digits, _ . -',
            jsonb_build_object('field', 'channel'));
    END IF;
    INSERT INTO booking.channel_allocations (showtime_id, seat_id, channel, release_at, allocated_by)
    SELECT p_showtime_id, s.id, p_channel, p_release_at, coalesce(nullif(p_actor, ''), 'operator')
      FROM booking.resolve_seats(v_ctx.auditorium_id, p_seat_ids) s
    ON CONFLICT (showtime_id, seat_id) DO UPDATE
        SET channel = EXCLUDED.channel, release_at = EXCLUDED.release_at, released_at = NULL,
            allocated_by = EXCLUDED.allocated_by, created_at = now();
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM booking.audit(p_actor, 'seats.allocate_channel', 'showtime', p_showtime_id::text,
        jsonb_build_object('seatIds', p_seat_ids, 'channel', p_channel, 'releaseAt', p_release_at));
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking.allocate_channel_seats(uuid, text[], text, timestamptz, text) IS
    'Allocates seats of a showtime to a sales channel until p_release_at (NULL: until released by an operator); audited.';

-- Release a channel's seats to general sale now (all of them, or the listed ones).
CREATE FUNCTION booking.release_channel_seats(p_showtime_id uuid, p_channel text, p_seat_ids text[] DEFAULT NULL,
                                              p_actor text DEFAULT 'operator')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_ctx record;
    v_now timestamptz := booking.clock();
    v_codes text[];
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    IF p_seat_ids IS NOT NULL THEN
        PERFORM booking.resolve_seats(v_ctx.auditorium_id, p_seat_ids);
    END IF;
    WITH released AS (
        UPDATE booking.channel_allocations a SET released_at = v_now
          FROM booking.seats s
         WHERE s.id = a.seat_id AND a.showtime_id = p_showtime_id AND a.channel = p_channel
           AND a.released_at IS NULL AND (a.release_at IS NULL OR a.release_at > v_now)
           AND (p_seat_ids IS NULL OR s.code = ANY (p_seat_ids))
        RETURNING s.code)
    SELECT array_agg(code ORDER BY code) INTO v_codes FROM released;
    PERFORM booking.audit(p_actor, 'seats.release_channel', 'showtime', p_showtime_id::text,
        jsonb_build_object('channel', p_channel, 'seatIds', v_codes));
    RETURN coalesce(cardinality(v_codes), 0);
END $$;
COMMENT ON FUNCTION booking.release_channel_seats(uuid, text, text[], text) IS
    'Releases a channel''s seats of a showtime (all, or the listed ones) to general sale now; audited; returns the count.';

-- What the seat map needs to show the smart-seating state of each seat (merged by seat id by the caller).
CREATE FUNCTION booking.seat_features(p_showtime_id uuid, p_channel text DEFAULT NULL)
RETURNS TABLE (seat_id text, companion_of text[], companion_seat_ids text[], held_back_until timestamptz,
               channel text, channel_until timestamptz, reserved_for_other_channel boolean)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_ctx record;
    v_now timestamptz := booking.clock();
    v_release timestamptz := booking.companion_release_at(p_showtime_id);
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    RETURN QUERY
    SELECT s.code,
           (SELECT array_agg(w.code ORDER BY w.code) FROM booking.companion_seats l
              JOIN booking.seats w ON w.id = l.wheelchair_seat_id WHERE l.companion_seat_id = s.id),
           (SELECT array_agg(c.code ORDER BY c.code) FROM booking.companion_seats l
              JOIN booking.seats c ON c.id = l.companion_seat_id WHERE l.wheelchair_seat_id = s.id),
           CASE WHEN v_now < v_release AND EXISTS (SELECT 1 FROM booking.companion_seats l WHERE l.companion_seat_id = s.id)
                THEN v_release END,
           a.channel, a.release_at,
           a.channel IS NOT NULL AND a.channel IS DISTINCT FROM p_channel
      FROM booking.seats s
      LEFT JOIN booking.channel_allocations a
             ON a.showtime_id = p_showtime_id AND a.seat_id = s.id AND a.released_at IS NULL
            AND (a.release_at IS NULL OR a.release_at > v_now)
     WHERE s.auditorium_id = v_ctx.auditorium_id
     ORDER BY s.y, s.x;
END $$;
COMMENT ON FUNCTION booking.seat_features(uuid, text) IS
    'Per seat of a showtime: wheelchair/companion links, companion hold-back end, live channel allocation (for the seat map).';

-- ---------------------------------------------------------------------------------------------------------
-- The rules every hold obeys (called by booking.hold)
-- ---------------------------------------------------------------------------------------------------------

-- Serialise holds touching the same rows: lone-seat checks read neighbours, which the seat locks do not cover.
-- Rows are taken in name order after the seat locks, so two claimers never wait on each other in a cycle.
CREATE FUNCTION booking.lock_rows(p_showtime_id uuid, p_rows text[], p_wait boolean DEFAULT true)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    FOR r IN SELECT DISTINCT x FROM unnest(p_rows) x ORDER BY 1 LOOP
        IF p_wait THEN
            PERFORM pg_advisory_xact_lock(hashtextextended('row:' || p_showtime_id || ':' || r, 0));
        ELSIF NOT pg_try_advisory_xact_lock(hashtextextended('row:' || p_showtime_id || ':' || r, 0)) THEN
            RETURN false;  -- the caller rolls back its subtransaction, releasing what it got
        END IF;
    END LOOP;
    RETURN true;
END $$;
COMMENT ON FUNCTION booking.lock_rows(uuid, text[], boolean) IS
    'Internal: advisory locks on rows of a showtime (name order); p_wait false tries and returns false if busy.';

-- Seat-lock keys as booking.lock_seats takes them, but without waiting.
CREATE FUNCTION booking.try_lock_seats(p_showtime_id uuid, p_seat_ids bigint[]) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    s bigint;
BEGIN
    FOR s IN SELECT DISTINCT x FROM unnest(p_seat_ids) x ORDER BY 1 LOOP
        IF NOT pg_try_advisory_xact_lock(hashtext(p_showtime_id::text), s::int) THEN
            RETURN false;
        END IF;
    END LOOP;
    RETURN true;
END $$;
COMMENT ON FUNCTION booking.try_lock_seats(uuid, bigint[]) IS
    'Internal: tries the lock_seats advisory locks without waiting; false if another transaction is claiming a seat.';

-- Seats that would be left lone (empty, with a taken seat, an aisle or the row end on both sides) next to the
-- given seats once they are taken. Inactive seats count as taken; the caller's own hold counts as empty (it is
-- being replaced). An empty wheelchair space is never "lone": it is a space, not a seat to fill.
CREATE FUNCTION booking.lone_seats_after(p_showtime_id uuid, p_seat_ids bigint[], p_own_hold uuid,
                                         p_now timestamptz DEFAULT NULL)
RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_now timestamptz := coalesce(p_now, booking.clock());
BEGIN
    -- One pass over the touched rows: lag/lead give each seat its neighbours (a gap in x is an aisle).
    RETURN (
        WITH occ AS MATERIALIZED (
            SELECT s.code, s.row_label, s.x, s.seat_type, s.id = ANY (p_seat_ids) AS mine,
                   (NOT s.is_active OR s.id = ANY (p_seat_ids) OR EXISTS (
                        SELECT 1 FROM booking.seat_claims c
                         WHERE c.showtime_id = p_showtime_id AND c.seat_id = s.id AND c.during && tstzrange(v_now, NULL)
                           AND (c.kind <> 'HOLD' OR p_own_hold IS NULL OR c.hold_id <> p_own_hold))) AS taken
              FROM booking.seats s
             WHERE (s.auditorium_id, s.row_label) IN (SELECT t.auditorium_id, t.row_label FROM booking.seats t
                                                       WHERE t.id = ANY (p_seat_ids))),
        nb AS (
            SELECT o.code, o.row_label, o.x, o.seat_type, o.taken,
                   CASE WHEN lag(o.x) OVER w = o.x - 1 THEN lag(o.taken) OVER w ELSE true END AS l_taken,
                   CASE WHEN lag(o.x) OVER w = o.x - 1 THEN lag(o.mine) OVER w ELSE false END AS l_mine,
                   CASE WHEN lead(o.x) OVER w = o.x + 1 THEN lead(o.taken) OVER w ELSE true END AS r_taken,
                   CASE WHEN lead(o.x) OVER w = o.x + 1 THEN lead(o.mine) OVER w ELSE false END AS r_mine
              FROM occ o WINDOW w AS (PARTITION BY o.row_label ORDER BY o.x))
        SELECT array_agg(n.code ORDER BY n.row_label, n.x)
          FROM nb n
         WHERE NOT n.taken AND n.seat_type <> 'WHEELCHAIR' AND n.l_taken AND n.r_taken AND (n.l_mine OR n.r_mine));
END $$;
COMMENT ON FUNCTION booking.lone_seats_after(uuid, bigint[], uuid, timestamptz) IS
    'Seat ids that taking these seats would leave as a lone empty seat (between taken seats, aisles or row ends).';

-- Group limit, sales channels, companion hold-back and the lone-seat rule, for the final seat set of a hold.
-- p_hold_id is the session's live hold being replaced (NULL for a new hold).
CREATE FUNCTION booking.assert_hold_rules(p_showtime_id uuid, p_seat_ids bigint[], p_session_token text,
                                          p_hold_id uuid, p_channel text, p_now timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_max     int := booking.setting('max_seats_per_hold')::int;
    v_other   int;
    v_channel text := p_channel;
    v_release timestamptz;
    v_bad     text[];
    v_rows    text[];
BEGIN
    -- One session may not get round max_seats_per_hold with several holds or bookings of the same showtime.
    SELECT count(*) INTO v_other FROM (
        SELECT c.seat_id FROM booking.holds h
          JOIN booking.seat_claims c ON c.hold_id = h.id AND c.kind = 'HOLD'
         WHERE h.showtime_id = p_showtime_id AND h.session_token = p_session_token AND h.status = 'ACTIVE'
           AND h.expires_at > p_now AND h.id IS DISTINCT FROM p_hold_id
        UNION ALL
        SELECT c.seat_id FROM booking.bookings b
          JOIN booking.seat_claims c ON c.booking_id = b.id AND c.kind = 'BOOKING'
         WHERE b.showtime_id = p_showtime_id AND b.session_token = p_session_token
           AND c.during && tstzrange(p_now, NULL)) mine;
    IF v_other + cardinality(p_seat_ids) > v_max THEN
        PERFORM booking.raise_error('TOO_MANY_SEATS',
            format('at most %s seats per session and showtime (%s already held or booked)', v_max, v_other),
            jsonb_build_object('max', v_max, 'requested', cardinality(p_seat_ids), 'alreadyHeld', v_other));
    END IF;

    IF v_channel IS NULL AND p_hold_id IS NOT NULL THEN
        SELECT h.channel INTO v_channel FROM booking.holds h WHERE h.id = p_hold_id;
    END IF;
    SELECT array_agg(s.code ORDER BY s.code) INTO v_bad
      FROM booking.channel_allocations a JOIN booking.seats s ON s.id = a.seat_id
     WHERE a.showtime_id = p_showtime_id AND a.seat_id = ANY (p_seat_ids)
       AND a.released_at IS NULL AND (a.release_at IS NULL OR a.release_at > p_now)
       AND a.channel IS DISTINCT FROM v_channel;
    IF v_bad IS NOT NULL THEN
        PERFORM booking.raise_error('CHANNEL_RESERVED',
            'seats reserved for another sales channel: ' || array_to_string(v_bad, ', '),
            jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(v_bad)));
    END IF;

    v_release := booking.companion_release_at(p_showtime_id);
    IF p_now < v_release THEN
        SELECT array_agg(DISTINCT s.code) INTO v_bad
          FROM booking.companion_seats l JOIN booking.seats s ON s.id = l.companion_seat_id
         WHERE l.companion_seat_id = ANY (p_seat_ids)
           AND NOT EXISTS (SELECT 1 FROM booking.companion_seats w
                            WHERE w.companion_seat_id = l.companion_seat_id AND w.wheelchair_seat_id = ANY (p_seat_ids));
        IF v_bad IS NOT NULL THEN
            PERFORM booking.raise_error('COMPANION_SEAT_RESERVED',
                'companion seats are kept for wheelchair buyers until ' || v_release || ': ' || array_to_string(v_bad, ', '),
                jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(v_bad), 'releaseAt', v_release));
        END IF;
    END IF;

    IF booking.lone_seat_rule(p_showtime_id) THEN
        SELECT array_agg(DISTINCT s.row_label) INTO v_rows FROM booking.seats s WHERE s.id = ANY (p_seat_ids);
        PERFORM booking.lock_rows(p_showtime_id, v_rows);
        v_bad := booking.lone_seats_after(p_showtime_id, p_seat_ids, p_hold_id, p_now);
        IF v_bad IS NOT NULL THEN
            PERFORM booking.raise_error('SEAT_LONE',
                'this would leave a single empty seat; add it or shift your selection to it: ' || array_to_string(v_bad, ', '),
                jsonb_build_object('showtimeId', p_showtime_id, 'seatIds', to_jsonb(v_bad)));
        END IF;
    END IF;
END $$;
COMMENT ON FUNCTION booking.assert_hold_rules(uuid, bigint[], text, uuid, text, timestamptz) IS
    'Internal: raises TOO_MANY_SEATS (per session and showtime), CHANNEL_RESERVED, COMPANION_SEAT_RESERVED or SEAT_LONE.';

-- ---------------------------------------------------------------------------------------------------------
-- Best available
-- ---------------------------------------------------------------------------------------------------------

-- Every seat of a showtime as a best-available buyer sees it. occupied: physically taken (claimed, or broken);
-- the session's own live hold counts as free (best available replaces it). on_sale: priced and not kept for
-- another channel. held_back: a companion seat still kept for wheelchair buyers. distance: to the focal point.
CREATE FUNCTION booking.best_available_seats(p_showtime_id uuid, p_session_token text, p_channel text, p_now timestamptz,
                                             p_taken bigint[] DEFAULT '{}')
RETURNS TABLE (seat_id bigint, code text, row_label text, x int, y int, seat_type booking.seat_type,
               occupied boolean, on_sale boolean, held_back boolean, distance double precision)
LANGUAGE sql STABLE AS $$
    WITH st AS (SELECT s.auditorium_id, booking.companion_release_at(s.id) AS release_at
                  FROM booking.showtimes s WHERE s.id = p_showtime_id),
    own AS (SELECT h.id FROM booking.holds h
             WHERE h.showtime_id = p_showtime_id AND h.session_token = p_session_token
               AND h.status = 'ACTIVE' AND h.expires_at > p_now
             ORDER BY h.created_at DESC LIMIT 1),
    -- set-at-a-time (hash joins), not a probe per seat: this runs on every round of every concurrent buyer
    claimed AS (SELECT DISTINCT c.seat_id FROM booking.seat_claims c
                 WHERE c.showtime_id = p_showtime_id AND c.during && tstzrange(p_now, NULL)
                   AND (c.kind <> 'HOLD' OR c.hold_id IS DISTINCT FROM (SELECT id FROM own))),
    reserved AS (SELECT a.seat_id FROM booking.channel_allocations a
                  WHERE a.showtime_id = p_showtime_id AND a.released_at IS NULL
                    AND (a.release_at IS NULL OR a.release_at > p_now) AND a.channel IS DISTINCT FROM p_channel),
    f AS (SELECT * FROM booking.focal_point((SELECT auditorium_id FROM st)))
    SELECT s.id, s.code, s.row_label, s.x, s.y, s.seat_type,
           NOT s.is_active OR s.id = ANY (p_taken) OR cl.seat_id IS NOT NULL,
           p.seat_type IS NOT NULL AND r.seat_id IS NULL,
           p_now < st.release_at AND EXISTS (SELECT 1 FROM booking.companion_seats l WHERE l.companion_seat_id = s.id),
           sqrt((s.x - f.focal_x) ^ 2 + (s.y - f.focal_y) ^ 2)
      FROM st CROSS JOIN f
      JOIN booking.seats s ON s.auditorium_id = st.auditorium_id
      LEFT JOIN claimed cl ON cl.seat_id = s.id
      LEFT JOIN reserved r ON r.seat_id = s.id
      LEFT JOIN booking.prices p ON p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type
$$;
COMMENT ON FUNCTION booking.best_available_seats(uuid, text, text, timestamptz, bigint[]) IS
    'Seats of a showtime for a best-available buyer (p_taken: also count these as taken): occupied, on sale, held back, distance.';

-- Blocks of n adjacent seats in one row (consecutive x: a gap is an aisle) that the buyer may take, best first:
-- blocks leaving no lone empty seat before the others, then by score = summed distance to the focal point plus
-- 2 (seat widths) for each side where the block leaves an odd gap of 3 or more empty seats. Pairs are the most
-- common party and can never fill an odd gap without leaving a lone seat, so distance alone would riddle the
-- rows with unsellable 3-seat holes (a centred pair in a 12-seat block leaves 5 | 5); the penalty keeps gaps
-- even when a nearly-as-good block allows it.
CREATE FUNCTION booking.best_available_blocks(p_showtime_id uuid, p_session_token text, p_quantity int,
                                              p_types text[], p_channel text, p_now timestamptz,
                                              p_taken bigint[] DEFAULT '{}')
RETURNS TABLE (leaves_lone boolean, score double precision, seat_ids bigint[], seat_codes text[], row_label text)
LANGUAGE sql STABLE AS $$
    WITH s AS (SELECT * FROM booking.best_available_seats(p_showtime_id, p_session_token, p_channel, p_now, p_taken)),
    -- runs of physically empty seats: a block's gaps are what it leaves of its run on either side
    runs AS (
        SELECT e.seat_id, min(e.x) OVER r AS run_start, max(e.x) OVER r AS run_end
          FROM (SELECT s.*, s.x - row_number() OVER (PARTITION BY s.row_label ORDER BY s.x) AS g
                  FROM s WHERE NOT s.occupied) e
        WINDOW r AS (PARTITION BY e.row_label, e.g)),
    isl AS (
        SELECT s.*, s.x - row_number() OVER (PARTITION BY s.row_label ORDER BY s.x) AS g
          FROM s
         WHERE NOT s.occupied AND s.on_sale AND NOT s.held_back
           AND (CASE WHEN coalesce(cardinality(p_types), 0) = 0 THEN s.seat_type <> 'WHEELCHAIR'
                     ELSE s.seat_type::text = ANY (p_types) END)),
    win AS (
        SELECT isl.seat_id AS first_id, isl.row_label, isl.x AS x0, isl.y, count(*) OVER w AS n,
               array_agg(isl.seat_id) OVER w AS ids, array_agg(isl.code) OVER w AS codes, sum(isl.distance) OVER w AS dist
          FROM isl
        WINDOW w AS (PARTITION BY isl.row_label, isl.g ORDER BY isl.x ROWS BETWEEN CURRENT ROW AND p_quantity - 1 FOLLOWING))
    SELECT coalesce(l1.seat_id IS NOT NULL AND NOT l1.occupied AND l1.seat_type <> 'WHEELCHAIR'
                    AND coalesce(l2.occupied, true), false)
           OR coalesce(r1.seat_id IS NOT NULL AND NOT r1.occupied AND r1.seat_type <> 'WHEELCHAIR'
                    AND coalesce(r2.occupied, true), false) AS leaves_lone,
           w.dist + 2 * ((gap.l >= 3 AND gap.l % 2 = 1)::int + (gap.r >= 3 AND gap.r % 2 = 1)::int) AS score,
           w.ids, w.codes, w.row_label
      FROM win w
      JOIN runs ru ON ru.seat_id = w.first_id
      CROSS JOIN LATERAL (SELECT w.x0 - ru.run_start AS l, ru.run_end - (w.x0 + p_quantity - 1) AS r) gap
      LEFT JOIN s l1 ON l1.row_label = w.row_label AND l1.x = w.x0 - 1
      LEFT JOIN s l2 ON l2.row_label = w.row_label AND l2.x = w.x0 - 2
      LEFT JOIN s r1 ON r1.row_label = w.row_label AND r1.x = w.x0 + p_quantity
      LEFT JOIN s r2 ON r2.row_label = w.row_label AND r2.x = w.x0 + p_quantity + 1
     WHERE w.n = p_quantity
     ORDER BY 1, 2, w.y, w.x0
$$;
COMMENT ON FUNCTION booking.best_available_blocks(uuid, text, int, text[], text, timestamptz, bigint[]) IS
    'Candidate blocks of n adjacent free seats in one row: no lone seat first, then distance to the focal point (+ odd-gap penalty).';

-- The n nearest seats when they cannot sit together: the party is split into the fewest groups, each the best
-- block (largest first) that leaves no lone empty seat, given the groups already picked.
CREATE FUNCTION booking.best_available_scattered(p_showtime_id uuid, p_session_token text, p_quantity int,
                                                 p_types text[], p_channel text, p_now timestamptz)
RETURNS TABLE (score double precision, seat_ids bigint[], seat_codes text[], row_labels text[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_ids bigint[] := '{}';
    v_codes text[] := '{}';
    v_rows text[] := '{}';
    v_score double precision := 0;
    v_left int := p_quantity;
    v_k int;
    b record;
BEGIN
    WHILE v_left > 0 LOOP
        FOR v_k IN REVERSE v_left .. 1 LOOP
            SELECT * INTO b FROM booking.best_available_blocks(p_showtime_id, p_session_token, v_k, p_types, p_channel,
                                                              p_now, v_ids) x
             WHERE NOT x.leaves_lone LIMIT 1;
            EXIT WHEN b.seat_ids IS NOT NULL;
        END LOOP;
        IF b.seat_ids IS NULL THEN
            RETURN;  -- no way to seat the rest without a lone seat
        END IF;
        v_ids := v_ids || b.seat_ids;
        v_codes := v_codes || b.seat_codes;
        v_rows := v_rows || b.row_label;
        v_score := v_score + b.score;
        v_left := v_left - cardinality(b.seat_ids);
    END LOOP;
    RETURN QUERY SELECT v_score, v_ids, v_codes, v_rows;
END $$;
COMMENT ON FUNCTION booking.best_available_scattered(uuid, text, int, text[], text, timestamptz) IS
    'Seats for a party that cannot sit together: fewest groups, each the best block leaving no lone empty seat.';

-- Wheelchair spaces with n - 1 of their companion seats, nearest the focal point first.
CREATE FUNCTION booking.best_available_accessible(p_showtime_id uuid, p_session_token text, p_quantity int,
                                                  p_channel text, p_now timestamptz)
RETURNS TABLE (score double precision, seat_ids bigint[], seat_codes text[], row_labels text[])
LANGUAGE sql STABLE AS $$
    WITH s AS (SELECT * FROM booking.best_available_seats(p_showtime_id, p_session_token, p_channel, p_now)),
    w AS (SELECT * FROM s WHERE s.seat_type = 'WHEELCHAIR' AND NOT s.occupied AND s.on_sale),
    c AS (SELECT l.wheelchair_seat_id AS w_id, cs.seat_id, cs.code, cs.row_label,
                 row_number() OVER (PARTITION BY l.wheelchair_seat_id
                                    ORDER BY abs(cs.y - w.y), abs(cs.x - w.x), cs.x) AS k
            FROM w JOIN booking.companion_seats l ON l.wheelchair_seat_id = w.seat_id
            JOIN s cs ON cs.seat_id = l.companion_seat_id AND NOT cs.occupied AND cs.on_sale)
    SELECT w.distance,
           ARRAY[w.seat_id] || coalesce(array_agg(c.seat_id ORDER BY c.k) FILTER (WHERE c.k < p_quantity), '{}'),
           ARRAY[w.code] || coalesce(array_agg(c.code ORDER BY c.k) FILTER (WHERE c.k < p_quantity), '{}'),
           ARRAY[w.row_label] || coalesce(array_agg(c.row_label) FILTER (WHERE c.k < p_quantity), '{}')
      FROM w LEFT JOIN c ON c.w_id = w.seat_id
     GROUP BY w.seat_id, w.code, w.row_label, w.distance, w.y, w.x
    HAVING count(c.seat_id) >= p_quantity - 1
     ORDER BY w.distance, w.y, w.x
$$;
COMMENT ON FUNCTION booking.best_available_accessible(uuid, text, int, text, timestamptz) IS
    'Candidate wheelchair spaces with n - 1 of their free companion seats, nearest the focal point first.';

-- All candidates in the order best available tries them:
--   1. adjacent in one row leaving no lone empty seat; 2. adjacent in one row (only when the showtime's lone-seat
--   rule is off: hold() would refuse them otherwise); 3. the nearest seats avoiding lone seats (together = false).
-- Accessible requests: wheelchair spaces with their companions.
CREATE FUNCTION booking.best_available_candidates(p_showtime_id uuid, p_session_token text, p_quantity int,
    p_types text[], p_together boolean, p_accessible boolean, p_channel text, p_now timestamptz)
RETURNS TABLE (tier int, score double precision, seat_ids bigint[], seat_codes text[], row_labels text[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_rule boolean := booking.lone_seat_rule(p_showtime_id);
BEGIN
    IF p_accessible THEN
        RETURN QUERY SELECT 1, a.score, a.seat_ids, a.seat_codes, a.row_labels
                       FROM booking.best_available_accessible(p_showtime_id, p_session_token, p_quantity, p_channel, p_now) a;
        RETURN;
    END IF;
    RETURN QUERY SELECT CASE WHEN b.leaves_lone THEN 2 ELSE 1 END, b.score, b.seat_ids, b.seat_codes, ARRAY[b.row_label]
                   FROM booking.best_available_blocks(p_showtime_id, p_session_token, p_quantity, p_types, p_channel, p_now) b
                  WHERE NOT (b.leaves_lone AND v_rule);
    IF NOT coalesce(p_together, true) AND p_quantity > 1 THEN
        RETURN QUERY SELECT 3, sc.score, sc.seat_ids, sc.seat_codes, sc.row_labels
                       FROM booking.best_available_scattered(p_showtime_id, p_session_token, p_quantity, p_types, p_channel, p_now) sc;
    END IF;
END $$;
COMMENT ON FUNCTION booking.best_available_candidates(uuid, text, int, text[], boolean, boolean, text, timestamptz) IS
    'Best-available candidate seat sets in the order they are tried (tier 1 no lone seat, 2 adjacent, 3 scattered).';

-- Hold the best n seats. Races: a candidate another buyer is claiming right now is skipped (try-locks), one
-- lost anyway (SEAT_UNAVAILABLE, exclusion violation, deadlock) or refused by a rule that the fresh state now
-- breaks is rolled back in its subtransaction, and the search runs again on the new state: a buyer gets
-- BEST_AVAILABLE_NOT_FOUND only when no candidate is left, never because someone else was faster.
CREATE FUNCTION booking.hold_best_available(p_showtime_id uuid, p_session_token text, p_quantity int,
    p_types text[] DEFAULT NULL, p_together boolean DEFAULT true, p_accessible boolean DEFAULT false,
    p_channel text DEFAULT NULL, p_ttl_seconds int DEFAULT NULL)
RETURNS TABLE (hold_id uuid, expires_at timestamptz, total_amount numeric(10,2), currency char(3), seats jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_max     int := booking.setting('max_seats_per_hold')::int;
    v_ctx     record;
    v_cand    record;
    v_wait    bigint[];         -- seats and rows of the best candidate someone else is claiming
    v_wait_rows text[];
    v_failed  text[] := '{}';   -- candidates a rule refused in this call: never retried
    v_found   boolean;
    v_round   int := 0;
    v_bad     text[];
BEGIN
    IF coalesce(length(p_session_token), 0) NOT BETWEEN 1 AND 200 THEN
        PERFORM booking.raise_error('VALIDATION_ERROR', 'sessionToken is required (1-200 characters)',
            jsonb_build_object('field', 'sessionToken'));
    END IF;
    IF p_quantity IS NULL OR p_quantity < 1 THEN
        PERFORM booking.raise_error('VALIDATION_ERROR', 'bestAvailable.quantity must be at least 1',
            jsonb_build_object('field', 'bestAvailable.quantity'));
    END IF;
    IF p_quantity > v_max THEN
        PERFORM booking.raise_error('TOO_MANY_SEATS', format('at most %s seats per hold', v_max),
            jsonb_build_object('max', v_max, 'requested', p_quantity));
    END IF;
    SELECT array_agg(t) INTO v_bad FROM unnest(p_types) t
     WHERE t IS NULL OR t NOT IN ('STANDARD', 'PREMIUM', 'VIP', 'WHEELCHAIR');
    IF v_bad IS NOT NULL THEN
        PERFORM booking.raise_error('VALIDATION_ERROR', 'bestAvailable.types must be STANDARD, PREMIUM, VIP or WHEELCHAIR',
            jsonb_build_object('field', 'bestAvailable.types', 'types', to_jsonb(v_bad)));
    END IF;
    v_ctx := booking.showtime_context(p_showtime_id);
    IF v_ctx.is_cancelled OR v_ctx.starts_at <= booking.clock() THEN
        PERFORM booking.raise_error('SHOWTIME_NOT_ON_SALE', 'this showtime is no longer on sale',
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;

    LOOP
        v_round := v_round + 1;
        v_found := false;
        v_wait := NULL;
        v_wait_rows := NULL;
        -- skip what others are claiming right now (a row is claimed by one buyer at a time), like SKIP LOCKED:
        -- concurrent buyers spread over the rows instead of queueing for the single best block
        FOR v_cand IN
            SELECT c.* FROM booking.best_available_candidates(p_showtime_id, p_session_token, p_quantity, p_types,
                                                              p_together, p_accessible, p_channel, booking.clock()) c
             WHERE NOT (array_to_string(c.seat_codes, ',') = ANY (v_failed))
             LIMIT 64
        LOOP
            v_found := true;
            BEGIN
                IF NOT booking.try_lock_seats(p_showtime_id, v_cand.seat_ids)
                   OR NOT booking.lock_rows(p_showtime_id, v_cand.row_labels, false) THEN
                    RAISE EXCEPTION USING ERRCODE = 'MQ0B1', MESSAGE = 'busy';  -- undo the locks got so far
                END IF;
                RETURN QUERY SELECT * FROM booking.hold(p_showtime_id, v_cand.seat_codes, p_session_token,
                                                        p_ttl_seconds, p_channel);
                RETURN;
            EXCEPTION
                WHEN SQLSTATE 'MQ0B1' THEN
                    IF v_wait IS NULL THEN
                        v_wait := v_cand.seat_ids;
                        v_wait_rows := v_cand.row_labels;
                    END IF;
                WHEN SQLSTATE 'MQ010' OR exclusion_violation OR deadlock_detected THEN
                    NULL;  -- another buyer won these seats: the next round no longer offers them
                WHEN SQLSTATE 'MQ060' OR SQLSTATE 'MQ062' OR SQLSTATE 'MQ063' THEN
                    v_failed := v_failed || array_to_string(v_cand.seat_codes, ',');
            END;
        END LOOP;
        IF NOT v_found THEN
            PERFORM booking.raise_error('BEST_AVAILABLE_NOT_FOUND',
                format('no %s seat(s) available as requested', p_quantity),
                jsonb_build_object('showtimeId', p_showtime_id, 'quantity', p_quantity, 'types', to_jsonb(p_types),
                                   'together', coalesce(p_together, true), 'accessible', coalesce(p_accessible, false)));
        END IF;
        IF v_round >= 200 THEN
            -- a safety net against livelock, not a business rule (each round waits for a claimer, so it is far off)
            PERFORM booking.raise_error('BEST_AVAILABLE_NOT_FOUND', 'seats are changing hands too fast; try again',
                jsonb_build_object('showtimeId', p_showtime_id, 'quantity', p_quantity, 'rounds', v_round));
        END IF;
        IF v_wait IS NOT NULL THEN
            -- nothing could be taken and the best candidate is being claimed: wait for that claimer to finish (its
            -- seats, then its row: the order every claimer uses), let go at once, and look again
            BEGIN
                PERFORM booking.lock_seats(p_showtime_id, v_wait);
                PERFORM booking.lock_rows(p_showtime_id, v_wait_rows);
                RAISE EXCEPTION USING ERRCODE = 'MQ0B1', MESSAGE = 'waited';
            EXCEPTION WHEN SQLSTATE 'MQ0B1' OR deadlock_detected THEN
                NULL;
            END;
        END IF;
    END LOOP;
END $$;
COMMENT ON FUNCTION booking.hold_best_available(uuid, text, int, text[], boolean, boolean, text, int) IS
    'Holds the best n seats (adjacent, no lone seat, nearest the focal point; accessible: wheelchair space + companions). '
    'Retries the next best block when a concurrent buyer wins; raises BEST_AVAILABLE_NOT_FOUND only when none is left.';

-- ---------------------------------------------------------------------------------------------------------
-- Seat status history
-- ---------------------------------------------------------------------------------------------------------

CREATE FUNCTION booking.claim_status(p_kind booking.claim_kind) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN CASE p_kind WHEN 'HOLD' THEN 'LOCKED' WHEN 'BOOKING' THEN 'BOOKED' ELSE 'BLOCKED' END;
END $$;
COMMENT ON FUNCTION booking.claim_status(booking.claim_kind) IS 'Seat-map status of a live claim kind: LOCKED, BOOKED or BLOCKED.';

-- One statement trigger per operation (transition tables): one INSERT into the history per statement.
-- A claim that lapsed on its own (hold or payment window over: no write happened then) is recorded when it is
-- next touched, at the instant it ended; booking.seat_history adds the ones nobody touched yet.
CREATE FUNCTION booking.record_seat_status() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_now   timestamptz := booking.clock();
    v_actor text := nullif(current_setting('marquee.actor', true), '');
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO booking.seat_status_history
               (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, booking_id, actor)
        SELECT n.showtime_id, n.seat_id, v_now, 'AVAILABLE', booking.claim_status(n.kind), n.kind, n.id,
               n.hold_id, n.booking_id, v_actor
          FROM new_claims n WHERE upper_inf(n.during) OR upper(n.during) > v_now;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO booking.seat_status_history
               (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, booking_id, reason, actor)
        SELECT o.showtime_id, o.seat_id, CASE WHEN live THEN v_now ELSE upper(o.during) END,
               booking.claim_status(o.kind), 'AVAILABLE', o.kind, o.id, o.hold_id, o.booking_id,
               CASE WHEN live THEN NULL ELSE 'EXPIRED' END, CASE WHEN live THEN v_actor END
          FROM old_claims o, LATERAL (SELECT upper_inf(o.during) OR upper(o.during) > v_now AS live) l
         WHERE live OR NOT EXISTS (SELECT 1 FROM booking.seat_status_history h
                                    WHERE h.claim_id = o.id AND h.to_status = 'AVAILABLE');
    ELSE
        INSERT INTO booking.seat_status_history
               (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, booking_id, reason, actor)
        SELECT n.showtime_id, n.seat_id, e.at, e.from_status, e.to_status, e.kind, n.id, n.hold_id, n.booking_id,
               e.reason, e.actor
          FROM old_claims o JOIN new_claims n ON n.id = o.id,
               LATERAL (SELECT upper_inf(o.during) OR upper(o.during) > v_now AS was_live,
                               upper_inf(n.during) OR upper(n.during) > v_now AS is_live) l,
               LATERAL (
                   -- lapsed unseen before this write (e.g. a late payment reviving a booking)
                   SELECT upper(o.during) AS at, booking.claim_status(o.kind) AS from_status, 'AVAILABLE' AS to_status,
                          o.kind, 'EXPIRED' AS reason, NULL::text AS actor
                    WHERE NOT l.was_live AND l.is_live
                      AND NOT EXISTS (SELECT 1 FROM booking.seat_status_history h
                                       WHERE h.claim_id = o.id AND h.to_status = 'AVAILABLE')
                   UNION ALL
                   SELECT v_now,
                          CASE WHEN l.was_live THEN booking.claim_status(o.kind) ELSE 'AVAILABLE' END,
                          CASE WHEN l.is_live THEN booking.claim_status(n.kind) ELSE 'AVAILABLE' END,
                          n.kind, NULL, v_actor
                    WHERE (l.was_live AND l.is_live AND o.kind <> n.kind) OR (l.was_live <> l.is_live)) e
         ORDER BY n.id, e.at;
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION booking.record_seat_status() IS
    'Trigger: appends seat status changes (AVAILABLE/LOCKED/BOOKED/BLOCKED) of seat_claims writes to seat_status_history.';

CREATE TRIGGER seat_claims_history_insert AFTER INSERT ON booking.seat_claims
    REFERENCING NEW TABLE AS new_claims FOR EACH STATEMENT EXECUTE FUNCTION booking.record_seat_status();
CREATE TRIGGER seat_claims_history_update AFTER UPDATE ON booking.seat_claims
    REFERENCING OLD TABLE AS old_claims NEW TABLE AS new_claims FOR EACH STATEMENT EXECUTE FUNCTION booking.record_seat_status();
CREATE TRIGGER seat_claims_history_delete AFTER DELETE ON booking.seat_claims
    REFERENCING OLD TABLE AS old_claims FOR EACH STATEMENT EXECUTE FUNCTION booking.record_seat_status();

-- The history of a showtime's seats (one seat, or all), oldest first, with who did it:
--   SESSION (a hold: hold id and a fingerprint of the session token, never the token itself, which is a
--   capability), BOOKING (its reference; a cancelling operator when there was one), OPERATOR (blocks; or any
--   change made with SET marquee.actor), SYSTEM (a hold or payment window that ran out).
CREATE FUNCTION booking.showtime_seat_history(p_showtime_id uuid, p_seat_id text DEFAULT NULL,
                                              p_since timestamptz DEFAULT NULL, p_limit int DEFAULT 1000)
RETURNS TABLE (at timestamptz, seat_id text, from_status text, to_status text, actor_kind text, actor text,
               hold_id uuid, booking_reference text, reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_ctx record;
    v_now timestamptz := booking.clock();
    v_seat bigint;
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    IF p_seat_id IS NOT NULL THEN
        SELECT s.id INTO v_seat FROM booking.resolve_seats(v_ctx.auditorium_id, ARRAY[p_seat_id]) s;
    END IF;
    IF coalesce(p_limit, 0) NOT BETWEEN 1 AND 100000 THEN
        PERFORM booking.raise_error('VALIDATION_ERROR', 'limit must be 1..100000', jsonb_build_object('field', 'limit'));
    END IF;
    RETURN QUERY
    WITH ev AS (
        SELECT h.at, h.seat_id AS sid, h.from_status, h.to_status, h.claim_kind, h.hold_id, h.booking_id,
               h.reason, h.actor, h.tx_at, h.id AS ord
          FROM booking.seat_status_history h
         WHERE h.showtime_id = p_showtime_id AND (v_seat IS NULL OR h.seat_id = v_seat)
        UNION ALL
        -- claims that ran out and were not touched since: their end is known, only not written yet
        SELECT upper(c.during), c.seat_id, booking.claim_status(c.kind), 'AVAILABLE', c.kind, c.hold_id, c.booking_id,
               'EXPIRED', NULL, NULL, NULL
          FROM booking.seat_claims c
         WHERE c.showtime_id = p_showtime_id AND (v_seat IS NULL OR c.seat_id = v_seat)
           AND NOT upper_inf(c.during) AND upper(c.during) <= v_now
           AND NOT EXISTS (SELECT 1 FROM booking.seat_status_history h
                            WHERE h.claim_id = c.id AND h.to_status = 'AVAILABLE'))
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
      LEFT JOIN booking.bookings b ON b.id = ev.booking_id
      LEFT JOIN booking.holds hd ON hd.id = coalesce(ev.hold_id, b.hold_id)
     WHERE p_since IS NULL OR ev.at >= p_since
     ORDER BY ev.at, ev.ord NULLS LAST, s.code
     LIMIT p_limit;
END $$;
COMMENT ON FUNCTION booking.showtime_seat_history(uuid, text, timestamptz, int) IS
    'Seat status changes of a showtime (or one seat): when, from -> to, who (SESSION/BOOKING/OPERATOR/SYSTEM), oldest first.';

CREATE FUNCTION booking.seat_history(p_showtime_id uuid, p_seat_id text)
RETURNS TABLE (at timestamptz, seat_id text, from_status text, to_status text, actor_kind text, actor text,
               hold_id uuid, booking_reference text, reason text)
LANGUAGE sql STABLE AS $$
    SELECT * FROM booking.showtime_seat_history(p_showtime_id, p_seat_id, NULL, 100000)
$$;
COMMENT ON FUNCTION booking.seat_history(uuid, text) IS 'Every status change of one seat of a showtime, oldest first (see showtime_seat_history).';
