-- The no-double-selling invariant across real sessions. Sessions B and A2 are dblink connections to this same
-- database, so their work is committed (or deliberately left uncommitted) independently of this transaction.
-- This session only reads and makes attempts that fail (rolled back inside throws_ok), so it holds no row
-- locks on the fixture, and session B can delete the committed fixture at the end.
BEGIN;
SELECT plan(16);
SELECT dblink_connect('core_b', format('host=127.0.0.1 port=%s dbname=%s user=%s', current_setting('port'), current_database(), current_user));
SELECT dblink_connect('core_a2', format('host=127.0.0.1 port=%s dbname=%s user=%s', current_setting('port'), current_database(), current_user));
-- If this file fails half-way, A2's open transaction must not block later tests (e.g. migrate) for long;
-- nothing here may wait forever; smart seating's no-lone-seat rule (tested elsewhere) is off for these seats.
SELECT dblink_exec(c, 'SET idle_in_transaction_session_timeout = ''10s''; SET statement_timeout = ''20s''; SET marquee.lone_seat_rule = ''off''')
  FROM unnest(ARRAY['core_b', 'core_a2']) c;
SET LOCAL marquee.lone_seat_rule = 'off';

-- Committed fixture, created by session B: 4 seats in row A and one in row B, one showtime tomorrow (real clock: no marquee.now here).
CREATE TEMP TABLE cfx ON COMMIT DROP AS SELECT * FROM dblink('core_b', $q$
    WITH c AS (SELECT booking.create_cinema('Concurrency ' || gen_random_uuid(), 'X', 'UTC') AS id),
         a AS (SELECT booking.create_auditorium(c.id, 'Hall', '{"rows": [{"label": "A", "seats": [{"number": 1}, {"number": 2}, {"number": 3}, {"number": 4}]}, {"label": "B", "seats": [{"number": 1}]}]}') AS id FROM c),
         m AS (SELECT booking.create_movie('Concurrency', 90) AS id)
    SELECT c.id, a.id, m.id, booking.create_showtime(m.id, a.id, date_trunc('hour', now()) + interval '2 days', '{"STANDARD": 10.00}')
      FROM c, a, m $q$) AS t(cinema uuid, auditorium uuid, movie uuid, showtime uuid);
CREATE FUNCTION pg_temp.st() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT showtime FROM cfx $$;
CREATE FUNCTION pg_temp.remote_hold(p_conn text, p_seat text, p_token text, p_ttl int DEFAULT NULL) RETURNS uuid LANGUAGE sql AS $$
    SELECT h FROM dblink(p_conn, format('SELECT hold_id FROM booking.hold(%L, ARRAY[%L], %L, %s)', pg_temp.st(), p_seat, p_token,
                                        coalesce(p_ttl::text, 'NULL'))) AS t(h uuid) $$;

SELECT ok((SELECT count(*) FROM booking.seat_map(pg_temp.st())) = 5, 'this session sees the fixture committed by session B');

-- B holds a seat and commits: A's hold of the same seat is refused, naming the seat.
SELECT isnt(pg_temp.remote_hold('core_b', 'seat-a1', 'sess-b'), NULL, 'session B holds seat-a1 (committed)');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.st(), '{seat-a1}', 'sess-a')$$, 'MQ010', NULL,
                 'session A holding the same seat: SEAT_UNAVAILABLE');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.st(), '{seat-a4,seat-a1}', 'sess-a')$$, 'MQ010', NULL,
                 'all or nothing across sessions: a request including the taken seat fails');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.st(), 'sess-a') WHERE seat_id = 'seat-a1'), 'LOCKED', 'A sees B''s seat as LOCKED');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.st(), 'sess-a') WHERE seat_id = 'seat-a4'), 'AVAILABLE', 'A''s failed attempt left nothing behind');

-- A2 holds a seat inside an open transaction: B waits on the row lock and gives up at lock_timeout.
SELECT dblink_exec('core_a2', 'BEGIN');
SELECT isnt(pg_temp.remote_hold('core_a2', 'seat-a2', 'sess-a2'), NULL, 'session A2 holds seat-a2, not yet committed');
SELECT dblink_exec('core_b', 'SET lock_timeout = ''300ms''');
SELECT is((SELECT status FROM dblink('core_b', format('SELECT status FROM booking.seat_map(%L) WHERE seat_id = ''seat-a2''', pg_temp.st())) AS t(status text)),
          'AVAILABLE', 'B cannot see A2''s uncommitted hold ...');
SELECT throws_ok($$SELECT pg_temp.remote_hold('core_b', 'seat-a2', 'sess-b2')$$, '55P03', NULL,
                 '... yet B''s hold of that seat waits on the row lock and fails at lock_timeout');
-- (claimers of one ROW are decided one after the other: the lone-seat rule reads a seat's neighbours)
SELECT isnt(pg_temp.remote_hold('core_b', 'seat-b1', 'sess-b3'), NULL,
            'meanwhile B holds a seat of another row of the same showtime at once (no showtime-wide lock)');
SELECT dblink_exec('core_a2', 'COMMIT');
SELECT throws_ok($$SELECT pg_temp.remote_hold('core_b', 'seat-a2', 'sess-b2')$$, 'MQ010', NULL,
                 'once A2 commits, B gets SEAT_UNAVAILABLE for that seat');
SELECT dblink_exec('core_b', 'RESET lock_timeout');

-- Expiry with the real clock: a 1-second hold stops blocking by itself.
SELECT isnt(pg_temp.remote_hold('core_b', 'seat-a4', 'sess-short', 1), NULL, 'B holds seat-a4 for 1 second');
SELECT throws_ok($$SELECT * FROM booking.hold(pg_temp.st(), '{seat-a4}', 'sess-a')$$, 'MQ010', NULL, 'before expiry A cannot hold it');
SELECT pg_sleep(1.1);
SELECT is((SELECT status FROM booking.seat_map(pg_temp.st()) WHERE seat_id = 'seat-a4'), 'AVAILABLE', 'after 1.1 s the seat is AVAILABLE again');
SELECT isnt(pg_temp.remote_hold('core_a2', 'seat-a4', 'sess-a2-late'), NULL, 'and another session holds it');

-- Remove the committed fixture.
SELECT dblink_exec('core_b', format($q$
    DELETE FROM booking.seat_claims WHERE showtime_id = %1$L;
    DELETE FROM booking.holds WHERE showtime_id = %1$L;
    DELETE FROM booking.showtimes WHERE id = %1$L;
    DELETE FROM booking.auditoriums WHERE id = %2$L;
    DELETE FROM booking.cinemas WHERE id = %3$L;
    DELETE FROM booking.movies WHERE id = %4$L $q$, pg_temp.st(), (SELECT auditorium FROM cfx), (SELECT cinema FROM cfx), (SELECT movie FROM cfx)));
SELECT is((SELECT count(*)::int FROM booking.cinemas WHERE id = (SELECT cinema FROM cfx)), 0, 'fixture removed');
SELECT dblink_disconnect('core_a2');
SELECT dblink_disconnect('core_b');
SELECT * FROM finish();
ROLLBACK;
