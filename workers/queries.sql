-- Every statement the notification workers run: each is one call of a documented booking.* function.
-- Loaded by workers/db.py; "-- name: x" starts query x. Parameters are psycopg placeholders.

-- name: claim_due
SELECT id, kind, booking_id, attempts FROM booking.outbox_claim_due(%(limit)s);

-- name: next_due
SELECT booking.outbox_next_due() AS next_due, booking.clock() AS now;

-- name: recover_stale
SELECT id, kind, old_status, new_status FROM booking.outbox_recover_stale();

-- name: begin_send
SELECT id, kind, attempt, context FROM booking.outbox_begin_send(%(id)s);

-- name: mark_sent
SELECT booking.outbox_mark_sent(%(id)s) AS marked;

-- name: mark_failed
SELECT booking.outbox_mark_failed(%(id)s, %(error)s, %(permanent)s) AS status;

-- name: failed_messages
SELECT booking.failed_messages_json(%(limit)s) AS messages;

-- name: retry
SELECT id, kind, status, due_at FROM booking.outbox_retry(%(id)s, %(actor)s);
