-- Queries of the HTTP layer. Every rule lives in the booking.* functions.

-- name: error_codes
SELECT sqlstate, code, http_status, answer_code, fixed_message, framework_statuses, constraint_names
  FROM booking.error_codes;

-- name: select1
SELECT 1;

-- name: outbox_lag
SELECT booking.outbox_lag_seconds();

-- name: idempotency_begin
SELECT state, status_code, response::text AS response
  FROM booking.idempotency_begin(%(endpoint)s, %(key)s, %(request_hash)s);

-- name: idempotency_finish
SELECT booking.idempotency_finish(%(endpoint)s, %(key)s, %(status_code)s, %(response)s::jsonb);

-- name: idempotency_abandon
SELECT booking.idempotency_abandon(%(endpoint)s, %(key)s);

-- name: set_credential
-- The operator's raw credential, for this transaction only: booking.require() verifies it (03_operators.sql).
SELECT set_config('marquee.credential', %(credential)s, true);
