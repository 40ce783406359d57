-- Issues 25 + 16: every showtime-keyed table keyed by (showtime_id, id), showtime_id on every showtime-keyed row,
-- composite foreign keys between them, values unique across showtimes kept unique by a table distributed by the
-- value (booking.global_keys), and ids we generate carrying their showtime (showtimes.showtime_no in the first 32
-- bits of a UUIDv8; in the high 32 bits of outbox ids), so a function given only such an id finds its showtime
-- without a scan across showtimes. The seat status history is written by the functions in the statement that
-- changes the claims: the statement triggers with transition tables go (Citus cannot run them). See
-- docs/scaling.md. Existing rows survive: they are backfilled in place, and the random ids they already have are
-- found through booking.global_keys (kind LEGACY_ID).
--
-- One transaction, like every migration. On a large database add the nullable columns, backfill them in batches
-- and build the new unique indexes CONCURRENTLY first (docs/scaling.md, "Moving a running database"); this file
-- then only swaps constraints.

-- 1. A compact number per showtime that ids can carry (showtimes is a reference table: unique everywhere).
ALTER TABLE booking.showtimes ADD COLUMN showtime_no int GENERATED ALWAYS AS IDENTITY;
ALTER TABLE booking.showtimes ADD CONSTRAINT showtimes_showtime_no_key UNIQUE (showtime_no);
COMMENT ON COLUMN booking.showtimes.showtime_no IS
    'Compact showtime number carried in the first 32 bits of every hold, booking and refund id made since migration '
    '011 (UUIDv8), and in the high 32 bits of outbox ids: a function given only such an id finds its showtime.';

-- 2. Globally unique values, each in a small table distributed by the value itself (Citus: create_distributed_table
--    ('booking.global_keys', 'key')); the functions write it in the same transaction as the row it points to.
CREATE TABLE booking.global_keys (
    key         text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('BOOKING_REFERENCE', 'PAYMENT_INTENT', 'PROVIDER_REFUND', 'LEGACY_ID')),
    showtime_id uuid NOT NULL,
    target_id   uuid NOT NULL,
    PRIMARY KEY (key, kind)
);
COMMENT ON TABLE booking.global_keys IS
    'Values unique across showtimes (booking references, payment intent ids, provider refund ids) and ids made before '
    'migration 011, with the showtime they belong to. Distributed by key on Citus: its primary key is the global uniqueness.';
COMMENT ON COLUMN booking.global_keys.key IS 'The value: a reference, an intent id, a provider refund id, or an old id as text.';
COMMENT ON COLUMN booking.global_keys.kind IS 'BOOKING_REFERENCE, PAYMENT_INTENT, PROVIDER_REFUND or LEGACY_ID.';
COMMENT ON COLUMN booking.global_keys.showtime_id IS 'The showtime the value belongs to.';
COMMENT ON COLUMN booking.global_keys.target_id IS 'The booking (reference, intent), the refund (provider refund id) or the id itself (legacy).';

INSERT INTO booking.global_keys (key, kind, showtime_id, target_id)
SELECT b.reference, 'BOOKING_REFERENCE', b.showtime_id, b.id FROM booking.bookings b
UNION ALL
SELECT b.payment_intent_id, 'PAYMENT_INTENT', b.showtime_id, b.id FROM booking.bookings b WHERE b.payment_intent_id IS NOT NULL
UNION ALL
SELECT r.provider_refund_id, 'PROVIDER_REFUND', b.showtime_id, r.id
  FROM booking.refunds r JOIN booking.bookings b ON b.id = r.booking_id WHERE r.provider_refund_id IS NOT NULL
UNION ALL
SELECT h.id::text, 'LEGACY_ID', h.showtime_id, h.id FROM booking.holds h
UNION ALL
SELECT b.id::text, 'LEGACY_ID', b.showtime_id, b.id FROM booking.bookings b
UNION ALL
SELECT r.id::text, 'LEGACY_ID', b.showtime_id, r.id FROM booking.refunds r JOIN booking.bookings b ON b.id = r.booking_id;

