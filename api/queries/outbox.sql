-- Operators: parked (FAILED) notification emails and sending one again (sql/functions/50_outbox.sql).

-- name: outbox_failed_messages
SELECT booking.failed_messages_json(%(limit)s)::text;

-- name: outbox_retry
SELECT jsonb_build_object('id', r.id, 'kind', r.kind, 'status', r.status, 'dueAt', r.due_at)::text
  FROM booking.outbox_retry(%(id)s, %(actor)s) r;
