-- Demo history (issue 22): three weeks of past showtimes in the four demo auditoriums, with bookings made the way
-- customers make them — booking.hold, price_hold, confirm, attach_payment_intent, record_payment, cancel and
-- record_refund, each at the instant it happened (marquee.now) — so the reporting views and the admin charts have
-- something to show on first start. Nothing is inserted around the functions; only the emails those old
-- bookings queued are marked SKIPPED (they were "sent" back then: nobody should get them now).
-- Optional: python -m marquee.migrate --demo loads it in its own transaction and carries on without it if it fails.
-- marquee.now is set with is_local, so the clock is real again when the transaction ends.
-- Loaded once: a database that has any history booking (intent pi_demo_history_*) is left as it is.
DO $history$
DECLARE
    v_first   text[] := ARRAY['Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi',
                              'Liam', 'Maya', 'Noor', 'Oscar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq', 'Uma', 'Victor',
                              'Wen', 'Yara', 'Zoe'];
    v_last    text[] := ARRAY['Abbott', 'Baker', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Gupta', 'Hughes', 'Ito', 'Jensen',
                              'Khan', 'Lopez', 'Moreau', 'Novak', 'Okafor', 'Patel', 'Rossi', 'Silva', 'Tanaka', 'Weber'];
    v_reasons text[] := ARRAY['CHANGE_OF_PLANS', 'CHANGE_OF_PLANS', 'ILLNESS', 'WRONG_SHOWTIME', 'TRAVEL_DISRUPTION',
                              'DUPLICATE_BOOKING', 'NOT_GIVEN'];
    v_real_now timestamptz := booking.clock();
    v_movies  uuid[];
    r         record;
    v_day     date;
    v_start   timestamptz;
    v_show    uuid;
    v_at      timestamptz;
    v_cancel_at timestamptz;
    v_rows    text[];
    v_row     text;
    v_size    int;
    v_first_seat int;
    v_max     int;
    v_seats   text[];
    v_hold    uuid;
    v_booking uuid;
    v_refund  uuid;
    v_token   text;
    v_name    text;
    n         int := 0;
    v_made    int := 0;
    v_skipped int := 0;
