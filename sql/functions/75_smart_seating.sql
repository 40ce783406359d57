-- Smart seating: best available, no lone empty seat, wheelchair companions, sales channels and group limits
-- (the seat status history is 77_seat_history.sql). booking.hold() checks every rule itself (20_seats.sql), so manual
-- holds obey the same rules that best available plans around. Design notes: docs/smart-seating.md.

-- ---------------------------------------------------------------------------------------------------------
-- Options and operator tools
-- ---------------------------------------------------------------------------------------------------------

CREATE FUNCTION booking.lone_seat_rule(p_showtime_id uuid) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
    v boolean;
BEGIN
    SELECT o.lone_seat_rule INTO v FROM booking.showtime_seating o WHERE o.showtime_id = p_showtime_id;
    RETURN coalesce(v, booking.setting('lone_seat_rule') = 'on');
END $$;
COMMENT ON FUNCTION booking.lone_seat_rule(uuid) IS
    'Whether holds of this showtime may not leave a lone empty seat: its own option, else the lone_seat_rule setting.';

CREATE FUNCTION booking.set_lone_seat_rule(p_showtime_id uuid, p_on boolean, p_actor text DEFAULT 'operator')
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('showtimes.manage', booking_internal.showtime_cinema(p_showtime_id));
BEGIN
    PERFORM booking.showtime_context(p_showtime_id);
    IF p_on IS NULL THEN
        -- NULL = follow the setting again
        DELETE FROM booking.showtime_seating WHERE showtime_id = p_showtime_id;
    ELSE
        INSERT INTO booking.showtime_seating (showtime_id, lone_seat_rule, updated_by)
        VALUES (p_showtime_id, p_on, v_actor.label)
        ON CONFLICT (showtime_id) DO UPDATE
            SET lone_seat_rule = EXCLUDED.lone_seat_rule, updated_at = now(), updated_by = EXCLUDED.updated_by;
    END IF;
    PERFORM booking_internal.audit(v_actor, 'showtime.lone_seat_rule', 'showtime', p_showtime_id::text,
        jsonb_build_object('on', p_on));
    RETURN booking.lone_seat_rule(p_showtime_id);
END $$;
COMMENT ON FUNCTION booking.set_lone_seat_rule(uuid, boolean, text) IS
    'Turns the no-lone-empty-seat rule on/off for one showtime (NULL: follow the setting); returns the rule. Needs '
    'showtimes.manage for its cinema (p_actor is ignored). Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND; audited.';

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
DECLARE
    v_actor booking.actor := booking.require('auditoriums.manage', booking_internal.auditorium_cinema(p_auditorium_id));
BEGIN
    UPDATE booking.auditoriums SET focal_x = p_focal_x, focal_y = p_focal_y WHERE id = p_auditorium_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('AUDITORIUM_NOT_FOUND', format('auditorium %s not found', p_auditorium_id),
            jsonb_build_object('auditoriumId', p_auditorium_id));
    END IF;
    PERFORM booking_internal.audit(v_actor, 'auditorium.focal_point', 'auditorium', p_auditorium_id::text,
        jsonb_build_object('x', p_focal_x, 'y', p_focal_y));
END $$;
COMMENT ON FUNCTION booking.set_focal_point(uuid, numeric, numeric, text) IS
    'Sets (or with NULLs resets to the default) the best-available focal point of an auditorium. Needs '
    'auditoriums.manage for its cinema (p_actor is ignored). Raises UNAUTHORIZED, FORBIDDEN, AUDITORIUM_NOT_FOUND; audited.';

-- Link companion seats to a wheelchair space, replacing its previous links.
CREATE FUNCTION booking.link_companion_seats(p_auditorium_id uuid, p_wheelchair_seat text, p_companion_seats text[],
                                             p_actor text DEFAULT 'operator')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('auditoriums.manage', booking_internal.auditorium_cinema(p_auditorium_id));
    v_space booking.seats;
    v_ids bigint[];
