-- Issue 20: on-sale schedule and waiting room (91_queue.sql): NOT_YET_ON_SALE, join idempotent, random order at the
-- opening is a permutation, FIFO after, admission at the rate, admission token on hold (and hold_batch), expiry with
-- marquee.now, places freed, sold-out propagation, DBA steering.
BEGIN;
SELECT plan(35);
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;

-- a showtime without a schedule is untouched
SELECT lives_ok($$SELECT pg_temp.hold('{seat-a1}', 'free-1', 'late')$$, 'no on-sale row: holds as before');

-- the schedule: opens at 13:00, queue on, 2 a minute, 10-minute admissions
SELECT is((booking.set_on_sale(pg_temp.fx('showtime'), '2030-01-01 13:00Z', true, 2, NULL))->>'admissionMinutes', '10',
          'set_on_sale: admissionMinutes defaults to 10');
SELECT is((booking.get_on_sale(pg_temp.fx('showtime')))->>'admitPerMinute', '2', 'get_on_sale returns it');
SELECT throws_ok($$SELECT booking.get_on_sale(pg_temp.fx('late'))$$, 'MQQ06', NULL, 'get_on_sale: ON_SALE_NOT_FOUND');
SELECT throws_ok($$SELECT pg_temp.hold('{seat-a1}', 'early')$$, 'MQQ01', NULL, 'hold before opensAt: NOT_YET_ON_SALE');
SELECT is(tap_fixture.err_detail($$SELECT pg_temp.hold('{seat-a2}', 'early')$$)->>'opensAt', '2030-01-01T13:00:00+00:00',
          'NOT_YET_ON_SALE names details.opensAt');
SELECT is((booking.hold_batch(pg_temp.fx('showtime'), '[{"seatIds": ["seat-a2"], "sessionToken": "b1"}]'))->0->>'code',
          'NOT_YET_ON_SALE', 'hold_batch refuses it too');

-- 20 join before the opening; joining twice is the same entry
CREATE TEMP TABLE j ON COMMIT DROP AS
    SELECT n, booking.queue_join(pg_temp.fx('showtime'), 'tok-' || n) AS e FROM generate_series(1, 20) n;
SELECT is((booking.queue_join(pg_temp.fx('showtime'), 'tok-7'))->>'queueId', (SELECT e->>'queueId' FROM j WHERE n = 7),
          'join is idempotent per session token');
SELECT is((SELECT count(*) FROM booking.queue_entries WHERE showtime_id = pg_temp.fx('showtime')), 20::bigint,
          'twenty entries, no duplicate');
SELECT ok((SELECT bool_and(e->>'status' = 'WAITING' AND (e->>'estimatedWaitSeconds')::int >= 3600) FROM j),
          'before the opening: WAITING, wait at least until opensAt');
SELECT throws_ok($$SELECT booking.queue_join(pg_temp.fx('late'), 'x')$$, 'MQQ05', NULL, 'no waiting room: QUEUE_NOT_ENABLED');
SELECT throws_ok($$SELECT booking.queue_join(pg_temp.fx('showtime'), '')$$, 'MQ001', NULL, 'join: sessionToken required');
SELECT throws_ok($$SELECT booking.queue_entry(gen_random_uuid())$$, 'MQQ04', NULL, 'unknown queue id: QUEUE_NOT_FOUND');

-- the opening: positions 1..20 drawn at random (a permutation), then FCFS
DO $$ BEGIN PERFORM set_config('marquee.now', '2030-01-01 13:00Z', true); END $$;
SELECT throws_ok($$SELECT pg_temp.hold('{seat-a1}', 'tok-1')$$, 'MQQ02', NULL, 'after opening, no token: ADMISSION_REQUIRED');
SELECT is(booking.queue_tick(), 0, 'at the opening instant nothing is earned yet');
SELECT results_eq($$SELECT position FROM booking.queue_entries WHERE showtime_id = pg_temp.fx('showtime') ORDER BY position$$,
                  $$SELECT generate_series(1, 20)::bigint$$, 'the draw is a permutation of 1..20');
SELECT isnt(ARRAY(SELECT q.position FROM j JOIN booking.queue_entries q ON q.id = (j.e->>'queueId')::uuid ORDER BY j.n),
            ARRAY(SELECT generate_series(1, 20)::bigint), 'the draw is not the join order (1 in 20! to fail by chance)');
SELECT is((booking.queue_join(pg_temp.fx('showtime'), 'late-1'))->>'position', '21', 'a joiner after opening is 21st');
SELECT is((booking.queue_join(pg_temp.fx('showtime'), 'late-2'))->>'position', '22', 'and the next 22nd (FCFS)');

