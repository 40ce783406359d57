-- Smart seating, part 1: best-available scoring and tiers, lone-seat detection at row ends, aisles and gaps.
BEGIN;
SELECT plan(33);
-- Fixture (rolled back): a London cinema at 12:00Z on 2030-01-01, showtimes at 19:00Z the next day.
--   SM Hall:   rows A-E, seats 1-10 each (x 0-9, row A nearest the screen): scoring.
--   SM Lone:   row A seats 1-4 (x 0-3), aisle at x 4, seats 5-8 (x 5-8); row B seats 1-6 with B4 broken.
--   SM Access: wheelchair spaces A1 (companion A2) and A8 (companions A7, B8); rows A and B of 8.
--   SM Row:    one row of 5 seats;  SM Small: two rows of 3 seats.
-- The test database turns the lone-seat rule off (conftest.py); here it is on, as in production.
SET LOCAL marquee.now = '2030-01-01 12:00Z';
SET LOCAL marquee.max_seats_per_hold = '10';
SET LOCAL marquee.hold_ttl_seconds = '300';
SET LOCAL marquee.companion_release_minutes = '60';
SET LOCAL marquee.lone_seat_rule = 'on';
CREATE TEMP TABLE fx (key text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
CREATE FUNCTION pg_temp.fx(p_key text) RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT id FROM fx WHERE key = p_key $$;
DO $fixture$
DECLARE c uuid; hall uuid; lone uuid; acc uuid; rw uuid; small uuid; m uuid;
BEGIN
    c := booking.create_cinema('SM Cinema', 'London', 'Europe/London', 'GBP');
    hall := booking.create_auditorium(c, 'SM Hall', (SELECT jsonb_build_object('rows', jsonb_agg(jsonb_build_object('label', r,
              'seats', (SELECT jsonb_agg(jsonb_build_object('number', n)) FROM generate_series(1, 10) n)) ORDER BY r))
              FROM unnest(ARRAY['A','B','C','D','E']) r));
    lone := booking.create_auditorium(c, 'SM Lone', '{"rows": [
        {"label": "A", "seats": [{"number": 1, "x": 0}, {"number": 2, "x": 1}, {"number": 3, "x": 2}, {"number": 4, "x": 3},
                                 {"number": 5, "x": 5}, {"number": 6, "x": 6}, {"number": 7, "x": 7}, {"number": 8, "x": 8}]},
        {"label": "B", "seats": [{"number": 1}, {"number": 2}, {"number": 3}, {"number": 4, "active": false},
                                 {"number": 5}, {"number": 6}]}]}');
    acc := booking.create_auditorium(c, 'SM Access', '{"rows": [
        {"label": "A", "seats": [{"number": 1, "type": "WHEELCHAIR"}, {"number": 2}, {"number": 3}, {"number": 4},
                                 {"number": 5}, {"number": 6}, {"number": 7}, {"number": 8, "type": "WHEELCHAIR"}]},
        {"label": "B", "seats": [{"number": 1}, {"number": 2}, {"number": 3}, {"number": 4}, {"number": 5}, {"number": 6},
                                 {"number": 7}, {"number": 8}]}]}');
    rw := booking.create_auditorium(c, 'SM Row', '{"rows": [{"label": "A", "seats": [{"number": 1}, {"number": 2},
        {"number": 3}, {"number": 4}, {"number": 5}]}]}');
    small := booking.create_auditorium(c, 'SM Small', '{"rows": [{"label": "A", "seats": [{"number": 1}, {"number": 2}, {"number": 3}]},
                                                      {"label": "B", "seats": [{"number": 1}, {"number": 2}, {"number": 3}]}]}');
    m := booking.create_movie('SM Movie', 100);
    INSERT INTO fx VALUES ('hall', hall), ('lone', lone), ('acc', acc), ('row', rw), ('movie', m),
        ('st_hall',  booking.create_showtime(m, hall,  '2030-01-02 19:00Z', '{"STANDARD": 10.00}')),
        ('st_lone',  booking.create_showtime(m, lone,  '2030-01-02 19:00Z', '{"STANDARD": 10.00}')),
        ('st_acc',   booking.create_showtime(m, acc,   '2030-01-02 19:00Z', '{"STANDARD": 10.00, "WHEELCHAIR": 10.00}')),
        ('st_row',   booking.create_showtime(m, rw,    '2030-01-02 19:00Z', '{"STANDARD": 10.00}')),
        ('st_row2',  booking.create_showtime(m, rw,    '2030-01-03 19:00Z', '{"STANDARD": 10.00}')),
        ('st_small', booking.create_showtime(m, small, '2030-01-02 19:00Z', '{"STANDARD": 10.00}'));
    PERFORM booking.link_companion_seats(acc, 'seat-a1', '{seat-a2}');
    PERFORM booking.link_companion_seats(acc, 'seat-a8', '{seat-a7,seat-b8}');