BEGIN
    SELECT * INTO v_space FROM booking_internal.resolve_seats(p_auditorium_id, ARRAY[p_wheelchair_seat]);
    IF v_space.seat_type <> 'WHEELCHAIR' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', format('%s is not a wheelchair space', p_wheelchair_seat),
            jsonb_build_object('field', 'wheelchairSeatId', 'seatId', p_wheelchair_seat));
    END IF;
    IF coalesce(cardinality(p_companion_seats), 0) > 0 THEN
        SELECT array_agg(s.id) INTO v_ids FROM booking_internal.resolve_seats(p_auditorium_id, p_companion_seats) s;
        IF EXISTS (SELECT 1 FROM booking.seats s WHERE s.id = ANY (v_ids) AND s.seat_type = 'WHEELCHAIR') THEN
            PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'a companion seat cannot be a wheelchair space',
                jsonb_build_object('field', 'companionSeatIds'));
        END IF;
    END IF;
    DELETE FROM booking.companion_seats WHERE wheelchair_seat_id = v_space.id;
    INSERT INTO booking.companion_seats (wheelchair_seat_id, companion_seat_id)
    SELECT v_space.id, i FROM unnest(coalesce(v_ids, '{}')) i;
    PERFORM booking_internal.audit(v_actor, 'seats.link_companions', 'auditorium', p_auditorium_id::text,
        jsonb_build_object('wheelchairSeatId', p_wheelchair_seat, 'companionSeatIds', p_companion_seats));
    RETURN coalesce(cardinality(v_ids), 0);
END $$;
COMMENT ON FUNCTION booking.link_companion_seats(uuid, text, text[], text) IS
    'Links companion seats to a WHEELCHAIR space (replacing its links; empty array unlinks); returns the count. Needs '
    'auditoriums.manage for its cinema (p_actor is ignored). Raises UNAUTHORIZED, FORBIDDEN, SEAT_NOT_FOUND, VALIDATION_ERROR; audited.';

-- When companion seats of a showtime go on general sale.
CREATE FUNCTION booking.companion_release_at(p_showtime_id uuid) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT st.starts_at FROM booking.showtimes st WHERE st.id = p_showtime_id)
           - make_interval(mins => booking.setting('companion_release_minutes')::int);
END $$;
COMMENT ON FUNCTION booking.companion_release_at(uuid) IS
    'Instant companion seats of a showtime are released to everyone: start minus companion_release_minutes.';

-- Allocate seats of a showtime to a sales channel (replacing a previous allocation of those seats).
CREATE FUNCTION booking.allocate_channel_seats(p_showtime_id uuid, p_seat_ids text[], p_channel text,
                                               p_release_at timestamptz DEFAULT NULL, p_actor text DEFAULT 'operator')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('channels.manage', booking_internal.showtime_cinema(p_showtime_id));
    v_ctx record;
    v_n int;
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    IF coalesce(p_channel, '') !~ '^[A-Za-z0-9_.-]{1,60}$' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'channel must be 1-60 letters, digits, _ . -',
            jsonb_build_object('field', 'channel'));
    END IF;
    INSERT INTO booking.channel_allocations (showtime_id, seat_id, channel, release_at, allocated_by)
    SELECT p_showtime_id, s.id, p_channel, p_release_at, v_actor.label
      FROM booking_internal.resolve_seats(v_ctx.auditorium_id, p_seat_ids) s
    ON CONFLICT (showtime_id, seat_id) DO UPDATE
        SET channel = EXCLUDED.channel, release_at = EXCLUDED.release_at, released_at = NULL,
            allocated_by = EXCLUDED.allocated_by, created_at = now();
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM booking_internal.audit(v_actor, 'seats.allocate_channel', 'showtime', p_showtime_id::text,
        jsonb_build_object('seatIds', p_seat_ids, 'channel', p_channel, 'releaseAt', p_release_at));
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking.allocate_channel_seats(uuid, text[], text, timestamptz, text) IS
    'Allocates seats of a showtime to a sales channel until p_release_at (NULL: until released by an operator). Needs '
    'channels.manage for its cinema (p_actor is ignored). Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND, '
    'VALIDATION_ERROR, SEAT_NOT_FOUND; audited.';

