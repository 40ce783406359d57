-- Smart seating, part 2: wheelchair companions and their release time, sales channels, group limits, status history.
BEGIN;
SELECT plan(43);
-- Fixture (rolled back): a London cinema; now 12:00Z on 2030-01-01; showtimes at 19:00Z on later days.
--   SM Hall:   rows A-E, seats 1-10 each (x 0-9).
--   SM Access: wheelchair spaces A1 (companion A2) and A8 (companions A7, B8); rows A and B of 8 seats.
-- The lone-seat rule is on, as in production (the test database defaults it off: conftest.py).
SET LOCAL marquee.now = '2030-01-01 12:00Z';
SET LOCAL marquee.max_seats_per_hold = '10';
SET LOCAL marquee.hold_ttl_seconds = '300';
SET LOCAL marquee.payment_window_seconds = '600';
SET LOCAL marquee.companion_release_minutes = '60';
SET LOCAL marquee.lone_seat_rule = 'on';
CREATE TEMP TABLE fx (key text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
CREATE FUNCTION pg_temp.fx(p_key text) RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT id FROM fx WHERE key = p_key $$;
DO $fixture$
DECLARE c uuid; hall uuid; acc uuid; m uuid;
BEGIN
    c := booking.create_cinema('SM Rules Cinema', 'London', 'Europe/London', 'GBP');
    hall := booking.create_auditorium(c, 'SM Hall', (SELECT jsonb_build_object('rows', jsonb_agg(jsonb_build_object('label', r,
              'seats', (SELECT jsonb_agg(jsonb_build_object('number', n)) FROM generate_series(1, 10) n)) ORDER BY r))
              FROM unnest(ARRAY['A','B','C','D','E']) r));
    acc := booking.create_auditorium(c, 'SM Access', '{"rows": [
        {"label": "A", "seats": [{"number": 1, "type": "WHEELCHAIR"}, {"number": 2}, {"number": 3}, {"number": 4},
                                 {"number": 5}, {"number": 6}, {"number": 7}, {"number": 8, "type": "WHEELCHAIR"}]},
        {"label": "B", "seats": [{"number": 1}, {"number": 2}, {"number": 3}, {"number": 4}, {"number": 5}, {"number": 6},
                                 {"number": 7}, {"number": 8}]}]}');
    m := booking.create_movie('SM Rules Movie', 100);
    INSERT INTO fx VALUES ('hall', hall), ('acc', acc),
        ('st_acc',  booking.create_showtime(m, acc,  '2030-01-02 19:00Z', '{"STANDARD": 10.00, "WHEELCHAIR": 10.00}')),
        ('st_ch',   booking.create_showtime(m, hall, '2030-01-02 19:00Z', '{"STANDARD": 10.00}')),
        ('st_grp',  booking.create_showtime(m, hall, '2030-01-03 19:00Z', '{"STANDARD": 10.00}')),
        ('st_hist', booking.create_showtime(m, hall, '2030-01-04 19:00Z', '{"STANDARD": 10.00}'));
    PERFORM booking.link_companion_seats(acc, 'seat-a1', '{seat-a2}');
    PERFORM booking.link_companion_seats(acc, 'seat-a8', '{seat-a7,seat-b8}');
END $fixture$;
CREATE FUNCTION pg_temp.best(p_st text, p_token text, p_n int, p_accessible boolean DEFAULT false, p_channel text DEFAULT NULL)
RETURNS text[] LANGUAGE sql AS $$
    SELECT ARRAY(SELECT e ->> 'id' FROM booking.hold_best_available(pg_temp.fx(p_st), p_token, p_n, NULL, true,
                                                                     p_accessible, p_channel) h,
                        jsonb_array_elements(h.seats) e ORDER BY e ->> 'id')
$$;
CREATE FUNCTION pg_temp.hold(p_st text, p_seats text[], p_token text, p_channel text DEFAULT NULL) RETURNS uuid
LANGUAGE sql AS $$ SELECT hold_id FROM booking.hold(pg_temp.fx(p_st), p_seats, p_token, NULL, p_channel) $$;

