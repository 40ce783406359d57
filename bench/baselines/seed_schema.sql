-- The seed design, faithfully: seats locked in Redis (SET NX EX per seat), then a confirm transaction that checks
-- the showtime's version (optimistic lock) and decrements available_seats. Kept in its own schema for comparison.
DROP SCHEMA IF EXISTS seed_baseline CASCADE;
CREATE SCHEMA seed_baseline;
CREATE TABLE seed_baseline.showtimes (
    id uuid PRIMARY KEY,
    available_seats int NOT NULL,
    version int NOT NULL DEFAULT 0
);
CREATE TABLE seed_baseline.bookings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    showtime_id uuid NOT NULL REFERENCES seed_baseline.showtimes,
    num_tickets int NOT NULL,
    booking_status text NOT NULL DEFAULT 'PENDING'
);
CREATE TABLE seed_baseline.booking_seats (
    booking_id bigint NOT NULL REFERENCES seed_baseline.bookings,
    showtime_id uuid NOT NULL,
    seat_id text NOT NULL
);
