-- Issue 26: money as Stripe really moves it. Functions: sql/functions/60_payments.sql. See docs/payments.md.
--
-- A refund is sent at most once per request whatever the age of its idempotency key: the ledger records the key
-- of each POST /v1/refunds before it is sent, and a refund that has a provider id is only ever read again
-- (GET /v1/refunds/{id}) or finished by its events. Stripe may also fail a refund after it succeeded.
ALTER TABLE booking.refunds
    -- Stripe's last known status of the refund: pending, requires_action, succeeded, failed, canceled
    ADD COLUMN provider_status text,
    -- Stripe's failure_reason (expired_or_canceled_card, lost_or_stolen_card, ...) when it failed
    ADD COLUMN failure_reason  text,
    -- the Idempotency-Key of the POST /v1/refunds in force; NULL = never sent to the provider
    ADD COLUMN attempt_key     text,
    -- when that key was first used: Stripe forgets keys after 24 hours, so an older key protects nothing
    ADD COLUMN attempt_key_at  timestamptz,
    -- Stripe answered 5xx under the key: it replays that answer for 24 hours, a retry needs a new key
    ADD COLUMN key_spent       boolean NOT NULL DEFAULT false,
    -- how many keys the ledger has issued (POSTs decided); `attempts` counts every send or read
    ADD COLUMN send_attempts   int NOT NULL DEFAULT 0,
    -- one sender at a time (the API, the webhook handler and several workers may try the same refund)
    ADD COLUMN lease_until     timestamptz,
    ADD COLUMN succeeded_at    timestamptz,
    ADD COLUMN failed_at       timestamptz,
    -- it failed after it had succeeded (refund.failed): the money came back to us, the customer has nothing
    ADD COLUMN reversed_at     timestamptz;
COMMENT ON COLUMN booking.refunds.attempt_key IS
    'Idempotency-Key of the current POST /v1/refunds (recorded before sending); NULL = never sent.';
CREATE INDEX refunds_reversed ON booking.refunds (booking_id) WHERE reversed_at IS NOT NULL;

-- A payment Stripe reports `processing` (it settles later): the booking keeps its seats until the webhook decides.
ALTER TABLE booking.bookings ADD COLUMN payment_processing_since timestamptz;
COMMENT ON COLUMN booking.bookings.payment_processing_since IS
    'When the provider first reported the payment processing (NULL: not processing); see booking.record_payment_processing.';
