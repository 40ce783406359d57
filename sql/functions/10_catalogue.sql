-- Catalogue: browsing (customers) and maintenance (operators).

-- All cinemas.
CREATE FUNCTION booking.list_cinemas()
RETURNS TABLE (id uuid, name text, city text, time_zone text, currency char(3))
LANGUAGE sql STABLE AS $$
    SELECT c.id, c.name, c.city, c.time_zone, c.currency FROM booking.cinemas c ORDER BY c.name
$$;
COMMENT ON FUNCTION booking.list_cinemas() IS 'Every cinema with its IANA time zone and currency.';

-- The cinema's local date now.
CREATE FUNCTION booking.cinema_today(p_cinema_id uuid) RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE v_tz text;
BEGIN
    SELECT time_zone INTO v_tz FROM booking.cinemas WHERE id = p_cinema_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('CINEMA_NOT_FOUND', format('cinema %s not found', p_cinema_id),
            jsonb_build_object('cinemaId', p_cinema_id));
    END IF;
    RETURN booking.local_date(booking.clock(), v_tz);
END $$;
COMMENT ON FUNCTION booking.cinema_today(uuid) IS 'Today''s date in the cinema''s time zone; raises CINEMA_NOT_FOUND.';

-- Live seat counts of one showtime (blocked = inactive seats or operator blocks).
CREATE FUNCTION booking.seat_counts(p_showtime_id uuid, OUT total_seats int, OUT available_seats int)
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int,
           count(*) FILTER (WHERE s.is_active AND NOT EXISTS (
               SELECT 1 FROM booking.seat_claims c
                WHERE c.showtime_id = st.id AND c.seat_id = s.id
                  AND c.during && tstzrange(booking.clock(), NULL)))::int
      FROM booking.showtimes st
      JOIN booking.seats s ON s.auditorium_id = st.auditorium_id
     WHERE st.id = p_showtime_id
$$;
COMMENT ON FUNCTION booking.seat_counts(uuid) IS 'Total seats of the showtime''s auditorium and how many are on sale right now.';