-- admission: 2 a minute, in position order
DO $$ BEGIN PERFORM set_config('marquee.now', '2030-01-01 13:01Z', true); END $$;
SELECT is(booking.queue_tick(), 2, 'one minute later two are admitted');
SELECT results_eq($$SELECT position FROM booking.queue_entries WHERE status = 'ADMITTED' AND showtime_id = pg_temp.fx('showtime') ORDER BY 1$$,
                  $$VALUES (1::bigint), (2::bigint)$$, 'the first two positions');
CREATE TEMP TABLE a ON COMMIT DROP AS
    SELECT q.session_token, booking.queue_entry(q.id) AS e FROM booking.queue_entries q
     WHERE q.status = 'ADMITTED' AND q.showtime_id = pg_temp.fx('showtime') ORDER BY q.position;
SELECT ok((SELECT bool_and(length(e->>'admissionToken') = 64 AND e->>'admittedUntil' = '2030-01-01T13:11:00+00:00') FROM a),
          'an admitted entry shows its token and admittedUntil (10 minutes)');
SELECT ok(NOT EXISTS (SELECT 1 FROM booking.queue_entries q, a WHERE q.admission_token_hash = convert_to(a.e->>'admissionToken', 'UTF8')),
          'the token itself is not stored');
SELECT is((SELECT (booking.queue_entry(q.id))->>'position' FROM booking.queue_entries q
            WHERE q.showtime_id = pg_temp.fx('showtime') AND q.position = 3), '1', 'position 3 is now next (1)');
SELECT lives_ok($$SELECT booking.hold(pg_temp.fx('showtime'), '{seat-a1}', (SELECT session_token FROM a LIMIT 1), NULL, NULL,
                                      (SELECT e->>'admissionToken' FROM a LIMIT 1))$$, 'an admitted buyer holds with the token');
SELECT throws_ok($$SELECT booking.hold(pg_temp.fx('showtime'), '{seat-a2}', 'tok-somebody', NULL, NULL,
                                       (SELECT e->>'admissionToken' FROM a LIMIT 1))$$, 'MQQ02', NULL,
                 'the token is bound to its session token');
SELECT is((booking.hold_batch(pg_temp.fx('showtime'), jsonb_build_array(jsonb_build_object('seatIds', '["seat-a3"]'::jsonb,
            'sessionToken', (SELECT session_token FROM a OFFSET 1 LIMIT 1), 'admissionToken', (SELECT e->>'admissionToken' FROM a OFFSET 1 LIMIT 1)))))->0->>'ok',
          'true', 'hold_batch accepts the admitted buyer too');

-- leaving frees the place; the window ends at admittedUntil
SELECT is((booking.queue_leave((SELECT (e->>'queueId')::uuid FROM a LIMIT 1), (SELECT session_token FROM a LIMIT 1)))->>'status',
          'EXPIRED', 'leaving: EXPIRED');
SELECT throws_ok($$SELECT booking.hold(pg_temp.fx('showtime'), '{seat-a1}', (SELECT session_token FROM a LIMIT 1), NULL, NULL,
                                       (SELECT e->>'admissionToken' FROM a LIMIT 1))$$, 'MQQ03', NULL, 'after leaving: ADMISSION_EXPIRED');
DO $$ BEGIN PERFORM set_config('marquee.now', '2030-01-01 13:12Z', true); END $$;
SELECT throws_ok($$SELECT booking.hold(pg_temp.fx('showtime'), '{seat-a3}', (SELECT session_token FROM a OFFSET 1 LIMIT 1), NULL, NULL,
                                       (SELECT e->>'admissionToken' FROM a OFFSET 1 LIMIT 1))$$, 'MQQ03', NULL,
                 'after admittedUntil: ADMISSION_EXPIRED');
SELECT cmp_ok(booking.queue_tick(), '>=', 1, 'the next step admits the next ones');

-- DBA steering: pause, admit more, status
SELECT is((booking_ops.queue_pause(pg_temp.fx('showtime'), true))->>'paused', 'true', 'pause');
DO $$ BEGIN PERFORM set_config('marquee.now', '2030-01-01 13:20Z', true); END $$;
SELECT is(booking.queue_tick(), 0, 'paused: nobody admitted');
SELECT is(booking_ops.queue_admit(pg_temp.fx('showtime'), 1), 1, 'the DBA admits one more by hand');

-- sold out: everyone waiting is told at once
DO $$ BEGIN PERFORM booking.block_seats(pg_temp.fx('showtime'), '{seat-a1,seat-a2,seat-a3,seat-a4,seat-b1,seat-b2}'); END $$;
DO $$ BEGIN PERFORM booking.queue_tick(); END $$;
SELECT is((SELECT count(*) FROM booking.queue_entries WHERE showtime_id = pg_temp.fx('showtime') AND status = 'WAITING'), 0::bigint,
          'sold out: no one is left WAITING');
SELECT * FROM finish();
ROLLBACK;
