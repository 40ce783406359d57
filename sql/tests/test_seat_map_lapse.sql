-- booking.seat_map_next_lapse: how long a reader may keep a copy of a showtime's seat map before a hold or a
-- payment window runs out by itself (which writes nothing and so publishes nothing at that instant).
BEGIN;
SELECT plan(6);
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;  -- clock pinned at 2030-01-01 12:00Z, holds 300 s, payment 600 s

SELECT is(booking.seat_map_next_lapse(pg_temp.fx('showtime')), NULL, 'nothing held: no lapse to wait for');

DO $$ BEGIN PERFORM pg_temp.hold('{seat-a1}', 'lapse-1'); END $$;
SELECT is(booking.seat_map_next_lapse(pg_temp.fx('showtime')), 300::float8, 'a fresh hold runs out in 300 s');

SET LOCAL marquee.now = '2030-01-01 12:01:40Z';
DO $$ BEGIN PERFORM pg_temp.hold('{seat-a2}', 'lapse-2'); END $$;
SELECT is(booking.seat_map_next_lapse(pg_temp.fx('showtime')), 200::float8, '100 s later: the first hold is the next to run out');
SELECT is(booking.seat_map_next_lapse(pg_temp.fx('late')), NULL, 'another showtime''s holds do not count');

SET LOCAL marquee.now = '2030-01-01 12:05:01Z';
SELECT is(booking.seat_map_next_lapse(pg_temp.fx('showtime')), 99::float8, 'a hold that ran out no longer counts');

DO $$ BEGIN PERFORM pg_temp.book('{seat-a3}', 'lapse-3'); END $$;  -- confirmed and paid: the claim is open-ended
SET LOCAL marquee.now = '2030-01-01 12:06:41Z';
SELECT is(booking.seat_map_next_lapse(pg_temp.fx('showtime')), NULL, 'sold seats and lapsed holds leave nothing to wait for');

SELECT * FROM finish();
ROLLBACK;