-- Movies with at least one showtime at the cinema on a local date (default: the cinema's today).
CREATE FUNCTION booking.now_showing(p_cinema_id uuid, p_date date DEFAULT NULL)
RETURNS TABLE (id uuid, title text, duration_minutes int, rating text, description text,
               showtime_count int, first_starts_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_tz   text;
    v_date date;
BEGIN
    SELECT c.time_zone INTO v_tz FROM booking.cinemas c WHERE c.id = p_cinema_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('CINEMA_NOT_FOUND', format('cinema %s not found', p_cinema_id),
            jsonb_build_object('cinemaId', p_cinema_id));
    END IF;
    v_date := coalesce(p_date, booking.local_date(booking.clock(), v_tz));
    RETURN QUERY
    SELECT m.id, m.title, m.duration_minutes, m.rating, m.description, count(*)::int, min(st.starts_at)
      FROM booking.showtimes st
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.movies m ON m.id = st.movie_id
     WHERE a.cinema_id = p_cinema_id AND NOT st.is_cancelled
       -- local day [00:00, 24:00) in the cinema's zone, as an index-friendly range on starts_at
       AND st.starts_at >= (v_date::timestamp AT TIME ZONE v_tz)
       AND st.starts_at <  ((v_date + 1)::timestamp AT TIME ZONE v_tz)
     GROUP BY m.id
     ORDER BY m.title;
END $$;
COMMENT ON FUNCTION booking.now_showing(uuid, date) IS
    'Movies showing at a cinema on a local date (default: today in the cinema''s zone); raises CINEMA_NOT_FOUND.';

-- Showtimes of a movie at a cinema on a local date (default: the cinema's today), with live seat counts.
CREATE FUNCTION booking.movie_showtimes(p_movie_id uuid, p_cinema_id uuid, p_date date DEFAULT NULL)
RETURNS TABLE (id uuid, movie_id uuid, starts_at timestamptz, ends_at timestamptz, local_starts_at timestamp,
               auditorium_id uuid, auditorium_name text, total_seats int, available_seats int,
               on_sale boolean, few_seats_left boolean)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_tz   text;
    v_date date;
    v_now  timestamptz := booking.clock();
    v_few  int := booking.setting('few_seats_left')::int;
BEGIN
    SELECT c.time_zone INTO v_tz FROM booking.cinemas c WHERE c.id = p_cinema_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('CINEMA_NOT_FOUND', format('cinema %s not found', p_cinema_id),
            jsonb_build_object('cinemaId', p_cinema_id));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM booking.movies m WHERE m.id = p_movie_id) THEN
        PERFORM booking_internal.raise_error('MOVIE_NOT_FOUND', format('movie %s not found', p_movie_id),
            jsonb_build_object('movieId', p_movie_id));
    END IF;
    v_date := coalesce(p_date, booking.local_date(booking.clock(), v_tz));
    RETURN QUERY
    SELECT st.id, st.movie_id, st.starts_at, st.ends_at, st.starts_at AT TIME ZONE v_tz,
           a.id, a.name, sc.total_seats, sc.available_seats,
           st.starts_at > v_now,  -- as booking.hold has it: a showtime that has started is no longer on sale
           sc.available_seats BETWEEN 1 AND v_few
      FROM booking.showtimes st
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      CROSS JOIN LATERAL booking.seat_counts(st.id) sc
     WHERE st.movie_id = p_movie_id AND a.cinema_id = p_cinema_id AND NOT st.is_cancelled
       AND st.starts_at >= (v_date::timestamp AT TIME ZONE v_tz)
       AND st.starts_at <  ((v_date + 1)::timestamp AT TIME ZONE v_tz)
     ORDER BY st.starts_at;
END $$;
COMMENT ON FUNCTION booking.movie_showtimes(uuid, uuid, date) IS
    'Showtimes of a movie at a cinema on a local date, with total and available seats, on_sale (not started) and '
    'few_seats_left (1 .. setting few_seats_left available); raises CINEMA_NOT_FOUND, MOVIE_NOT_FOUND.';

-- The zone names a cinema may have (migration 021): pg_timezone_names is slow to query, so it is copied here.
INSERT INTO booking.time_zones (name) SELECT name FROM pg_timezone_names ON CONFLICT DO NOTHING;
DELETE FROM booking.time_zones z WHERE NOT EXISTS (SELECT 1 FROM pg_timezone_names n WHERE n.name = z.name);


-- ---------------------------------------------------------------- operators
-- Every function below starts with booking.require(permission, cinema) (03_operators.sql) and audits the verified
-- actor. Arguments named p_actor are ignored (kept so existing calls still work): the actor is the credential's.

-- Create a cinema.
CREATE FUNCTION booking.create_cinema(p_name text, p_city text, p_time_zone text, p_currency text DEFAULT 'USD')
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('cinemas.create');
    v_id uuid;
BEGIN
    IF p_time_zone IS NULL OR NOT EXISTS (SELECT 1 FROM booking.time_zones WHERE name = p_time_zone) THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', format('unknown time zone %L', p_time_zone),
            jsonb_build_object('field', 'timeZone'));
    END IF;
    IF coalesce(p_currency, '') !~ '^[A-Z]{3}$' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'currency must be an ISO 4217 code such as USD',
            jsonb_build_object('field', 'currency'));
    END IF;
    IF coalesce(btrim(p_name), '') = '' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'name is required', jsonb_build_object('field', 'name'));
    END IF;
    INSERT INTO booking.cinemas (name, city, time_zone, currency)
    VALUES (btrim(p_name), coalesce(p_city, ''), p_time_zone, p_currency)
    ON CONFLICT (name) DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        PERFORM booking_internal.raise_error('NAME_TAKEN', format('a cinema named %L exists', btrim(p_name)),
            jsonb_build_object('field', 'name', 'name', btrim(p_name)));
    END IF;
    PERFORM booking_internal.audit(v_actor, 'cinema.create', 'cinema', v_id::text,
        jsonb_build_object('name', btrim(p_name), 'timeZone', p_time_zone, 'currency', p_currency));
    RETURN v_id;
