-- Issue 22: a COMMENT on every table and column (sql/tests/test_catalog_docs.sql fails when one is missing), so
-- \d+ booking.bookings, \dt+ booking.* and BI tools explain themselves. Re-applied on every migrate: edit here.
-- Comments written next to a table's CREATE in sql/schema are not repeated here.


COMMENT ON TABLE booking_meta.schema_migrations IS 'Schema migration files applied by python -m marquee.migrate, with their SHA-256 (a changed file stops the migration).';
COMMENT ON COLUMN booking_meta.schema_migrations.filename IS 'File name under sql/schema (NNN_name.sql).';
COMMENT ON COLUMN booking_meta.schema_migrations.checksum IS 'SHA-256 of the file as applied.';
COMMENT ON COLUMN booking_meta.schema_migrations.applied_at IS 'When it was applied.';

COMMENT ON TABLE booking.settings IS 'Engine settings (hold TTL, payment window, cutoffs...): value in force, default and the environment variable migrate copies in. Read with booking.setting(key).';
COMMENT ON COLUMN booking.settings.key IS 'Setting name, e.g. hold_ttl_seconds.';
COMMENT ON COLUMN booking.settings.value IS 'Value in force (text; a session may override it with SET marquee.<key>).';
COMMENT ON COLUMN booking.settings.description IS 'What the setting does.';
COMMENT ON COLUMN booking.settings.default_value IS 'Default migrate restores when the variable is unset.';
COMMENT ON COLUMN booking.settings.env_var IS 'Environment variable migrate copies into value (NULL: set in the database only).';

COMMENT ON TABLE booking.cinemas IS 'Cinemas: each has a time zone (every "date" of the cinema is a local date there) and a currency.';
COMMENT ON COLUMN booking.cinemas.id IS 'Cinema id.';
COMMENT ON COLUMN booking.cinemas.name IS 'Cinema name (unique).';
COMMENT ON COLUMN booking.cinemas.city IS 'City.';
COMMENT ON COLUMN booking.cinemas.time_zone IS 'IANA time zone, e.g. America/New_York.';
COMMENT ON COLUMN booking.cinemas.currency IS 'ISO 4217 currency of every price and amount of the cinema.';
COMMENT ON COLUMN booking.cinemas.created_at IS 'When the cinema was created.';

COMMENT ON TABLE booking.auditoriums IS 'Auditoriums (screens) of a cinema; their seats are in booking.seats.';
COMMENT ON COLUMN booking.auditoriums.id IS 'Auditorium id.';
COMMENT ON COLUMN booking.auditoriums.cinema_id IS 'Cinema it belongs to.';
COMMENT ON COLUMN booking.auditoriums.name IS 'Name, unique within the cinema.';
COMMENT ON COLUMN booking.auditoriums.focal_x IS 'Best-available focal point, x in layout units (NULL: the default, centre).';
COMMENT ON COLUMN booking.auditoriums.focal_y IS 'Best-available focal point, y in layout units (NULL: the default).';

COMMENT ON TABLE booking.seats IS 'Seats of an auditorium: public code (seat-a1), row and number, position on the map, type; inactive = broken (BLOCKED for every showtime).';
COMMENT ON COLUMN booking.seats.id IS 'Internal seat id.';
COMMENT ON COLUMN booking.seats.auditorium_id IS 'Auditorium of the seat.';
COMMENT ON COLUMN booking.seats.code IS 'Public seat id used by the API, e.g. seat-a1 (unique per auditorium).';
COMMENT ON COLUMN booking.seats.row_label IS 'Row label, e.g. A.';
COMMENT ON COLUMN booking.seats.seat_number IS 'Seat number within the row.';
COMMENT ON COLUMN booking.seats.x IS 'Column on the seat map (gaps are aisles).';
COMMENT ON COLUMN booking.seats.y IS 'Row position on the seat map.';
COMMENT ON COLUMN booking.seats.seat_type IS 'STANDARD, PREMIUM, VIP or WHEELCHAIR (what the showtime''s prices are per).';
COMMENT ON COLUMN booking.seats.is_active IS 'false: broken or removed, never on sale.';

