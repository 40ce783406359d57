-- Catalogue: browsing by the cinema's local date, seat counts, and every operator function with its errors.
BEGIN;
SELECT plan(73);
-- Fixture (rolled back with the test): see sql/tests/fixtures.sql.
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;

-- browse
SELECT ok((SELECT count(*) FROM booking.list_cinemas() WHERE name = 'FX Cinema' AND time_zone = 'America/New_York') = 1,
          'list_cinemas shows the cinema with its zone');
SELECT is(booking.cinema_today(pg_temp.fx('cinema')), date '2030-01-01', 'cinema_today is the local date (07:00 in New York)');
SELECT throws_ok($$SELECT booking.cinema_today(gen_random_uuid())$$, 'MQ006', NULL, 'cinema_today: CINEMA_NOT_FOUND');
SELECT results_eq($$SELECT title, showtime_count FROM booking.now_showing(pg_temp.fx('cinema'), '2030-01-01')$$,
                  $$VALUES ('FX Movie'::text, 2)$$,
                  'now_showing counts both showtimes, the 23:30 local one included, on local 2030-01-01');
SELECT is_empty($$SELECT * FROM booking.now_showing(pg_temp.fx('cinema'), '2030-01-02')$$,
                'nothing on 2030-01-02 local although both showtimes start on 2030-01-02 UTC');
SELECT is((SELECT count(*)::int FROM booking.now_showing(pg_temp.fx('cinema'))), 1, 'now_showing defaults to the cinema''s today');
SELECT throws_ok($$SELECT * FROM booking.now_showing(gen_random_uuid(), NULL)$$, 'MQ006', NULL, 'now_showing: CINEMA_NOT_FOUND');
SELECT results_eq(
    $$SELECT local_starts_at, total_seats, available_seats FROM booking.movie_showtimes(pg_temp.fx('movie'), pg_temp.fx('cinema'), '2030-01-01')$$,
    $$VALUES ('2030-01-01 20:00'::timestamp, 8, 7), ('2030-01-01 23:30'::timestamp, 8, 7)$$,
    'movie_showtimes lists local start times and live counts (broken seat not available)');
SELECT is_empty($$SELECT * FROM booking.movie_showtimes(pg_temp.fx('movie'), pg_temp.fx('cinema'), '2030-01-02')$$,
                'movie_showtimes filters by local date');
SELECT results_eq(
    $$SELECT on_sale, few_seats_left FROM booking.movie_showtimes(pg_temp.fx('movie'), pg_temp.fx('cinema'), '2030-01-01')$$,
    $$VALUES (true, true), (true, true)$$, 'movie_showtimes: on sale, and 7 of 8 free is "few seats left" (setting 10)');
SET LOCAL marquee.few_seats_left = '3';
SELECT results_eq(
    $$SELECT few_seats_left FROM booking.movie_showtimes(pg_temp.fx('movie'), pg_temp.fx('cinema'), '2030-01-01')$$,
    $$VALUES (false), (false)$$, 'movie_showtimes: few_seats_left follows the setting');
RESET marquee.few_seats_left;
SET LOCAL marquee.now = '2030-01-02 02:00Z';
SELECT results_eq(
    $$SELECT on_sale FROM booking.movie_showtimes(pg_temp.fx('movie'), pg_temp.fx('cinema'), '2030-01-01')$$,
    $$VALUES (false), (true)$$, 'movie_showtimes: a showtime that has started is listed, not on sale');
SET LOCAL marquee.now = '2030-01-01 12:00Z';
SELECT throws_ok($$SELECT * FROM booking.movie_showtimes(pg_temp.fx('movie'), gen_random_uuid())$$, 'MQ006', NULL,
                 'movie_showtimes: CINEMA_NOT_FOUND');
SELECT throws_ok($$SELECT * FROM booking.movie_showtimes(gen_random_uuid(), pg_temp.fx('cinema'))$$, 'MQ007', NULL,
                 'movie_showtimes: MOVIE_NOT_FOUND');