END $fixture$;
-- Best available for a session: the held seat ids, sorted.
CREATE FUNCTION pg_temp.best(p_st text, p_token text, p_n int, p_together boolean DEFAULT true,
                             p_accessible boolean DEFAULT false, p_types text[] DEFAULT NULL, p_channel text DEFAULT NULL)
RETURNS text[] LANGUAGE sql AS $$
    SELECT ARRAY(SELECT e ->> 'id' FROM booking.hold_best_available(pg_temp.fx(p_st), p_token, p_n, p_types, p_together,
                                                                     p_accessible, p_channel) h,
                        jsonb_array_elements(h.seats) e ORDER BY e ->> 'id')
$$;
CREATE FUNCTION pg_temp.hold(p_st text, p_seats text[], p_token text) RETURNS uuid
LANGUAGE sql AS $$ SELECT hold_id FROM booking.hold(pg_temp.fx(p_st), p_seats, p_token) $$;

-- scoring: default focal point = centre, two thirds back from the screen
SELECT results_eq($$SELECT round(focal_x::numeric, 3), round(focal_y::numeric, 3) FROM booking.focal_point(pg_temp.fx('hall'))$$,
    $$VALUES (4.500, 2.667)$$, 'default focal point: centre x, two thirds of the way back');
SELECT is(pg_temp.best('st_hall', 'b1', 2), '{seat-d5,seat-d6}', 'best pair in an empty hall: centre of row D (nearest the focal point)');
SELECT is(pg_temp.best('st_hall', 'b2', 2), '{seat-c5,seat-c6}', 'the next buyer gets the next best block (row C centre)');
SELECT is(pg_temp.best('st_hall', 'b3', 3), '{seat-e4,seat-e5,seat-e6}',
    'three seats: row D has no block of 3 leaving no lone seat, so row E centre');
SELECT lives_ok($$SELECT booking.set_focal_point(pg_temp.fx('hall'), 0, 0)$$, 'the focal point is configurable per auditorium');
SELECT is(pg_temp.best('st_hall', 'b4', 2), '{seat-a1,seat-a2}', 'with the focal point at the front left, A1-A2 score best');
SELECT lives_ok($$SELECT booking.set_focal_point(pg_temp.fx('hall'), NULL, NULL)$$, 'reset to the default focal point');
SELECT is(pg_temp.best('st_hall', 'b1', 2), '{seat-d5,seat-d6}', 'best available again for a session replaces its own hold');
SELECT is((SELECT count(*)::int FROM booking.holds WHERE showtime_id = pg_temp.fx('st_hall') AND session_token = 'b1'), 1,
    'one hold per session: still a single hold');
SELECT throws_ok($$SELECT pg_temp.best('st_hall', 'b5', 2, p_types => '{VIP}')$$, 'MQ061', NULL,
    'no seat of the requested type: BEST_AVAILABLE_NOT_FOUND');
SELECT throws_ok($$SELECT pg_temp.best('st_hall', 'b5', 0)$$, 'MQ001', NULL, 'quantity 0: VALIDATION_ERROR');
SELECT throws_ok($$SELECT pg_temp.best('st_hall', 'b5', 11)$$, 'MQ014', NULL, 'more than max_seats_per_hold: TOO_MANY_SEATS');
SELECT throws_ok($$SELECT pg_temp.best('st_hall', 'b5', 2, p_types => '{SOFA}')$$, 'MQ001', NULL, 'unknown seat type: VALIDATION_ERROR');

