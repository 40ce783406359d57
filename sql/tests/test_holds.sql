-- Seat map, holds (all-or-nothing, re-hold, max seats, expiry without a sweeper), release, operator blocks.
BEGIN;
SELECT plan(64);
-- Fixture (rolled back with the test): see sql/tests/fixtures.sql.
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;

-- seat map
SELECT results_eq($$SELECT seat_id, row_label, seat_number, seat_type::text, status, price FROM booking.seat_map(pg_temp.fx('showtime'))$$,
    $$VALUES ('seat-a1', 'A', 1, 'STANDARD', 'AVAILABLE', 12.00::numeric(10,2)), ('seat-a2', 'A', 2, 'STANDARD', 'AVAILABLE', 12.00),
             ('seat-a3', 'A', 3, 'STANDARD', 'AVAILABLE', 12.00), ('seat-a4', 'A', 4, 'STANDARD', 'AVAILABLE', 12.00),
             ('seat-b1', 'B', 1, 'PREMIUM', 'AVAILABLE', 15.00), ('seat-b2', 'B', 2, 'PREMIUM', 'AVAILABLE', 15.00),
             ('seat-b3', 'B', 3, 'STANDARD', 'BLOCKED', 12.00), ('seat-b4', 'B', 4, 'VIP', 'AVAILABLE', NULL)$$,
    'seat_map: every seat in drawing order with type, status and price');
SELECT throws_ok($$SELECT * FROM booking.seat_map(gen_random_uuid())$$, 'MQ002', NULL, 'seat_map: SHOWTIME_NOT_FOUND');

-- hold: happy path
CREATE TEMP TABLE h1 ON COMMIT DROP AS SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a2,seat-a1}', 'tok-1');
SELECT is((SELECT expires_at FROM h1), timestamptz '2030-01-01 12:05Z', 'hold expires after hold_ttl_seconds (300)');
SELECT is((SELECT total_amount FROM h1), 24.00::numeric(10,2), 'hold returns the total (2 x 12.00)');
SELECT is((SELECT currency FROM h1), 'USD'::char(3), 'hold returns the cinema currency');
SELECT is((SELECT jsonb_path_query_array(seats, '$[*].id') FROM h1), '["seat-a1", "seat-a2"]'::jsonb, 'hold lists its seats');
SELECT results_eq($$SELECT seat_id, status FROM booking.seat_map(pg_temp.fx('showtime'), 'tok-1') WHERE row_label = 'A'$$,
    $$VALUES ('seat-a1', 'SELECTED'), ('seat-a2', 'SELECTED'), ('seat-a3', 'AVAILABLE'), ('seat-a4', 'AVAILABLE')$$,
    'seat_map: own held seats are SELECTED');
SELECT results_eq($$SELECT seat_id, status FROM booking.seat_map(pg_temp.fx('showtime'), 'someone-else') WHERE seat_id IN ('seat-a1', 'seat-a2')$$,
    $$VALUES ('seat-a1', 'LOCKED'), ('seat-a2', 'LOCKED')$$, 'seat_map: seats held by another session are LOCKED');
SELECT is(booking_internal.hold_seats_json((SELECT hold_id FROM h1)) -> 0 ->> 'price', '12.00', 'hold_seats_json carries prices');
-- issue 25: a hold id is a UUIDv8 whose first 32 bits are the showtime's number, the other 90 bits random (the id is
-- still the customer's capability), so a function given only the id finds its showtime
SELECT matches((SELECT hold_id::text FROM h1), '^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$', 'hold ids are UUIDv8 with random bits');

-- all or nothing, and the conflict names the taken seats
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a2,seat-a3}', 'tok-2')$$, 'MQ010', NULL,
                 'hold: SEAT_UNAVAILABLE when one seat is taken');
SELECT is(tap_fixture.err_detail($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a4,seat-a1,seat-a2}', 'tok-2')$$) -> 'seatIds',
          '["seat-a1", "seat-a2"]'::jsonb, 'the conflict tells exactly which seats were taken');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-a3'), 'AVAILABLE',
          'a failed hold leaves nothing behind (all or nothing)');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-b3}', 'tok-2')$$, 'MQ010', NULL, 'hold: broken seat is unavailable');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-b4}', 'tok-2')$$, 'MQ010', NULL, 'hold: a seat type without a price is not on sale');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-z9}', 'tok-2')$$, 'MQ003', NULL, 'hold: SEAT_NOT_FOUND');