-- 3. showtime_id on every showtime-keyed row (backfilled from the booking).
ALTER TABLE booking.booking_seats        ADD COLUMN showtime_id uuid;
ALTER TABLE booking.payments             ADD COLUMN showtime_id uuid;
ALTER TABLE booking.refunds              ADD COLUMN showtime_id uuid;
ALTER TABLE booking.outbox               ADD COLUMN showtime_id uuid;
ALTER TABLE booking.intent_cancellations ADD COLUMN showtime_id uuid;
ALTER TABLE booking.webhook_events       ADD COLUMN showtime_id uuid;   -- not showtime-keyed: distributed by event id
UPDATE booking.booking_seats x SET showtime_id = b.showtime_id FROM booking.bookings b WHERE b.id = x.booking_id;
UPDATE booking.payments x SET showtime_id = b.showtime_id FROM booking.bookings b WHERE b.id = x.booking_id;
UPDATE booking.refunds x SET showtime_id = b.showtime_id FROM booking.bookings b WHERE b.id = x.booking_id;
UPDATE booking.outbox x SET showtime_id = b.showtime_id FROM booking.bookings b WHERE b.id = x.booking_id;
UPDATE booking.intent_cancellations x SET showtime_id = b.showtime_id FROM booking.bookings b WHERE b.id = x.booking_id;
UPDATE booking.webhook_events x SET showtime_id = b.showtime_id FROM booking.bookings b WHERE b.id = x.booking_id;
ALTER TABLE booking.booking_seats        ALTER COLUMN showtime_id SET NOT NULL;
ALTER TABLE booking.payments             ALTER COLUMN showtime_id SET NOT NULL;
ALTER TABLE booking.refunds              ALTER COLUMN showtime_id SET NOT NULL;
ALTER TABLE booking.outbox               ALTER COLUMN showtime_id SET NOT NULL;
ALTER TABLE booking.intent_cancellations ALTER COLUMN showtime_id SET NOT NULL;
COMMENT ON COLUMN booking.booking_seats.showtime_id IS 'The booking''s showtime (distribution key).';
COMMENT ON COLUMN booking.payments.showtime_id IS 'The booking''s showtime (distribution key).';
COMMENT ON COLUMN booking.refunds.showtime_id IS 'The booking''s showtime (distribution key).';
COMMENT ON COLUMN booking.outbox.showtime_id IS 'The booking''s showtime (distribution key).';
COMMENT ON COLUMN booking.intent_cancellations.showtime_id IS 'The booking''s showtime (distribution key).';
COMMENT ON COLUMN booking.webhook_events.showtime_id IS 'The showtime of the booking the event was about, when known.';

-- 4. Primary keys (showtime_id, id). Dropping the old ones drops the single-column foreign keys that use them.
ALTER TABLE booking.holds DROP CONSTRAINT holds_pkey CASCADE;
ALTER TABLE booking.bookings DROP CONSTRAINT bookings_pkey CASCADE;
-- ids have no default any more: a function that forgets to make one carrying its showtime fails loudly
ALTER TABLE booking.holds ADD PRIMARY KEY (showtime_id, id), ALTER COLUMN id DROP DEFAULT;
ALTER TABLE booking.bookings
    ADD PRIMARY KEY (showtime_id, id), ALTER COLUMN id DROP DEFAULT,
    DROP CONSTRAINT bookings_reference_key,          ADD CONSTRAINT bookings_reference_key UNIQUE (showtime_id, reference),
    DROP CONSTRAINT bookings_hold_id_key,            ADD CONSTRAINT bookings_hold_id_key UNIQUE (showtime_id, hold_id),
    DROP CONSTRAINT bookings_payment_intent_id_key,  ADD CONSTRAINT bookings_payment_intent_id_key UNIQUE (showtime_id, payment_intent_id),
    ADD CONSTRAINT bookings_hold_fkey FOREIGN KEY (showtime_id, hold_id) REFERENCES booking.holds (showtime_id, id);
DROP INDEX booking.bookings_showtime;  -- the primary key serves it
-- the per-session group limit reads a session's bookings of one showtime
CREATE INDEX bookings_session ON booking.bookings (showtime_id, session_token);
-- Lookups by booking id or intent alone, for the functions not yet given the showtime (operators, reports,
-- webhooks: cold paths). Not unique, so Citus accepts them; on Citus such a lookup fans out to every shard.
CREATE INDEX bookings_id ON booking.bookings (id);
CREATE INDEX bookings_payment_intent ON booking.bookings (payment_intent_id) WHERE payment_intent_id IS NOT NULL;
CREATE INDEX bookings_reference ON booking.bookings (reference);

ALTER TABLE booking.seat_claims
    DROP CONSTRAINT seat_claims_pkey, ADD PRIMARY KEY (showtime_id, id),
    ADD CONSTRAINT seat_claims_hold_fkey FOREIGN KEY (showtime_id, hold_id) REFERENCES booking.holds (showtime_id, id),
    ADD CONSTRAINT seat_claims_booking_fkey FOREIGN KEY (showtime_id, booking_id) REFERENCES booking.bookings (showtime_id, id);
DROP INDEX booking.seat_claims_hold;
DROP INDEX booking.seat_claims_booking;
CREATE INDEX seat_claims_hold ON booking.seat_claims (showtime_id, hold_id) WHERE hold_id IS NOT NULL;
CREATE INDEX seat_claims_booking ON booking.seat_claims (showtime_id, booking_id) WHERE booking_id IS NOT NULL;

