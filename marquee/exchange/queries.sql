-- Queries of exchanges (issue 21). Rules live in sql/functions/93_exchange.sql.

-- name: exchange
SELECT booking.exchange(%(booking_id)s, %(showtime_id)s, %(seat_ids)s::text[], %(quantity)s, %(together)s,
                        %(types)s::text[]);

-- name: attach_exchange_intent
SELECT booking.attach_exchange_intent(%(exchange_id)s, %(payment_intent_id)s);

-- name: abandon_exchange
SELECT booking.abandon_exchange(%(exchange_id)s);
