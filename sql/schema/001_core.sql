-- Marquee core schema: catalogue, seat claims (the no-double-selling invariant), holds, bookings, money.
-- Functions live in sql/functions and are re-created on every migrate; this file only holds state.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE SCHEMA IF NOT EXISTS booking;
COMMENT ON SCHEMA booking IS 'Marquee booking engine: tables, and the documented functions that are its API.';

CREATE TYPE booking.seat_type AS ENUM (
    'STANDARD',   -- ordinary seat
    'PREMIUM',    -- better seat, priced higher
    'VIP',        -- recliner / lounge seat
    'WHEELCHAIR'  -- wheelchair space
);

CREATE TYPE booking.claim_kind AS ENUM (
    'HOLD',       -- a customer's temporary hold (five minutes by default)
    'BOOKING',    -- a booking: pending payment (until its payment deadline) or confirmed (open-ended)
    'BLOCK'       -- an operator took the seat off sale for this showtime
);

CREATE TYPE booking.hold_status AS ENUM (
    'ACTIVE',     -- live until expires_at; past it the hold is expired (derived, no sweeper needed)
    'RELEASED',   -- released by its session
    'CONVERTED'   -- turned into a booking by confirm
);

CREATE TYPE booking.booking_status AS ENUM (
    'PENDING_PAYMENT', -- seats reserved until payment_deadline
    'CONFIRMED',       -- paid; seats sold
    'CANCELLED',       -- cancelled by customer or operator; seats back on sale
    'EXPIRED',         -- payment never completed within the window; seats back on sale
    'PAYMENT_FAILED'   -- payment failed for good (intent cancelled); seats back on sale
);

CREATE TYPE booking.payment_status AS ENUM (
    'UNPAID',
    'PAID',
    'PARTIALLY_REFUNDED',
    'REFUNDED'
);

CREATE TYPE booking.promo_kind AS ENUM (
    'PERCENT',  -- value is a percentage of the subtotal (20 = 20 %)
    'FIXED'     -- value is an amount of money off the subtotal
);

-- Engine settings. Defaults here; `make migrate` copies the matching environment variables in.
CREATE TABLE booking.settings (
    key   text PRIMARY KEY,
    value text NOT NULL,
    description text NOT NULL
);
INSERT INTO booking.settings (key, value, description) VALUES
    ('hold_ttl_seconds',        '300', 'How long a hold keeps its seats (HOLD_TTL_SECONDS).'),
    ('max_seats_per_hold',      '10',  'Most seats one session may hold per showtime (MAX_SEATS_PER_HOLD).'),
    ('payment_window_seconds',  '600', 'How long a confirmed-but-unpaid booking keeps its seats (PAYMENT_WINDOW_SECONDS).'),
    ('cancel_cutoff_minutes',   '120', 'Customers cannot cancel this close to the start (CANCEL_CUTOFF_MINUTES).'),
    ('cleaning_minutes',        '20',  'Gap added after a movie before the next showtime may start.'),
    ('reminder_minutes_before', '180', 'Reminder email this long before the showtime (REMINDER_MINUTES_BEFORE).'),
    ('publish_seat_changes',    'on',  'Publish seat changes with pg_notify on channel seat_changes (on/off).');