COMMENT ON TABLE booking.movies IS 'Movies that can be scheduled.';
COMMENT ON COLUMN booking.movies.id IS 'Movie id.';
COMMENT ON COLUMN booking.movies.title IS 'Title.';
COMMENT ON COLUMN booking.movies.duration_minutes IS 'Running time; a showtime occupies its auditorium for this plus cleaning_minutes.';
COMMENT ON COLUMN booking.movies.rating IS 'Age rating, e.g. PG-13 (free text of the operator).';
COMMENT ON COLUMN booking.movies.description IS 'Synopsis.';
COMMENT ON COLUMN booking.movies.created_at IS 'When the movie was created.';

COMMENT ON TABLE booking.showtimes IS 'Showtimes: a movie in an auditorium at a time; live showtimes of one auditorium never overlap (exclusion constraint).';
COMMENT ON COLUMN booking.showtimes.id IS 'Showtime id (carries showtime_no in its first bits, see showtime_no).';
COMMENT ON COLUMN booking.showtimes.movie_id IS 'Movie shown.';
COMMENT ON COLUMN booking.showtimes.auditorium_id IS 'Auditorium it is shown in.';
COMMENT ON COLUMN booking.showtimes.starts_at IS 'Start time.';
COMMENT ON COLUMN booking.showtimes.ends_at IS 'Movie end plus cleaning time: the auditorium is busy for [starts_at, ends_at).';
COMMENT ON COLUMN booking.showtimes.is_cancelled IS 'Cancelled: no new sales, its slot is free again.';
COMMENT ON COLUMN booking.showtimes.created_at IS 'When it was scheduled.';

COMMENT ON TABLE booking.prices IS 'Ticket price per seat type of a showtime; a seat type without a price is not on sale.';
COMMENT ON COLUMN booking.prices.showtime_id IS 'Showtime.';
COMMENT ON COLUMN booking.prices.seat_type IS 'Seat type the price is for.';
COMMENT ON COLUMN booking.prices.amount IS 'Price of one ticket, in the cinema''s currency.';

COMMENT ON TABLE booking.promo_codes IS 'Promo codes: percentage or fixed amount off, validity window, use limit; times_used counts paid bookings.';
COMMENT ON COLUMN booking.promo_codes.id IS 'Promo code id.';
COMMENT ON COLUMN booking.promo_codes.code IS 'The code customers type (case-insensitive, unique).';
COMMENT ON COLUMN booking.promo_codes.kind IS 'PERCENT or FIXED.';
COMMENT ON COLUMN booking.promo_codes.value IS 'Percentage (PERCENT, 20 = 20 %) or amount off (FIXED).';
COMMENT ON COLUMN booking.promo_codes.valid_from IS 'First instant it applies.';
COMMENT ON COLUMN booking.promo_codes.valid_until IS 'Instant it stops applying.';
COMMENT ON COLUMN booking.promo_codes.max_uses IS 'Most paid bookings that may use it (NULL: unlimited).';
COMMENT ON COLUMN booking.promo_codes.min_tickets IS 'Fewest tickets a booking needs to use it.';
COMMENT ON COLUMN booking.promo_codes.times_used IS 'Paid (CONFIRMED) bookings that used it.';
COMMENT ON COLUMN booking.promo_codes.is_active IS 'false: disabled by an operator.';

COMMENT ON TABLE booking.holds IS 'Seat holds of a customer session: seats are kept (booking.seat_claims) until expires_at, release or confirm.';
COMMENT ON COLUMN booking.holds.id IS 'Hold id (random: knowing it, with the session token, is the customer''s capability).';
COMMENT ON COLUMN booking.holds.showtime_id IS 'Showtime held.';
COMMENT ON COLUMN booking.holds.session_token IS 'The customer session that holds it (personal: never in reports).';
COMMENT ON COLUMN booking.holds.status IS 'ACTIVE (until expires_at), RELEASED or CONVERTED (into a booking).';
COMMENT ON COLUMN booking.holds.created_at IS 'When it was made.';
COMMENT ON COLUMN booking.holds.expires_at IS 'When its seats go back on sale unless confirmed.';
COMMENT ON COLUMN booking.holds.promo_code_id IS 'Promo code applied by booking.price_hold.';
COMMENT ON COLUMN booking.holds.channel IS 'Sales channel it was made through (channel seats), NULL for general sale.';