SELECT is(tap_fixture.err_detail($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a3,seat-z9,seat-q1}', 'tok-2')$$) -> 'seatIds',
          '["seat-q1", "seat-z9"]'::jsonb, 'SEAT_NOT_FOUND names the unknown seats');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{}', 'tok-2')$$, 'MQ001', NULL, 'hold: no seats');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a3,seat-a3}', 'tok-2')$$, 'MQ001', NULL, 'hold: duplicate seats');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a3}', '')$$, 'MQ001', NULL, 'hold: session token required');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a3}', 'tok-2', 0)$$, 'MQ001', NULL, 'hold: ttl out of range');
SELECT throws_ok($$SELECT * FROM booking.hold(gen_random_uuid(), '{seat-a3}', 'tok-2')$$, 'MQ002', NULL, 'hold: SHOWTIME_NOT_FOUND');
SET LOCAL marquee.max_seats_per_hold = '2';
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a3,seat-a4,seat-b1}', 'tok-2')$$, 'MQ014', NULL,
                 'hold: TOO_MANY_SEATS above max_seats_per_hold');
SELECT lives_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a3,seat-a4}', 'tok-max')$$, 'hold: exactly max_seats_per_hold is fine');
SET LOCAL marquee.max_seats_per_hold = '10';
SELECT is((SELECT booking.release_hold(id, 'tok-max') FROM booking.holds WHERE session_token = 'tok-max'), true, 'release the max hold');

-- re-hold with the same token replaces the hold: same id, new seats, fresh expiry, no orphans
SET LOCAL marquee.now = '2030-01-01 12:02Z';
CREATE TEMP TABLE h2 ON COMMIT DROP AS SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a2,seat-a3}', 'tok-1');
SELECT is((SELECT hold_id FROM h2), (SELECT hold_id FROM h1), 're-hold keeps the same holdId');
SELECT is((SELECT expires_at FROM h2), timestamptz '2030-01-01 12:07Z', 're-hold extends the expiry');
SELECT results_eq($$SELECT seat_id, status FROM booking.seat_map(pg_temp.fx('showtime'), 'tok-1') WHERE row_label = 'A'$$,
    $$VALUES ('seat-a1', 'AVAILABLE'), ('seat-a2', 'SELECTED'), ('seat-a3', 'SELECTED'), ('seat-a4', 'AVAILABLE')$$,
    're-hold drops seats no longer wanted and adds the new ones');
SELECT is((SELECT count(*)::int FROM booking.holds WHERE session_token = 'tok-1'), 1, 're-hold leaves no orphan hold');
SELECT is((SELECT count(*)::int FROM booking.seat_claims WHERE hold_id = (SELECT hold_id FROM h1)), 2, 're-hold leaves no orphan claims');
SELECT is((SELECT total_amount FROM h2), 24.00::numeric(10,2), 're-hold total is for the new seat set');

-- hold_for / release
SELECT throws_ok($$SELECT booking_internal.hold_for(gen_random_uuid(), NULL)$$, 'MQ004', NULL, 'hold_for: HOLD_NOT_FOUND');
SELECT throws_ok($$SELECT booking_internal.hold_for((SELECT hold_id FROM h1), 'tok-2')$$, 'MQ012', NULL, 'hold_for: HOLD_NOT_YOURS');
SELECT throws_ok($$SELECT booking.release_hold((SELECT hold_id FROM h1), 'tok-2')$$, 'MQ012', NULL, 'release_hold: another session cannot release');
SELECT throws_ok($$SELECT booking.release_hold((SELECT hold_id FROM h1), NULL)$$, 'MQ012', NULL, 'release_hold: token required');
SELECT throws_ok($$SELECT booking.release_hold(gen_random_uuid(), 'tok-1')$$, 'MQ004', NULL, 'release_hold: HOLD_NOT_FOUND');
SELECT is(booking.release_hold((SELECT hold_id FROM h1), 'tok-1'), true, 'release_hold by its session');
SELECT is((SELECT count(*)::int FROM booking.seat_map(pg_temp.fx('showtime')) WHERE status = 'AVAILABLE'), 7, 'released seats are on sale at once');
SELECT is(booking.release_hold((SELECT hold_id FROM h1), 'tok-1'), false, 'releasing twice is harmless');
SELECT throws_ok($$SELECT * FROM booking.price_hold((SELECT hold_id FROM h1))$$, 'MQ013', NULL, 'a released hold is HOLD_NOT_ACTIVE');

