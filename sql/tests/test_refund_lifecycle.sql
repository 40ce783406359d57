-- Issue 26: refunds as Stripe moves them (sent once whatever the key's age, settled or failed later, even after
-- succeeding) and payments that stay processing (seats kept, deadline rules). sql/functions/60_payments.sql.
BEGIN;
SELECT plan(49);
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;
SET LOCAL marquee.payment_processing_window_seconds = '3600';

-- a paid booking (24.00) cancelled with a partial refund (10.00), a second one cancelled in full
CREATE TEMP TABLE bp ON COMMIT DROP AS SELECT pg_temp.book('{seat-a1,seat-a2}', 'rl-p') AS id;
CREATE TEMP TABLE rp ON COMMIT DROP AS SELECT refund_id AS id FROM booking.cancel((SELECT id FROM bp), 'x', 10.00);
CREATE TEMP TABLE bf ON COMMIT DROP AS SELECT pg_temp.book('{seat-a3,seat-a4}', 'rl-f') AS id;
CREATE TEMP TABLE rf ON COMMIT DROP AS SELECT refund_id AS id FROM booking.cancel((SELECT id FROM bf), 'x');

-- the ledger decides before any call to the provider
SELECT throws_ok($$SELECT * FROM booking.begin_refund_attempt(gen_random_uuid())$$, 'MQ044', NULL, 'begin_refund_attempt: REFUND_NOT_FOUND');
SELECT results_eq($$SELECT action, idempotency_key FROM booking.begin_refund_attempt((SELECT id FROM rp))$$,
                  $$SELECT 'CREATE', 'refund-' || (SELECT id FROM rp)$$,
                  'never sent: CREATE under the key the ledger records first');
SELECT is((SELECT attempt_key FROM booking.refunds WHERE id = (SELECT id FROM rp)), 'refund-' || (SELECT id FROM rp),
          'the key is recorded before the POST');
SELECT is((SELECT action FROM booking.begin_refund_attempt((SELECT id FROM rp))), 'BUSY', 'another sender meanwhile: BUSY');
SELECT lives_ok($$SELECT booking.note_refund_send_failed((SELECT id FROM rp), 'connection reset', false)$$, 'the POST got no answer');
SELECT results_eq($$SELECT action, idempotency_key FROM booking.begin_refund_attempt((SELECT id FROM rp))$$,
                  $$SELECT 'FIND', 'refund-' || (SELECT id FROM rp)$$,
                  'sent without a recorded answer: FIND it at the provider first, never a blind re-send');
SELECT is(booking.refund_send_key((SELECT id FROM rp)), 'refund-' || (SELECT id FROM rp),
          'not found, key young and not spent: the same key (Stripe answers 409 or replays if it is still in flight)');
SELECT lives_ok($$SELECT booking.note_refund_send_failed((SELECT id FROM rp), '500 api_error', true)$$, 'Stripe answered 5xx');
SELECT ok((SELECT key_spent FROM booking.refunds WHERE id = (SELECT id FROM rp)), 'a 5xx from Stripe spends the key (it replays it for 24 h)');
SELECT is((SELECT action FROM booking.begin_refund_attempt((SELECT id FROM rp))), 'FIND', 'after a 5xx: FIND again');
SELECT is(booking.refund_send_key((SELECT id FROM rp)), 'refund-' || (SELECT id FROM rp) || '-2', 'a spent key is never reused: a new one');
UPDATE booking.refunds SET attempt_key_at = booking.clock() - interval '25 hours', lease_until = NULL WHERE id = (SELECT id FROM rp);
SELECT is(booking.refund_send_key((SELECT id FROM rp)), 'refund-' || (SELECT id FROM rp) || '-3', 'a key older than Stripe keeps it: a new one');

-- the provider's answers: a refund only moves forward
SELECT is(booking.apply_provider_refund(jsonb_build_object('id', 're_p', 'status', 'pending', 'amount', 1000, 'currency', 'usd',
              'metadata', jsonb_build_object('refund_id', (SELECT id FROM rp))))->>'status', 'PENDING', 'pending at the provider: PENDING');
SELECT results_eq($$SELECT provider_refund_id, provider_status, lease_until FROM booking.refunds WHERE id = (SELECT id FROM rp)$$,
                  $$VALUES ('re_p', 'pending', NULL::timestamptz)$$, 'its provider id and status are kept, the lease freed');