COMMENT ON TABLE booking.bookings IS 'Bookings: a confirmed hold with the customer''s details, money and status (PENDING_PAYMENT, CONFIRMED, CANCELLED, EXPIRED, PAYMENT_FAILED). Personal data: customer_*, session_token, cancel_reason.';
COMMENT ON COLUMN booking.bookings.id IS 'Booking id (carries its showtime''s number).';
COMMENT ON COLUMN booking.bookings.reference IS 'Public booking reference, e.g. BK20251201ABCD.';
COMMENT ON COLUMN booking.bookings.showtime_id IS 'Showtime booked.';
COMMENT ON COLUMN booking.bookings.hold_id IS 'Hold it was confirmed from.';
COMMENT ON COLUMN booking.bookings.session_token IS 'Customer session (personal; erased by anonymisation).';
COMMENT ON COLUMN booking.bookings.status IS 'PENDING_PAYMENT, CONFIRMED, CANCELLED, EXPIRED or PAYMENT_FAILED.';
COMMENT ON COLUMN booking.bookings.payment_status IS 'UNPAID, PAID, PARTIALLY_REFUNDED or REFUNDED.';
COMMENT ON COLUMN booking.bookings.customer_email IS 'Customer email (personal; erased by anonymisation).';
COMMENT ON COLUMN booking.bookings.customer_name IS 'Customer name (personal; erased by anonymisation).';
COMMENT ON COLUMN booking.bookings.customer_phone IS 'Customer phone (personal; erased by anonymisation).';
COMMENT ON COLUMN booking.bookings.payment_method IS 'How it is paid, e.g. CARD.';
COMMENT ON COLUMN booking.bookings.num_tickets IS 'Number of seats.';
COMMENT ON COLUMN booking.bookings.subtotal IS 'Sum of the seat prices.';
COMMENT ON COLUMN booking.bookings.discount IS 'Promo discount.';
COMMENT ON COLUMN booking.bookings.final_amount IS 'Amount to pay: subtotal - discount.';
COMMENT ON COLUMN booking.bookings.currency IS 'Currency of the amounts (the cinema''s).';
COMMENT ON COLUMN booking.bookings.promo_code_id IS 'Promo code used.';
COMMENT ON COLUMN booking.bookings.payment_intent_id IS 'Stripe PaymentIntent id (pi_...).';
COMMENT ON COLUMN booking.bookings.payment_deadline IS 'PENDING_PAYMENT until this instant, then EXPIRED and its seats released.';
COMMENT ON COLUMN booking.bookings.booked_at IS 'When the booking was made (confirm).';
COMMENT ON COLUMN booking.bookings.confirmed_at IS 'When it was paid (reached CONFIRMED); kept after a cancellation.';
COMMENT ON COLUMN booking.bookings.cancelled_at IS 'When it was cancelled.';
COMMENT ON COLUMN booking.bookings.cancel_reason IS 'Free-text reason given at cancellation: for operators only (may name the customer; never in reports).';
COMMENT ON COLUMN booking.bookings.cancelled_by IS 'customer, or the label of the verified operator who cancelled.';
COMMENT ON COLUMN booking.bookings.anonymised_at IS 'When its personal data was erased (request or retention).';
COMMENT ON COLUMN booking.bookings.cancel_reason_category IS 'Reason category chosen at cancellation (booking.cancel_reason_categories): what reports count.';

COMMENT ON TABLE booking.booking_seats IS 'Seats of a booking with the type and price they were sold at.';
COMMENT ON COLUMN booking.booking_seats.booking_id IS 'Booking.';
COMMENT ON COLUMN booking.booking_seats.seat_id IS 'Seat.';
COMMENT ON COLUMN booking.booking_seats.seat_type IS 'Seat type at sale time.';
COMMENT ON COLUMN booking.booking_seats.price IS 'Price of this seat at sale time.';