BEGIN
    IF EXISTS (SELECT 1 FROM booking.global_keys WHERE kind = 'PAYMENT_INTENT' AND key LIKE 'pi\_demo\_history\_%')
       OR EXISTS (SELECT 1 FROM booking.bookings WHERE payment_intent_id LIKE 'pi\_demo\_history\_%') THEN
        RAISE NOTICE 'demo history: already loaded';
        RETURN;
    END IF;
    PERFORM set_config('marquee.publish_seat_changes', 'off', true);  -- nobody watches the past
    PERFORM set_config('marquee.lone_seat_rule', 'off', true);         -- customers' choices, not the rule's, back then
    PERFORM setseed(0.22);                                             -- the same history on every machine
    SELECT array_agg(id ORDER BY title) INTO v_movies FROM booking.movies
     WHERE title IN ('The Last Projectionist', 'Midnight at the Odeon', 'Orbit of Glass', 'Paper Lanterns',
                     'The Heist of Row F', 'Velvet Curtain');
    FOR r IN SELECT a.id AS aud, a.name AS auditorium, c.time_zone AS tz, c.currency,
                    row_number() OVER (ORDER BY c.name, a.name)::int AS k
               FROM booking.auditoriums a JOIN booking.cinemas c ON c.id = a.cinema_id
               JOIN (VALUES ('Marquee Downtown', 'Grand'), ('Marquee Downtown', 'Studio 2'),
                            ('Marquee Riverside', 'Screen 1'), ('Marquee Riverside', 'Screen 2')) d(cinema, auditorium)
                 ON d.cinema = c.name AND d.auditorium = a.name LOOP
        SELECT array_agg(DISTINCT s.row_label ORDER BY s.row_label) INTO v_rows
          FROM booking.seats s WHERE s.auditorium_id = r.aud AND s.seat_type <> 'WHEELCHAIR';
        FOR d IN REVERSE 21 .. 1 LOOP
            v_day := booking.local_date(v_real_now, r.tz) - d;
            v_start := (v_day + time '19:30') AT TIME ZONE r.tz;
            -- scheduled a month ahead, as operators do
            PERFORM set_config('marquee.now', (v_start - interval '30 days')::text, true);
            BEGIN
                v_show := booking.create_showtime(v_movies[(r.k * 5 + d) % 6 + 1], r.aud, v_start,
                    CASE WHEN r.currency = 'GBP'
                         THEN '{"STANDARD": 10.50, "PREMIUM": 13.00, "VIP": 18.00, "WHEELCHAIR": 10.50}'
                         ELSE '{"STANDARD": 12.00, "PREMIUM": 15.00, "VIP": 22.50, "WHEELCHAIR": 12.00}' END::jsonb);
            EXCEPTION WHEN SQLSTATE 'MQ050' THEN  -- SHOWTIME_OVERLAP: an operator's showtime is there
                v_skipped := v_skipped + 1;
                CONTINUE;
            END;
            -- Fridays and Saturdays sell more; bookings in the order they were made (1 hour to 10 days ahead)
            FOR v_at IN SELECT v_start - make_interval(secs => 3600 + random() * 863000)
                          FROM generate_series(1, 2 + (random() * 4)::int
                                                  + CASE WHEN extract(isodow FROM v_day) IN (5, 6) THEN 4 ELSE 0 END)
                         ORDER BY 1 LOOP
                n := n + 1;
                v_row := v_rows[1 + floor(random() * cardinality(v_rows))::int];
                SELECT max(s.seat_number) INTO v_max FROM booking.seats s WHERE s.auditorium_id = r.aud AND s.row_label = v_row;
                v_size := (ARRAY[1, 2, 2, 2, 3, 4, 4, 5])[1 + floor(random() * 8)::int];
                v_first_seat := 1 + floor(random() * greatest(v_max - v_size + 1, 1))::int;
                v_seats := ARRAY(SELECT s.code FROM booking.seats s
                                  WHERE s.auditorium_id = r.aud AND s.row_label = v_row
                                    AND s.seat_number BETWEEN v_first_seat AND v_first_seat + v_size - 1 ORDER BY s.seat_number);
                v_name := v_first[1 + floor(random() * cardinality(v_first))::int] || ' '
                          || v_last[1 + floor(random() * cardinality(v_last))::int];
                v_token := 'demo-history-' || n;
                PERFORM set_config('marquee.now', v_at::text, true);
                BEGIN
                    SELECT hold_id INTO v_hold FROM booking.hold(v_show, v_seats, v_token);
                    IF random() < 0.15 THEN
                        PERFORM booking.price_hold(v_hold, 'SAVE20', v_token);
                    END IF;
                    PERFORM set_config('marquee.now', (v_at + interval '2 minutes')::text, true);
                    SELECT booking_id INTO v_booking FROM booking.confirm(v_hold,
                        lower(replace(v_name, ' ', '.')) || '.' || n || '@example.com', v_name, NULL, 'CARD', v_token);
                    PERFORM booking.attach_payment_intent(v_booking, 'pi_demo_history_' || n);
                    PERFORM set_config('marquee.now', (v_at + interval '3 minutes')::text, true);
                    PERFORM booking.record_payment('pi_demo_history_' || n, 'succeeded');
                    -- about one in eight cancels, before the cutoff, and gets the refund within the hour
                    IF random() < 0.125 THEN
                        v_cancel_at := v_at + (v_start - interval '3 hours' - v_at) * random();
                        IF v_cancel_at > v_at + interval '5 minutes' THEN
                            PERFORM set_config('marquee.now', v_cancel_at::text, true);
                            SELECT refund_id INTO v_refund FROM booking.cancel(v_booking, '', NULL, 'customer', false,
                                v_reasons[1 + floor(random() * cardinality(v_reasons))::int]);
                            IF v_refund IS NOT NULL THEN
                                PERFORM set_config('marquee.now', (v_cancel_at + interval '40 minutes')::text, true);
                                PERFORM booking.record_refund(v_refund, true, 're_demo_history_' || n);
                            END IF;
                        END IF;
                    END IF;
                    v_made := v_made + 1;
                EXCEPTION WHEN SQLSTATE 'MQ010' OR SQLSTATE 'MQ062' OR SQLSTATE 'MQ063' OR SQLSTATE 'MQ014' THEN
                    NULL;  -- the seats were taken (or kept back): that customer chose others, or went elsewhere
                END;
            END LOOP;
        END LOOP;
    END LOOP;
    -- the confirmations and reminders of shows that are over were "sent" long ago
    UPDATE booking.outbox o SET status = 'SKIPPED'
      FROM booking.bookings b
     WHERE o.booking_id = b.id AND o.status = 'PENDING' AND b.payment_intent_id LIKE 'pi\_demo\_history\_%';
    RAISE NOTICE 'demo history: % past bookings over 21 days%', v_made,
        CASE WHEN v_skipped > 0 THEN format(' (%s past showtime(s) skipped: their auditorium was busy)', v_skipped) ELSE '' END;
END
$history$;
