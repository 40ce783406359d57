-- Check-in (issue 19): the rules are sql/functions/90_checkin.sql.

-- name: public_keys
SELECT booking.ticket_public_keys();

-- name: signing_keys
SELECT key_id, private_key, is_current FROM booking.ticket_signing_keys();

-- name: booking_tickets
SELECT booking.booking_tickets(%(booking_id)s::uuid);

-- name: check_in
SELECT booking.check_in(%(ticket_id)s, %(key_id)s, %(showtime_id)s, %(door)s, %(device_id)s)::text;

-- name: undo_check_in
SELECT booking.undo_check_in(%(ticket_id)s)::text;

-- name: manifest
SELECT booking.checkin_manifest(%(showtime_id)s)::text;

-- name: sync_scans
SELECT booking.sync_scans(%(scans)s::jsonb)::text;

-- name: require_checkin
SELECT (booking.require('checkin')).kind;

-- name: register_key
-- migrate and `python -m marquee.checkin.keys` (as the database owner)
SELECT booking_internal.register_ticket_key(%(key_id)s, %(public_key)s, %(private_key)s, %(source)s, %(current)s);

-- name: current_key
SELECT key_id FROM booking.ticket_keys WHERE is_current;

-- name: backfill_tickets
SELECT booking_internal.backfill_tickets();

-- name: list_keys
SELECT key_id, source, is_current, created_at FROM booking.ticket_keys ORDER BY created_at;
