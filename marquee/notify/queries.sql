-- Every statement of the notifications domain: each is one call of a documented booking.* function
-- (sql/functions/50_outbox.sql). "-- name: x" starts query x; parameters are psycopg placeholders.

-- name: claim_due
SELECT id, kind, booking_id, attempts FROM booking.outbox_claim_due(%(limit)s);

-- name: next_due
SELECT booking.outbox_next_due() AS next_due, booking.clock() AS now;

-- name: recover_stale
SELECT id, kind, old_status, new_status FROM booking.outbox_recover_stale();

-- name: begin_send
SELECT id, kind, attempt, context FROM booking.outbox_begin_send(%(id)s);

-- name: booking_tickets
-- a confirmation's tickets (sql/functions/90_checkin.sql); the mailer signs each code (marquee/checkin)
SELECT booking.booking_tickets(%(booking_id)s::uuid) AS tickets;

-- name: mark_sent
SELECT booking.outbox_mark_sent(%(id)s) AS marked;

-- name: mark_failed
SELECT booking.outbox_mark_failed(%(id)s, %(error)s, %(permanent)s) AS status;

-- Operators: parked (FAILED) notification emails and sending one again.

-- name: outbox_failed_messages
SELECT booking.failed_messages_json(%(limit)s)::text;

-- name: outbox_retry
SELECT jsonb_build_object('id', r.id, 'kind', r.kind, 'status', r.status, 'dueAt', r.due_at)::text
  FROM booking.outbox_retry(%(id)s) r;

-- name: require_mail_read
-- The demo mailbox is files, not rows: the database still decides who may read it.
SELECT (booking.require('mail.read')).kind;

-- name: listen
-- Woken by booking_internal.enqueue_message (NOTIFY outbox) when a booking commits a message.
LISTEN outbox;