COMMENT ON TABLE booking.seat_claims IS 'THE no-double-selling invariant: a live claim (hold, booking or operator block) of a seat of a showtime; the exclusion constraint allows one per seat at any instant.';
COMMENT ON COLUMN booking.seat_claims.id IS 'Claim id.';
COMMENT ON COLUMN booking.seat_claims.showtime_id IS 'Showtime.';
COMMENT ON COLUMN booking.seat_claims.seat_id IS 'Seat claimed.';
COMMENT ON COLUMN booking.seat_claims.kind IS 'HOLD, BOOKING or BLOCK.';
COMMENT ON COLUMN booking.seat_claims.hold_id IS 'The hold (kind HOLD; a BOOKING claim keeps the hold it came from).';
COMMENT ON COLUMN booking.seat_claims.booking_id IS 'The booking (kind BOOKING).';
COMMENT ON COLUMN booking.seat_claims.during IS 'When the claim holds the seat: a hold until it expires, a pending booking until its deadline, a confirmed booking open-ended; ended when released.';

COMMENT ON TABLE booking.payments IS 'Payment attempts recorded from the provider: one succeeded row per paid intent.';
COMMENT ON COLUMN booking.payments.id IS 'Payment id.';
COMMENT ON COLUMN booking.payments.booking_id IS 'Booking paid.';
COMMENT ON COLUMN booking.payments.provider IS 'Payment provider (stripe).';
COMMENT ON COLUMN booking.payments.payment_intent_id IS 'Provider PaymentIntent id.';
COMMENT ON COLUMN booking.payments.amount IS 'Amount.';
COMMENT ON COLUMN booking.payments.currency IS 'Currency.';
COMMENT ON COLUMN booking.payments.status IS 'succeeded, failed (a declined attempt) or canceled.';
COMMENT ON COLUMN booking.payments.error_code IS 'Provider decline code of a failed attempt.';
COMMENT ON COLUMN booking.payments.created_at IS 'When it was recorded.';

COMMENT ON TABLE booking.refunds IS 'Refunds owed or made: PENDING until the provider answers, then SUCCEEDED or FAILED (docs/payments.md).';
COMMENT ON COLUMN booking.refunds.id IS 'Refund id (sent to the provider as metadata.refund_id).';
COMMENT ON COLUMN booking.refunds.booking_id IS 'Booking refunded.';
COMMENT ON COLUMN booking.refunds.amount IS 'Amount refunded.';
COMMENT ON COLUMN booking.refunds.currency IS 'Currency.';
COMMENT ON COLUMN booking.refunds.status IS 'PENDING, SUCCEEDED or FAILED.';
COMMENT ON COLUMN booking.refunds.reason IS 'Why, as a code: cancellation: <reason category>, late payment... (never customer-typed text).';
COMMENT ON COLUMN booking.refunds.provider_refund_id IS 'Provider refund id (re_...).';
COMMENT ON COLUMN booking.refunds.created_at IS 'When it was decided.';
COMMENT ON COLUMN booking.refunds.updated_at IS 'Last change (the provider''s answer).';
COMMENT ON COLUMN booking.refunds.attempts IS 'Sends and reads tried.';
COMMENT ON COLUMN booking.refunds.last_error IS 'Last error talking to the provider.';
COMMENT ON COLUMN booking.refunds.last_attempt_at IS 'When it was last tried.';
COMMENT ON COLUMN booking.refunds.provider_status IS 'Provider''s last status: pending, requires_action, succeeded, failed, canceled.';
COMMENT ON COLUMN booking.refunds.failure_reason IS 'Provider failure_reason when it failed.';
COMMENT ON COLUMN booking.refunds.attempt_key_at IS 'When the current idempotency key was first used (the provider forgets keys after 24 hours).';
COMMENT ON COLUMN booking.refunds.key_spent IS 'The provider answered 5xx under the key: a retry needs a new key.';
COMMENT ON COLUMN booking.refunds.send_attempts IS 'Keys issued (POSTs decided).';
COMMENT ON COLUMN booking.refunds.lease_until IS 'One sender at a time: the current sender''s lease.';
COMMENT ON COLUMN booking.refunds.succeeded_at IS 'When the provider confirmed it.';
COMMENT ON COLUMN booking.refunds.failed_at IS 'When it failed.';
COMMENT ON COLUMN booking.refunds.reversed_at IS 'It failed after succeeding: the money came back to us.';

