-- Issue 20: on-sale schedules and the virtual waiting room (docs/waiting-room.md).

CREATE TABLE booking.on_sales (
    showtime_id        uuid PRIMARY KEY REFERENCES booking.showtimes (id) ON DELETE CASCADE,
    opens_at           timestamptz NOT NULL,
    queue              boolean NOT NULL DEFAULT true,
    admit_per_minute   int CHECK (admit_per_minute BETWEEN 1 AND 100000),
    admission_minutes  int NOT NULL DEFAULT 10 CHECK (admission_minutes BETWEEN 1 AND 1440),
    paused             boolean NOT NULL DEFAULT false,
    drawn_at           timestamptz,
    early_count        bigint NOT NULL DEFAULT 0,
    last_admit_at      timestamptz,
    admit_credit       double precision NOT NULL DEFAULT 0,
    sold_out_at        timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         text
);
COMMENT ON TABLE booking.on_sales IS
    'On-sale schedule of a showtime (issue 20): holds are refused before opens_at; with queue, only buyers admitted '
    'from the waiting room (booking.queue_entries) may hold. drawn_at: when the early joiners got their random order.';

CREATE SEQUENCE booking.queue_position_seq;
COMMENT ON SEQUENCE booking.queue_position_seq IS
    'Positions of buyers who join a waiting room after it opened (first come, first served), after the drawn ones.';
CREATE SEQUENCE booking.queue_join_seq;
COMMENT ON SEQUENCE booking.queue_join_seq IS 'Join order of waiting-room entries (for the provisional position before the draw).';

CREATE TABLE booking.queue_entries (
    id                   uuid NOT NULL DEFAULT gen_random_uuid(),
    showtime_id          uuid NOT NULL REFERENCES booking.on_sales (showtime_id) ON DELETE CASCADE,
    session_token        text NOT NULL,
    joined_at            timestamptz NOT NULL,
    join_seq             bigint NOT NULL DEFAULT nextval('booking.queue_join_seq'),
    position             bigint,
    status               text NOT NULL DEFAULT 'WAITING'
                         CHECK (status IN ('WAITING', 'ADMITTED', 'EXPIRED', 'SOLD_OUT')),
    admitted_at          timestamptz,
    admitted_until       timestamptz,
    admission_token_hash bytea,
    freed_at             timestamptz,
    PRIMARY KEY (showtime_id, id),  -- showtime-keyed like every table of a sale (issue 25: colocated by showtime_id)
    UNIQUE (showtime_id, session_token),
    UNIQUE (showtime_id, position)
);
-- GET /api/queue/{queueId} finds an entry by its id alone (not unique by itself: showtime-keyed, issue 25)
CREATE INDEX queue_entries_id ON booking.queue_entries (id);
CREATE INDEX queue_entries_waiting ON booking.queue_entries (showtime_id, position) WHERE status = 'WAITING';
CREATE INDEX queue_entries_admitted ON booking.queue_entries (showtime_id, admitted_until) WHERE status = 'ADMITTED';
COMMENT ON TABLE booking.queue_entries IS
    'One buyer (session token) in a showtime''s waiting room: position (NULL until the draw for early joiners), '
    'status WAITING/ADMITTED/EXPIRED/SOLD_OUT, admission window, SHA-256 of the admission token (never the token), '
    'freed_at: the place went back to the queue (booked or left).';

CREATE TABLE booking_internal.queue_secret (
    id     boolean PRIMARY KEY DEFAULT true CHECK (id),
    secret text NOT NULL
);
INSERT INTO booking_internal.queue_secret (secret)
VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
COMMENT ON TABLE booking_internal.queue_secret IS
    'Key from which admission tokens are derived (SHA-256 of key, entry and admission time); only its hash is stored per entry.';

-- booking.hold_batch carries each request's X-Admission-Token ("admissionToken").
ALTER TYPE booking_internal.hold_request ADD ATTRIBUTE admission text;

-- column comments (booking.api and the catalog test list every column)
COMMENT ON COLUMN booking.on_sales.showtime_id IS 'The showtime that goes on sale (one schedule per showtime).';
COMMENT ON COLUMN booking.on_sales.opens_at IS 'When holds open; before it, holds answer NOT_YET_ON_SALE.';
COMMENT ON COLUMN booking.on_sales.queue IS 'Whether buyers pass through the waiting room (true) or holds simply open at opens_at (false).';
COMMENT ON COLUMN booking.on_sales.admit_per_minute IS 'Admissions per minute set by the operator; NULL: derived from how fast admitted buyers finish (docs/waiting-room.md).';
COMMENT ON COLUMN booking.on_sales.admission_minutes IS 'How long an admission token stays valid after admission.';
COMMENT ON COLUMN booking.on_sales.paused IS 'Admissions paused by an operator (booking_ops.queue_pause).';
COMMENT ON COLUMN booking.on_sales.drawn_at IS 'When the random order of those who joined before opens_at was drawn (NULL: not yet).';
COMMENT ON COLUMN booking.on_sales.early_count IS 'How many joined before opens_at (they took positions 1..early_count in the draw).';
COMMENT ON COLUMN booking.on_sales.last_admit_at IS 'When the admitter last ran for this showtime.';
COMMENT ON COLUMN booking.on_sales.admit_credit IS 'Fractional admissions carried to the next tick (the rate is per minute, ticks are seconds).';
COMMENT ON COLUMN booking.on_sales.sold_out_at IS 'When the showtime sold out and the waiting entries became SOLD_OUT.';
COMMENT ON COLUMN booking.on_sales.updated_at IS 'When the schedule was last changed.';
COMMENT ON COLUMN booking.on_sales.updated_by IS 'The operator who last changed the schedule (verified actor).';
COMMENT ON COLUMN booking.queue_entries.id IS 'The queueId a buyer polls.';
COMMENT ON COLUMN booking.queue_entries.showtime_id IS 'The showtime whose waiting room this is.';
COMMENT ON COLUMN booking.queue_entries.session_token IS 'The buyer''s session token; the admission token is bound to it (one entry per showtime and token).';
COMMENT ON COLUMN booking.queue_entries.joined_at IS 'When the buyer joined.';
COMMENT ON COLUMN booking.queue_entries.join_seq IS 'Arrival order (first come, first served after opens_at).';
COMMENT ON COLUMN booking.queue_entries.position IS 'Place in line once drawn or after opening; NULL before the draw (join order is provisional).';
COMMENT ON COLUMN booking.queue_entries.status IS 'WAITING (in line), ADMITTED (may hold until admitted_until), EXPIRED (admission ran out or the buyer left), SOLD_OUT (nothing left to sell).';
COMMENT ON COLUMN booking.queue_entries.admitted_at IS 'When the buyer was admitted.';
COMMENT ON COLUMN booking.queue_entries.admitted_until IS 'When the admission token runs out (ADMISSION_EXPIRED after).';
COMMENT ON COLUMN booking.queue_entries.admission_token_hash IS 'SHA-256 of the admission token; the token itself is never stored.';
COMMENT ON COLUMN booking.queue_entries.freed_at IS 'When the place was freed (booked, left or expired) for the next buyer.';
COMMENT ON COLUMN booking_internal.queue_secret.id IS 'Always true: the table holds one row.';
COMMENT ON COLUMN booking_internal.queue_secret.secret IS 'The key admission tokens are derived from (never readable by booking_api).';