CREATE TABLE booking.cinemas (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL UNIQUE CHECK (btrim(name) <> ''),
    city       text NOT NULL DEFAULT '',
    -- IANA zone, e.g. Europe/London: every "date" of this cinema is a local date in this zone.
    time_zone  text NOT NULL CHECK (timestamptz '2000-01-01 00:00Z' AT TIME ZONE time_zone IS NOT NULL),
    currency   char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE booking.auditoriums (
    id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cinema_id uuid NOT NULL REFERENCES booking.cinemas ON DELETE CASCADE,
    name      text NOT NULL CHECK (btrim(name) <> ''),
    -- Best-available focal point in layout coordinates (centre, a good distance from the screen).
    focal_x   numeric,
    focal_y   numeric,
    UNIQUE (cinema_id, name)
);

-- A seat is drawn at (x, y); gaps in x or y are aisles. `code` is the public id ("seat-a1"), unique per auditorium.
CREATE TABLE booking.seats (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    auditorium_id uuid NOT NULL REFERENCES booking.auditoriums ON DELETE CASCADE,
    code          text NOT NULL CHECK (code ~ '^[a-z0-9-]+$'),
    row_label     text NOT NULL CHECK (btrim(row_label) <> ''),
    seat_number   int  NOT NULL CHECK (seat_number > 0),
    x             int  NOT NULL,
    y             int  NOT NULL,
    seat_type     booking.seat_type NOT NULL DEFAULT 'STANDARD',
    -- false = broken / removed: BLOCKED for every showtime
    is_active     boolean NOT NULL DEFAULT true,
    UNIQUE (auditorium_id, code),
    UNIQUE (auditorium_id, row_label, seat_number),
    UNIQUE (auditorium_id, x, y)
);

CREATE TABLE booking.movies (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title            text NOT NULL CHECK (btrim(title) <> ''),
    duration_minutes int  NOT NULL CHECK (duration_minutes BETWEEN 1 AND 600),
    rating           text NOT NULL DEFAULT '',
    description      text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE booking.showtimes (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    movie_id      uuid NOT NULL REFERENCES booking.movies,
    auditorium_id uuid NOT NULL REFERENCES booking.auditoriums,
    starts_at     timestamptz NOT NULL,
    -- movie duration plus cleaning time: the auditorium is busy for [starts_at, ends_at)
    ends_at       timestamptz NOT NULL,
    is_cancelled  boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    -- No two live showtimes overlap in one auditorium.
    CONSTRAINT showtimes_no_overlap EXCLUDE USING gist (
        auditorium_id WITH =, tstzrange(starts_at, ends_at) WITH &&
    ) WHERE (NOT is_cancelled)
);
CREATE INDEX showtimes_movie_starts ON booking.showtimes (movie_id, starts_at);
CREATE INDEX showtimes_starts ON booking.showtimes (starts_at);

CREATE TABLE booking.prices (
    showtime_id uuid NOT NULL REFERENCES booking.showtimes ON DELETE CASCADE,
    seat_type   booking.seat_type NOT NULL,
    amount      numeric(10,2) NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (showtime_id, seat_type)
);

CREATE TABLE booking.promo_codes (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code        text NOT NULL CHECK (code ~ '^[A-Z0-9_-]{2,40}$'),
    kind        booking.promo_kind NOT NULL,
    value       numeric(10,2) NOT NULL CHECK (value > 0),
    valid_from  timestamptz NOT NULL DEFAULT '-infinity',
    valid_until timestamptz NOT NULL DEFAULT 'infinity',
    max_uses    int CHECK (max_uses > 0),            -- NULL = unlimited
    min_tickets int NOT NULL DEFAULT 1 CHECK (min_tickets >= 1),
    -- counted when a booking using the code is CONFIRMED (paid)
    times_used  int NOT NULL DEFAULT 0 CHECK (times_used >= 0),
    is_active   boolean NOT NULL DEFAULT true,
    CHECK (kind <> 'PERCENT' OR value <= 100),
    CHECK (valid_until > valid_from)
);
CREATE UNIQUE INDEX promo_codes_code ON booking.promo_codes (upper(code));

CREATE TABLE booking.holds (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(), -- random: the customer's capability
    showtime_id   uuid NOT NULL REFERENCES booking.showtimes,
    session_token text NOT NULL CHECK (length(session_token) BETWEEN 1 AND 200),
    status        booking.hold_status NOT NULL DEFAULT 'ACTIVE',
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    promo_code_id uuid REFERENCES booking.promo_codes,
    channel       text
);
CREATE INDEX holds_session ON booking.holds (showtime_id, session_token) WHERE status = 'ACTIVE';
CREATE INDEX holds_expiry ON booking.holds (expires_at) WHERE status = 'ACTIVE';

CREATE TABLE booking.bookings (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reference        text NOT NULL UNIQUE CHECK (reference ~ '^BK[0-9]{8}[A-HJ-NP-Z2-9]{4}$'),
    showtime_id      uuid NOT NULL REFERENCES booking.showtimes,
    hold_id          uuid UNIQUE REFERENCES booking.holds,
    session_token    text,
    status           booking.booking_status NOT NULL DEFAULT 'PENDING_PAYMENT',
    payment_status   booking.payment_status NOT NULL DEFAULT 'UNPAID',
    customer_email   text,
    customer_name    text,
    customer_phone   text,
    payment_method   text NOT NULL DEFAULT 'CARD',
    num_tickets      int NOT NULL CHECK (num_tickets > 0),
    subtotal         numeric(10,2) NOT NULL CHECK (subtotal >= 0),
    discount         numeric(10,2) NOT NULL DEFAULT 0 CHECK (discount >= 0),
    final_amount     numeric(10,2) NOT NULL CHECK (final_amount >= 0),
    currency         char(3) NOT NULL,
    promo_code_id    uuid REFERENCES booking.promo_codes,
    payment_intent_id text UNIQUE,
    payment_deadline timestamptz NOT NULL,
    booked_at        timestamptz NOT NULL DEFAULT now(),
    confirmed_at     timestamptz,
    cancelled_at     timestamptz,
    cancel_reason    text,
    cancelled_by     text,
    anonymised_at    timestamptz,
    CHECK (final_amount = subtotal - discount),
    CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))
);
CREATE INDEX bookings_showtime ON booking.bookings (showtime_id);
CREATE INDEX bookings_pending_deadline ON booking.bookings (payment_deadline) WHERE status = 'PENDING_PAYMENT';
CREATE INDEX bookings_email ON booking.bookings (lower(customer_email));
CREATE INDEX bookings_booked_at ON booking.bookings (booked_at);