SELECT results_eq($$SELECT action, idempotency_key, provider_refund_id FROM booking.begin_refund_attempt((SELECT id FROM rp))$$,
                  $$VALUES ('RETRIEVE', NULL::text, 're_p')$$, 'the provider has it: RETRIEVE (GET), no key, no POST ever again');
SELECT is(booking.refund_send_key((SELECT id FROM rp)), NULL, 'refund_send_key refuses once the provider id is known');
SELECT is(booking.apply_provider_refund('{"id": "re_p", "status": "succeeded", "amount": 1000, "currency": "usd"}')->>'status',
          'SUCCEEDED', 'pending -> succeeded (matched by the provider id)');
SELECT is((SELECT payment_status::text FROM booking.bookings WHERE id = (SELECT id FROM bp)), 'PARTIALLY_REFUNDED', 'partially refunded');
SELECT is(booking.apply_provider_refund('{"id": "re_p", "status": "pending"}')->>'status', 'SUCCEEDED',
          'a stale pending (events out of order) does not move it back');
SELECT is(booking.apply_provider_refund(jsonb_build_object('id', 're_other', 'status', 'succeeded', 'amount', 1000, 'currency', 'usd',
              'metadata', jsonb_build_object('refund_id', (SELECT id FROM rp))))->>'problem', 'DUPLICATE_PROVIDER_REFUND',
          'a second provider refund for the same request is reported, never merged');
SELECT is(booking.apply_provider_refund(jsonb_build_object('id', 're_p', 'status', 'succeeded', 'amount', 999, 'currency', 'usd'))->>'problem',
          'REFUND_AMOUNT_MISMATCH', 'another amount is reported');

-- succeeded -> failed (refund.failed): the money is owed again
SELECT is(booking.apply_provider_refund('{"id": "re_p", "status": "failed", "failure_reason": "expired_or_canceled_card", "amount": 1000, "currency": "usd"}')->>'status',
          'FAILED', 'succeeded -> failed: FAILED');
SELECT results_eq($$SELECT failure_reason, reversed_at IS NOT NULL FROM booking.refunds WHERE id = (SELECT id FROM rp)$$,
                  $$VALUES ('expired_or_canceled_card', true)$$, 'the reason is kept and the reversal stamped');
SELECT is((SELECT payment_status::text FROM booking.bookings WHERE id = (SELECT id FROM bp)), 'PAID', 'payment_status back from PARTIALLY_REFUNDED to PAID');
SELECT is(booking.refundable_amount((SELECT id FROM bp)), 24.00::numeric(10,2), 'the whole payment is refundable again');
SELECT bag_eq($$SELECT problem FROM booking.payment_discrepancies WHERE booking_id = (SELECT id FROM bp)$$,
              $$VALUES ('REFUND_FAILED'), ('REFUND_REVERSED')$$, 'reconciliation lists REFUND_FAILED and REFUND_REVERSED');
SELECT is((SELECT detail #>> '{refunds,0,failureReason}' FROM booking.payment_discrepancies
            WHERE booking_id = (SELECT id FROM bp) AND problem = 'REFUND_REVERSED'), 'expired_or_canceled_card', 'with the failed refund in detail');
SELECT is((SELECT count(*)::int FROM booking.audit_log WHERE action = 'refund.failed_after_success' AND entity_id = (SELECT id FROM rp)::text),
          1, 'the reversal is in the audit log');
SELECT is(booking.apply_provider_refund('{"id": "re_p", "status": "succeeded"}')->>'status', 'FAILED', 'failed is final: a late succeeded changes nothing');
SELECT ok(EXISTS (SELECT 1 FROM jsonb_array_elements(booking.payment_discrepancy_report()) d
                   WHERE d->>'bookingId' = (SELECT id FROM bp)::text AND d->>'problem' = 'REFUND_REVERSED'),
          'payment_discrepancy_report (the operators'' page) shows it');

-- a full refund that fails after succeeding: REFUNDED -> PAID
SELECT is(booking.apply_provider_refund(jsonb_build_object('id', 're_f', 'status', 'succeeded', 'amount', 2400, 'currency', 'usd',
              'metadata', jsonb_build_object('refund_id', (SELECT id FROM rf))))->>'status', 'SUCCEEDED', 'the full refund succeeded');
