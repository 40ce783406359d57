-- The booking flow: hold, price, confirm, pay, look up, cancel.

-- name: hold
SELECT hold_id, expires_at, total_amount, currency, seats
  FROM booking.hold(%(showtime_id)s, %(seat_ids)s, %(session_token)s);

-- name: release_hold
SELECT booking.release_hold(%(hold_id)s, %(session_token)s) AS released;

-- name: price_hold
SELECT subtotal, discount, final_amount, currency, promo_code, tickets
  FROM booking.price_hold(%(hold_id)s, %(promo_code)s, %(session_token)s);

-- name: confirm
SELECT booking_id, booking_reference, status, amount, currency, payment_deadline
  FROM booking.confirm(%(hold_id)s, %(email)s, %(name)s, %(phone)s, %(payment_method)s, %(session_token)s);

-- name: attach_payment_intent
SELECT booking.attach_payment_intent(%(booking_id)s, %(payment_intent_id)s);

-- name: payable_booking
SELECT booking_reference, amount, currency, already_paid FROM booking.payable_booking(%(booking_id)s, %(payment_intent_id)s);

-- name: record_payment
SELECT booking_id, booking_reference, status, payment_status, refund_id, refund_amount
  FROM booking.record_payment(%(payment_intent_id)s, %(result)s, NULL, %(error_code)s);

-- name: find_booking
SELECT booking.find_booking(%(reference)s, %(email)s)::text;

-- name: cancel
SELECT booking_id, booking_reference, status, refund_id, refund_amount, refund_status
  FROM booking.cancel(%(booking_id)s, %(reason)s, %(refund_amount)s, %(actor)s, %(override_policy)s);

-- name: refund_status
SELECT booking.refund_status(%(refund_id)s) AS status;

-- name: idempotency_begin
SELECT state, status_code, response::text AS response
  FROM booking.idempotency_begin(%(endpoint)s, %(key)s, %(request_hash)s);

-- name: idempotency_finish
SELECT booking.idempotency_finish(%(endpoint)s, %(key)s, %(status_code)s, %(response)s::jsonb);

-- name: idempotency_abandon
SELECT booking.idempotency_abandon(%(endpoint)s, %(key)s);
