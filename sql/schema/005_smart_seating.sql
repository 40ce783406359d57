-- Smart seating state: companion seats of wheelchair spaces, per-showtime seating options, sales-channel
-- allocations and the seat status history. The rules that use them live in sql/functions/75_smart_seating.sql.

INSERT INTO booking.settings (key, value, description) VALUES
    ('lone_seat_rule', 'on',
     'Default of the no-lone-empty-seat rule (on/off) for showtimes without their own option.'),
    ('companion_release_minutes', '60',
     'Companion seats of wheelchair spaces are kept for wheelchair buyers until this long before the show.')
ON CONFLICT (key) DO NOTHING;

-- A wheelchair space and the seat(s) beside it kept for the people who come with its user.
CREATE TABLE booking.companion_seats (
    wheelchair_seat_id bigint NOT NULL REFERENCES booking.seats ON DELETE CASCADE,
    companion_seat_id  bigint NOT NULL REFERENCES booking.seats ON DELETE CASCADE,
    PRIMARY KEY (wheelchair_seat_id, companion_seat_id),
    CHECK (wheelchair_seat_id <> companion_seat_id)
);
CREATE INDEX companion_seats_companion ON booking.companion_seats (companion_seat_id);
COMMENT ON TABLE booking.companion_seats IS
    'Companion seats linked to a WHEELCHAIR space (same auditorium, checked by booking.link_companion_seats).';

-- Seating options of one showtime; a showtime without a row follows the settings (lone_seat_rule).
CREATE TABLE booking.showtime_seating (
    showtime_id    uuid PRIMARY KEY REFERENCES booking.showtimes ON DELETE CASCADE,
    lone_seat_rule boolean NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     text NOT NULL
);
COMMENT ON TABLE booking.showtime_seating IS 'Per-showtime seating options (no-lone-empty-seat rule on/off).';

-- Seats of a showtime kept for one sales channel (box office, a partner, a group sale) until released.
CREATE TABLE booking.channel_allocations (
    showtime_id  uuid   NOT NULL REFERENCES booking.showtimes ON DELETE CASCADE,
    seat_id      bigint NOT NULL REFERENCES booking.seats,
    channel      text   NOT NULL CHECK (channel ~ '^[A-Za-z0-9_.-]{1,60}$'),
    -- back on general sale at this instant (NULL: only when an operator releases it)
    release_at   timestamptz,
    -- set when an operator released it early
    released_at  timestamptz,
    allocated_by text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- one channel per seat and showtime: re-allocating replaces the row
    PRIMARY KEY (showtime_id, seat_id)
);
COMMENT ON TABLE booking.channel_allocations IS
    'Seats of a showtime sold only through one channel until release_at or until an operator releases them.';

-- Every status change of a seat of a showtime, written by a statement trigger on booking.seat_claims.
-- No foreign keys: it is an append-only record that must stay cheap to write and outlive purges.
CREATE TABLE booking.seat_status_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    showtime_id uuid   NOT NULL,
    seat_id     bigint NOT NULL,
    at          timestamptz NOT NULL,          -- booking.clock() of the change (expiry: the hold's end)
    from_status text   NOT NULL,
    to_status   text   NOT NULL,
    claim_kind  booking.claim_kind NOT NULL,
    claim_id    bigint NOT NULL,               -- booking.seat_claims.id (the claim may be purged later)
    hold_id     uuid,
    booking_id  uuid,
    reason      text,                          -- EXPIRED for a hold that timed out; NULL otherwise
    actor       text,                          -- session setting marquee.actor when an operator tool set it
    tx_at       timestamptz NOT NULL DEFAULT now()  -- transaction start: matches audit_log.at of the same change
);
CREATE INDEX seat_status_history_seat ON booking.seat_status_history (showtime_id, seat_id, id);
CREATE INDEX seat_status_history_claim ON booking.seat_status_history (claim_id);
COMMENT ON TABLE booking.seat_status_history IS
    'Seat status changes per showtime (from -> to, when, hold/booking/operator): support and disputes.';