SELECT is((SELECT payment_status::text FROM booking.bookings WHERE id = (SELECT id FROM bf)), 'REFUNDED', 'REFUNDED');
SELECT is(booking.apply_provider_refund('{"id": "re_f", "status": "failed", "failure_reason": "lost_or_stolen_card"}')->>'status', 'FAILED', 'then failed');
SELECT is((SELECT payment_status::text FROM booking.bookings WHERE id = (SELECT id FROM bf)), 'PAID', 'REFUNDED -> PAID: the customer is owed the money');
SELECT is((SELECT count(*)::int FROM booking.outbox WHERE kind = 'REFUND' AND booking_id = (SELECT id FROM bf)), 1,
          'the refund email went out once (an operator contacts the customer about the failure)');

-- pending_refunds: leased rows are skipped, those the provider has are read again with a backoff
CREATE TEMP TABLE bq ON COMMIT DROP AS SELECT pg_temp.book('{seat-b1}', 'rl-q') AS id;
CREATE TEMP TABLE rq ON COMMIT DROP AS SELECT refund_id AS id FROM booking.cancel((SELECT id FROM bq), 'x');
SELECT ok((SELECT id FROM rq) IN (SELECT refund_id FROM booking.pending_refunds()), 'a new refund is listed');
SELECT is((SELECT action FROM booking.begin_refund_attempt((SELECT id FROM rq))), 'CREATE', 'taken');
SELECT ok((SELECT id FROM rq) NOT IN (SELECT refund_id FROM booking.pending_refunds()), 'leased: not listed');
SELECT lives_ok($$SELECT booking.apply_provider_refund(jsonb_build_object('id', 're_q', 'status', 'pending', 'metadata', jsonb_build_object('refund_id', (SELECT id FROM rq))))$$,
                'pending at the provider');
SELECT ok((SELECT id FROM rq) NOT IN (SELECT refund_id FROM booking.pending_refunds()), 'just read: not listed again yet');
SET LOCAL marquee.now = '2030-01-01 12:02Z';
SELECT ok((SELECT id FROM rq) IN (SELECT refund_id FROM booking.pending_refunds()), 'after attempts minutes: listed (to read it)');
SET LOCAL marquee.now = '2030-01-01 12:00Z';

-- processing: the booking keeps its seats until the webhook decides
CREATE TEMP TABLE bx ON COMMIT DROP AS SELECT pg_temp.book('{seat-b2}', 'rl-x', false) AS id;
SELECT throws_ok($$SELECT * FROM booking.record_payment_processing('pi_none')$$, 'MQ005', NULL, 'record_payment_processing: BOOKING_NOT_FOUND');
SELECT results_eq($$SELECT status::text, payment_deadline FROM booking.record_payment_processing('pi_rl-x')$$,
                  $$VALUES ('PENDING_PAYMENT', timestamptz '2030-01-01 13:00Z')$$,
                  'processing: still PENDING_PAYMENT, deadline = first report + payment_processing_window_seconds');
SET LOCAL marquee.now = '2030-01-01 12:30Z';
SELECT is((SELECT payment_deadline FROM booking.record_payment_processing('pi_rl-x')), timestamptz '2030-01-01 13:00Z',
          'reported again (the webhook after the API answer): counted from the first report');
SET LOCAL marquee.now = '2030-01-01 12:45Z';
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-b2'), 'BOOKED',
          'past the normal 10-minute window the seat is still held');
SELECT is((SELECT count(*)::int FROM booking.expire_overdue_payments() WHERE booking_id = (SELECT id FROM bx)), 0, 'and not expired');
SELECT is((SELECT status::text FROM booking.record_payment('pi_rl-x', 'declined', p_error_code => 'card_declined')),
          'PENDING_PAYMENT', 'the processing payment failed: the booking keeps waiting');
SELECT is((SELECT payment_deadline FROM booking.bookings WHERE id = (SELECT id FROM bx)), timestamptz '2030-01-01 12:55Z',
          'with a fresh payment window to try another card, never beyond the extension');
SELECT is((SELECT payment_processing_since FROM booking.bookings WHERE id = (SELECT id FROM bx)), NULL, 'no longer processing');

SELECT * FROM finish();
ROLLBACK;
