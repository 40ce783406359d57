-- Issue 21: a seat-aware waiting list per showtime (rules in sql/functions/92_waitlist.sql, docs/waitlist.md), and
-- the outbox messages it sends (an offer has no booking yet: its row names the waiting-list entry instead).

CREATE TABLE booking.waitlist (
    showtime_id      uuid NOT NULL REFERENCES booking.showtimes,
    id               uuid NOT NULL,            -- UUIDv8 carrying the showtime (booking_internal.new_id): a capability
    seq              bigint GENERATED ALWAYS AS IDENTITY,  -- arrival order: the line is ordered by it
    joined_position  int NOT NULL CHECK (joined_position > 0),  -- its place in line when it joined
    email            text NOT NULL,
    name             text NOT NULL,
    phone            text,
    quantity         int NOT NULL CHECK (quantity > 0),
    together         boolean NOT NULL DEFAULT true,
    accessible       boolean NOT NULL DEFAULT false,
    seat_types       text[],                   -- NULL: any type best available would pick
    status           text NOT NULL DEFAULT 'WAITING'
                     CHECK (status IN ('WAITING', 'OFFERED', 'BOOKED', 'EXPIRED', 'CANCELLED')),
    hold_id          uuid,                     -- the offer's hold (OFFERED, and kept afterwards)
    booking_id       uuid,                     -- the booking the offer was confirmed into (BOOKED)
    offers           int NOT NULL DEFAULT 0,   -- how many offers it got (one, in practice)
    created_at       timestamptz NOT NULL,
    offered_at       timestamptz,
    closed_at        timestamptz,              -- when it became BOOKED, EXPIRED or CANCELLED
    anonymised_at    timestamptz,
    PRIMARY KEY (showtime_id, id),
    FOREIGN KEY (showtime_id, hold_id) REFERENCES booking.holds (showtime_id, id),
    FOREIGN KEY (showtime_id, booking_id) REFERENCES booking.bookings (showtime_id, id),
    CHECK ((status = 'OFFERED') <= (hold_id IS NOT NULL)),
    CHECK ((status IN ('BOOKED', 'EXPIRED', 'CANCELLED')) = (closed_at IS NOT NULL))
);
CREATE INDEX waitlist_line ON booking.waitlist (showtime_id, seq) WHERE status IN ('WAITING', 'OFFERED');
CREATE INDEX waitlist_id ON booking.waitlist (id);
COMMENT ON TABLE booking.waitlist IS
    'Waiting-list entries of sold-out showtimes: a party (quantity, together, accessible, seat types) in arrival '
    'order; the sweep (booking.waitlist_sweep) holds freed seats for the first entry that fits (OFFERED).';
COMMENT ON COLUMN booking.waitlist.showtime_id IS 'The showtime waited for (distribution key).';
COMMENT ON COLUMN booking.waitlist.id IS 'The entry id (waitlistId), a UUIDv8 carrying the showtime: the customer''s capability.';
COMMENT ON COLUMN booking.waitlist.seq IS 'Arrival order: entries are offered seats in this order, among those that fit.';
COMMENT ON COLUMN booking.waitlist.joined_position IS 'Place in line when the entry joined (1 = first).';
COMMENT ON COLUMN booking.waitlist.email IS 'Customer email (PII; the offer is sent to it).';
COMMENT ON COLUMN booking.waitlist.name IS 'Customer name (PII).';
COMMENT ON COLUMN booking.waitlist.phone IS 'Customer phone (PII, optional).';
COMMENT ON COLUMN booking.waitlist.quantity IS 'Seats wanted (1..max_seats_per_hold).';
COMMENT ON COLUMN booking.waitlist.together IS 'The party must sit side by side in one row.';
COMMENT ON COLUMN booking.waitlist.accessible IS 'A wheelchair space with quantity - 1 companion seats.';
COMMENT ON COLUMN booking.waitlist.seat_types IS 'Acceptable seat types (NULL: any but wheelchair spaces).';
COMMENT ON COLUMN booking.waitlist.status IS 'WAITING, OFFERED (a hold is kept for it), BOOKED, EXPIRED or CANCELLED.';
COMMENT ON COLUMN booking.waitlist.hold_id IS 'The hold of its offer.';
COMMENT ON COLUMN booking.waitlist.booking_id IS 'The booking its offer was confirmed into.';
COMMENT ON COLUMN booking.waitlist.offers IS 'Offers made to it.';
COMMENT ON COLUMN booking.waitlist.created_at IS 'When it joined (booking.clock()).';
COMMENT ON COLUMN booking.waitlist.offered_at IS 'When its offer was made.';
COMMENT ON COLUMN booking.waitlist.closed_at IS 'When it became BOOKED, EXPIRED or CANCELLED.';
COMMENT ON COLUMN booking.waitlist.anonymised_at IS 'When its personal data was erased.';

-- The outbox carries waiting-list offers: no booking, the entry instead.
ALTER TABLE booking.outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE booking.outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('CONFIRMATION', 'REMINDER', 'CANCELLATION', 'REFUND', 'WAITLIST_OFFER', 'EXCHANGE'));
ALTER TABLE booking.outbox ALTER COLUMN booking_id DROP NOT NULL;
ALTER TABLE booking.outbox ADD COLUMN waitlist_id uuid;
ALTER TABLE booking.outbox ADD CONSTRAINT outbox_waitlist_fkey
    FOREIGN KEY (showtime_id, waitlist_id) REFERENCES booking.waitlist (showtime_id, id);
ALTER TABLE booking.outbox ADD CONSTRAINT outbox_subject_check CHECK (num_nonnulls(booking_id, waitlist_id) = 1);
COMMENT ON COLUMN booking.outbox.waitlist_id IS 'The waiting-list entry of a WAITLIST_OFFER message (booking_id is NULL then).';
