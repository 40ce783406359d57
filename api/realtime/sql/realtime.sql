-- Queries of the realtime layer (loaded by api.queries.Queries). Rules live in the booking.* functions.

-- name: showtime_exists
-- Raises SHOWTIME_NOT_FOUND (404 through the error catalogue) for an unknown showtime.
SELECT showtime_id FROM booking.showtime_context(%(showtime_id)s::uuid);

-- name: try_lead
SELECT pg_try_advisory_lock(%(key)s);

-- name: db_clock
SELECT booking.clock();

-- name: publish_expirations
SELECT published_until, notifications, seats FROM booking.publish_expirations(%(since)s);