-- wheelchair spaces and companions (show 2030-01-02 19:00Z, companions released at 18:00Z)
SELECT results_eq($$SELECT seat_id, companion_of, companion_seat_ids, held_back_until FROM booking.seat_features(pg_temp.fx('st_acc'))
                    WHERE seat_id IN ('seat-a1', 'seat-a2', 'seat-a8', 'seat-b8') ORDER BY seat_id$$,
    $$VALUES ('seat-a1', NULL::text[], '{seat-a2}'::text[], NULL::timestamptz),
             ('seat-a2', '{seat-a1}', NULL, '2030-01-02 18:00Z'),
             ('seat-a8', NULL, '{seat-a7,seat-b8}', NULL),
             ('seat-b8', '{seat-a8}', NULL, '2030-01-02 18:00Z')$$,
    'seat_features: wheelchair spaces list their companions; companions show until when they are held back');
SELECT throws_ok($$SELECT pg_temp.hold('st_acc', '{seat-a2}', 'c1')$$, 'MQ062', NULL,
    'a companion seat alone is held back for wheelchair buyers');
SELECT is(tap_fixture.err_detail($$SELECT pg_temp.hold('st_acc', '{seat-a2}', 'c1')$$) -> 'releaseAt', '"2030-01-02T18:00:00+00:00"',
    'the error says when it is released');
SELECT throws_ok($$SELECT pg_temp.hold('st_acc', '{seat-a7,seat-b8}', 'c1')$$, 'MQ062', NULL,
    'companions of a space without the space itself: held back');
SELECT lives_ok($$SELECT booking.set_focal_point(pg_temp.fx('acc'), 1, 0)$$, 'focal point on A2');
SELECT is(pg_temp.best('st_acc', 'c2', 1), '{seat-a3}', 'best available skips the held-back companion A2 and the wheelchair space A1 (A3 ties B2, nearer the screen)');
SELECT is(pg_temp.best('st_acc', 'c3', 2, true), '{seat-a1,seat-a2}', 'accessible: wheelchair space with its companion');
SELECT is(pg_temp.best('st_acc', 'c4', 3, true), '{seat-a7,seat-a8,seat-b8}', 'accessible, 3: the space with two companions');
SELECT throws_ok($$SELECT pg_temp.best('st_acc', 'c5', 2, true)$$, 'MQ061', NULL, 'accessible: no free space left');
SELECT throws_ok($$SELECT booking.link_companion_seats(pg_temp.fx('acc'), 'seat-a3', '{seat-a4}')$$, 'MQ001', NULL,
    'only a wheelchair space can have companions');
SET LOCAL marquee.now = '2030-01-02 18:30Z';
SELECT isnt(pg_temp.hold('st_acc', '{seat-a2}', 'c6'), NULL, 'after the release time anyone may hold a companion seat');
SET LOCAL marquee.companion_release_minutes = '10';
SELECT throws_ok($$SELECT pg_temp.hold('st_acc', '{seat-b7,seat-b8}', 'c7')$$, 'MQ062', NULL,
    'the release time is configurable: 10 minutes before, B8 is still held back at 18:30');
SET LOCAL marquee.companion_release_minutes = '60';
SELECT isnt(pg_temp.hold('st_acc', '{seat-b7,seat-b8}', 'c7'), NULL, '... and released with 60 minutes');
SET LOCAL marquee.now = '2030-01-01 12:00Z';

-- sales channels (SM Hall, show 2030-01-02 19:00Z)
SELECT is(booking.allocate_channel_seats(pg_temp.fx('st_ch'), '{seat-c1,seat-c2}', 'boxoffice'), 2, 'allocate C1-C2 to the box office');
SELECT lives_ok($$SELECT booking.set_focal_point(pg_temp.fx('hall'), 0, 2)$$, 'focal point on C1');
SELECT is(pg_temp.best('st_ch', 'h1', 2), '{seat-b1,seat-b2}', 'general sale: best available skips the channel''s seats');
SELECT is(pg_temp.best('st_ch', 'h2', 2, false, 'boxoffice'), '{seat-c1,seat-c2}', 'the box office gets its seats');
SELECT is((SELECT channel FROM booking.holds WHERE session_token = 'h2'), 'boxoffice', 'the hold records its channel');
SELECT ok(booking.release_hold((SELECT id FROM booking.holds WHERE session_token = 'h2'), 'h2'), 'release it');
SELECT throws_ok($$SELECT pg_temp.hold('st_ch', '{seat-c1,seat-c2}', 'h3')$$, 'MQ063', NULL, 'manual hold without the channel: CHANNEL_RESERVED');
SELECT throws_ok($$SELECT pg_temp.hold('st_ch', '{seat-c1,seat-c2}', 'h3', 'partner')$$, 'MQ063', NULL, 'another channel: CHANNEL_RESERVED');
SELECT is(booking.allocate_channel_seats(pg_temp.fx('st_ch'), '{seat-d1,seat-d2}', 'partner', '2030-01-01 13:00Z'), 2,
    'allocate D1-D2 to a partner until 13:00Z');