END $$;
COMMENT ON FUNCTION booking.create_cinema(text, text, text, text) IS
    'Creates a cinema (name, city, IANA zone, currency); returns its id. Needs cinemas.create (OWNER). '
    'Raises UNAUTHORIZED, FORBIDDEN, VALIDATION_ERROR, NAME_TAKEN; audited.';

-- Update a cinema's name, city, zone or currency (NULL keeps the old value).
CREATE FUNCTION booking.update_cinema(p_cinema_id uuid, p_name text DEFAULT NULL, p_city text DEFAULT NULL,
                                      p_time_zone text DEFAULT NULL, p_currency text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('cinemas.update', p_cinema_id);
BEGIN
    IF p_time_zone IS NOT NULL AND NOT EXISTS (SELECT 1 FROM booking.time_zones WHERE name = p_time_zone) THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', format('unknown time zone %L', p_time_zone),
            jsonb_build_object('field', 'timeZone'));
    END IF;
    IF p_currency IS NOT NULL AND p_currency !~ '^[A-Z]{3}$' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'currency must be an ISO 4217 code such as USD',
            jsonb_build_object('field', 'currency'));
    END IF;
    IF EXISTS (SELECT 1 FROM booking.cinemas WHERE name = btrim(p_name) AND id <> p_cinema_id) THEN
        PERFORM booking_internal.raise_error('NAME_TAKEN', format('a cinema named %L exists', btrim(p_name)),
            jsonb_build_object('field', 'name', 'name', btrim(p_name)));
    END IF;
    UPDATE booking.cinemas
       SET name = coalesce(nullif(btrim(p_name), ''), name), city = coalesce(p_city, city),
           time_zone = coalesce(p_time_zone, time_zone), currency = coalesce(p_currency, currency)
     WHERE id = p_cinema_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('CINEMA_NOT_FOUND', format('cinema %s not found', p_cinema_id),
            jsonb_build_object('cinemaId', p_cinema_id));
    END IF;
    PERFORM booking_internal.audit(v_actor, 'cinema.update', 'cinema', p_cinema_id::text, jsonb_strip_nulls(jsonb_build_object(
        'name', p_name, 'city', p_city, 'timeZone', p_time_zone, 'currency', p_currency)));
END $$;
COMMENT ON FUNCTION booking.update_cinema(uuid, text, text, text, text) IS
    'Updates a cinema; NULL arguments keep the old value. Needs cinemas.update for that cinema. '
    'Raises UNAUTHORIZED, FORBIDDEN, VALIDATION_ERROR, NAME_TAKEN, CINEMA_NOT_FOUND; audited.';