COMMENT ON TABLE booking.outbox IS 'Transactional outbox of customer messages (confirmation, reminder, cancellation, refund), written with the booking change and relayed to the workers.';
COMMENT ON COLUMN booking.outbox.id IS 'Message id.';
COMMENT ON COLUMN booking.outbox.kind IS 'CONFIRMATION, REMINDER, CANCELLATION or REFUND.';
COMMENT ON COLUMN booking.outbox.booking_id IS 'Booking the message is about.';
COMMENT ON COLUMN booking.outbox.dedup_key IS 'One message per key: a retry or duplicate delivery sends one email.';
COMMENT ON COLUMN booking.outbox.payload IS 'Message data (amounts, reason); contact fields are dropped on anonymisation.';
COMMENT ON COLUMN booking.outbox.due_at IS 'When it is due (reminders: before the show).';
COMMENT ON COLUMN booking.outbox.status IS 'PENDING, QUEUED, SENDING, SENT, FAILED (parked after retries) or SKIPPED (no longer due).';
COMMENT ON COLUMN booking.outbox.attempts IS 'Delivery attempts.';
COMMENT ON COLUMN booking.outbox.last_error IS 'Last delivery error.';
COMMENT ON COLUMN booking.outbox.locked_at IS 'When a relay or sender took it.';
COMMENT ON COLUMN booking.outbox.sent_at IS 'When it was sent.';
COMMENT ON COLUMN booking.outbox.created_at IS 'When it was written.';
COMMENT ON COLUMN booking.outbox.failed_at IS 'When it was parked as FAILED.';