CREATE TABLE booking.booking_seats (
    booking_id uuid NOT NULL REFERENCES booking.bookings ON DELETE CASCADE,
    seat_id    bigint NOT NULL REFERENCES booking.seats,
    seat_type  booking.seat_type NOT NULL,
    price      numeric(10,2) NOT NULL CHECK (price >= 0),
    PRIMARY KEY (booking_id, seat_id)
);

-- THE invariant: a seat of a showtime has at most one live claim at any instant.
-- A claim lives for `during`; an expired hold's range has ended, so it stops conflicting with no sweeper.
CREATE TABLE booking.seat_claims (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    showtime_id uuid   NOT NULL REFERENCES booking.showtimes,
    seat_id     bigint NOT NULL REFERENCES booking.seats,
    kind        booking.claim_kind NOT NULL,
    hold_id     uuid REFERENCES booking.holds,
    booking_id  uuid REFERENCES booking.bookings,
    during      tstzrange NOT NULL CHECK (NOT isempty(during)),
    CHECK (CASE kind WHEN 'HOLD'    THEN hold_id IS NOT NULL AND booking_id IS NULL
                     WHEN 'BOOKING' THEN booking_id IS NOT NULL
                     ELSE hold_id IS NULL AND booking_id IS NULL END),
    CONSTRAINT seat_claims_no_double_sell EXCLUDE USING gist (
        showtime_id WITH =, seat_id WITH =, during WITH &&
    )
);
CREATE INDEX seat_claims_hold ON booking.seat_claims (hold_id) WHERE hold_id IS NOT NULL;
CREATE INDEX seat_claims_booking ON booking.seat_claims (booking_id) WHERE booking_id IS NOT NULL;

CREATE TABLE booking.payments (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    booking_id        uuid NOT NULL REFERENCES booking.bookings,
    provider          text NOT NULL DEFAULT 'stripe',
    payment_intent_id text NOT NULL,
    amount            numeric(10,2) NOT NULL CHECK (amount >= 0),
    currency          char(3) NOT NULL,
    -- succeeded | failed (a declined attempt) | canceled
    status            text NOT NULL CHECK (status IN ('succeeded', 'failed', 'canceled')),
    error_code        text,
    created_at        timestamptz NOT NULL DEFAULT now()
);
-- one success per intent: recording a success twice is a no-op
CREATE UNIQUE INDEX payments_one_success ON booking.payments (payment_intent_id) WHERE status = 'succeeded';
CREATE INDEX payments_booking ON booking.payments (booking_id);

CREATE TABLE booking.refunds (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    booking_id         uuid NOT NULL REFERENCES booking.bookings,
    amount             numeric(10,2) NOT NULL CHECK (amount > 0),
    currency           char(3) NOT NULL,
    -- PENDING: to send to the provider; SUCCEEDED / FAILED: the provider's answer
    status             text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    reason             text NOT NULL DEFAULT '',
    provider_refund_id text UNIQUE,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_booking ON booking.refunds (booking_id);

-- Transactional outbox: written in the same transaction as the booking change, relayed to Dramatiq.
CREATE TABLE booking.outbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('CONFIRMATION', 'REMINDER', 'CANCELLATION', 'REFUND')),
    booking_id   uuid NOT NULL REFERENCES booking.bookings,
    -- one message per (booking, kind[, refund]): a retry or duplicate delivery sends one email
    dedup_key    text NOT NULL UNIQUE,
    payload      jsonb NOT NULL DEFAULT '{}',
    due_at       timestamptz NOT NULL DEFAULT now(),
    -- PENDING -> QUEUED (handed to Dramatiq) -> SENDING -> SENT; FAILED = parked after retries; SKIPPED = no longer due
    status       text NOT NULL DEFAULT 'PENDING'
                 CHECK (status IN ('PENDING', 'QUEUED', 'SENDING', 'SENT', 'FAILED', 'SKIPPED')),
    attempts     int NOT NULL DEFAULT 0,
    last_error   text,
    locked_at    timestamptz,
    sent_at      timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON booking.outbox (due_at) WHERE status = 'PENDING';

-- Idempotency keys of HTTP requests (confirm, payment, cancel): the first answer is replayed.
CREATE TABLE booking.idempotency_keys (
    endpoint     text NOT NULL,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash text NOT NULL,
    status_code  int,
    response     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL DEFAULT now() + interval '24 hours',
    PRIMARY KEY (endpoint, key)
);

-- Who did what: operator actions (blocks, overrides, manual cancellations, refunds).
CREATE TABLE booking.audit_log (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text NOT NULL,
    action   text NOT NULL,
    entity   text NOT NULL,
    entity_id text NOT NULL,
    details  jsonb NOT NULL DEFAULT '{}'
);

-- The error catalogue (rows are upserted by sql/functions/00_core.sql on every migrate).
CREATE TABLE booking.error_codes (
    sqlstate    char(5) PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    http_status int  NOT NULL,
    description text NOT NULL
);
COMMENT ON TABLE booking.error_codes IS 'Every SQLSTATE the booking functions raise, its stable error code and HTTP status.';