-- Create an auditorium from a layout: {"rows":[{"label":"A","y":0,"seats":[{"number":1,"x":0,"type":"STANDARD","active":true}]}]}.
-- Gaps in x (or y) are aisles. A seat's public id is "seat-" + lower(row) + number.
CREATE FUNCTION booking.create_auditorium(p_cinema_id uuid, p_name text, p_layout jsonb,
                                          p_focal_x numeric DEFAULT NULL, p_focal_y numeric DEFAULT NULL)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('auditoriums.manage', p_cinema_id);
    v_id uuid;
    v_row jsonb;
    v_seat jsonb;
    v_ri int := 0;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM booking.cinemas WHERE id = p_cinema_id) THEN
        PERFORM booking_internal.raise_error('CINEMA_NOT_FOUND', format('cinema %s not found', p_cinema_id),
            jsonb_build_object('cinemaId', p_cinema_id));
    END IF;
    IF jsonb_typeof(p_layout -> 'rows') IS DISTINCT FROM 'array' OR jsonb_array_length(p_layout -> 'rows') = 0 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'layout.rows must be a non-empty array',
            jsonb_build_object('field', 'layout'));
    END IF;
    IF EXISTS (SELECT 1 FROM booking.auditoriums WHERE cinema_id = p_cinema_id AND name = p_name) THEN
        PERFORM booking_internal.raise_error('NAME_TAKEN', format('auditorium %L exists in this cinema', p_name),
            jsonb_build_object('field', 'name', 'name', p_name));
    END IF;
    INSERT INTO booking.auditoriums (cinema_id, name, focal_x, focal_y)
    VALUES (p_cinema_id, p_name, p_focal_x, p_focal_y) RETURNING id INTO v_id;
    FOR v_row IN SELECT * FROM jsonb_array_elements(p_layout -> 'rows') LOOP
        IF coalesce(v_row ->> 'label', '') !~ '^[A-Za-z0-9]{1,3}$'
           OR jsonb_typeof(v_row -> 'seats') IS DISTINCT FROM 'array' THEN
            PERFORM booking_internal.raise_error('VALIDATION_ERROR',
                'each row needs a label of 1-3 letters/digits and a seats array', jsonb_build_object('row', v_row -> 'label'));
        END IF;
        FOR v_seat IN SELECT * FROM jsonb_array_elements(v_row -> 'seats') LOOP
            IF jsonb_typeof(v_seat -> 'number') IS DISTINCT FROM 'number'
               OR coalesce(v_seat ->> 'type', 'STANDARD') NOT IN ('STANDARD', 'PREMIUM', 'VIP', 'WHEELCHAIR') THEN
                PERFORM booking_internal.raise_error('VALIDATION_ERROR',
                    'each seat needs a number and a type in STANDARD|PREMIUM|VIP|WHEELCHAIR',
                    jsonb_build_object('row', v_row ->> 'label', 'seat', v_seat));
            END IF;
            INSERT INTO booking.seats (auditorium_id, code, row_label, seat_number, x, y, seat_type, is_active)
            VALUES (v_id, 'seat-' || lower(v_row ->> 'label') || (v_seat ->> 'number'), upper(v_row ->> 'label'),
                    (v_seat ->> 'number')::int,
                    coalesce((v_seat ->> 'x')::int, (v_seat ->> 'number')::int - 1),
                    coalesce((v_row ->> 'y')::int, v_ri),
                    coalesce(v_seat ->> 'type', 'STANDARD')::booking.seat_type,
                    coalesce((v_seat ->> 'active')::boolean, true));
        END LOOP;
        v_ri := v_ri + 1;
    END LOOP;
    PERFORM booking_internal.audit(v_actor, 'auditorium.create', 'auditorium', v_id::text,
        jsonb_build_object('cinemaId', p_cinema_id, 'name', p_name,
                           'seats', (SELECT count(*) FROM booking.seats s WHERE s.auditorium_id = v_id)));
    RETURN v_id;
EXCEPTION WHEN unique_violation THEN
    PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'layout has a duplicate seat number or position',
        jsonb_build_object('field', 'layout', 'detail', SQLERRM));
END $$;
COMMENT ON FUNCTION booking.create_auditorium(uuid, text, jsonb, numeric, numeric) IS
    'Creates an auditorium and its seats from a layout JSON (rows, seats with number/x/type/active); returns its id. '
    'Needs auditoriums.manage for the cinema. Raises UNAUTHORIZED, FORBIDDEN, CINEMA_NOT_FOUND, VALIDATION_ERROR, NAME_TAKEN; audited.';

-- Mark seats of an auditorium broken (inactive: BLOCKED for every showtime) or repaired.
CREATE FUNCTION booking.set_seats_active(p_auditorium_id uuid, p_seat_codes text[], p_active boolean,
                                         p_actor text DEFAULT 'operator')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('auditoriums.manage', booking_internal.auditorium_cinema(p_auditorium_id));
    v_n int;
BEGIN
    IF booking_internal.auditorium_cinema(p_auditorium_id) IS NULL THEN
        PERFORM booking_internal.raise_error('AUDITORIUM_NOT_FOUND', format('auditorium %s not found', p_auditorium_id),
            jsonb_build_object('auditoriumId', p_auditorium_id));
    END IF;
    UPDATE booking.seats SET is_active = p_active
     WHERE auditorium_id = p_auditorium_id AND code = ANY (p_seat_codes);
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM booking_internal.audit(v_actor, CASE WHEN p_active THEN 'seats.activate' ELSE 'seats.deactivate' END,
        'auditorium', p_auditorium_id::text, jsonb_build_object('seatIds', p_seat_codes));
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking.set_seats_active(uuid, text[], boolean, text) IS
    'Marks auditorium seats inactive (broken: BLOCKED at every showtime) or active again. Needs auditoriums.manage '
    'for its cinema (p_actor is ignored). Raises UNAUTHORIZED, FORBIDDEN, AUDITORIUM_NOT_FOUND; audited.';