ALTER TABLE booking.booking_seats
    DROP CONSTRAINT booking_seats_pkey, ADD PRIMARY KEY (showtime_id, booking_id, seat_id),
    ADD CONSTRAINT booking_seats_booking_fkey FOREIGN KEY (showtime_id, booking_id)
        REFERENCES booking.bookings (showtime_id, id) ON DELETE CASCADE;

ALTER TABLE booking.payments
    DROP CONSTRAINT payments_pkey, ADD PRIMARY KEY (showtime_id, id),
    ADD CONSTRAINT payments_booking_fkey FOREIGN KEY (showtime_id, booking_id) REFERENCES booking.bookings (showtime_id, id);
DROP INDEX booking.payments_one_success;
DROP INDEX booking.payments_booking;
-- an intent belongs to one booking (global_keys), so one success per (showtime, intent) is one success per intent
CREATE UNIQUE INDEX payments_one_success ON booking.payments (showtime_id, payment_intent_id) WHERE status = 'succeeded';
CREATE INDEX payments_booking ON booking.payments (showtime_id, booking_id);
CREATE INDEX payments_intent ON booking.payments (payment_intent_id);  -- cold lookups by intent alone

ALTER TABLE booking.refunds
    DROP CONSTRAINT refunds_pkey, ADD PRIMARY KEY (showtime_id, id),
    DROP CONSTRAINT refunds_provider_refund_id_key,
    ADD CONSTRAINT refunds_provider_refund_id_key UNIQUE (showtime_id, provider_refund_id),
    ADD CONSTRAINT refunds_booking_fkey FOREIGN KEY (showtime_id, booking_id) REFERENCES booking.bookings (showtime_id, id);
DROP INDEX booking.refunds_booking;
CREATE INDEX refunds_booking ON booking.refunds (showtime_id, booking_id);
CREATE INDEX refunds_id ON booking.refunds (id);                                   -- cold lookups by refund id alone
CREATE INDEX refunds_provider_refund ON booking.refunds (provider_refund_id) WHERE provider_refund_id IS NOT NULL;

-- outbox ids stay bigint (the relay, Dramatiq messages and the admin API keep their types) but new ones carry the
-- showtime: (showtime_no << 32) | 32 bits of a sequence (booking_internal.new_outbox_id).
ALTER TABLE booking.outbox ALTER COLUMN id DROP IDENTITY IF EXISTS;
CREATE SEQUENCE booking.outbox_local_seq;
ALTER TABLE booking.outbox
    DROP CONSTRAINT outbox_pkey, ADD PRIMARY KEY (showtime_id, id),
    DROP CONSTRAINT outbox_dedup_key_key,
    -- every dedup key names its booking (confirmation:<booking id>), so unique per showtime = unique
    ADD CONSTRAINT outbox_dedup_key_key UNIQUE (showtime_id, dedup_key),
    ADD CONSTRAINT outbox_booking_fkey FOREIGN KEY (showtime_id, booking_id) REFERENCES booking.bookings (showtime_id, id);
DROP INDEX booking.outbox_booking;
CREATE INDEX outbox_booking ON booking.outbox (showtime_id, booking_id);
CREATE INDEX outbox_id ON booking.outbox (id);   -- the relay, workers and admin API address a message by id alone

ALTER TABLE booking.intent_cancellations
    DROP CONSTRAINT intent_cancellations_pkey, ADD PRIMARY KEY (showtime_id, payment_intent_id),
    ADD CONSTRAINT intent_cancellations_booking_fkey FOREIGN KEY (showtime_id, booking_id)
        REFERENCES booking.bookings (showtime_id, id);
CREATE INDEX intent_cancellations_intent ON booking.intent_cancellations (payment_intent_id);
-- webhook_events keeps PRIMARY KEY (id) (distributed by event id); its booking is (showtime_id, booking_id), no FK.

ALTER TABLE booking.seat_status_history DROP CONSTRAINT seat_status_history_pkey, ADD PRIMARY KEY (showtime_id, id);
DROP INDEX booking.seat_status_history_claim;
CREATE INDEX seat_status_history_claim ON booking.seat_status_history (showtime_id, claim_id);
COMMENT ON TABLE booking.seat_status_history IS
    'Seat status changes per showtime (from -> to, when, hold/booking/operator), written by the booking functions '
    'in the statement that changes the claim: support, disputes, the rush checker''s record of every refusal, and '
    'the feed the seat-change publisher reads.';

-- 5. The statement triggers with transition tables go (Citus cannot run them; the functions write the history).
DROP TRIGGER IF EXISTS seat_claims_history_insert ON booking.seat_claims;
DROP TRIGGER IF EXISTS seat_claims_history_update ON booking.seat_claims;
DROP TRIGGER IF EXISTS seat_claims_history_delete ON booking.seat_claims;