-- Release a channel's seats to general sale now (all of them, or the listed ones).
CREATE FUNCTION booking.release_channel_seats(p_showtime_id uuid, p_channel text, p_seat_ids text[] DEFAULT NULL,
                                              p_actor text DEFAULT 'operator')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('channels.manage', booking_internal.showtime_cinema(p_showtime_id));
    v_ctx record;
    v_now timestamptz := booking.clock();
    v_codes text[];
BEGIN
    v_ctx := booking.showtime_context(p_showtime_id);
    IF p_seat_ids IS NOT NULL THEN
        PERFORM booking_internal.resolve_seats(v_ctx.auditorium_id, p_seat_ids);
    END IF;
    WITH released AS (
        UPDATE booking.channel_allocations a SET released_at = v_now
          FROM booking.seats s
         WHERE s.id = a.seat_id AND a.showtime_id = p_showtime_id AND a.channel = p_channel
           AND a.released_at IS NULL AND (a.release_at IS NULL OR a.release_at > v_now)
           AND (p_seat_ids IS NULL OR s.code = ANY (p_seat_ids))
        RETURNING s.code)
    SELECT array_agg(code ORDER BY code) INTO v_codes FROM released;
    PERFORM booking_internal.audit(v_actor, 'seats.release_channel', 'showtime', p_showtime_id::text,
        jsonb_build_object('channel', p_channel, 'seatIds', v_codes));
    RETURN coalesce(cardinality(v_codes), 0);
END $$;
COMMENT ON FUNCTION booking.release_channel_seats(uuid, text, text[], text) IS
    'Releases a channel''s seats of a showtime (all, or the listed ones) to general sale now; returns the count. Needs '
    'channels.manage for its cinema (p_actor is ignored). Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND, SEAT_NOT_FOUND, '
    'VALIDATION_ERROR; audited.';

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
-- The lone-seat rule as a set query (booking.hold evaluates it inline on the touched rows)
-- ---------------------------------------------------------------------------------------------------------