-- Create a movie.
CREATE FUNCTION booking.create_movie(p_title text, p_duration_minutes int, p_rating text DEFAULT '',
                                     p_description text DEFAULT '')
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('movies.manage');
    v_id uuid;
BEGIN
    IF coalesce(btrim(p_title), '') = '' OR coalesce(p_duration_minutes, 0) NOT BETWEEN 1 AND 600 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'title is required and duration must be 1..600 minutes',
            jsonb_build_object('field', 'title/durationMinutes'));
    END IF;
    INSERT INTO booking.movies (title, duration_minutes, rating, description)
    VALUES (btrim(p_title), p_duration_minutes, coalesce(p_rating, ''), coalesce(p_description, ''))
    RETURNING id INTO v_id;
    PERFORM booking_internal.audit(v_actor, 'movie.create', 'movie', v_id::text,
        jsonb_build_object('title', btrim(p_title), 'durationMinutes', p_duration_minutes));
    RETURN v_id;
END $$;
COMMENT ON FUNCTION booking.create_movie(text, int, text, text) IS
    'Creates a movie; returns its id. Needs movies.manage (OWNER, or a MANAGER of every cinema: movies are shared). '
    'Raises UNAUTHORIZED, FORBIDDEN, VALIDATION_ERROR; audited.';

-- Update a movie (NULL keeps the old value).
CREATE FUNCTION booking.update_movie(p_movie_id uuid, p_title text DEFAULT NULL, p_duration_minutes int DEFAULT NULL,
                                     p_rating text DEFAULT NULL, p_description text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('movies.manage');
BEGIN
    IF p_duration_minutes IS NOT NULL AND p_duration_minutes NOT BETWEEN 1 AND 600 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'duration must be 1..600 minutes',
            jsonb_build_object('field', 'durationMinutes'));
    END IF;
    UPDATE booking.movies
       SET title = coalesce(nullif(btrim(p_title), ''), title),
           duration_minutes = coalesce(p_duration_minutes, duration_minutes),
           rating = coalesce(p_rating, rating), description = coalesce(p_description, description)
     WHERE id = p_movie_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('MOVIE_NOT_FOUND', format('movie %s not found', p_movie_id),
            jsonb_build_object('movieId', p_movie_id));
    END IF;
    PERFORM booking_internal.audit(v_actor, 'movie.update', 'movie', p_movie_id::text, jsonb_strip_nulls(jsonb_build_object(
        'title', p_title, 'durationMinutes', p_duration_minutes, 'rating', p_rating)));
END $$;
COMMENT ON FUNCTION booking.update_movie(uuid, text, int, text, text) IS
    'Updates a movie; NULL arguments keep the old value. Needs movies.manage. Raises UNAUTHORIZED, FORBIDDEN, '
    'VALIDATION_ERROR, MOVIE_NOT_FOUND; audited.';

-- Schedule a showtime; it occupies the auditorium for the movie's duration plus cleaning time.
-- p_prices: {"STANDARD": 12.00, "PREMIUM": 15.00, ...}
CREATE FUNCTION booking.create_showtime(p_movie_id uuid, p_auditorium_id uuid, p_starts_at timestamptz,
                                        p_prices jsonb DEFAULT '{}')
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('showtimes.manage', booking_internal.auditorium_cinema(p_auditorium_id));
    v_id uuid;
    v_minutes int;
