-- The shared pgTAP fixture, loaded into the test database by conftest.py after migrating (it is not a test file:
-- pytest-pgtap collects only test*.sql). A test calls it inside its own transaction, so all of it rolls back:
--   DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;
-- It creates a New York cinema, one 8-seat auditorium, two showtimes on local 2030-01-01 (20:00 and 23:30 New York
-- time = 01:00Z and 04:30Z on 2030-01-02), promo codes, pins time and settings with SET LOCAL equivalents, and
-- defines pg_temp.fx(key) (fixture ids), pg_temp.hold(seats, token[, showtime]) and pg_temp.book(seats, token
-- [, pay, promo]) (hold, confirm and pay; payment intent 'pi_' || token).
-- Seats: A1-A4 STANDARD 12.00, B1-B2 PREMIUM 15.00, B3 broken (inactive), B4 VIP (not priced: not on sale).
CREATE SCHEMA IF NOT EXISTS tap_fixture;

CREATE OR REPLACE FUNCTION tap_fixture.setup() RETURNS void LANGUAGE plpgsql AS $setup$
DECLARE c uuid; a uuid; m uuid;
BEGIN
    PERFORM set_config('marquee.now', '2030-01-01 12:00Z', true);
    PERFORM set_config('marquee.hold_ttl_seconds', '300', true);
    PERFORM set_config('marquee.max_seats_per_hold', '10', true);
    PERFORM set_config('marquee.payment_window_seconds', '600', true);
    PERFORM set_config('marquee.cancel_cutoff_minutes', '120', true);
    PERFORM set_config('marquee.reminder_minutes_before', '180', true);
    -- smart seating's no-lone-seat rule has its own tests; these hold arbitrary seats of a tiny auditorium
    PERFORM set_config('marquee.lone_seat_rule', 'off', true);
    CREATE TEMP TABLE fx (key text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
    CREATE FUNCTION pg_temp.fx(p_key text) RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT id FROM fx WHERE key = p_key $$;
    c := booking.create_cinema('FX Cinema', 'New York', 'America/New_York', 'USD');
    a := booking.create_auditorium(c, 'FX Hall', '{"rows": [
        {"label": "A", "seats": [{"number": 1}, {"number": 2}, {"number": 3}, {"number": 4}]},
        {"label": "B", "seats": [{"number": 1, "type": "PREMIUM"}, {"number": 2, "type": "PREMIUM"},
                                 {"number": 3, "active": false}, {"number": 4, "type": "VIP"}]}]}');
    m := booking.create_movie('FX Movie', 100);
    INSERT INTO fx VALUES ('cinema', c), ('auditorium', a), ('movie', m),
        ('showtime', booking.create_showtime(m, a, '2030-01-02 01:00Z', '{"STANDARD": 12.00, "PREMIUM": 15.00}')),
        ('late',     booking.create_showtime(m, a, '2030-01-02 04:30Z', '{"STANDARD": 12.00, "PREMIUM": 15.00}')),
        ('save20',   booking.create_promo_code('FXSAVE20', 'PERCENT', 20)),
        ('fiveoff',  booking.create_promo_code('FXFIVE', 'FIXED', 5.00, p_min_tickets => 2)),
        ('once',     booking.create_promo_code('FXONCE', 'PERCENT', 10, p_max_uses => 1)),
        ('old',      booking.create_promo_code('FXOLD', 'PERCENT', 10, '2020-01-01Z', '2021-01-01Z')),
        ('big',      booking.create_promo_code('FXBIG', 'FIXED', 100.00));
    -- Hold seats of a fixture showtime for a session; returns the hold id.
    CREATE FUNCTION pg_temp.hold(p_seats text[], p_token text, p_showtime text DEFAULT 'showtime') RETURNS uuid
    LANGUAGE sql AS $$ SELECT hold_id FROM booking.hold(pg_temp.fx(p_showtime), p_seats, p_token) $$;
    -- Hold, confirm and (optionally) pay: returns the booking id (payment intent 'pi_' || token).
    CREATE FUNCTION pg_temp.book(p_seats text[], p_token text, p_pay boolean DEFAULT true, p_promo text DEFAULT NULL)
    RETURNS uuid LANGUAGE plpgsql AS $$
    DECLARE h uuid := pg_temp.hold(p_seats, p_token); b uuid;
    BEGIN
        IF p_promo IS NOT NULL THEN PERFORM booking.price_hold(h, p_promo); END IF;
        SELECT booking_id INTO b FROM booking.confirm(h, p_token || '@example.com', 'Test ' || p_token);
        PERFORM booking.attach_payment_intent(b, 'pi_' || p_token);
        IF p_pay THEN PERFORM booking.record_payment('pi_' || p_token, 'succeeded'); END IF;
        RETURN b;
    END $$;
END $setup$;

-- The JSON details (DETAIL) of the error a statement raises, or NULL when it succeeds.
CREATE OR REPLACE FUNCTION tap_fixture.err_detail(p_sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    EXECUTE p_sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN d::jsonb;
END $$;