SELECT throws_ok($$SELECT pg_temp.hold('st_ch', '{seat-d1,seat-d2}', 'h4')$$, 'MQ063', NULL, 'before its release time: reserved');
SET LOCAL marquee.now = '2030-01-01 13:00Z';
SELECT isnt(pg_temp.hold('st_ch', '{seat-d1,seat-d2}', 'h4'), NULL, 'at the release time the seats are on general sale');
SELECT is(booking.release_channel_seats(pg_temp.fx('st_ch'), 'boxoffice'), 2, 'an operator releases the box office seats');
SELECT isnt(pg_temp.hold('st_ch', '{seat-c1,seat-c2}', 'h5'), NULL, 'released seats are on general sale');
SET LOCAL marquee.now = '2030-01-01 12:00Z';

-- group limits across holds and bookings of one session (SM Hall, show 2030-01-03)
SET LOCAL marquee.max_seats_per_hold = '4';
CREATE TEMP TABLE g ON COMMIT DROP AS
    SELECT booking_id FROM booking.confirm(pg_temp.hold('st_grp', '{seat-e1,seat-e2,seat-e3}', 'g1'), 'g1@example.com', 'G One');
SELECT throws_ok($$SELECT pg_temp.hold('st_grp', '{seat-e6,seat-e7}', 'g1')$$, 'MQ014', NULL,
    'a second hold of the same session may not pass max_seats_per_hold with its booking');
SELECT is(tap_fixture.err_detail($$SELECT pg_temp.hold('st_grp', '{seat-e6,seat-e7}', 'g1')$$) -> 'alreadyHeld', '3',
    'the error says how many the session already has');
SELECT throws_ok($$SELECT pg_temp.best('st_grp', 'g1', 2)$$, 'MQ014', NULL, 'best available obeys the group limit too');
SELECT isnt(pg_temp.hold('st_grp', '{seat-e10}', 'g1'), NULL, 'one more seat is within the limit');
SELECT isnt(pg_temp.hold('st_grp', '{seat-e6,seat-e7}', 'g2'), NULL, 'another session has its own limit');
SET LOCAL marquee.max_seats_per_hold = '10';

-- status history (SM Hall, show 2030-01-04)
SELECT lives_ok($$SELECT booking.set_focal_point(pg_temp.fx('hall'), NULL, NULL)$$, 'default focal point');
CREATE TEMP TABLE y ON COMMIT DROP AS SELECT pg_temp.hold('st_hist', '{seat-a1,seat-a2}', 'y1') AS hold_id;
SET LOCAL marquee.now = '2030-01-01 12:00:30Z';
SELECT isnt(pg_temp.hold('st_hist', '{seat-a1}', 'y1'), NULL, 're-hold: A2 is dropped');
SET LOCAL marquee.now = '2030-01-01 12:01Z';
CREATE TEMP TABLE yb ON COMMIT DROP AS
    SELECT booking_id, booking_reference FROM booking.confirm((SELECT hold_id FROM y), 'y1@example.com', 'Y One');
-- two operators, each with a key of their own (the actor comes from the credential, never from p_actor)
CREATE TEMP TABLE ops_keys ON COMMIT DROP AS
    SELECT n AS name, (SELECT k.key FROM booking.create_api_key(n, 'BOX_OFFICE') k) AS key FROM unnest('{anna,ben}'::text[]) n;
