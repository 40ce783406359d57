-- Benchmark fixture (its own database, never the demo): one 200-seat auditorium, 2,500 showtimes so that
-- random holds rarely meet, and the trivial one-row INSERT table used as the yardstick.
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE IF NOT EXISTS bench.showtimes (n int PRIMARY KEY, id uuid NOT NULL);
CREATE TABLE IF NOT EXISTS bench.trivial (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int NOT NULL,
                                          at timestamptz NOT NULL DEFAULT now());
DO $$
DECLARE c uuid; a uuid; m uuid; i int;
BEGIN
    IF EXISTS (SELECT 1 FROM bench.showtimes) THEN RETURN; END IF;
    c := booking.create_cinema('Bench Cinema', 'Bench', 'UTC');
    a := booking.create_auditorium(c, 'Bench Hall', jsonb_build_object('rows', (
        SELECT jsonb_agg(jsonb_build_object('label', chr(64 + r), 'seats',
                   (SELECT jsonb_agg(jsonb_build_object('number', s)) FROM generate_series(1, 20) s)))
          FROM generate_series(1, 10) r)));
    m := booking.create_movie('Bench Movie', 100);
    PERFORM booking.create_promo_code('SAVE20', 'PERCENT', 20);
    FOR i IN 1 .. 2500 LOOP  -- 1..500: the single-call workloads; all 2,500: hold_batch (bench/pgbench/hold_batch.sql)
        INSERT INTO bench.showtimes VALUES (i, booking.create_showtime(m, a,
            date_trunc('day', now()) + interval '1 day' + make_interval(hours => 3 * i), '{"STANDARD": 12.00}'));
    END LOOP;
END $$;

-- Hold two seats and release them in the same transaction: it never leaves a live claim behind.
CREATE OR REPLACE FUNCTION bench.hold_release(p_n int, p_row int, p_seat int, p_token text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM booking.release_hold(h.hold_id, p_token)
       FROM booking.hold((SELECT id FROM bench.showtimes WHERE n = p_n),
                         ARRAY['seat-' || chr(96 + p_row) || p_seat, 'seat-' || chr(96 + p_row) || (p_seat + 1)], p_token) h;
    RETURN true;
EXCEPTION WHEN SQLSTATE 'MQ010' OR exclusion_violation OR deadlock_detected THEN  -- seat taken
    RETURN false;
END $$;

-- The steps of a purchase as the API runs them, one transaction per request (bench/pgbench/flow.sql). A refused
-- hold returns 'none' and every later step passes 'none' through, so pgbench never aborts a client.
CREATE OR REPLACE FUNCTION bench.step_hold(p_n int, p_row int, p_seat int, p_token text, p_ttl int DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT h.hold_id::text FROM booking.hold((SELECT id FROM bench.showtimes WHERE n = p_n),
        ARRAY['seat-' || chr(96 + p_row) || p_seat, 'seat-' || chr(96 + p_row) || (p_seat + 1)], p_token, p_ttl) h);
EXCEPTION WHEN SQLSTATE 'MQ010' OR exclusion_violation OR deadlock_detected THEN
    RETURN 'none';
END $$;

CREATE OR REPLACE FUNCTION bench.step_price(p_hold text, p_token text) RETURNS numeric
LANGUAGE sql AS $$
    SELECT final_amount FROM booking.price_hold(nullif(p_hold, 'none')::uuid, 'SAVE20', p_token)
     WHERE p_hold <> 'none'
$$;

CREATE OR REPLACE FUNCTION bench.step_confirm(p_hold text, p_token text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce((SELECT c.booking_id::text FROM booking.confirm(nullif(p_hold, 'none')::uuid, 'bench@example.com',
                                                                    'Bench Buyer', NULL, 'CARD', p_token) c
                      WHERE p_hold <> 'none'), 'none')
$$;

CREATE OR REPLACE FUNCTION bench.step_pay(p_booking text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF p_booking = 'none' THEN
        RETURN 'none';
    END IF;
    PERFORM booking.attach_payment_intent(p_booking::uuid, 'pi_bench_' || p_booking);
    RETURN (SELECT r.status::text FROM booking.record_payment('pi_bench_' || p_booking, 'succeeded') r);
END $$;

-- Hold two adjacent seats (row r, seats s and s+1, s odd) of showtime n for 1 second, then let it expire.
-- A rare collision with a live hold is counted, not fatal: pgbench aborts a client on any error.
CREATE OR REPLACE FUNCTION bench.hold2(p_n int, p_row int, p_seat int, p_token text) RETURNS boolean
LANGUAGE sql AS $$ SELECT bench.step_hold(p_n, p_row, p_seat, p_token, 1) <> 'none' $$;

-- Group commit as the API runs it (marquee/booking/batcher.py): p_k hold requests of random pairs of showtime n in
-- one booking.hold_batch call, 1 s holds. Returns how many were held (the others were refused: a pair already held).
CREATE OR REPLACE FUNCTION bench.hold_batch_n(p_n int, p_k int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    v_res jsonb;
BEGIN
    v_res := booking.hold_batch((SELECT id FROM bench.showtimes WHERE n = p_n), (
        SELECT jsonb_agg(jsonb_build_object(
                   'seatIds', jsonb_build_array('seat-' || chr(96 + r) || s, 'seat-' || chr(96 + r) || (s + 1)),
                   'sessionToken', md5(random()::text), 'ttlSeconds', 1))
          FROM (SELECT 1 + floor(random() * 10)::int AS r, 2 * floor(random() * 10)::int + 1 AS s
                  FROM generate_series(1, p_k)) q));
    RETURN (SELECT count(*) FROM jsonb_array_elements(v_res) e WHERE (e->>'ok')::boolean);
END $$;
