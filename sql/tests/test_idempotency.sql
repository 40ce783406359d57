-- Idempotency keys of the HTTP layer: replay, reuse with another request, in progress, and takeover of a claim
-- whose database session died (its API process was killed).
BEGIN;
SELECT plan(8);

SELECT is((SELECT state FROM booking.idempotency_begin('t.confirm', 'k1', 'h1')), 'NEW', 'a new key is claimed');
SELECT throws_ok($$SELECT * FROM booking.idempotency_begin('t.confirm', 'k1', 'h1')$$, 'MQI02', NULL,
                 'the same key while the first request runs (its session alive): IDEMPOTENCY_IN_PROGRESS');
DO $$ BEGIN PERFORM booking.idempotency_finish('t.confirm', 'k1', 201, '{"bookingId": "b1"}'); END $$;
SELECT results_eq($$SELECT state, status_code, response FROM booking.idempotency_begin('t.confirm', 'k1', 'h1')$$,
                  $$VALUES ('REPLAY', 201, '{"bookingId": "b1"}'::jsonb)$$, 'a finished key replays its answer');
SELECT throws_ok($$SELECT * FROM booking.idempotency_begin('t.confirm', 'k1', 'other')$$, 'MQI01', NULL,
                 'the same key with another request: IDEMPOTENCY_KEY_REUSED');
SELECT is((SELECT state FROM booking.idempotency_begin('t.pay', 'k1', 'h1')), 'NEW', 'keys are scoped per endpoint');
DO $$ BEGIN PERFORM booking.idempotency_abandon('t.pay', 'k1'); END $$;
SELECT is((SELECT state FROM booking.idempotency_begin('t.pay', 'k1', 'h1')), 'NEW', 'an abandoned key (5xx) is free again');

-- A claim made by another session that then dies is taken over at once (no 60 s wait). The dblink session
-- commits its claim (a unique key that simply expires later); everything else here rolls back.
DO $$ BEGIN
    PERFORM dblink_connect('idem', format('host=127.0.0.1 port=%s dbname=%s user=%s', current_setting('port'),
                                        current_database(), current_user));
    PERFORM dblink_exec('idem', 'SET statement_timeout = ''10s''');
END $$;
SELECT is((SELECT state FROM dblink('idem', $$SELECT state FROM booking.idempotency_begin('t.cancel', 'dead-' || txid_current(), 'h')$$)
                              AS t(state text)), 'NEW', 'another session claims a key');
CREATE TEMP TABLE dead_key ON COMMIT DROP AS SELECT key FROM booking.idempotency_keys WHERE endpoint = 't.cancel';
DO $$ BEGIN PERFORM dblink_disconnect('idem'); END $$;
-- the server removes the closed session from pg_stat_activity within moments
DO $$ BEGIN
    FOR i IN 1 .. 100 LOOP
        EXIT WHEN NOT EXISTS (SELECT 1 FROM booking.idempotency_keys k JOIN pg_stat_activity a ON a.pid = k.owner_pid
                               WHERE k.endpoint = 't.cancel');
        PERFORM pg_sleep(0.05);
    END LOOP;
END $$;
SELECT is((SELECT state FROM booking.idempotency_begin('t.cancel', (SELECT key FROM dead_key), 'h')), 'NEW',
          'the dead session''s claim is taken over by the retry');
SELECT * FROM finish();
ROLLBACK;