SELECT lives_ok($$SELECT pg_temp.hold('{seat-a1,seat-a2}', 'cat-tok')$$, 'hold two seats');
SELECT is((SELECT available_seats FROM booking.seat_counts(pg_temp.fx('showtime'))), 5, 'seat_counts: a hold takes seats off sale');
SET LOCAL marquee.now = '2030-01-01 12:06Z';
SELECT is((SELECT available_seats FROM booking.seat_counts(pg_temp.fx('showtime'))), 7, 'seat_counts: an expired hold does not count');
SET LOCAL marquee.now = '2030-01-01 12:00Z';
SELECT is(booking.local_date('2030-01-02 04:30Z', 'America/New_York'), date '2030-01-01', 'local_date in New York');
SELECT is(booking.local_date('2030-01-02 04:30Z', 'Europe/London'), date '2030-01-02', 'local_date in London');

-- create / update cinema
SELECT throws_ok($$SELECT booking.create_cinema('X', 'Y', 'Mars/Olympus')$$, 'MQ001', NULL, 'create_cinema: unknown zone');
SELECT throws_ok($$SELECT booking.create_cinema('X', 'Y', 'UTC', 'usd')$$, 'MQ001', NULL, 'create_cinema: bad currency');
SELECT throws_ok($$SELECT booking.create_cinema('  ', 'Y', 'UTC')$$, 'MQ001', NULL, 'create_cinema: name required');
SELECT throws_ok($$SELECT booking.create_cinema('FX Cinema', 'Y', 'UTC')$$, 'MQ070', NULL, 'create_cinema: duplicate name NAME_TAKEN');
SELECT isnt(booking.create_cinema('FX Other', 'Y', 'UTC'), NULL, 'create_cinema: another cinema');
SELECT throws_ok($$SELECT booking.update_cinema(pg_temp.fx('cinema'), ' FX Other ')$$, 'MQ070', NULL,
                 'update_cinema: renaming to a name another cinema has is NAME_TAKEN');
SELECT lives_ok($$SELECT booking.update_cinema(pg_temp.fx('cinema'), 'FX Cinema')$$, 'update_cinema: keeping its own name');
SELECT lives_ok($$SELECT booking.update_cinema(pg_temp.fx('cinema'), p_city => 'Brooklyn')$$, 'update_cinema');
SELECT is((SELECT city || '/' || time_zone FROM booking.cinemas WHERE id = pg_temp.fx('cinema')), 'Brooklyn/America/New_York',
          'update_cinema keeps what was not given');
SELECT throws_ok($$SELECT booking.update_cinema(pg_temp.fx('cinema'), p_time_zone => 'Nowhere/Else')$$, 'MQ001', NULL, 'update_cinema: bad zone');
SELECT throws_ok($$SELECT booking.update_cinema(pg_temp.fx('cinema'), p_currency => 'EURO')$$, 'MQ001', NULL, 'update_cinema: bad currency');
SELECT throws_ok($$SELECT booking.update_cinema(gen_random_uuid(), 'Z')$$, 'MQ006', NULL, 'update_cinema: CINEMA_NOT_FOUND');

-- auditoriums and seats
SELECT results_eq($$SELECT code, x, y, seat_type::text, is_active FROM booking.seats WHERE auditorium_id = pg_temp.fx('auditorium') AND row_label = 'B' ORDER BY x$$,
    $$VALUES ('seat-b1', 0, 1, 'PREMIUM', true), ('seat-b2', 1, 1, 'PREMIUM', true), ('seat-b3', 2, 1, 'STANDARD', false), ('seat-b4', 3, 1, 'VIP', true)$$,
    'create_auditorium: codes, positions (default x = number - 1, y = row index), types, active flag');
SELECT lives_ok($$SELECT booking.create_auditorium(pg_temp.fx('cinema'), 'Gappy', '{"rows": [{"label": "A", "y": 0, "seats": [{"number": 1, "x": 0}, {"number": 2, "x": 2}]}, {"label": "C", "y": 2, "seats": [{"number": 1, "x": 0, "type": "WHEELCHAIR"}]}]}')$$,
                'create_auditorium accepts aisles (x gaps) and row gaps (y gaps)');