COMMENT ON TABLE booking.idempotency_keys IS 'Idempotency-Key of HTTP requests (confirm, payment, cancel): the first answer is replayed for 24 hours.';
COMMENT ON COLUMN booking.idempotency_keys.endpoint IS 'Endpoint the key is for.';
COMMENT ON COLUMN booking.idempotency_keys.key IS 'The client''s Idempotency-Key.';
COMMENT ON COLUMN booking.idempotency_keys.request_hash IS 'Hash of the request body: the same key with another body is refused.';
COMMENT ON COLUMN booking.idempotency_keys.status_code IS 'HTTP status of the first answer (NULL: still running).';
COMMENT ON COLUMN booking.idempotency_keys.response IS 'The first answer, replayed.';
COMMENT ON COLUMN booking.idempotency_keys.created_at IS 'When the key was first used.';
COMMENT ON COLUMN booking.idempotency_keys.expires_at IS 'When it is forgotten.';
COMMENT ON COLUMN booking.idempotency_keys.owner_pid IS 'Backend pid of the request running it (a dead owner''s key can be taken over).';
COMMENT ON COLUMN booking.audit_log.id IS 'Entry id.';
COMMENT ON COLUMN booking.audit_log.at IS 'When (transaction time).';
COMMENT ON COLUMN booking.audit_log.actor IS 'Label of the verified actor (operator email, API key or database role).';
COMMENT ON COLUMN booking.audit_log.action IS 'What was done, e.g. booking.cancel.override.';
COMMENT ON COLUMN booking.audit_log.entity IS 'Kind of object, e.g. booking, showtime.';
COMMENT ON COLUMN booking.audit_log.entity_id IS 'Id of the object.';
COMMENT ON COLUMN booking.audit_log.details IS 'Details (amounts, reasons, seat ids).';
COMMENT ON COLUMN booking.audit_log.actor_kind IS 'session, api_key or database.';
COMMENT ON COLUMN booking.audit_log.operator_id IS 'Operator (session or their API key).';
COMMENT ON COLUMN booking.audit_log.operator_email IS 'Operator email at the time.';
COMMENT ON COLUMN booking.audit_log.api_key_id IS 'API key used.';
COMMENT ON COLUMN booking.audit_log.db_role IS 'Database role of the connection.';
COMMENT ON COLUMN booking.error_codes.sqlstate IS 'SQLSTATE raised (MQnnn for ours, or a Postgres state).';
COMMENT ON COLUMN booking.error_codes.code IS 'Stable error code clients see, e.g. SEAT_UNAVAILABLE.';
COMMENT ON COLUMN booking.error_codes.http_status IS 'HTTP status it answers with.';
COMMENT ON COLUMN booking.error_codes.description IS 'What it means (docs/errors.md is generated from it).';
COMMENT ON COLUMN booking.error_codes.raised_by IS 'function (booking_internal.raise_error), postgres (a race state) or api.';
COMMENT ON COLUMN booking.error_codes.answer_code IS 'Code the client sees instead, when not code (a lost race answers SEAT_UNAVAILABLE).';
COMMENT ON COLUMN booking.error_codes.fixed_message IS 'Message for states Postgres raises (its own text is not for clients).';
COMMENT ON COLUMN booking.error_codes.framework_statuses IS 'HTTP framework statuses this code also answers (404 unknown route, 413...).';
COMMENT ON COLUMN booking.webhook_events.id IS 'Provider event id (evt_...).';
COMMENT ON COLUMN booking.webhook_events.type IS 'Event type, e.g. payment_intent.succeeded.';
COMMENT ON COLUMN booking.webhook_events.object_id IS 'The pi_/ch_/re_ id the event is about.';
COMMENT ON COLUMN booking.webhook_events.created IS 'When the provider created the event (deliveries may arrive in another order).';
COMMENT ON COLUMN booking.webhook_events.received_at IS 'When we received it.';
COMMENT ON COLUMN booking.webhook_events.outcome IS 'APPLIED, IGNORED or ERROR (disagrees with our data, see detail).';
COMMENT ON COLUMN booking.webhook_events.booking_id IS 'Booking it concerned.';
COMMENT ON COLUMN booking.webhook_events.detail IS 'What it did or why it was refused.';
COMMENT ON COLUMN booking.webhook_events.payload IS 'The event as received.';
COMMENT ON COLUMN booking.intent_cancellations.payment_intent_id IS 'Payment intent to cancel at the provider.';
COMMENT ON COLUMN booking.intent_cancellations.booking_id IS 'Expired booking it belonged to.';
COMMENT ON COLUMN booking.intent_cancellations.status IS 'PENDING (to send) or DONE.';
COMMENT ON COLUMN booking.intent_cancellations.provider_status IS 'How the intent ended at the provider.';
COMMENT ON COLUMN booking.intent_cancellations.attempts IS 'Attempts.';
COMMENT ON COLUMN booking.intent_cancellations.last_error IS 'Last error.';
COMMENT ON COLUMN booking.intent_cancellations.created_at IS 'When it was owed.';
COMMENT ON COLUMN booking.intent_cancellations.updated_at IS 'Last attempt or answer.';
COMMENT ON COLUMN booking.companion_seats.wheelchair_seat_id IS 'The WHEELCHAIR space.';
COMMENT ON COLUMN booking.companion_seats.companion_seat_id IS 'A seat beside it kept for a companion.';
COMMENT ON COLUMN booking.showtime_seating.showtime_id IS 'Showtime.';
COMMENT ON COLUMN booking.showtime_seating.lone_seat_rule IS 'No-lone-empty-seat rule on or off for this showtime.';
COMMENT ON COLUMN booking.showtime_seating.updated_at IS 'When it was set.';
COMMENT ON COLUMN booking.showtime_seating.updated_by IS 'Who set it.';
COMMENT ON COLUMN booking.channel_allocations.showtime_id IS 'Showtime.';
COMMENT ON COLUMN booking.channel_allocations.seat_id IS 'Seat kept for the channel.';
COMMENT ON COLUMN booking.channel_allocations.channel IS 'Sales channel, e.g. box-office or a partner.';
COMMENT ON COLUMN booking.channel_allocations.release_at IS 'Back on general sale at this instant (NULL: only when released).';
COMMENT ON COLUMN booking.channel_allocations.released_at IS 'When an operator released it early.';
COMMENT ON COLUMN booking.channel_allocations.allocated_by IS 'Who allocated it.';
COMMENT ON COLUMN booking.channel_allocations.created_at IS 'When it was allocated.';
COMMENT ON COLUMN booking.seat_status_history.id IS 'Entry id.';
COMMENT ON COLUMN booking.seat_status_history.showtime_id IS 'Showtime.';
COMMENT ON COLUMN booking.seat_status_history.seat_id IS 'Seat.';
COMMENT ON COLUMN booking.seat_status_history.at IS 'booking.clock() of the change (an expiry: the hold''s end).';
COMMENT ON COLUMN booking.seat_status_history.from_status IS 'Status before: AVAILABLE, HELD, BOOKED or BLOCKED.';
COMMENT ON COLUMN booking.seat_status_history.to_status IS 'Status after.';
COMMENT ON COLUMN booking.seat_status_history.claim_kind IS 'Kind of the claim that changed (HOLD, BOOKING, BLOCK).';
COMMENT ON COLUMN booking.seat_status_history.claim_id IS 'booking.seat_claims.id (the claim may be purged later).';
COMMENT ON COLUMN booking.seat_status_history.hold_id IS 'Hold involved.';
COMMENT ON COLUMN booking.seat_status_history.booking_id IS 'Booking involved.';
COMMENT ON COLUMN booking.seat_status_history.reason IS 'EXPIRED for a hold that timed out; NULL otherwise.';
COMMENT ON COLUMN booking.seat_status_history.actor IS 'Operator tool''s marquee.actor, when set.';
COMMENT ON COLUMN booking.seat_status_history.tx_at IS 'Transaction start (matches audit_log.at of the same change).';
COMMENT ON COLUMN booking.time_zones.name IS 'IANA time zone name.';