-- Seats that would be left lone (empty, with a taken seat, an aisle or the row end on both sides) next to the
-- given seats once they are taken. Inactive seats count as taken; the caller's own hold counts as empty (it is
-- being replaced). An empty wheelchair space is never "lone": it is a space, not a seat to fill.
CREATE FUNCTION booking_internal.lone_seats_after(p_showtime_id uuid, p_seat_ids bigint[], p_own_hold uuid,
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
COMMENT ON FUNCTION booking_internal.lone_seats_after(uuid, bigint[], uuid, timestamptz) IS
    'Seat ids that taking these seats would leave as a lone empty seat (between taken seats, aisles or row ends).';

-- ---------------------------------------------------------------------------------------------------------
-- Best available
-- ---------------------------------------------------------------------------------------------------------

-- Every seat of a showtime as a best-available buyer sees it. occupied: physically taken (claimed, or broken);
-- the session's own live hold counts as free (best available replaces it). on_sale: priced and not kept for
-- another channel. held_back: a companion seat still kept for wheelchair buyers. distance: to the focal point.
CREATE FUNCTION booking_internal.best_available_seats(p_showtime_id uuid, p_session_token text, p_channel text, p_now timestamptz,
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
COMMENT ON FUNCTION booking_internal.best_available_seats(uuid, text, text, timestamptz, bigint[]) IS
    'Seats of a showtime for a best-available buyer (p_taken: also count these as taken): occupied, on sale, held back, distance.';

-- Blocks of n adjacent seats in one row (consecutive x: a gap is an aisle) that the buyer may take, best first:
-- blocks leaving no lone empty seat before the others, then by score = summed distance to the focal point plus
-- 2 (seat widths) for each side where the block leaves an odd gap of 3 or more empty seats. Pairs are the most
-- common party and can never fill an odd gap without leaving a lone seat, so distance alone would riddle the
-- rows with unsellable 3-seat holes (a centred pair in a 12-seat block leaves 5 | 5); the penalty keeps gaps
-- even when a nearly-as-good block allows it.
CREATE FUNCTION booking_internal.best_available_blocks(p_showtime_id uuid, p_session_token text, p_quantity int,
                                              p_types text[], p_channel text, p_now timestamptz,
                                              p_taken bigint[] DEFAULT '{}')
RETURNS TABLE (leaves_lone boolean, score double precision, seat_ids bigint[], seat_codes text[], row_label text)
LANGUAGE sql STABLE AS $$
    WITH s AS (SELECT * FROM booking_internal.best_available_seats(p_showtime_id, p_session_token, p_channel, p_now, p_taken)),
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
COMMENT ON FUNCTION booking_internal.best_available_blocks(uuid, text, int, text[], text, timestamptz, bigint[]) IS
    'Candidate blocks of n adjacent free seats in one row: no lone seat first, then distance to the focal point (+ odd-gap penalty).';

-- The n nearest seats when they cannot sit together: the party is split into the fewest groups, each the best
-- block (largest first) that leaves no lone empty seat, given the groups already picked.
CREATE FUNCTION booking_internal.best_available_scattered(p_showtime_id uuid, p_session_token text, p_quantity int,
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
            SELECT * INTO b FROM booking_internal.best_available_blocks(p_showtime_id, p_session_token, v_k, p_types, p_channel,
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
COMMENT ON FUNCTION booking_internal.best_available_scattered(uuid, text, int, text[], text, timestamptz) IS
    'Seats for a party that cannot sit together: fewest groups, each the best block leaving no lone empty seat.';

-- Wheelchair spaces with n - 1 of their companion seats, nearest the focal point first.
CREATE FUNCTION booking_internal.best_available_accessible(p_showtime_id uuid, p_session_token text, p_quantity int,
                                                  p_channel text, p_now timestamptz)
RETURNS TABLE (score double precision, seat_ids bigint[], seat_codes text[], row_labels text[])
LANGUAGE sql STABLE AS $$
    WITH s AS (SELECT * FROM booking_internal.best_available_seats(p_showtime_id, p_session_token, p_channel, p_now)),
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
COMMENT ON FUNCTION booking_internal.best_available_accessible(uuid, text, int, text, timestamptz) IS
    'Candidate wheelchair spaces with n - 1 of their free companion seats, nearest the focal point first.';

-- All candidates in the order best available tries them:
--   1. adjacent in one row leaving no lone empty seat; 2. adjacent in one row (only when the showtime's lone-seat
--   rule is off: hold() would refuse them otherwise); 3. the nearest seats avoiding lone seats (together = false).
-- Accessible requests: wheelchair spaces with their companions.
CREATE FUNCTION booking_internal.best_available_candidates(p_showtime_id uuid, p_session_token text, p_quantity int,
    p_types text[], p_together boolean, p_accessible boolean, p_channel text, p_now timestamptz)
RETURNS TABLE (tier int, score double precision, seat_ids bigint[], seat_codes text[], row_labels text[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_rule boolean := booking.lone_seat_rule(p_showtime_id);
BEGIN
    IF p_accessible THEN
        RETURN QUERY SELECT 1, a.score, a.seat_ids, a.seat_codes, a.row_labels
                       FROM booking_internal.best_available_accessible(p_showtime_id, p_session_token, p_quantity, p_channel, p_now) a;
        RETURN;
    END IF;
    RETURN QUERY SELECT CASE WHEN b.leaves_lone THEN 2 ELSE 1 END, b.score, b.seat_ids, b.seat_codes, ARRAY[b.row_label]
                   FROM booking_internal.best_available_blocks(p_showtime_id, p_session_token, p_quantity, p_types, p_channel, p_now) b
                  WHERE NOT (b.leaves_lone AND v_rule);
    IF NOT coalesce(p_together, true) AND p_quantity > 1 THEN
        RETURN QUERY SELECT 3, sc.score, sc.seat_ids, sc.seat_codes, sc.row_labels
                       FROM booking_internal.best_available_scattered(p_showtime_id, p_session_token, p_quantity, p_types, p_channel, p_now) sc;
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.best_available_candidates(uuid, text, int, text[], boolean, boolean, text, timestamptz) IS
    'Best-available candidate seat sets in the order they are tried (tier 1 no lone seat, 2 adjacent, 3 scattered).';

-- Hold the best n seats. Races: a candidate another buyer is claiming right now is skipped (row try-locks), one
-- lost anyway (SEAT_UNAVAILABLE, exclusion violation, deadlock) or refused by a rule that the fresh state now
-- breaks is rolled back in its subtransaction, and the search runs again on the new state: a buyer gets
-- BEST_AVAILABLE_NOT_FOUND only when no candidate is left, never because someone else was faster.
CREATE FUNCTION booking.hold_best_available(p_showtime_id uuid, p_session_token text, p_quantity int,
    p_types text[] DEFAULT NULL, p_together boolean DEFAULT true, p_accessible boolean DEFAULT false,
    p_channel text DEFAULT NULL, p_ttl_seconds int DEFAULT NULL, p_admission_token text DEFAULT NULL)
RETURNS TABLE (hold_id uuid, expires_at timestamptz, total_amount numeric(10,2), currency char(3), seats jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_max     int := booking.setting('max_seats_per_hold')::int;
    v_sale    record;
    v_refusal jsonb;
    v_ctx     record;
    v_cand    record;
    v_wait    bigint[];         -- seats and rows of the best candidate someone else is claiming
    v_wait_rows text[];
    v_failed  text[] := '{}';   -- candidates a rule refused in this call: never retried
    v_found   boolean;
    v_round   int := 0;
    v_bad     text[];
    v_no      int;
BEGIN
    IF coalesce(length(p_session_token), 0) NOT BETWEEN 1 AND 200 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'sessionToken is required (1-200 characters)',
            jsonb_build_object('field', 'sessionToken'));
    END IF;
    IF p_quantity IS NULL OR p_quantity < 1 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'bestAvailable.quantity must be at least 1',
            jsonb_build_object('field', 'bestAvailable.quantity'));
    END IF;
    IF p_quantity > v_max THEN
        PERFORM booking_internal.raise_error('TOO_MANY_SEATS', format('at most %s seats per hold', v_max),
            jsonb_build_object('max', v_max, 'requested', p_quantity));
    END IF;
    SELECT array_agg(t) INTO v_bad FROM unnest(p_types) t
     WHERE t IS NULL OR t NOT IN ('STANDARD', 'PREMIUM', 'VIP', 'WHEELCHAIR');
    IF v_bad IS NOT NULL THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'bestAvailable.types must be STANDARD, PREMIUM, VIP or WHEELCHAIR',
            jsonb_build_object('field', 'bestAvailable.types', 'types', to_jsonb(v_bad)));
    END IF;
    v_ctx := booking.showtime_context(p_showtime_id);
    IF v_ctx.is_cancelled OR v_ctx.starts_at <= booking.clock() THEN
        PERFORM booking_internal.raise_error('SHOWTIME_NOT_ON_SALE', 'this showtime is no longer on sale',
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    SELECT st.showtime_no INTO v_no FROM booking.showtimes st WHERE st.id = p_showtime_id;
    -- an on-sale schedule (issue 20, 91_queue.sql) refuses before any search: NOT_YET_ON_SALE, ADMISSION_REQUIRED,
    -- ADMISSION_EXPIRED (booking.hold checks it again with the same token for each candidate)
    SELECT os.opens_at, os.queue INTO v_sale FROM booking.on_sales os WHERE os.showtime_id = p_showtime_id;
    IF FOUND THEN
        v_refusal := booking_internal.on_sale_refusal(p_showtime_id, p_session_token, p_admission_token,
                                                      v_sale.opens_at, v_sale.queue, booking.clock());
        IF v_refusal IS NOT NULL THEN
            PERFORM booking_internal.raise_error(v_refusal->>'code', v_refusal->>'message', v_refusal->'details');
        END IF;
    END IF;
    -- the lock order of every claimer (00_core.sql): the session lock first, then row locks
    PERFORM booking_internal.lock_session(p_showtime_id, p_session_token);

    LOOP
        v_round := v_round + 1;
        v_found := false;
        v_wait := NULL;
        v_wait_rows := NULL;
        -- skip what others are claiming right now (a row is claimed by one buyer at a time), like SKIP LOCKED:
        -- concurrent buyers spread over the rows instead of queueing for the single best block
        FOR v_cand IN
            SELECT c.* FROM booking_internal.best_available_candidates(p_showtime_id, p_session_token, p_quantity, p_types,
                                                              p_together, p_accessible, p_channel, booking.clock()) c
             WHERE NOT (array_to_string(c.seat_codes, ',') = ANY (v_failed))
             LIMIT 64
        LOOP
            v_found := true;
            BEGIN
                IF NOT booking_internal.try_lock_rows(v_no, v_cand.row_labels) THEN
                    RAISE EXCEPTION USING ERRCODE = 'MQ0B1', MESSAGE = 'busy';  -- undo the locks got so far
                END IF;
                RETURN QUERY SELECT * FROM booking.hold(p_showtime_id, v_cand.seat_codes, p_session_token,
                                                        p_ttl_seconds, p_channel, p_admission_token);
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
            PERFORM booking_internal.raise_error('BEST_AVAILABLE_NOT_FOUND',
                format('no %s seat(s) available as requested', p_quantity),
                jsonb_build_object('showtimeId', p_showtime_id, 'quantity', p_quantity, 'types', to_jsonb(p_types),
                                   'together', coalesce(p_together, true), 'accessible', coalesce(p_accessible, false)));
        END IF;
        IF v_round >= 200 THEN
            -- a safety net against livelock, not a business rule (each round waits for a claimer, so it is far off)
            PERFORM booking_internal.raise_error('BEST_AVAILABLE_NOT_FOUND', 'seats are changing hands too fast; try again',
                jsonb_build_object('showtimeId', p_showtime_id, 'quantity', p_quantity, 'rounds', v_round));
        END IF;
        IF v_wait IS NOT NULL THEN
            -- nothing could be taken and the best candidate is being claimed: wait for that claimer to finish (its
            -- rows' locks, ascending: the order every claimer uses), let go at once, and look again
            BEGIN
                PERFORM booking_internal.lock_rows(v_no, v_wait_rows);
                RAISE EXCEPTION USING ERRCODE = 'MQ0B1', MESSAGE = 'waited';
            EXCEPTION WHEN SQLSTATE 'MQ0B1' OR deadlock_detected THEN
                NULL;
            END;
        END IF;
    END LOOP;
END $$;
COMMENT ON FUNCTION booking.hold_best_available(uuid, text, int, text[], boolean, boolean, text, int, text) IS
    'Holds the best n seats (adjacent, no lone seat, nearest the focal point; accessible: wheelchair space + companions). '
    'Retries the next best block when a concurrent buyer wins; raises BEST_AVAILABLE_NOT_FOUND only when none is left, '
    'and SHOWTIME_NOT_FOUND, SHOWTIME_NOT_ON_SALE, TOO_MANY_SEATS, VALIDATION_ERROR; for a showtime with an on-sale '
    'schedule NOT_YET_ON_SALE, ADMISSION_REQUIRED, ADMISSION_EXPIRED (p_admission_token: its X-Admission-Token).';