-- tiers on one row of 5 (focal point at the middle seat A3)
SELECT is(pg_temp.best('st_row', 'r1', 2), '{seat-a1,seat-a2}',
    'tier 1: A2-A3 or A3-A4 score better but leave a lone seat; A1-A2 does not');
SELECT throws_ok($$SELECT pg_temp.best('st_row', 'r2', 2)$$, 'MQ061', NULL,
    'A3-A5 left: every pair leaves a lone seat, refused while the rule is on');
SELECT throws_ok($$SELECT pg_temp.best('st_row', 'r2', 2, false)$$, 'MQ061', NULL,
    'not together either: any two of three seats leave one alone');
SELECT is(pg_temp.best('st_row', 'r2', 3), '{seat-a3,seat-a4,seat-a5}', 'three seats fill the rest of the row');
SELECT lives_ok($$SELECT booking.release_hold(id, 'r2') FROM booking.holds WHERE session_token = 'r2'$$, 'release them');
SELECT is(booking.set_lone_seat_rule(pg_temp.fx('st_row'), false), false, 'turn the rule off for this showtime');
SELECT is(pg_temp.best('st_row', 'r2', 2), '{seat-a3,seat-a4}', 'tier 2 (rule off): the best adjacent pair even if it leaves a lone seat');
SELECT is(pg_temp.best('st_small', 's1', 4, false), '{seat-a1,seat-b1,seat-b2,seat-b3}',
    'tier 3 (together false): fewest groups (row B nearest, then one seat) leaving no lone seat');
SELECT throws_ok($$SELECT pg_temp.best('st_small', 's2', 4)$$, 'MQ061', NULL, 'together: no row has 4 seats');

-- lone-seat detection on manual holds (SM Lone)
SELECT throws_ok($$SELECT pg_temp.hold('st_lone', '{seat-a2}', 'l1')$$, 'MQ060', NULL, 'A2 alone leaves A1 lone at the row end');
SELECT is(tap_fixture.err_detail($$SELECT pg_temp.hold('st_lone', '{seat-a2}', 'l1')$$) -> 'seatIds', '["seat-a1"]',
    'the error names the seat to add or shift to');
SELECT is(tap_fixture.err_detail($$SELECT pg_temp.hold('st_lone', '{seat-a3}', 'l1')$$) -> 'seatIds', '["seat-a4"]',
    'A3 alone leaves A4 lone against the aisle (gap in x)');
SELECT is(tap_fixture.err_detail($$SELECT pg_temp.hold('st_lone', '{seat-a6}', 'l1')$$) -> 'seatIds', '["seat-a5"]',
    'A6 alone leaves A5 lone on the other side of the aisle');
SELECT isnt(pg_temp.hold('st_lone', '{seat-a1,seat-a2}', 'l1'), NULL, 'A1-A2 leaves A3-A4 as a pair: allowed');
SELECT is(tap_fixture.err_detail($$SELECT pg_temp.hold('st_lone', '{seat-a4}', 'l2')$$) -> 'seatIds', '["seat-a3"]',
    'A4 would leave A3 alone between two taken seats');
SELECT is(tap_fixture.err_detail($$SELECT pg_temp.hold('st_lone', '{seat-b1,seat-b2}', 'l2')$$) -> 'seatIds', '["seat-b3"]',
    'B1-B2 would leave B3 alone next to the broken B4 (a gap in the row)');
SELECT is(tap_fixture.err_detail($$SELECT pg_temp.hold('st_lone', '{seat-a2}', 'l1')$$) -> 'seatIds', '["seat-a1"]',
    're-holding only A2 drops A1 from the session''s own hold: A1 would be lone');
SELECT is(booking_internal.lone_seats_after(pg_temp.fx('st_lone'), ARRAY(SELECT id FROM booking.seats WHERE auditorium_id = pg_temp.fx('lone') AND code IN ('seat-b5')), NULL),
    '{seat-b6}', 'lone_seats_after: B5 leaves B6 lone at the row end');
SELECT is(booking.set_lone_seat_rule(pg_temp.fx('st_lone'), false), false, 'the rule is a per-showtime option');
SELECT isnt(pg_temp.hold('st_lone', '{seat-a6}', 'l3'), NULL, 'with the rule off, A6 alone is allowed');

SELECT * FROM finish();
ROLLBACK;