SELECT throws_ok($$SELECT booking.create_auditorium(gen_random_uuid(), 'N', '{"rows": [{"label": "A", "seats": [{"number": 1}]}]}')$$, 'MQ006', NULL, 'create_auditorium: CINEMA_NOT_FOUND');
SELECT throws_ok($$SELECT booking.create_auditorium(pg_temp.fx('cinema'), 'N', '{"rows": []}')$$, 'MQ001', NULL, 'create_auditorium: rows required');
SELECT throws_ok($$SELECT booking.create_auditorium(pg_temp.fx('cinema'), 'FX Hall', '{"rows": [{"label": "A", "seats": [{"number": 1}]}]}')$$, 'MQ070', NULL, 'create_auditorium: duplicate name NAME_TAKEN');
SELECT throws_ok($$SELECT booking.create_auditorium(pg_temp.fx('cinema'), 'N', '{"rows": [{"label": "A!", "seats": [{"number": 1}]}]}')$$, 'MQ001', NULL, 'create_auditorium: bad row label');
SELECT throws_ok($$SELECT booking.create_auditorium(pg_temp.fx('cinema'), 'N', '{"rows": [{"label": "A", "seats": [{"number": 1, "type": "SOFA"}]}]}')$$, 'MQ001', NULL, 'create_auditorium: bad seat type');
SELECT throws_ok($$SELECT booking.create_auditorium(pg_temp.fx('cinema'), 'N', '{"rows": [{"label": "A", "seats": [{"number": 1}, {"number": 1, "x": 5}]}]}')$$, 'MQ001', NULL, 'create_auditorium: duplicate seat');
SELECT is(booking.set_seats_active(pg_temp.fx('auditorium'), '{seat-a4}', false, 'ops@test'), 1, 'set_seats_active deactivates');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-a4'), 'BLOCKED', 'an inactive seat is BLOCKED');
SELECT is(booking.set_seats_active(pg_temp.fx('auditorium'), '{seat-a4}', true), 1, 'set_seats_active reactivates');
SELECT ok(EXISTS (SELECT 1 FROM booking.audit_log WHERE action = 'seats.deactivate' AND actor = 'db:postgres' AND db_role = 'postgres'), 'seat (de)activation is audited (the DBA running it, not p_actor)');

-- movies
SELECT throws_ok($$SELECT booking.create_movie('', 90)$$, 'MQ001', NULL, 'create_movie: title required');
SELECT throws_ok($$SELECT booking.create_movie('Long', 601)$$, 'MQ001', NULL, 'create_movie: duration range');
SELECT lives_ok($$SELECT booking.update_movie(pg_temp.fx('movie'), p_rating => 'R')$$, 'update_movie');
SELECT is((SELECT title || '/' || rating FROM booking.movies WHERE id = pg_temp.fx('movie')), 'FX Movie/R', 'update_movie keeps what was not given');
SELECT throws_ok($$SELECT booking.update_movie(pg_temp.fx('movie'), p_duration_minutes => 0)$$, 'MQ001', NULL, 'update_movie: duration range');
SELECT throws_ok($$SELECT booking.update_movie(gen_random_uuid(), 'T')$$, 'MQ007', NULL, 'update_movie: MOVIE_NOT_FOUND');

-- showtimes and prices
SELECT is((SELECT ends_at FROM booking.showtimes WHERE id = pg_temp.fx('showtime')), timestamptz '2030-01-02 03:00Z',
          'create_showtime: end = start + duration (100) + cleaning (20)');
SELECT throws_ok($$SELECT booking.create_showtime(pg_temp.fx('movie'), pg_temp.fx('auditorium'), '2030-01-02 02:50Z')$$, 'MQ050', NULL,
                 'create_showtime: SHOWTIME_OVERLAP while the previous one is still being cleaned');
SELECT lives_ok($$SELECT booking.create_showtime(pg_temp.fx('movie'), pg_temp.fx('auditorium'), '2030-01-02 06:30Z')$$,
                'create_showtime: may start as soon as cleaning ends');