BEGIN
    SELECT duration_minutes INTO v_minutes FROM booking.movies WHERE id = p_movie_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('MOVIE_NOT_FOUND', format('movie %s not found', p_movie_id),
            jsonb_build_object('movieId', p_movie_id));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM booking.auditoriums WHERE id = p_auditorium_id) THEN
        PERFORM booking_internal.raise_error('AUDITORIUM_NOT_FOUND', format('auditorium %s not found', p_auditorium_id),
            jsonb_build_object('auditoriumId', p_auditorium_id));
    END IF;
    IF p_starts_at IS NULL THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'startsAt is required', jsonb_build_object('field', 'startsAt'));
    END IF;
    BEGIN
        INSERT INTO booking.showtimes (movie_id, auditorium_id, starts_at, ends_at)
        VALUES (p_movie_id, p_auditorium_id, p_starts_at,
                p_starts_at + make_interval(mins => v_minutes + booking.setting('cleaning_minutes')::int))
        RETURNING id INTO v_id;
    EXCEPTION WHEN exclusion_violation THEN
        PERFORM booking_internal.raise_error('SHOWTIME_OVERLAP',
            'the auditorium is busy at that time (another showtime plus cleaning overlaps)',
            jsonb_build_object('auditoriumId', p_auditorium_id, 'startsAt', p_starts_at));
    END;
    PERFORM booking_internal.audit(v_actor, 'showtime.create', 'showtime', v_id::text,
        jsonb_build_object('movieId', p_movie_id, 'auditoriumId', p_auditorium_id, 'startsAt', p_starts_at));
    PERFORM booking.set_prices(v_id, coalesce(p_prices, '{}'));
    RETURN v_id;
END $$;
COMMENT ON FUNCTION booking.create_showtime(uuid, uuid, timestamptz, jsonb) IS
    'Schedules a showtime (end = duration + cleaning) with prices per seat type. Needs showtimes.manage and '
    'prices.manage for the auditorium''s cinema. Raises UNAUTHORIZED, FORBIDDEN, MOVIE_NOT_FOUND, AUDITORIUM_NOT_FOUND, '
    'VALIDATION_ERROR, SHOWTIME_OVERLAP; audited.';

-- Set prices of a showtime per seat type: {"STANDARD": 12.00, ...}; other types keep theirs.
CREATE FUNCTION booking.set_prices(p_showtime_id uuid, p_prices jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('prices.manage', booking_internal.showtime_cinema(p_showtime_id));
    k text;
    v jsonb;
BEGIN
    PERFORM booking.showtime_context(p_showtime_id);
    IF jsonb_typeof(p_prices) IS DISTINCT FROM 'object' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'prices must be an object {"STANDARD": 12.00}',
            jsonb_build_object('field', 'prices'));
    END IF;
    FOR k, v IN SELECT * FROM jsonb_each(p_prices) LOOP
        IF k NOT IN ('STANDARD', 'PREMIUM', 'VIP', 'WHEELCHAIR') OR jsonb_typeof(v) <> 'number'
           OR v::numeric < 0 OR v::numeric <> round(v::numeric, 2) THEN
            PERFORM booking_internal.raise_error('VALIDATION_ERROR',
                format('price for %s must be a non-negative amount with at most 2 decimals', k),
                jsonb_build_object('field', 'prices.' || k));
        END IF;
        INSERT INTO booking.prices (showtime_id, seat_type, amount)
        VALUES (p_showtime_id, k::booking.seat_type, v::numeric)
        ON CONFLICT (showtime_id, seat_type) DO UPDATE SET amount = EXCLUDED.amount;
    END LOOP;
    PERFORM booking_internal.audit(v_actor, 'showtime.prices', 'showtime', p_showtime_id::text, jsonb_build_object('prices', p_prices));
END $$;
COMMENT ON FUNCTION booking.set_prices(uuid, jsonb) IS
    'Upserts prices of a showtime per seat type; exact to the cent. Needs prices.manage for its cinema. '
    'Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND, VALIDATION_ERROR; audited.';

