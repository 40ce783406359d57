-- Check-in (issue 19): tickets follow their booking (issued on CONFIRMED, VOID on cancel / seat released), the
-- scan rules and every error, once-only admission, undo (audited), the manifest, offline sync conflict rules,
-- who may scan, and reporting.attendance.
BEGIN;
SELECT plan(50);
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;
-- tickets are issued by deferred triggers at commit; in this one transaction, at the end of each statement
SET CONSTRAINTS ALL IMMEDIATE;
CREATE TEMP TABLE tk (key text PRIMARY KEY, id uuid NOT NULL, key_id text NOT NULL) ON COMMIT DROP;
CREATE FUNCTION pg_temp.tk(p text) RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT id FROM tk WHERE key = p $$;
CREATE FUNCTION pg_temp.kid(p text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT key_id FROM tk WHERE key = p $$;
CREATE FUNCTION pg_temp.seat_ticket(p_booking uuid, p_seat text) RETURNS booking.tickets LANGUAGE sql STABLE AS $$
    SELECT t.* FROM booking.tickets t JOIN booking.seats s ON s.id = t.seat_id
     WHERE t.booking_id = p_booking AND s.code = p_seat ORDER BY t.voided_at IS NULL DESC LIMIT 1 $$;

GRANT SELECT ON tk TO PUBLIC;
GRANT EXECUTE ON FUNCTION pg_temp.tk(text), pg_temp.kid(text) TO PUBLIC;

-- ------------------------------------------------------------------------------------------------ keys
SELECT is((SELECT count(*)::int FROM booking.ticket_keys WHERE is_current), 1, 'migrate made exactly one current signing key');
SELECT ok((SELECT bool_and(length(public_key) = 32) FROM booking.ticket_keys), 'public keys are raw 32-byte Ed25519 keys');
SELECT ok(jsonb_array_length(booking.ticket_public_keys()) >= 1
          AND booking.ticket_public_keys()->0->>'publicKey' ~ '^[A-Za-z0-9_-]{43}$', 'ticket_public_keys: base64url keys');

-- ------------------------------------------------------------------------------------------------ tickets
INSERT INTO fx VALUES ('paid', pg_temp.book('{seat-a1,seat-a2}', 'ck-1'));
SELECT is((SELECT count(*)::int FROM booking.tickets WHERE booking_id = pg_temp.fx('paid') AND voided_at IS NULL), 2,
          'a confirmed booking has one ticket per booked seat');
SELECT is((SELECT array_agg(x->>'status' ORDER BY x->>'seatId') FROM jsonb_array_elements(booking.booking_tickets(pg_temp.fx('paid'))) x),
          '{VALID,VALID}', 'booking_tickets lists them VALID');
SELECT ok((SELECT bool_and(x ?& '{ticketId,seatId,rowLabel,seatNumber,status,keyId}') FROM jsonb_array_elements(booking.booking_tickets(pg_temp.fx('paid'))) x),
          'with ticketId, seatId, rowLabel, seatNumber, status, keyId');
SELECT is((booking.booking_tickets(pg_temp.fx('paid'))->0->>'seatId'), 'seat-a1', 'seatId is the seat''s id, as in seats[]');
INSERT INTO fx VALUES ('unpaid', pg_temp.book('{seat-a3}', 'ck-2', false));
SELECT is((SELECT count(*)::int FROM booking.tickets WHERE booking_id = pg_temp.fx('unpaid')), 0, 'no tickets before payment');
INSERT INTO tk SELECT 'a1', (pg_temp.seat_ticket(pg_temp.fx('paid'), 'seat-a1')).id, (pg_temp.seat_ticket(pg_temp.fx('paid'), 'seat-a1')).key_id;
INSERT INTO tk SELECT 'a2', (pg_temp.seat_ticket(pg_temp.fx('paid'), 'seat-a2')).id, (pg_temp.seat_ticket(pg_temp.fx('paid'), 'seat-a2')).key_id;
SELECT is(pg_temp.kid('a1'), (SELECT key_id FROM booking.ticket_keys WHERE is_current), 'tickets are signed with the current key');

-- ------------------------------------------------------------------------------------------------ too early
SELECT throws_ok($$SELECT booking.check_in(pg_temp.tk('a1'), pg_temp.kid('a1'))$$, 'MQT05', NULL,
                 'TICKET_TOO_EARLY more than checkin_opens_minutes (60) before the start');
SET LOCAL marquee.now = '2030-01-01 23:59Z';
SELECT throws_ok($$SELECT booking.check_in(pg_temp.tk('a1'), pg_temp.kid('a1'))$$, 'MQT05', NULL, '61 minutes before: still too early');
SELECT is((SELECT count(*)::int FROM booking.checkins WHERE showtime_id = pg_temp.fx('showtime')), 0, 'a refused scan records nothing');
SET LOCAL marquee.now = '2030-01-02 00:00Z';

-- ------------------------------------------------------------------------------------------------ admitted once
SELECT is(booking.check_in(pg_temp.tk('a1'), pg_temp.kid('a1'), pg_temp.fx('showtime'), 'North', 'dev-1')->>'result', 'ADMITTED',
          '60 minutes before the start: ADMITTED');
SELECT is((SELECT x->>'status' FROM jsonb_array_elements(booking.booking_tickets(pg_temp.fx('paid'))) x WHERE x->>'seatId' = 'seat-a1'),
          'USED', 'the ticket is USED');
SELECT throws_ok($$SELECT booking.check_in(pg_temp.tk('a1'), pg_temp.kid('a1'), NULL, 'South')$$, 'MQT02', NULL,
                 'TICKET_ALREADY_USED on a second scan');
CREATE FUNCTION pg_temp.err_details(p_sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    EXECUTE p_sql;
    RETURN NULL;
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN d::jsonb;
END $$;
SELECT is(pg_temp.err_details($$SELECT booking.check_in(pg_temp.tk('a1'), pg_temp.kid('a1'), NULL, 'South')$$)->>'door', 'North',
          'details.door names the first door');
SELECT is((pg_temp.err_details($$SELECT booking.check_in(pg_temp.tk('a1'), pg_temp.kid('a1'))$$)->>'firstScannedAt')::timestamptz,
          '2030-01-02 00:00Z', 'details.firstScannedAt is the first scan''s time');
SELECT is((SELECT count(*)::int FROM booking.checkins WHERE ticket_id = pg_temp.tk('a1')), 1, 'one admission row');
SELECT is((SELECT count(*)::int FROM booking.audit_log WHERE action = 'checkin.scan' AND entity_id = pg_temp.tk('a1')::text), 1,
          'the admission is audited');
SELECT throws_ok($$INSERT INTO booking.checkins (ticket_id, showtime_id, scanned_at, actor)
                   VALUES (pg_temp.tk('a1'), pg_temp.fx('showtime'), now(), 'x')$$, '23505', NULL,
                 'the unique index checkins_one_admission refuses a second live admission whatever the path');

-- ------------------------------------------------------------------------------------------------ invalid, wrong showtime
SELECT throws_ok($$SELECT booking.check_in(gen_random_uuid(), pg_temp.kid('a1'))$$, 'MQT01', NULL, 'TICKET_INVALID for an unknown ticket');
SELECT throws_ok($$SELECT booking.check_in(pg_temp.tk('a2'), 'nokey')$$, 'MQT01', NULL, 'TICKET_INVALID for a key id the ticket was not signed with');
SELECT throws_ok($$SELECT booking.check_in(pg_temp.tk('a2'), pg_temp.kid('a2'), pg_temp.fx('late'))$$, 'MQT04', NULL,
                 'TICKET_WRONG_SHOWTIME when the scanner is set to another showtime');
SELECT is(pg_temp.err_details($$SELECT booking.check_in(pg_temp.tk('a2'), pg_temp.kid('a2'), pg_temp.fx('late'))$$)->>'showtimeId',
          pg_temp.fx('showtime')::text, 'with the ticket''s own showtime in details');

-- ------------------------------------------------------------------------------------------------ undo
SELECT is(booking.undo_check_in(pg_temp.tk('a1'))->>'status', 'VALID', 'undo: the ticket is VALID again');
SELECT is((SELECT count(*)::int FROM booking.audit_log WHERE action = 'checkin.undo' AND entity_id = pg_temp.tk('a1')::text), 1, 'undo is audited');
SELECT throws_ok($$SELECT booking.undo_check_in(pg_temp.tk('a1'))$$, 'MQT06', NULL, 'TICKET_NOT_CHECKED_IN: nothing to undo');
SELECT throws_ok($$SELECT booking.undo_check_in(gen_random_uuid())$$, 'MQT01', NULL, 'undo of an unknown ticket: TICKET_INVALID');
SELECT is(booking.check_in(pg_temp.tk('a1'), pg_temp.kid('a1'), NULL, 'South')->>'result', 'ADMITTED', 'after undo it admits again');
SELECT is((SELECT count(*)::int FROM booking.checkins WHERE ticket_id = pg_temp.tk('a1')), 2, 'the undone scan keeps its row');

-- ------------------------------------------------------------------------------------------------ void
SELECT lives_ok($$SELECT booking.cancel(pg_temp.fx('paid'), 'test', NULL, 'customer', true)$$, 'the booking is cancelled');
SELECT is((SELECT array_agg(DISTINCT x->>'status') FROM jsonb_array_elements(booking.booking_tickets(pg_temp.fx('paid'))) x),
          '{VOID}', 'a cancelled booking''s tickets are VOID (a used one too)');
SELECT throws_ok($$SELECT booking.check_in(pg_temp.tk('a2'), pg_temp.kid('a2'))$$, 'MQT03', NULL, 'TICKET_VOID');
SELECT is((SELECT void_reason FROM booking.tickets WHERE id = pg_temp.tk('a2')), 'CANCELLED', 'void reason CANCELLED');
-- a seat released from a confirmed booking (an exchange): its ticket alone is voided
INSERT INTO fx VALUES ('pair', pg_temp.book('{seat-b1,seat-b2}', 'ck-3'));
DELETE FROM booking.booking_seats bs USING booking.seats s
 WHERE bs.booking_id = pg_temp.fx('pair') AND s.id = bs.seat_id AND s.code = 'seat-b2';
SELECT is((SELECT string_agg(x->>'seatId' || '=' || (x->>'status'), ',' ORDER BY x->>'seatId') FROM jsonb_array_elements(booking.booking_tickets(pg_temp.fx('pair'))) x),
          'seat-b1=VALID,seat-b2=VOID', 'a seat taken out of a booking: that ticket VOID (SEAT_RELEASED), the other VALID');

-- ------------------------------------------------------------------------------------------------ manifest
SELECT ok(booking.checkin_manifest(pg_temp.fx('showtime')) ?& '{keys,validTicketIds,voidTicketIds,scans,tickets,opensAt}',
          'the manifest has keys, valid and void ticket ids, scans');
SELECT ok(booking.checkin_manifest(pg_temp.fx('showtime'))->'voidTicketIds' ? pg_temp.tk('a2')::text, 'a void ticket is in voidTicketIds');
SELECT ok(booking.checkin_manifest(pg_temp.fx('showtime'))->'validTicketIds' ? (pg_temp.seat_ticket(pg_temp.fx('pair'), 'seat-b1')).id::text,
          'a valid ticket is in validTicketIds');
SELECT throws_ok($$SELECT booking.checkin_manifest(gen_random_uuid())$$, 'MQ002', NULL, 'manifest of an unknown showtime: SHOWTIME_NOT_FOUND');

-- ------------------------------------------------------------------------------------------------ offline sync
INSERT INTO fx VALUES ('off', pg_temp.book('{seat-a3,seat-a4}', 'ck-4'));
INSERT INTO tk SELECT 'a3', (pg_temp.seat_ticket(pg_temp.fx('off'), 'seat-a3')).id, 'x';
INSERT INTO tk SELECT 'a4', (pg_temp.seat_ticket(pg_temp.fx('off'), 'seat-a4')).id, 'x';
CREATE TEMP TABLE sync_out ON COMMIT DROP AS SELECT booking.sync_scans(jsonb_build_array(
    jsonb_build_object('ticketId', pg_temp.tk('a3'), 'scannedAt', '2030-01-02 00:20Z', 'door', 'East', 'deviceId', 'dev-2'),
    jsonb_build_object('ticketId', pg_temp.tk('a3'), 'scannedAt', '2030-01-02 00:10Z', 'door', 'West', 'deviceId', 'dev-3'),
    jsonb_build_object('ticketId', pg_temp.tk('a2'), 'scannedAt', '2030-01-02 00:05Z', 'door', 'West', 'deviceId', 'dev-3'),
    jsonb_build_object('ticketId', gen_random_uuid(), 'scannedAt', '2030-01-02 00:05Z', 'deviceId', 'dev-3'),
    jsonb_build_object('ticketId', pg_temp.tk('a4'), 'scannedAt', '2030-01-02 00:15Z', 'door', 'East', 'deviceId', 'dev-2')
)) AS r;
SELECT is((SELECT r->'admitted' FROM sync_out), '2', 'sync: two tickets admitted');
SELECT is((SELECT array_agg(x->>'result' ORDER BY (x->>'index')::int) FROM sync_out, jsonb_array_elements(r->'results') x),
          '{DUPLICATE,ADMITTED,CONFLICT,INVALID,ADMITTED}', 'results in upload order: the earlier scan wins, the later is DUPLICATE');
SELECT is((SELECT x->>'firstDeviceId' FROM sync_out, jsonb_array_elements(r->'results') x WHERE (x->>'index')::int = 0), 'dev-3',
          'the duplicate names who was first');
SELECT is((SELECT x->>'reason' FROM sync_out, jsonb_array_elements(r->'results') x WHERE (x->>'index')::int = 2), 'TICKET_VOID',
          'a ticket voided meanwhile is a conflict');
SELECT is((SELECT count(*)::int FROM booking.checkin_conflicts WHERE reason = 'TICKET_VOID' AND showtime_id = pg_temp.fx('showtime')), 1, 'kept for the operator');
SELECT is((SELECT door FROM booking.checkins WHERE ticket_id = pg_temp.tk('a3') AND undone_at IS NULL), 'West', 'the admission is the first scan');
-- an online scan first, then an earlier offline one synced: the earlier one wins, the online one is superseded
SELECT is((booking.sync_scans(jsonb_build_array(
    jsonb_build_object('ticketId', pg_temp.tk('a4'), 'scannedAt', '2030-01-02 00:01Z', 'deviceId', 'dev-9'))))->'results'->0->>'result',
    'ADMITTED', 'a synced scan earlier than the admission on record becomes the admission');
SELECT is((SELECT count(*)::int FROM booking.checkins WHERE ticket_id = pg_temp.tk('a4') AND undone_at IS NULL), 1, 'still one admission');
SELECT throws_ok($$SELECT booking.sync_scans('{"not": "a list"}')$$, 'MQ001', NULL, 'sync of a non-list: VALIDATION_ERROR');

-- ------------------------------------------------------------------------------------------------ who may scan
SET LOCAL ROLE booking_api;
SELECT throws_ok($$SELECT booking.check_in(pg_temp.tk('a4'), 'x')$$, 'MQA01', NULL, 'no credential: UNAUTHORIZED');
RESET ROLE;

-- ------------------------------------------------------------------------------------------------ attendance
SELECT is((SELECT (sold, checked_in, no_shows) FROM reporting.attendance WHERE showtime_id = pg_temp.fx('showtime')),
          (3::bigint, 2::bigint, 1::bigint), 'reporting.attendance: sold, checked in, no-shows');

SELECT * FROM finish();
ROLLBACK;