SELECT throws_ok($$SELECT booking.create_showtime(gen_random_uuid(), pg_temp.fx('auditorium'), '2031-01-01Z')$$, 'MQ007', NULL, 'create_showtime: MOVIE_NOT_FOUND');
SELECT throws_ok($$SELECT booking.create_showtime(pg_temp.fx('movie'), gen_random_uuid(), '2031-01-01Z')$$, 'MQ008', NULL, 'create_showtime: AUDITORIUM_NOT_FOUND');
SELECT throws_ok($$SELECT booking.create_showtime(pg_temp.fx('movie'), pg_temp.fx('auditorium'), NULL)$$, 'MQ001', NULL, 'create_showtime: start required');
SELECT lives_ok($$SELECT booking.set_prices(pg_temp.fx('showtime'), '{"VIP": 22.50}')$$, 'set_prices adds a type');
SELECT results_eq($$SELECT seat_type::text, amount FROM booking.prices WHERE showtime_id = pg_temp.fx('showtime') ORDER BY 1$$,
                  $$VALUES ('PREMIUM', 15.00::numeric), ('STANDARD', 12.00), ('VIP', 22.50)$$, 'set_prices keeps the other types');
SELECT throws_ok($$SELECT booking.set_prices(pg_temp.fx('showtime'), '{"VIP": 1.234}')$$, 'MQ001', NULL, 'set_prices: more than 2 decimals');
SELECT throws_ok($$SELECT booking.set_prices(pg_temp.fx('showtime'), '{"SOFA": 1}')$$, 'MQ001', NULL, 'set_prices: unknown seat type');
SELECT throws_ok($$SELECT booking.set_prices(pg_temp.fx('showtime'), '[1]')$$, 'MQ001', NULL, 'set_prices: not an object');
SELECT throws_ok($$SELECT booking.set_prices(gen_random_uuid(), '{}')$$, 'MQ002', NULL, 'set_prices: SHOWTIME_NOT_FOUND');
SELECT lives_ok($$SELECT booking.cancel_showtime(pg_temp.fx('late'), 'ops@test')$$, 'cancel_showtime');
SELECT is((SELECT count(*)::int FROM booking.movie_showtimes(pg_temp.fx('movie'), pg_temp.fx('cinema'), '2030-01-01')), 1,
          'a cancelled showtime leaves the schedule');
SELECT ok(EXISTS (SELECT 1 FROM booking.audit_log WHERE action = 'showtime.cancel' AND entity_id = pg_temp.fx('late')::text), 'cancel_showtime is audited');
SELECT throws_ok($$SELECT booking.cancel_showtime(gen_random_uuid())$$, 'MQ002', NULL, 'cancel_showtime: SHOWTIME_NOT_FOUND');

-- promo codes
SELECT throws_ok($$SELECT booking.create_promo_code('X', 'PERCENT', 10)$$, 'MQ001', NULL, 'create_promo_code: code too short');
SELECT throws_ok($$SELECT booking.create_promo_code('HUGE', 'PERCENT', 101)$$, 'MQ001', NULL, 'create_promo_code: percent above 100');
SELECT throws_ok($$SELECT booking.create_promo_code('ODD', 'FREE', 1)$$, 'MQ001', NULL, 'create_promo_code: unknown kind');
SELECT throws_ok($$SELECT booking.create_promo_code('BACKWARDS', 'FIXED', 1, '2030-01-02Z', '2030-01-01Z')$$, 'MQ001', NULL, 'create_promo_code: window backwards');
SELECT throws_ok($$SELECT booking.create_promo_code('fxsave20', 'FIXED', 1)$$, 'MQ070', NULL, 'create_promo_code: duplicate (case-insensitive) NAME_TAKEN');
SELECT lives_ok($$SELECT booking.set_promo_code_active('fxsave20', false)$$, 'set_promo_code_active');
SELECT is((SELECT is_active FROM booking.promo_codes WHERE code = 'FXSAVE20'), false, 'promo code disabled');
SELECT throws_ok($$SELECT booking.set_promo_code_active('NOPE', true)$$, 'MQ009', NULL, 'set_promo_code_active: PROMO_NOT_FOUND');

SELECT * FROM finish();
ROLLBACK;