-- Cancel a whole showtime (no new sales); existing bookings are for operators to cancel and refund.
CREATE FUNCTION booking.cancel_showtime(p_showtime_id uuid, p_actor text DEFAULT 'operator') RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('showtimes.manage', booking_internal.showtime_cinema(p_showtime_id));
BEGIN
    PERFORM booking.showtime_context(p_showtime_id);
    UPDATE booking.showtimes SET is_cancelled = true WHERE id = p_showtime_id;
    PERFORM booking_internal.audit(v_actor, 'showtime.cancel', 'showtime', p_showtime_id::text);
END $$;
COMMENT ON FUNCTION booking.cancel_showtime(uuid, text) IS
    'Takes a showtime off sale (and off the schedule). Needs showtimes.manage for its cinema (p_actor is ignored). '
    'Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND; audited.';

-- Create a promo code.
CREATE FUNCTION booking.create_promo_code(p_code text, p_kind text, p_value numeric,
    p_valid_from timestamptz DEFAULT '-infinity', p_valid_until timestamptz DEFAULT 'infinity',
    p_max_uses int DEFAULT NULL, p_min_tickets int DEFAULT 1)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('promo_codes.manage');
    v_id uuid;
BEGIN
    IF coalesce(upper(p_code), '') !~ '^[A-Z0-9_-]{2,40}$' OR coalesce(p_kind, '') NOT IN ('PERCENT', 'FIXED')
       OR coalesce(p_value, 0) <= 0 OR (p_kind = 'PERCENT' AND p_value > 100)
       OR p_value <> round(p_value, 2) OR coalesce(p_min_tickets, 1) < 1 OR coalesce(p_max_uses, 1) < 1
       OR coalesce(p_valid_until, 'infinity') <= coalesce(p_valid_from, '-infinity') THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR',
            'promo code needs a code of 2-40 letters/digits, kind PERCENT (1-100) or FIXED (> 0), a valid window',
            jsonb_build_object('field', 'promo'));
    END IF;
    INSERT INTO booking.promo_codes (code, kind, value, valid_from, valid_until, max_uses, min_tickets)
    VALUES (upper(p_code), p_kind::booking.promo_kind, p_value, coalesce(p_valid_from, '-infinity'),
            coalesce(p_valid_until, 'infinity'), p_max_uses, coalesce(p_min_tickets, 1))
    ON CONFLICT (upper(code)) DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        PERFORM booking_internal.raise_error('NAME_TAKEN', format('promo code %s exists', upper(p_code)),
            jsonb_build_object('field', 'code', 'name', upper(p_code)));
    END IF;
    PERFORM booking_internal.audit(v_actor, 'promo_code.create', 'promo_code', v_id::text,
        jsonb_build_object('code', upper(p_code), 'kind', p_kind, 'value', p_value, 'maxUses', p_max_uses));
    RETURN v_id;
END $$;
COMMENT ON FUNCTION booking.create_promo_code(text, text, numeric, timestamptz, timestamptz, int, int) IS
    'Creates a promo code: PERCENT (1-100) or FIXED amount, validity window, max uses, min tickets. Promo codes are '
    'valid in every cinema: needs promo_codes.manage (OWNER, or a MANAGER of every cinema). Raises UNAUTHORIZED, '
    'FORBIDDEN, VALIDATION_ERROR, NAME_TAKEN; audited.';

-- Enable or disable a promo code.
CREATE FUNCTION booking.set_promo_code_active(p_code text, p_active boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_actor booking.actor := booking.require('promo_codes.manage');
    v_id uuid;
BEGIN
    UPDATE booking.promo_codes SET is_active = p_active WHERE upper(code) = upper(p_code) RETURNING id INTO v_id;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('PROMO_NOT_FOUND', format('promo code %s not found', p_code),
            jsonb_build_object('promoCode', p_code));
    END IF;
    PERFORM booking_internal.audit(v_actor, 'promo_code.active', 'promo_code', v_id::text,
        jsonb_build_object('code', upper(p_code), 'active', p_active));
END $$;
COMMENT ON FUNCTION booking.set_promo_code_active(text, boolean) IS
    'Enables or disables a promo code. Needs promo_codes.manage. Raises UNAUTHORIZED, FORBIDDEN, PROMO_NOT_FOUND; audited.';
