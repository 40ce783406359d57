-- Issue 20, "an on-sale for all showtimes of a movie": booking.set_movie_on_sale keeps a standing schedule
-- (booking.movie_on_sales), so a showtime of the movie created later gets the same on-sale (trigger
-- showtimes_take_movie_on_sale): the cinema's own standing schedule before the chain-wide one, none for another
-- movie, none after cancel_movie_on_sale.
BEGIN;
SELECT plan(22);
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;
DO $$
DECLARE c2 uuid;
BEGIN
    c2 := booking.create_cinema('FX Cinema 2', 'New York', 'America/New_York', 'USD');
    INSERT INTO fx VALUES ('cinema2', c2),
        ('aud2', booking.create_auditorium(c2, 'FX Hall 2', '{"rows": [{"label": "A", "seats": [{"number": 1}, {"number": 2}]}]}')),
        ('movie2', booking.create_movie('FX Other Movie', 90));
END $$;
CREATE FUNCTION pg_temp.new_showtime(p_aud text, p_at timestamptz, p_movie text DEFAULT 'movie') RETURNS uuid
LANGUAGE sql AS $$ SELECT booking.create_showtime(pg_temp.fx(p_movie), pg_temp.fx(p_aud), p_at, '{"STANDARD": 12.00}') $$;
-- whether a showtime created now (of that movie, in that auditorium) got an on-sale schedule
CREATE FUNCTION pg_temp.created_with_on_sale(p_aud text, p_at timestamptz, p_movie text DEFAULT 'movie') RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE v uuid := pg_temp.new_showtime(p_aud, p_at, p_movie);
BEGIN
    RETURN EXISTS (SELECT 1 FROM booking.on_sales WHERE showtime_id = v);
END $$;

SELECT is(booking.movie_on_sales(pg_temp.fx('movie'))->'standing', '[]'::jsonb, 'no standing schedule at first');
SELECT is(pg_temp.created_with_on_sale('auditorium', '2030-01-05 01:00Z'), false,
          'without one, a new showtime has no on-sale');

-- the movie goes on sale at 13:00 with a queue, 5 a minute, 15-minute admissions: its two showtimes and the standing one
CREATE TEMP TABLE put ON COMMIT DROP AS
    SELECT booking.set_movie_on_sale(pg_temp.fx('movie'), NULL, '2030-01-01 13:00Z', true, 5, 15) AS r;
SELECT is((SELECT (r->>'count')::int FROM put), 3, 'set_movie_on_sale: every showtime that has not started');
SELECT is((SELECT jsonb_array_length(r->'standing') FROM put), 1, 'and one standing schedule');
SELECT is((SELECT r->'standing'->0->>'cinemaId' FROM put), NULL, 'chain-wide (no cinemaId)');
SELECT is((SELECT count(*) FROM booking.movie_on_sales WHERE movie_id = pg_temp.fx('movie')), 1::bigint,
          'kept in booking.movie_on_sales');

-- a showtime created afterwards takes it, in either cinema
INSERT INTO fx VALUES ('later', pg_temp.new_showtime('auditorium', '2030-01-06 01:00Z')),
                      ('later2', pg_temp.new_showtime('aud2', '2030-01-06 01:00Z'));
SELECT is((SELECT row(opens_at, queue, admit_per_minute, admission_minutes)::text FROM booking.on_sales
            WHERE showtime_id = pg_temp.fx('later')), row('2030-01-01 13:00Z'::timestamptz, true, 5, 15)::text,
          'a showtime created later gets the movie''s on-sale');
SELECT is((SELECT opens_at FROM booking.on_sales WHERE showtime_id = pg_temp.fx('later2')), '2030-01-01 13:00Z'::timestamptz,
          'in another cinema too (chain-wide)');
SELECT throws_ok($$SELECT pg_temp.hold('{seat-a1}', 'early', 'later')$$, 'MQQ01', NULL,
                 'and holds on it answer NOT_YET_ON_SALE before opensAt');
SELECT is((booking.queue_join(pg_temp.fx('later'), 'tok-1'))->>'status', 'WAITING', 'its waiting room takes joiners');
SELECT ok((SELECT count(*) FROM booking.audit_log WHERE action = 'showtime.on_sale' AND entity_id = pg_temp.fx('later')::text
            AND details->>'from' = 'movie') = 1, 'audited as coming from the movie');
SELECT is(pg_temp.created_with_on_sale('auditorium', '2030-01-07 01:00Z', 'movie2'),
          false, 'another movie''s showtime: none');

-- a cinema's own standing schedule comes before the chain-wide one there
SELECT is(jsonb_array_length(booking.set_movie_on_sale(pg_temp.fx('movie'), pg_temp.fx('cinema2'), '2030-01-01 14:00Z',
                                                       false, NULL, NULL)->'standing'), 2,
          'with cinemaId: the cinema''s standing schedule, the chain-wide one applies there too');
INSERT INTO fx VALUES ('later3', pg_temp.new_showtime('aud2', '2030-01-08 01:00Z')),
                      ('later4', pg_temp.new_showtime('auditorium', '2030-01-08 01:00Z'));
SELECT is((SELECT row(opens_at, queue, admit_per_minute, admission_minutes)::text FROM booking.on_sales
            WHERE showtime_id = pg_temp.fx('later3')), row('2030-01-01 14:00Z'::timestamptz, false, NULL::int, 10)::text,
          'a new showtime in that cinema takes the cinema''s');
SELECT is((SELECT opens_at FROM booking.on_sales WHERE showtime_id = pg_temp.fx('later4')), '2030-01-01 13:00Z'::timestamptz,
          'elsewhere, the chain-wide one');
SELECT is((booking.movie_on_sales(pg_temp.fx('movie'), pg_temp.fx('cinema'))->'standing')->0->>'opensAt',
          '2030-01-01T13:00:00+00:00', 'movie_on_sales in a cinema shows the standing schedules that apply there');

-- PUT again replaces it; validation before anything changes
SELECT lives_ok($$SELECT booking.set_movie_on_sale(pg_temp.fx('movie'), NULL, '2030-01-01 15:00Z', true, NULL, NULL)$$,
                'PUT again');
SELECT is((SELECT opens_at FROM booking.movie_on_sales WHERE movie_id = pg_temp.fx('movie') AND cinema_id IS NULL),
          '2030-01-01 15:00Z'::timestamptz, 'the standing schedule is replaced, not added');
SELECT throws_ok($$SELECT booking.set_movie_on_sale(pg_temp.fx('movie2'), NULL, '2030-01-01 15:00Z', true, 0, NULL)$$,
                 'MQ001', NULL, 'admitPerMinute 0: VALIDATION_ERROR even for a movie with no showtime yet');

-- cancel: with cinemaId that cinema's standing schedule; without, every one
SELECT is(jsonb_array_length(booking.cancel_movie_on_sale(pg_temp.fx('movie'), pg_temp.fx('cinema2'))->'standing'), 1,
          'cancel with cinemaId removes the cinema''s standing schedule, the chain-wide one stays');
SELECT is(booking.cancel_movie_on_sale(pg_temp.fx('movie'))->'standing', '[]'::jsonb, 'cancel without: none left');
SELECT is(pg_temp.created_with_on_sale('auditorium', '2030-01-09 01:00Z'), false,
          'after cancelling, a new showtime has no on-sale');

SELECT * FROM finish();
ROLLBACK;