COMMENT ON TABLE booking.cancel_reason_categories IS 'Reason categories a cancellation is filed under (chosen by the customer or operator): reports count these, never the free text. Listed in docs/reporting.md.';
COMMENT ON COLUMN booking.cancel_reason_categories.code IS 'Category code, e.g. CHANGE_OF_PLANS (the API''s reasonCategory).';
COMMENT ON COLUMN booking.cancel_reason_categories.chosen_by IS 'anyone (customers and operators) or operator (operators only).';
COMMENT ON COLUMN booking.cancel_reason_categories.label IS 'Human-readable name.';
COMMENT ON COLUMN booking.cancel_reason_categories.description IS 'When to choose it.';
COMMENT ON COLUMN booking.cancel_reason_categories.sort_order IS 'Order in forms.';
COMMENT ON COLUMN reporting_cache.refresh_log.view_name IS 'Materialized view refreshed.';
COMMENT ON COLUMN reporting_cache.refresh_log.refreshed_at IS 'When it was last refreshed.';
COMMENT ON COLUMN reporting_cache.refresh_log.duration_ms IS 'How long the refresh took.';

-- Columns of the read-model views of other files (their views are created before this file runs).
COMMENT ON COLUMN booking.failed_messages.id IS 'Outbox message id (booking.outbox_retry(id) sends it again).';
COMMENT ON COLUMN booking.failed_messages.kind IS 'CONFIRMATION, REMINDER, CANCELLATION or REFUND.';
COMMENT ON COLUMN booking.failed_messages.booking_id IS 'Booking the message is about.';
COMMENT ON COLUMN booking.failed_messages.booking_reference IS 'Its public reference.';
COMMENT ON COLUMN booking.failed_messages.customer_email IS 'Recipient (personal: shown only to who may manage that cinema''s outbox).';
COMMENT ON COLUMN booking.failed_messages.attempts IS 'Delivery attempts made.';
COMMENT ON COLUMN booking.failed_messages.last_error IS 'Last delivery error.';
COMMENT ON COLUMN booking.failed_messages.created_at IS 'When the message was written.';
COMMENT ON COLUMN booking.failed_messages.failed_at IS 'When it was parked.';
COMMENT ON COLUMN booking.failed_messages.dedup_key IS 'Its deduplication key.';
COMMENT ON COLUMN booking.payment_discrepancies.booking_id IS 'Booking (NULL: a webhook event that matched none).';
COMMENT ON COLUMN booking.payment_discrepancies.booking_reference IS 'Its public reference.';
COMMENT ON COLUMN booking.payment_discrepancies.status IS 'Booking status.';
COMMENT ON COLUMN booking.payment_discrepancies.payment_status IS 'Booking payment_status as recorded.';
COMMENT ON COLUMN booking.payment_discrepancies.problem IS
    'CONFIRMED_NOT_PAID, PAID_BUT_PENDING, CHARGED_TWICE, MONEY_KEPT_WITHOUT_SEATS, REFUNDED_MORE_THAN_PAID, '
    'REFUND_FAILED, REFUND_REVERSED, REFUND_STUCK, PAYMENT_STATUS_WRONG or WEBHOOK_ERROR.';
