-- Operators, roles and scopes (issue 18): booking.require, operator functions called without an actor (as
-- booking_api: refused), sessions and keys that expire, log out or are revoked, deactivation, login in SQL
-- (digest comparison, one use per attempt, throttling), the bootstrap key, and the cancellation override.
BEGIN;
SELECT plan(93);
SET LOCAL marquee.now = '2030-05-01 12:00Z';
SET LOCAL marquee.publish_seat_changes = 'off';
SET LOCAL marquee.lone_seat_rule = 'off';
CREATE TEMP TABLE fx (key text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
CREATE TEMP TABLE tok (key text PRIMARY KEY, token text NOT NULL) ON COMMIT DROP;
GRANT SELECT ON fx, tok TO PUBLIC;
CREATE FUNCTION pg_temp.fx(p_key text) RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT id FROM fx WHERE key = p_key $$;
CREATE FUNCTION pg_temp.tok(p_key text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT token FROM tok WHERE key = p_key $$;
-- act with a credential (or none: '') for the rest of the transaction
CREATE FUNCTION pg_temp.act(p_key text) RETURNS text LANGUAGE sql AS $$
    SELECT set_config('marquee.credential', coalesce(pg_temp.tok(p_key), ''), true) $$;
GRANT EXECUTE ON FUNCTION pg_temp.fx(text), pg_temp.tok(text), pg_temp.act(text) TO PUBLIC;
-- the API hashes passwords with argon2id; SQL only compares SHA-256 of the digest, so any 32 bytes stand in here
CREATE FUNCTION pg_temp.digest(p_password text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(convert_to('argon2-stand-in:' || p_password, 'UTF8')) $$;
CREATE FUNCTION pg_temp.login(p_email text, p_password text) RETURNS text LANGUAGE sql AS $$
    SELECT f.token FROM booking.login_begin(p_email, '192.0.2.10') b,
                        booking.login_finish(b.attempt_id, pg_temp.digest(p_password)) f $$;

-- Two cinemas, a showtime and a paid booking in each; operators for cinema A and one manager of B (as the DBA).
DO $fixture$
DECLARE a uuid; b uuid; aa uuid; ab uuid; m uuid; sa uuid; sb uuid; h uuid; bk uuid; k text;
        kdf text := '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA';
BEGIN
    a := booking.create_cinema('OP Cinema A', 'New York', 'America/New_York', 'USD');
    b := booking.create_cinema('OP Cinema B', 'London', 'Europe/London', 'GBP');
    aa := booking.create_auditorium(a, 'OP A1', '{"rows": [{"label": "A", "seats": [{"number": 1}, {"number": 2}, {"number": 3}, {"number": 4}]}]}');
    ab := booking.create_auditorium(b, 'OP B1', '{"rows": [{"label": "A", "seats": [{"number": 1}, {"number": 2}]}]}');
    m := booking.create_movie('OP Movie', 100);
    sa := booking.create_showtime(m, aa, '2030-05-01 13:00Z', '{"STANDARD": 10.00}');  -- one hour away: inside the cutoff
    sb := booking.create_showtime(m, ab, '2030-05-03 19:00Z', '{"STANDARD": 8.00}');
    SELECT hold_id INTO h FROM booking.hold(sa, '{seat-a1}', 'op-1');
    SELECT booking_id INTO bk FROM booking.confirm(h, 'cust@example.com', 'Cus Tomer', NULL, 'CARD', 'op-1');
    PERFORM booking.attach_payment_intent(bk, 'pi_op_1');
    PERFORM booking.record_payment('pi_op_1', 'succeeded');
    INSERT INTO fx VALUES ('a', a), ('b', b), ('aud_a', aa), ('aud_b', ab), ('movie', m), ('show_a', sa), ('show_b', sb),
                          ('booking_a', bk);
    INSERT INTO fx SELECT 'op_' || replace(split_part(r.email, '@', 1), '-', '_'), (booking.create_operator(r.email, r.role || ' op', r.role, r.cinemas, kdf,
                                                    pg_temp.digest('pw-' || lower(r.role))) ->> 'id')::uuid
      FROM (VALUES ('owner@op.example', 'OWNER', NULL::uuid[]), ('manager@op.example', 'MANAGER', ARRAY[a]),
                   ('box@op.example', 'BOX_OFFICE', ARRAY[a]), ('door@op.example', 'DOOR', ARRAY[a]),
                   ('analyst@op.example', 'ANALYST', ARRAY[a]), ('manager-b@op.example', 'MANAGER', ARRAY[b])) r(email, role, cinemas);
    INSERT INTO tok SELECT r.role, pg_temp.login(r.email, 'pw-' || r.pw)
      FROM (VALUES ('owner', 'owner@op.example', 'owner'), ('manager', 'manager@op.example', 'manager'),
                   ('box', 'box@op.example', 'box_office'), ('door', 'door@op.example', 'door'),
                   ('analyst', 'analyst@op.example', 'analyst'), ('manager_b', 'manager-b@op.example', 'manager')) r(role, email, pw);
    INSERT INTO tok SELECT 'manager2', pg_temp.login('manager@op.example', 'pw-manager');  -- a second session
    -- a key made by the manager (as the manager), and one made by the DBA
    PERFORM pg_temp.act('owner');
    SELECT x.key INTO k FROM booking.create_api_key('scanner', 'BOX_OFFICE', ARRAY[a]) x;
    INSERT INTO tok VALUES ('key_box', k);
    PERFORM pg_temp.act('');
    SELECT x.key INTO k FROM booking.create_api_key('bi export', 'ANALYST', ARRAY[a]) x;
    INSERT INTO tok VALUES ('key_analyst', k);
END $fixture$;

-- ------------------------------------------------------------------------------------------------ the DBA
SELECT is((SELECT (r).kind || ' ' || (r).label || ' ' || (r).role FROM (SELECT booking.require('operators.manage') r) x),
          'database db:postgres OWNER', 'a superuser in psql with no credential acts as an OWNER named by its role');
SET LOCAL ROLE booking_admin;
SELECT is((booking.require('seats.block', pg_temp.fx('a'))).label, 'db:booking_admin', 'so does a member of booking_admin');
RESET ROLE;

-- ------------------------------------------------------------------------------------------------ booking_api, no actor
SET LOCAL ROLE booking_api;
SELECT throws_ok($$SELECT booking.require('seats.block')$$, 'MQA01', NULL, 'booking.require: UNAUTHORIZED without a credential');
SELECT ok(NOT booking.may('reports.read'), 'booking.may: false without a credential');
SELECT throws_ok($$SELECT booking.create_cinema('X', 'Y', 'Europe/Paris')$$, 'MQA01', NULL, 'create_cinema refused');
SELECT throws_ok($$SELECT booking.update_cinema(pg_temp.fx('a'), 'X')$$, 'MQA01', NULL, 'update_cinema refused');
SELECT throws_ok($$SELECT booking.create_auditorium(pg_temp.fx('a'), 'X', '{"rows": [{"label": "A", "seats": [{"number": 1}]}]}')$$,
                 'MQA01', NULL, 'create_auditorium refused');
SELECT throws_ok($$SELECT booking.set_seats_active(pg_temp.fx('aud_a'), '{seat-a1}', false, 'me')$$, 'MQA01', NULL, 'set_seats_active refused');
SELECT throws_ok($$SELECT booking.create_movie('X', 90)$$, 'MQA01', NULL, 'create_movie refused');
SELECT throws_ok($$SELECT booking.update_movie(pg_temp.fx('movie'), 'X')$$, 'MQA01', NULL, 'update_movie refused');
SELECT throws_ok($$SELECT booking.create_showtime(pg_temp.fx('movie'), pg_temp.fx('aud_a'), '2030-06-01 12:00Z')$$, 'MQA01', NULL,
                 'create_showtime refused');
SELECT throws_ok($$SELECT booking.set_prices(pg_temp.fx('show_a'), '{"STANDARD": 0}')$$, 'MQA01', NULL, 'set_prices refused');
SELECT throws_ok($$SELECT booking.cancel_showtime(pg_temp.fx('show_a'), 'anyone')$$, 'MQA01', NULL, 'cancel_showtime refused');
SELECT throws_ok($$SELECT booking.create_promo_code('FREE100', 'PERCENT', 100)$$, 'MQA01', NULL, 'create_promo_code refused');
SELECT throws_ok($$SELECT booking.set_promo_code_active('FREE100', true)$$, 'MQA01', NULL, 'set_promo_code_active refused');
SELECT throws_ok($$SELECT booking.block_seats(pg_temp.fx('show_a'), '{seat-a2}', 'me')$$, 'MQA01', NULL, 'block_seats refused');
SELECT throws_ok($$SELECT booking.unblock_seats(pg_temp.fx('show_a'), '{seat-a2}', 'me')$$, 'MQA01', NULL, 'unblock_seats refused');
SELECT throws_ok($$SELECT * FROM booking.showtime_bookings(pg_temp.fx('show_a'))$$, 'MQA01', NULL, 'showtime_bookings refused');
SELECT throws_ok($$SELECT * FROM booking.search_bookings('cust@example.com')$$, 'MQA01', NULL, 'search_bookings refused');
SELECT throws_ok($$SELECT * FROM booking.showtime_seat_history(pg_temp.fx('show_a'))$$, 'MQA01', NULL, 'seat history refused');
SELECT throws_ok($$SELECT booking.set_lone_seat_rule(pg_temp.fx('show_a'), true, 'me')$$, 'MQA01', NULL, 'set_lone_seat_rule refused');
SELECT throws_ok($$SELECT booking.set_focal_point(pg_temp.fx('aud_a'), 1, 1, 'me')$$, 'MQA01', NULL, 'set_focal_point refused');
SELECT throws_ok($$SELECT booking.link_companion_seats(pg_temp.fx('aud_a'), 'seat-a1', '{}', 'me')$$, 'MQA01', NULL,
                 'link_companion_seats refused');
SELECT throws_ok($$SELECT booking.allocate_channel_seats(pg_temp.fx('show_a'), '{seat-a3}', 'partner', NULL, 'me')$$, 'MQA01', NULL,
                 'allocate_channel_seats refused');
SELECT throws_ok($$SELECT booking.release_channel_seats(pg_temp.fx('show_a'), 'partner', NULL, 'me')$$, 'MQA01', NULL,
                 'release_channel_seats refused');
SELECT throws_ok($$SELECT * FROM booking.outbox_retry(1, 'me')$$, 'MQA01', NULL, 'outbox_retry refused');
SELECT throws_ok($$SELECT booking.failed_messages_json()$$, 'MQA01', NULL, 'failed_messages_json refused');
SELECT is_empty($$SELECT * FROM booking.failed_messages$$, 'the failed_messages view shows booking_api nothing');
SELECT throws_ok($$SELECT * FROM booking.report('daily_bookings')$$, 'MQA01', NULL, 'report refused');
SELECT throws_ok($$SELECT * FROM booking.report_window()$$, 'MQA01', NULL, 'report_window refused');
SELECT throws_ok($$SELECT booking.list_operators()$$, 'MQA01', NULL, 'list_operators refused');
SELECT throws_ok($$SELECT booking.create_operator('evil@op.example', 'E', 'OWNER', NULL, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA', pg_temp.digest('x'))$$,
                 'MQA01', NULL, 'create_operator refused');
SELECT throws_ok($$SELECT booking.update_operator(pg_temp.fx('op_door'), 'OWNER')$$, 'MQA01', NULL, 'update_operator refused');
SELECT throws_ok($$SELECT * FROM booking.create_api_key('evil', 'OWNER')$$, 'MQA01', NULL, 'create_api_key refused');
SELECT throws_ok($$SELECT booking.list_api_keys()$$, 'MQA01', NULL, 'list_api_keys refused');
SELECT throws_ok($$SELECT booking.revoke_api_key(gen_random_uuid())$$, 'MQA01', NULL, 'revoke_api_key refused (before looking it up)');
SELECT throws_ok($$SELECT booking.whoami()$$, 'MQA01', NULL, 'whoami refused');
-- issue 22: the override is a privilege, never an argument
SELECT throws_ok($$SELECT * FROM booking.cancel(pg_temp.fx('booking_a'), 'late', NULL, 'anything', true)$$, 'MQA01', NULL,
                 'booking.cancel(p_override_policy => true, p_actor => anything) without a credential: UNAUTHORIZED');
SELECT throws_ok($$SELECT * FROM booking.cancel(pg_temp.fx('booking_a'), 'late', NULL, 'ops@cinema')$$, 'MQA01', NULL,
                 'an operator cancel (p_actor not customer) needs a credential too');
SELECT throws_ok($$SELECT * FROM booking.cancel(pg_temp.fx('booking_a'), 'late')$$, 'MQ040', NULL,
                 'the customer''s own cancel still follows the policy (CANCEL_TOO_LATE)');
SELECT set_config('marquee.credential', 'nonsense-token', true);
SELECT throws_ok($$SELECT booking.require('seats.block')$$, 'MQA01', 'the credential is unknown, expired or revoked',
                 'an unknown credential: UNAUTHORIZED');
RESET ROLE;
SET LOCAL ROLE booking_worker;
SELECT pg_temp.act('');
SELECT throws_ok($$SELECT booking.block_seats(pg_temp.fx('show_a'), '{seat-a2}')$$, 'MQA01', NULL, 'booking_worker is refused too');
RESET ROLE;

SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'booking' AND p.prosrc LIKE '%booking_internal.audit(%'
                     AND p.prosrc NOT LIKE '%booking.require(%'
                     AND p.proname NOT IN ('login_finish', 'logout')$$,
                'every API function that writes the audit log first checks the actor with booking.require');

-- ------------------------------------------------------------------------------------------------ roles and cinemas
SET LOCAL ROLE booking_api;
SELECT pg_temp.act('manager');
SELECT is((booking.require('seats.block', pg_temp.fx('a'))).email, 'manager@op.example', 'a MANAGER of A may block seats in A');
SELECT throws_ok($$SELECT booking.require('seats.block', pg_temp.fx('b'))$$, 'MQA02', NULL, '... not in B (FORBIDDEN)');
SELECT throws_ok($$SELECT booking.require('movies.manage')$$, 'MQA02', NULL, '... nor change movies: they belong to every cinema');
SELECT throws_ok($$SELECT booking.require('operators.manage')$$, 'MQA02', NULL, '... nor manage operators');
SELECT throws_ok($$SELECT booking.require('no.such.thing')$$, 'MQ001', NULL, 'an unknown permission is a VALIDATION_ERROR');
SELECT throws_ok($$SELECT booking.block_seats(pg_temp.fx('show_b'), '{seat-a1}')$$, 'MQA02', NULL, 'blocking a seat of B: FORBIDDEN');
SELECT throws_ok($$SELECT * FROM booking.report('daily_bookings', pg_temp.fx('b'))$$, 'MQA02', NULL, 'reading B''s report: FORBIDDEN');
SELECT is(booking.block_seats(pg_temp.fx('show_a'), '{seat-a4}'), 1, 'blocking a seat of A works');
RESET ROLE;
SELECT is((SELECT operator_id FROM booking.audit_log WHERE action = 'seats.block' ORDER BY id DESC LIMIT 1), pg_temp.fx('op_manager'),
          'the audit log names the operator');
SET LOCAL ROLE booking_api;
SELECT pg_temp.act('box');
SELECT lives_ok($$SELECT booking.unblock_seats(pg_temp.fx('show_a'), '{seat-a4}')$$, 'BOX_OFFICE unblocks seats of A');
SELECT throws_ok($$SELECT booking.set_prices(pg_temp.fx('show_a'), '{"STANDARD": 1}')$$, 'MQA02', NULL, 'BOX_OFFICE sets no prices');
SELECT pg_temp.act('door');
SELECT throws_ok($$SELECT * FROM booking.showtime_bookings(pg_temp.fx('show_a'))$$, 'MQA02', NULL, 'DOOR reads no bookings');
SELECT is((booking.require('checkin', pg_temp.fx('a'))).role::text, 'DOOR', 'DOOR has checkin (for the check-in functions to come)');
SELECT pg_temp.act('key_analyst');
SELECT lives_ok($$SELECT * FROM booking.report('daily_bookings', pg_temp.fx('a'))$$, 'an ANALYST key reads A''s reports');
SELECT throws_ok($$SELECT booking.block_seats(pg_temp.fx('show_a'), '{seat-a4}')$$, 'MQA02', NULL, '... and blocks nothing');
RESET ROLE;

-- ------------------------------------------------------------------------------------------------ the override
SET LOCAL ROLE booking_api;
SELECT pg_temp.act('box');
SELECT throws_ok($$SELECT * FROM booking.cancel(pg_temp.fx('booking_a'), 'late', NULL, 'operator', true)$$, 'MQA02', NULL,
                 'BOX_OFFICE may not override the cancellation policy');
SELECT throws_ok($$SELECT * FROM booking.cancel(pg_temp.fx('booking_a'), 'late', NULL, 'operator')$$, 'MQ040', NULL,
                 'BOX_OFFICE cancels within the policy only (CANCEL_TOO_LATE)');
SELECT pg_temp.act('manager_b');
SELECT throws_ok($$SELECT * FROM booking.cancel(pg_temp.fx('booking_a'), 'late', NULL, 'operator', true)$$, 'MQA02', NULL,
                 'a MANAGER of the other cinema may not');
SELECT pg_temp.act('manager');
SELECT results_eq($$SELECT status::text, refund_amount FROM booking.cancel(pg_temp.fx('booking_a'), 'projector broke', NULL, 'anything', true)$$,
                  $$VALUES ('CANCELLED', 10.00::numeric(10,2))$$, 'the MANAGER of A overrides, refunding what was paid');
RESET ROLE;
SELECT results_eq($$SELECT actor, operator_id, operator_email, actor_kind, db_role FROM booking.audit_log
                     WHERE action = 'booking.cancel.override' AND entity_id = pg_temp.fx('booking_a')::text$$,
                  $$VALUES ('manager@op.example', pg_temp.fx('op_manager'), 'manager@op.example', 'session', 'booking_api')$$,
                  'the override is audited with the operator''s id and email (not p_actor)');

-- ------------------------------------------------------------------------------------------------ ending credentials
SET LOCAL ROLE booking_api;
SELECT pg_temp.act('manager');
SELECT ok(booking.logout(), 'logout ends the session');
SELECT throws_ok($$SELECT booking.require('seats.block')$$, 'MQA01', NULL, 'a logged-out token is refused at once');
SELECT pg_temp.act('manager2');
SELECT lives_ok($$SELECT booking.require('seats.block')$$, 'the operator''s other session still works');
RESET ROLE;
SELECT pg_temp.act('');
SELECT lives_ok($$SELECT booking.update_operator(pg_temp.fx('op_owner'), p_active => false)$$, 'the DBA deactivates the owner');
SET LOCAL ROLE booking_api;
SELECT pg_temp.act('owner');
SELECT throws_ok($$SELECT booking.require('seats.block')$$, 'MQA01', NULL, 'a deactivated operator''s session is refused at once');
SELECT pg_temp.act('key_box');
SELECT throws_ok($$SELECT booking.require('seats.block')$$, 'MQA01', NULL, 'so are the keys it created');
SELECT pg_temp.act('key_analyst');
SELECT lives_ok($$SELECT booking.require('reports.read')$$, 'a key the DBA made lives on');
RESET ROLE;
SELECT pg_temp.act('');
SELECT ok((SELECT revoked_at IS NOT NULL FROM booking.revoke_api_key((SELECT id FROM booking.api_keys WHERE name = 'bi export'))
            x(j) CROSS JOIN LATERAL (SELECT (j ->> 'revokedAt')::timestamptz) r(revoked_at)), 'revoke an API key');
SET LOCAL ROLE booking_api;
SELECT pg_temp.act('key_analyst');
SELECT throws_ok($$SELECT booking.require('reports.read')$$, 'MQA01', NULL, 'a revoked key is refused at once');
SELECT pg_temp.act('door');
SET LOCAL marquee.now = '2030-05-02 00:00:01Z';
SELECT throws_ok($$SELECT booking.require('checkin')$$, 'MQA01', NULL, 'a session expires after operator_session_hours (12)');
SET LOCAL marquee.now = '2030-05-01 12:00Z';
SELECT pg_temp.act('');
RESET ROLE;

-- ------------------------------------------------------------------------------------------------ login
SELECT is(pg_temp.login('analyst@op.example', 'wrong'), NULL, 'a wrong password logs in nobody');
SELECT is(pg_temp.login('nobody@op.example', 'pw-analyst'), NULL, 'nor does an unknown email');
SELECT matches((SELECT password_kdf FROM booking.login_begin('nobody@op.example')), '^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}$',
               'an unknown email gets argon2id parameters like a real one');
SELECT is((SELECT password_kdf FROM booking.login_begin('nobody@op.example')), (SELECT password_kdf FROM booking.login_begin('NOBODY@op.example')),
          '... the same each time (nothing tells it apart)');
CREATE TEMP TABLE att ON COMMIT DROP AS SELECT attempt_id FROM booking.login_begin('analyst@op.example');
SELECT is((SELECT ok FROM booking.login_finish((SELECT attempt_id FROM att), pg_temp.digest('wrong'))), false, 'a wrong digest: not ok');
SELECT is((SELECT ok FROM booking.login_finish((SELECT attempt_id FROM att), pg_temp.digest('pw-analyst'))), false,
          'an attempt cannot be finished twice (no guessing past the throttle)');
SELECT is((SELECT password_hash FROM booking.operators WHERE email = 'analyst@op.example'), sha256(pg_temp.digest('pw-analyst')),
          'the database keeps SHA-256 of the digest, never the digest');
SET LOCAL marquee.login_max_failures_per_email = '2';
SELECT throws_ok($$SELECT * FROM booking.login_begin('analyst@op.example')$$, 'MQA04', NULL,
                 'after login_max_failures_per_email failures: TOO_MANY_LOGIN_ATTEMPTS');
SELECT ok((SELECT delay_ms FROM booking.login_begin('door@op.example')) = 0, 'no delay for an email without failures');
SET LOCAL marquee.login_max_failures_per_email = '10';
SELECT ok((SELECT delay_ms FROM booking.login_begin('analyst@op.example')) = 0, 'two failures: not slowed yet');
SELECT is((SELECT delay_ms FROM booking.login_begin('analyst@op.example')), 250,
          'after login_slow_after_failures (3) failures, an unfinished attempt counting as one: slowed');
SELECT is((SELECT delay_ms FROM booking.login_begin('analyst@op.example')), 500, '... doubling');
SET LOCAL marquee.now = '2030-05-01 12:16Z';
SELECT isnt(pg_temp.login('analyst@op.example', 'pw-analyst'), NULL, 'failures older than the window no longer count');

-- ------------------------------------------------------------------------------------------------ admin rules
SELECT throws_ok($$SELECT booking.create_operator('Manager@OP.example', 'X', 'DOOR', NULL, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA', pg_temp.digest('x'))$$,
                 'MQA06', NULL, 'EMAIL_TAKEN whatever the case');
SELECT throws_ok($$SELECT booking.create_operator('o2@op.example', 'X', 'OWNER', ARRAY[pg_temp.fx('a')], '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA', pg_temp.digest('x'))$$,
                 'MQ001', NULL, 'an OWNER acts for every cinema');
SELECT throws_ok($$SELECT booking.update_operator(gen_random_uuid(), 'DOOR')$$, 'MQA05', NULL, 'OPERATOR_NOT_FOUND');
SELECT throws_ok($$SELECT booking.revoke_api_key(gen_random_uuid())$$, 'MQA07', NULL, 'API_KEY_NOT_FOUND');
SELECT is(booking_internal.set_bootstrap_key(sha256('op-test-token'::bytea)), 'replaced', 'migrate replaces the bootstrap key');
SELECT is(booking_internal.set_bootstrap_key(sha256('op-test-token'::bytea)), 'kept', '... and keeps it when ADMIN_TOKEN did not change');
SELECT is((SELECT count(*)::int FROM booking.api_keys WHERE is_bootstrap AND revoked_at IS NULL), 1, 'one live bootstrap key');
SELECT * FROM finish();
ROLLBACK;
