-- The booking flow: hold (seat ids, best available, through a channel), price, confirm, pay, look up, cancel.
-- Rules live in sql/functions/20_seats.sql, 30_bookings.sql and 75_smart_seating.sql.

-- name: hold
SELECT hold_id, expires_at, total_amount, currency, seats
  FROM booking.hold(%(showtime_id)s, %(seat_ids)s, %(session_token)s, NULL, NULL, %(admission_token)s);

-- name: hold_batch
-- Group commit (marquee/booking/batcher.py): one result per request, in order.
SELECT booking.hold_batch(%(showtime_id)s::uuid, %(requests)s::jsonb);

-- name: seats_claimed
-- The loser path: which requested seats someone else holds right now (read-only; NULL = go and hold).
SELECT booking.seats_claimed(%(showtime_id)s::uuid, %(seat_ids)s::text[], %(session_token)s);

-- name: hold_best_available
SELECT hold_id, expires_at, total_amount, currency, seats
  FROM booking.hold_best_available(%(showtime_id)s, %(session_token)s, %(quantity)s, %(types)s::text[],
                                   %(together)s, %(accessible)s, %(channel)s, NULL, %(admission_token)s);

-- name: hold_via_channel
SELECT hold_id, expires_at, total_amount, currency, seats
  FROM booking.hold(%(showtime_id)s, %(seat_ids)s, %(session_token)s, NULL, %(channel)s, %(admission_token)s);

-- name: release_hold
SELECT booking.release_hold(%(hold_id)s, %(session_token)s) AS released;

-- name: price_hold
SELECT subtotal, discount, final_amount, currency, promo_code, tickets
  FROM booking.price_hold(%(hold_id)s, %(promo_code)s, %(session_token)s);

-- name: confirm
SELECT booking_id, booking_reference, status, amount, currency, payment_deadline
  FROM booking.confirm(%(hold_id)s, %(email)s, %(name)s, %(phone)s, %(payment_method)s, %(session_token)s,
                       %(booking_id)s, %(reference)s);

-- name: confirm_quote
-- A read: what confirm would give (id, reference, amount, currency, status); nothing is written.
SELECT booking_id, booking_reference, status, amount, currency
  FROM booking.confirm_quote(%(hold_id)s, %(email)s, %(name)s, %(phone)s, %(payment_method)s, %(session_token)s);

-- name: attach_payment_intent
SELECT booking.attach_payment_intent(%(booking_id)s, %(payment_intent_id)s);

-- name: payable_booking
SELECT booking_reference, amount, currency, already_paid FROM booking.payable_booking(%(booking_id)s, %(payment_intent_id)s);

-- name: record_payment
SELECT booking_id, booking_reference, status, payment_status, refund_id, refund_amount
  FROM booking.record_payment(%(payment_intent_id)s, %(result)s, NULL, %(error_code)s);

-- name: record_payment_processing
SELECT booking_id, booking_reference, status, payment_deadline
  FROM booking.record_payment_processing(%(payment_intent_id)s);

-- name: intent_payment_deadline
SELECT booking.intent_payment_deadline(%(payment_intent_id)s);

-- name: booking_view
SELECT booking.booking_json(%(booking_id)s)::text;

-- name: find_booking
-- the booking and its tickets (the API adds each ticket's signed code: marquee/checkin)
SELECT b::text, booking.booking_tickets((b->>'bookingId')::uuid)
  FROM booking.find_booking(%(reference)s, %(email)s) b;

-- name: cancel
-- actor 'customer' (the customer's own cancel) or 'operator' (checked against the transaction's credential)
SELECT booking_id, booking_reference, status, refund_id, refund_amount, refund_status
  FROM booking.cancel(%(booking_id)s, %(reason)s, %(refund_amount)s, %(actor)s, %(override_policy)s,
                      %(reason_category)s);

-- name: cancel_reasons
SELECT coalesce(jsonb_agg(jsonb_build_object('code', r.code, 'label', r.label, 'description', r.description)), '[]')::text
  FROM booking.cancel_reasons(%(for)s) r;

-- name: seat_features
SELECT coalesce(jsonb_agg(jsonb_build_object(
           'id', f.seat_id, 'companionOf', f.companion_of, 'companionSeatIds', f.companion_seat_ids,
           'heldBackUntil', f.held_back_until, 'channel', f.channel, 'channelUntil', f.channel_until,
           'reservedForOtherChannel', f.reserved_for_other_channel)), '[]')::text
  FROM booking.seat_features(%(showtime_id)s, %(channel)s) f
 WHERE f.companion_of IS NOT NULL OR f.companion_seat_ids IS NOT NULL OR f.channel IS NOT NULL;