COMMENT ON COLUMN booking.payment_discrepancies.amount IS 'Amount the booking should be paid.';
COMMENT ON COLUMN booking.payment_discrepancies.paid IS 'Succeeded payments.';
COMMENT ON COLUMN booking.payment_discrepancies.refunded IS 'Succeeded refunds.';
COMMENT ON COLUMN booking.payment_discrepancies.refund_pending IS 'Refunds not yet confirmed by the provider.';
COMMENT ON COLUMN booking.payment_discrepancies.currency IS 'Currency of the amounts.';
COMMENT ON COLUMN booking.payment_discrepancies.payment_intent_id IS 'Payment intent (or the object of the webhook event).';
COMMENT ON COLUMN booking.payment_discrepancies.event_id IS 'Webhook event id (WEBHOOK_ERROR only).';
COMMENT ON COLUMN booking.payment_discrepancies.detail IS 'The failed refunds, or what the webhook event disagreed with.';

-- ---------------------------------------------------------------------------------------------------------------
-- The public SQL API in one query (psql's \dd never shows function comments, \df+ prints their source):
--   SELECT name, arguments, raises, description FROM booking.api WHERE schema = 'booking' ORDER BY name;
-- Derived from the catalogue at query time, so it cannot drift: a function added, changed or dropped shows at once.
CREATE VIEW booking.api AS
WITH fn AS (
    SELECT n.nspname::text AS schema, p.proname::text AS name, CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
           pg_get_function_identity_arguments(p.oid) AS arguments, pg_get_function_result(p.oid) AS returns,
           ARRAY(SELECT r.rolname::text COLLATE "default" FROM pg_roles r
                  WHERE r.rolname IN ('booking_api', 'booking_admin', 'booking_worker', 'bi_reader')
                    AND has_function_privilege(r.oid, p.oid, 'EXECUTE') ORDER BY 1) AS callable_by,
           ARRAY(SELECT DISTINCT m[1] COLLATE "default" FROM regexp_matches(p.prosrc, 'booking\.require\(\s*''([a-z_.]+)''', 'g') m
                  ORDER BY 1) AS operator_permissions,
           obj_description(p.oid, 'pg_proc') AS description
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname IN ('booking', 'booking_ops')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')),
rel AS (
    SELECT n.nspname::text, c.relname::text, CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END,
           NULL::text, NULL::text,
           ARRAY(SELECT r.rolname::text COLLATE "default" FROM pg_roles r
                  WHERE r.rolname IN ('booking_api', 'booking_admin', 'booking_worker', 'bi_reader')
                    AND has_table_privilege(r.oid, c.oid, 'SELECT') ORDER BY 1),
           '{}'::text[], obj_description(c.oid, 'pg_class')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('booking', 'reporting') AND c.relkind IN ('v', 'm'))
SELECT x.schema, x.name, x.kind, x.arguments, x.returns, x.callable_by, x.operator_permissions,
       ARRAY(SELECT e.code FROM booking.error_codes e
              WHERE x.description ~ ('\m' || e.code || '\M') ORDER BY e.code) AS raises,
       x.description
  FROM (SELECT * FROM fn UNION ALL SELECT * FROM rel) x;
COMMENT ON VIEW booking.api IS
    'The public SQL API: every function of booking (the API''s) and booking_ops (operators'' jobs) and every view of '
    'booking and reporting, with who may call or read it, the operator permissions it checks and the error codes it '
    'can raise. SELECT name, arguments, raises, description FROM booking.api WHERE schema = ''booking'' ORDER BY name.';
COMMENT ON COLUMN booking.api.schema IS 'booking (API functions, read models), booking_ops (operators'' jobs) or reporting (BI views).';
COMMENT ON COLUMN booking.api.name IS 'Function or view name.';
COMMENT ON COLUMN booking.api.kind IS 'function, procedure, view or materialized view.';
COMMENT ON COLUMN booking.api.arguments IS 'Argument names and types, as in \df (NULL for a view).';
COMMENT ON COLUMN booking.api.returns IS 'Result type (NULL for a view).';
COMMENT ON COLUMN booking.api.callable_by IS 'Marquee roles that may EXECUTE the function or SELECT the view.';
COMMENT ON COLUMN booking.api.operator_permissions IS
    'Permissions booking.require checks against the verified operator credential (booking.role_permissions); empty: none.';
COMMENT ON COLUMN booking.api.raises IS 'Error codes (booking.error_codes, docs/errors.md) its comment says it can raise.';
COMMENT ON COLUMN booking.api.description IS 'Its COMMENT.';