SET LOCAL marquee.now = '2030-01-01 12:02Z';
SELECT set_config('marquee.credential', (SELECT key FROM ops_keys WHERE name = 'anna'), true);
SELECT is(booking.block_seats(pg_temp.fx('st_hist'), '{seat-a5}', 'ignored', 'broken cup holder'), 1, 'an operator blocks A5');
SET LOCAL marquee.now = '2030-01-01 12:03Z';
SELECT set_config('marquee.credential', (SELECT key FROM ops_keys WHERE name = 'ben'), true);
SELECT is(booking.unblock_seats(pg_temp.fx('st_hist'), '{seat-a5}', 'ignored'), 1, 'another operator unblocks it');
SET LOCAL marquee.credential = '';
SET LOCAL marquee.now = '2030-01-01 12:04Z';
SELECT isnt(pg_temp.hold('st_hist', '{seat-b1,seat-b2}', 'y2'), NULL, 'y2 holds B1-B2 and walks away');
SET LOCAL marquee.now = '2030-01-01 12:20Z';
SELECT isnt(pg_temp.hold('st_hist', '{seat-b1,seat-b2}', 'y3'), NULL, 'y3 holds B1-B2 after y2''s hold expired');
SELECT results_eq($$SELECT at, from_status, to_status, actor_kind, actor FROM booking.seat_history(pg_temp.fx('st_hist'), 'seat-a1')$$,
    $$VALUES ('2030-01-01 12:00Z'::timestamptz, 'AVAILABLE', 'LOCKED', 'SESSION',
              'session ' || left(encode(sha256(convert_to('y1', 'UTF8')), 'hex'), 12)),
             ('2030-01-01 12:01Z', 'LOCKED', 'BOOKED', 'BOOKING', (SELECT booking_reference FROM yb)),
             ('2030-01-01 12:11Z', 'BOOKED', 'AVAILABLE', 'SYSTEM', 'payment window ended')$$,
    'A1: held, booked, then the unpaid booking lapsed at its deadline (recorded without a sweeper)');
SELECT results_eq($$SELECT at, from_status, to_status, actor_kind FROM booking.seat_history(pg_temp.fx('st_hist'), 'seat-a2')$$,
    $$VALUES ('2030-01-01 12:00Z'::timestamptz, 'AVAILABLE', 'LOCKED', 'SESSION'),
             ('2030-01-01 12:00:30Z', 'LOCKED', 'AVAILABLE', 'SESSION')$$, 'A2: held, then dropped by a re-hold');
SELECT results_eq($$SELECT at, from_status, to_status, actor_kind, actor FROM booking.seat_history(pg_temp.fx('st_hist'), 'seat-a5')$$,
    $$VALUES ('2030-01-01 12:02Z'::timestamptz, 'AVAILABLE', 'BLOCKED', 'OPERATOR', 'api-key:anna'),
             ('2030-01-01 12:03Z', 'BLOCKED', 'AVAILABLE', 'OPERATOR', 'api-key:ben')$$, 'A5: blocked and unblocked, by whom (verified)');
SELECT ok(booking.purge_expired_holds('0 seconds') >= 2, 'housekeeping deletes y2''s ended claims');
SELECT results_eq($$SELECT at, from_status, to_status, actor_kind, reason FROM booking.seat_history(pg_temp.fx('st_hist'), 'seat-b1')$$,
    $$VALUES ('2030-01-01 12:04Z'::timestamptz, 'AVAILABLE', 'LOCKED', 'SESSION', NULL),
             ('2030-01-01 12:09Z', 'LOCKED', 'AVAILABLE', 'SYSTEM', 'EXPIRED'),
             ('2030-01-01 12:20Z', 'AVAILABLE', 'LOCKED', 'SESSION', NULL)$$,
    'B1: the expiry is recorded once, at the hold''s end, even after its claim was purged');
SELECT is((SELECT count(*)::int FROM booking.showtime_seat_history(pg_temp.fx('st_hist'))), 13,
    'per showtime: every change of every seat (A1 3, A2 2, A5 2, B1 3, B2 3)');

SELECT * FROM finish();
ROLLBACK;
