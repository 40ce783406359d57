-- Payments through Stripe: webhook events (idempotency by event id), intent cancellations still owed to the
-- provider, and retry bookkeeping on refunds. Functions: sql/functions/60_payments.sql. See docs/payments.md.

-- Every webhook event we accepted, once: Stripe delivers at least once, so a redelivery is recognised by its id.
CREATE TABLE booking.webhook_events (
    id          text PRIMARY KEY CHECK (id ~ '^evt_'),
    type        text NOT NULL,
    -- the pi_/ch_/re_ id the event is about
    object_id   text,
    -- when the provider created the event: deliveries may arrive in another order
    created     timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    -- APPLIED: changed or confirmed our state; IGNORED: nothing to do; ERROR: disagrees with our data (see detail)
    outcome     text NOT NULL CHECK (outcome IN ('APPLIED', 'IGNORED', 'ERROR')),
    booking_id  uuid REFERENCES booking.bookings,
    detail      jsonb NOT NULL DEFAULT '{}',
    payload     jsonb NOT NULL
);
COMMENT ON TABLE booking.webhook_events IS 'Stripe webhook events received (once each, by event id) and what they did.';
CREATE INDEX webhook_events_object ON booking.webhook_events (object_id);
CREATE INDEX webhook_events_errors ON booking.webhook_events (received_at) WHERE outcome = 'ERROR';

-- An expired booking's payment intent must be cancelled at the provider so the customer cannot pay it any more.
-- Owed until the provider answers; the payments worker retries, so a Stripe outage loses nothing.
CREATE TABLE booking.intent_cancellations (
    payment_intent_id text PRIMARY KEY,
    booking_id        uuid NOT NULL REFERENCES booking.bookings,
    -- PENDING: to send; DONE: the provider answered (provider_status says how the intent ended)
    status            text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DONE')),
    provider_status   text,
    attempts          int NOT NULL DEFAULT 0,
    last_error        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE booking.intent_cancellations IS 'Payment intents of expired bookings to cancel at the provider (retried).';
CREATE INDEX intent_cancellations_pending ON booking.intent_cancellations (created_at) WHERE status = 'PENDING';

-- Refunds are retried by the payments worker while the provider is unreachable: keep count and the last error.
ALTER TABLE booking.refunds
    ADD COLUMN attempts        int NOT NULL DEFAULT 0,
    ADD COLUMN last_error      text,
    ADD COLUMN last_attempt_at timestamptz;
CREATE INDEX refunds_pending ON booking.refunds (created_at) WHERE status = 'PENDING';
