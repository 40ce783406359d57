-- Issue 21, the dearer exchange (rules in sql/functions/93_exchange.sql, docs/waitlist.md "Exchanges"): the new
-- seats are held (a hold, so the exclusion constraint guards them) until the payment deadline while the booking
-- keeps its old seats; paying the difference (its own payment intent) swaps them atomically; never paid, the
-- exchange expires and the booking stays as it was.
CREATE TABLE booking.exchanges (
    showtime_id        uuid NOT NULL,          -- the booking's showtime when the exchange was asked (distribution key)
    id                 uuid NOT NULL,          -- UUIDv8 carrying showtime_id (booking_internal.new_id)
    booking_id         uuid NOT NULL,          -- the booking that moves (its row in showtime_id)
    target_showtime_id uuid NOT NULL,          -- where it moves (the same showtime or another of its cinema)
    hold_id            uuid NOT NULL,          -- the hold of the new seats in target_showtime_id, live until the deadline
    keep_seat_ids      bigint[] NOT NULL DEFAULT '{}',  -- seats of the booking it keeps (same showtime only)
    subtotal           numeric(10,2) NOT NULL CHECK (subtotal >= 0),
    discount           numeric(10,2) NOT NULL CHECK (discount >= 0 AND discount <= subtotal),
    price_difference   numeric(10,2) NOT NULL CHECK (price_difference > 0),  -- what the customer pays (dearer only)
    currency           char(3) NOT NULL,
    payment_intent_id  text,                   -- the difference's own intent (unique across showtimes: global_keys)
    payment_deadline   timestamptz NOT NULL,   -- the hold's expiry: booking.clock() + payment_window_seconds
    -- PENDING_PAYMENT: new seats held, old ones kept, the difference not paid yet (at most one per booking);
    -- COMPLETED: paid, the seats were swapped (new_booking_id is the booking now);
    -- EXPIRED: never paid by the deadline (or the intent was canceled): the hold lapsed, the booking unchanged
    status             text NOT NULL DEFAULT 'PENDING_PAYMENT'
                       CHECK (status IN ('PENDING_PAYMENT', 'COMPLETED', 'EXPIRED')),
    new_booking_id     uuid,                   -- COMPLETED: the booking's id after the swap (another showtime: a new row)
    created_at         timestamptz NOT NULL,
    completed_at       timestamptz,
    expired_at         timestamptz,
    PRIMARY KEY (showtime_id, id),
    FOREIGN KEY (showtime_id, booking_id) REFERENCES booking.bookings (showtime_id, id),
    CHECK ((status = 'COMPLETED') = (completed_at IS NOT NULL)),
    CHECK ((status = 'COMPLETED') = (new_booking_id IS NOT NULL)),
    CHECK ((status = 'EXPIRED') = (expired_at IS NOT NULL)),
    CHECK (status <> 'COMPLETED' OR payment_intent_id IS NOT NULL),
    CHECK (payment_deadline > created_at)
);
-- one exchange waiting for payment per booking
CREATE UNIQUE INDEX exchanges_one_pending ON booking.exchanges (showtime_id, booking_id) WHERE status = 'PENDING_PAYMENT';
CREATE UNIQUE INDEX exchanges_intent ON booking.exchanges (showtime_id, payment_intent_id);
CREATE INDEX exchanges_due ON booking.exchanges (payment_deadline) WHERE status = 'PENDING_PAYMENT';
COMMENT ON TABLE booking.exchanges IS
    'Dearer exchanges waiting for (or done with) the payment of the difference: the new seats held until '
    'payment_deadline, the booking on its old seats until paid (then swapped atomically).';
COMMENT ON COLUMN booking.exchanges.showtime_id IS 'The booking''s showtime when the exchange was asked (distribution key).';
COMMENT ON COLUMN booking.exchanges.id IS 'Exchange id (exchangeId), UUIDv8 carrying the showtime.';
COMMENT ON COLUMN booking.exchanges.booking_id IS 'The booking that moves.';
COMMENT ON COLUMN booking.exchanges.target_showtime_id IS 'The showtime it moves to.';
COMMENT ON COLUMN booking.exchanges.hold_id IS 'The hold of the new seats (target showtime), live until payment_deadline.';
COMMENT ON COLUMN booking.exchanges.keep_seat_ids IS 'Seats of the booking it keeps (an exchange within its showtime).';
COMMENT ON COLUMN booking.exchanges.subtotal IS 'The booking''s subtotal after the swap.';
COMMENT ON COLUMN booking.exchanges.discount IS 'The booking''s discount after the swap (never above the subtotal).';
COMMENT ON COLUMN booking.exchanges.price_difference IS 'What the customer pays for the swap (> 0).';
COMMENT ON COLUMN booking.exchanges.currency IS 'Currency of the amounts (the booking''s).';
COMMENT ON COLUMN booking.exchanges.payment_intent_id IS 'The provider intent for the difference (its global_keys row, kind PAYMENT_INTENT, points here).';
COMMENT ON COLUMN booking.exchanges.payment_deadline IS 'Until when the new seats are held and the difference can be paid.';
COMMENT ON COLUMN booking.exchanges.status IS 'PENDING_PAYMENT (held, not paid), COMPLETED (paid, swapped) or EXPIRED (never paid: booking unchanged).';
COMMENT ON COLUMN booking.exchanges.new_booking_id IS 'COMPLETED: the booking''s id after the swap.';
COMMENT ON COLUMN booking.exchanges.created_at IS 'When it was asked (booking.clock()).';
COMMENT ON COLUMN booking.exchanges.completed_at IS 'When the difference was paid and the seats swapped.';
COMMENT ON COLUMN booking.exchanges.expired_at IS 'When it expired unpaid.';

-- A refund of a payment that is not the booking's own intent (a dearer exchange paid after it expired).
ALTER TABLE booking.refunds ADD COLUMN payment_intent_id text;
COMMENT ON COLUMN booking.refunds.payment_intent_id IS
    'The intent the refund goes to when it is not the booking''s own (a late exchange payment); NULL: the booking''s.';
