-- Queries of the real-time domain. Rules live in the booking.* functions.

-- name: showtime_exists
-- Raises SHOWTIME_NOT_FOUND (404 through the error catalogue) for an unknown showtime.
SELECT showtime_id FROM booking.showtime_context(%(showtime_id)s::uuid);

-- name: try_lead
SELECT pg_try_advisory_lock(%(key)s);

-- name: db_clock
SELECT booking.clock();

-- name: publish_expirations
SELECT published_until, notifications, seats FROM booking.publish_expirations(%(since)s);

-- name: waitlist_sweep
-- Issue 21: settle waiting-list offers and offer freed seats to the first entries that fit.
SELECT offers, booked, expired, closed FROM booking.waitlist_sweep();

-- name: publish_seat_changes
-- The one publisher: every seat changed by a transaction committed since the last poll, NOTIFY seat_changes.
SELECT notifications, seats FROM booking.publish_seat_changes();

-- name: seat_states
-- The hub's first read of a showtime (and at a lapse, and the periodic safety refresh): never a payload.
SELECT showtime_id::text, at, next_lapse_seconds, locked, booked, blocked, snapshot::text
  FROM booking.seat_states(%(showtime_ids)s::uuid[]);

-- name: seat_changes
-- What the hub reads when told "showtime X changed": the changes committed since its last read of X.
SELECT showtime_id::text, snapshot::text, changes, booking.clock(), next_lapse_seconds
  FROM booking.seat_changes(%(showtime_ids)s::uuid[], %(since)s::pg_snapshot[]);

-- name: listen
-- The hub's one listening connection (booking.publish_seat_changes notifies this channel).
LISTEN seat_changes;

-- name: ping
SELECT 1;
