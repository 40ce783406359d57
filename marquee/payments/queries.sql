-- SQL the payments domain runs (rules live in sql/functions/60_payments.sql and 30_bookings.sql).

-- name: begin_refund_attempt
SELECT refund_id, booking_id, status, amount, currency, payment_intent_id, attempts, action, idempotency_key,
       provider_refund_id
  FROM booking.begin_refund_attempt(%(refund_id)s);

-- name: refund_send_key
SELECT booking.refund_send_key(%(refund_id)s);

-- name: note_refund_send_failed
SELECT booking.note_refund_send_failed(%(refund_id)s, %(error)s, %(provider_answered)s);

-- name: apply_provider_refund
SELECT booking.apply_provider_refund(%(refund)s::jsonb)::text;

-- name: record_refund
SELECT refund_id, booking_id, status, payment_status FROM booking.record_refund(%(refund_id)s, %(succeeded)s, %(provider_refund_id)s);

-- name: note_refund_error
SELECT booking.note_refund_error(%(refund_id)s, %(error)s);

-- name: apply_payment_event
SELECT booking.apply_payment_event(%(event)s::jsonb)::text;

-- name: expire_overdue_payments
SELECT booking_id, booking_reference, payment_intent_id FROM booking.expire_overdue_payments(%(limit)s);

-- name: pending_intent_cancellations
SELECT payment_intent_id, booking_id, attempts FROM booking.pending_intent_cancellations(%(limit)s);

-- name: record_intent_cancellation
SELECT payment_intent_id, status, refund_id
  FROM booking.record_intent_cancellation(%(payment_intent_id)s, %(provider_status)s, %(error)s);

-- name: pending_refunds
SELECT refund_id FROM booking.pending_refunds(%(limit)s);

-- name: payment_discrepancies
SELECT booking_id, booking_reference, status, payment_status, problem, amount, paid, refunded, refund_pending,
       currency, payment_intent_id, event_id
  FROM booking.payment_discrepancies ORDER BY booking_reference NULLS LAST, problem;

-- name: purge_expired_holds
-- Housekeeping: ended hold claims keep the exclusion index large and slow; correctness never depends on this.
SELECT booking.purge_expired_holds('10 minutes');

-- name: refund_status
SELECT booking.refund_status(%(refund_id)s) AS status;