-- expiry: no sweeper, the claim's range simply ends
CREATE TEMP TABLE h3 ON COMMIT DROP AS SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-b1}', 'tok-3', 1);
SELECT is((SELECT expires_at FROM h3), timestamptz '2030-01-01 12:02:01Z', 'p_ttl_seconds overrides the default');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-b1'), 'LOCKED', 'held seat is LOCKED');
SET LOCAL marquee.now = '2030-01-01 12:02:02Z';
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-b1'), 'AVAILABLE', 'after the TTL the seat is AVAILABLE');
SELECT throws_ok($$SELECT * FROM booking.price_hold((SELECT hold_id FROM h3))$$, 'MQ011', NULL, 'the expired hold is HOLD_EXPIRED');
SELECT results_eq($$SELECT hold_id, seat_ids FROM booking.expired_holds('2030-01-01 12:00Z')$$,
                  $$SELECT hold_id, ARRAY['seat-b1'] FROM h3$$, 'expired_holds reports the timed-out hold with its seats');
SELECT lives_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-b1}', 'tok-4')$$, 'another session can hold the expired seat');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime'), 'tok-4') WHERE seat_id = 'seat-b1'), 'SELECTED', 'and it is theirs');
SELECT lives_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-b2}', 'tok-3', 1)$$,
                'the same session holding again after expiry gets a new hold');
SELECT isnt((SELECT id FROM booking.holds WHERE session_token = 'tok-3' ORDER BY created_at DESC LIMIT 1), (SELECT hold_id FROM h3),
            'a new hold id after expiry (the expired one stays expired)');
SET LOCAL marquee.now = '2030-01-01 14:00Z';
SELECT is(booking.purge_expired_holds('1 hour'), 3, 'purge_expired_holds deletes the three claims that ended over an hour ago');
SELECT lives_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-b1}', 'tok-7')$$, 'hold b1 again');

-- on sale window
SET LOCAL marquee.now = '2030-01-02 01:00Z';
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a1}', 'tok-5')$$, 'MQ015', NULL, 'hold: SHOWTIME_NOT_ON_SALE once it started');
SET LOCAL marquee.now = '2030-01-01 14:00Z';
SELECT lives_ok($$SELECT booking.cancel_showtime(pg_temp.fx('late'))$$, 'cancel the late showtime');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('late'), '{seat-a1}', 'tok-5')$$, 'MQ015', NULL, 'hold: SHOWTIME_NOT_ON_SALE when cancelled');

-- operator blocks
SELECT is(booking.block_seats(pg_temp.fx('showtime'), '{seat-a1,seat-a2}', 'ops@test', 'spill'), 2, 'block_seats');
SELECT is((SELECT count(*)::int FROM booking.seat_map(pg_temp.fx('showtime')) WHERE status = 'BLOCKED'), 3, 'blocked seats are BLOCKED');
SELECT is(booking.block_seats(pg_temp.fx('showtime'), '{seat-a1}'), 0, 'blocking a blocked seat again is a no-op');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.fx('showtime'), '{seat-a1}', 'tok-6')$$, 'MQ010', NULL, 'a blocked seat cannot be held');
SELECT throws_ok($$SELECT booking.block_seats(pg_temp.fx('showtime'), '{seat-b1}')$$, 'MQ010', NULL, 'block_seats: SEAT_UNAVAILABLE on a held seat');
SELECT throws_ok($$SELECT booking.block_seats(gen_random_uuid(), '{seat-b1}')$$, 'MQ002', NULL, 'block_seats: SHOWTIME_NOT_FOUND');
SET LOCAL marquee.now = '2030-01-01 14:01Z';
SELECT is(booking.unblock_seats(pg_temp.fx('showtime'), '{seat-a1,seat-a2}', 'ops@test'), 2, 'unblock_seats');
SELECT is((SELECT count(*)::int FROM booking.seat_map(pg_temp.fx('showtime')) WHERE status = 'BLOCKED'), 1, 'unblocked seats are back on sale');
SELECT is((SELECT count(*)::int FROM booking.audit_log WHERE action IN ('seats.block', 'seats.unblock') AND actor = 'db:postgres'), 3,
          'blocks are audited, no-ops too, naming the DBA who ran them (p_actor is ignored)');
SELECT throws_ok($$SELECT booking.unblock_seats(pg_temp.fx('showtime'), '{seat-zz}')$$, 'MQ003', NULL, 'unblock_seats: SEAT_NOT_FOUND');

SELECT * FROM finish();
ROLLBACK;
