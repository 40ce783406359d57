-- Demo data: two cinemas in different time zones, four auditoriums, six movies, showtimes for the cinema's
-- today and the next 7 local days, promo codes. Safe to load again: it only adds what is missing.
DO $demo$
DECLARE
    v_cinema   uuid;
    v_aud      uuid;
    v_movies   uuid[];
    v_day      date;
    v_slot     int;
    v_start    timestamptz;
    v_showtime uuid;
    r          record;
    v_title    text;
    v_minutes  int;
    i          int := 0;
    v_skipped  text[] := '{}';
BEGIN
    -- Movies (title is the natural key here)
    FOR v_title, v_minutes IN VALUES
        ('The Last Projectionist', 118), ('Midnight at the Odeon', 102), ('Orbit of Glass', 141),
        ('Paper Lanterns', 95), ('The Heist of Row F', 127), ('Velvet Curtain', 110)
    LOOP
        IF NOT EXISTS (SELECT 1 FROM booking.movies WHERE title = v_title) THEN
            PERFORM booking.create_movie(v_title, v_minutes, 'PG-13', 'A Marquee demo feature.');
        END IF;
    END LOOP;
    SELECT array_agg(id ORDER BY title) INTO v_movies FROM booking.movies
     WHERE title IN ('The Last Projectionist', 'Midnight at the Odeon', 'Orbit of Glass', 'Paper Lanterns',
                     'The Heist of Row F', 'Velvet Curtain');

    -- Cinemas
    IF NOT EXISTS (SELECT 1 FROM booking.cinemas WHERE name = 'Marquee Downtown') THEN
        PERFORM booking.create_cinema('Marquee Downtown', 'New York', 'America/New_York', 'USD');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM booking.cinemas WHERE name = 'Marquee Riverside') THEN
        PERFORM booking.create_cinema('Marquee Riverside', 'London', 'Europe/London', 'GBP');
    END IF;

    -- Auditoriums: name, cinema, rows, seats per row, aisles after these seat numbers
    FOR r IN SELECT * FROM (VALUES
        ('Grand',    'Marquee Downtown',  15, 20, ARRAY[4, 16]),  -- 300 seats, premium and VIP rows at the back
        ('Studio 2', 'Marquee Downtown',   8, 12, ARRAY[6]),      -- wheelchair spaces and broken seats
        ('Screen 1', 'Marquee Riverside', 10, 14, ARRAY[3, 11]),
        ('Screen 2', 'Marquee Riverside',  6, 10, ARRAY[5])
    ) AS t(name, cinema, nrows, nseats, aisles) LOOP
        SELECT id INTO v_cinema FROM booking.cinemas WHERE name = r.cinema;
        IF NOT EXISTS (SELECT 1 FROM booking.auditoriums WHERE cinema_id = v_cinema AND name = r.name) THEN
            v_aud := booking.create_auditorium(v_cinema, r.name, jsonb_build_object('rows', (
                SELECT jsonb_agg(jsonb_build_object('label', chr(64 + rn), 'y', rn - 1, 'seats', (
                    SELECT jsonb_agg(jsonb_build_object(
                        'number', sn,
                        -- every aisle shifts the seats after it one place right: a gap to draw
                        'x', sn - 1 + (SELECT count(*) FROM unnest(r.aisles) a WHERE sn > a),
                        'type', CASE
                            WHEN r.name = 'Studio 2' AND rn = r.nrows AND sn IN (1, 2, r.nseats - 1, r.nseats) THEN 'WHEELCHAIR'
                            WHEN rn > r.nrows - 2 AND r.nrows >= 10 THEN 'VIP'
                            WHEN rn > r.nrows - 5 THEN 'PREMIUM'
                            ELSE 'STANDARD' END,
                        'active', NOT (r.name = 'Studio 2' AND rn = 3 AND sn IN (5, 6)))
                        ORDER BY sn)
                    FROM generate_series(1, r.nseats) sn)) ORDER BY rn)
                FROM generate_series(1, r.nrows) rn)),
                (r.nseats + cardinality(r.aisles)) / 2.0 - 0.5, r.nrows * 0.6);
        END IF;
    END LOOP;

    -- Showtimes: 4 a day per demo auditorium, local 12:00 15:00 18:00 21:00, from the cinema's today for 8 days.
    -- Only the four demo auditoriums (an operator's own are theirs), and a slot an operator's showtime overlaps is
    -- skipped (SHOWTIME_OVERLAP), never an error: the demo must not stop `make run` on a database in use.
    FOR r IN SELECT a.id AS aud, c.time_zone AS tz, c.currency,
                    row_number() OVER (ORDER BY c.name, a.name) AS n
               FROM booking.auditoriums a JOIN booking.cinemas c ON c.id = a.cinema_id
               JOIN (VALUES ('Marquee Downtown', 'Grand'), ('Marquee Downtown', 'Studio 2'),
                            ('Marquee Riverside', 'Screen 1'), ('Marquee Riverside', 'Screen 2')) demo(cinema, auditorium)
                 ON demo.cinema = c.name AND demo.auditorium = a.name LOOP
        FOR d IN 0 .. 7 LOOP
            v_day := booking.local_date(booking.clock(), r.tz) + d;
            FOR v_slot IN 0 .. 3 LOOP
                v_start := (v_day + make_time(12 + 3 * v_slot, 0, 0)) AT TIME ZONE r.tz;
                CONTINUE WHEN EXISTS (SELECT 1 FROM booking.showtimes WHERE auditorium_id = r.aud AND starts_at = v_start);
                i := (r.n::int * 3 + d + v_slot) % 6 + 1;
                BEGIN
                    v_showtime := booking.create_showtime(v_movies[i], r.aud, v_start,
                        CASE WHEN r.currency = 'GBP'
                             THEN '{"STANDARD": 10.50, "PREMIUM": 13.00, "VIP": 18.00, "WHEELCHAIR": 10.50}'
                             ELSE '{"STANDARD": 12.00, "PREMIUM": 15.00, "VIP": 22.50, "WHEELCHAIR": 12.00}' END::jsonb);
                EXCEPTION WHEN SQLSTATE 'MQ050' THEN  -- SHOWTIME_OVERLAP: the auditorium is busy then
                    v_skipped := array_append(v_skipped, format('%s %s', (SELECT name FROM booking.auditoriums WHERE id = r.aud),
                                                                 to_char(v_start AT TIME ZONE r.tz, 'YYYY-MM-DD HH24:MI')));
                END;
            END LOOP;
        END LOOP;
    END LOOP;

    -- Companion seats for the Studio 2 wheelchair spaces (held back for wheelchair buyers until shortly before the show)
    SELECT a.id INTO v_aud FROM booking.auditoriums a JOIN booking.cinemas c ON c.id = a.cinema_id
     WHERE c.name = 'Marquee Downtown' AND a.name = 'Studio 2';
    IF NOT EXISTS (SELECT 1 FROM booking.companion_seats cs JOIN booking.seats s ON s.id = cs.wheelchair_seat_id
                    WHERE s.auditorium_id = v_aud) THEN
        PERFORM booking.link_companion_seats(v_aud, 'seat-h1', ARRAY['seat-g1'], 'demo');
        PERFORM booking.link_companion_seats(v_aud, 'seat-h2', ARRAY['seat-h3'], 'demo');
        PERFORM booking.link_companion_seats(v_aud, 'seat-h11', ARRAY['seat-h10'], 'demo');
        PERFORM booking.link_companion_seats(v_aud, 'seat-h12', ARRAY['seat-g12'], 'demo');
    END IF;

    -- Promo codes
    IF NOT EXISTS (SELECT 1 FROM booking.promo_codes WHERE code = 'SAVE20') THEN
        PERFORM booking.create_promo_code('SAVE20', 'PERCENT', 20);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM booking.promo_codes WHERE code = 'FIVEOFF') THEN
        PERFORM booking.create_promo_code('FIVEOFF', 'FIXED', 5.00, p_min_tickets => 2);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM booking.promo_codes WHERE code = 'PREMIERE50') THEN
        PERFORM booking.create_promo_code('PREMIERE50', 'PERCENT', 50, p_max_uses => 100);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM booking.promo_codes WHERE code = 'EXPIRED10') THEN
        PERFORM booking.create_promo_code('EXPIRED10', 'PERCENT', 10, '2020-01-01', '2020-12-31');
    END IF;
    IF cardinality(v_skipped) > 0 THEN
        RAISE NOTICE 'demo: % showtime slot(s) skipped, their auditorium is busy then: %', cardinality(v_skipped),
            array_to_string(v_skipped, ', ');
    END IF;
END
$demo$;
