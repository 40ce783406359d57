-- Issues 16 + 22 + 25: seat changes are published from the seat status history by ONE publisher, never from the
-- booking transactions. A notification only says "showtime X changed": every listener in the API reads the
-- statuses from the database (a NOTIFY anyone can send is never trusted).
--
-- tx_id: the writing transaction (pg_current_xact_id()). The publisher remembers the snapshot of its last poll
-- (booking.seat_change_cursor) and publishes exactly the history rows committed since: those whose tx_id is not
-- visible in that snapshot and is visible in its own. A transaction that waited long on a lock is caught when it
-- commits, whatever its start time (no time window, no margin). NULL = not to be published (publish_seat_changes
-- was off in that transaction, e.g. a bulk import) and rows written before this migration.
ALTER TABLE booking.seat_status_history ADD COLUMN tx_id xid8;
ALTER TABLE booking.seat_status_history ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id();
COMMENT ON COLUMN booking.seat_status_history.tx_id IS
    'Transaction that wrote the change (pg_current_xact_id()); the publisher polls by it. NULL: never published.';
-- xid8 has no BRIN operator class in PostgreSQL 15; the btree is appended at its right edge like the primary key.
CREATE INDEX seat_status_history_tx ON booking.seat_status_history (tx_id) WHERE tx_id IS NOT NULL;

CREATE TABLE booking.seat_change_cursor (
    id         int PRIMARY KEY CHECK (id = 1),
    snapshot   pg_snapshot NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE booking.seat_change_cursor IS
    'One row: the snapshot of the last booking.publish_seat_changes() poll. Whoever polls (the API''s elected '
    'publisher, a DBA) advances it under its row lock, so each change is published once.';
COMMENT ON COLUMN booking.seat_change_cursor.id IS 'Always 1.';
COMMENT ON COLUMN booking.seat_change_cursor.snapshot IS 'pg_current_snapshot() of the last poll.';
COMMENT ON COLUMN booking.seat_change_cursor.updated_at IS 'When the last poll that found changes ran.';
INSERT INTO booking.seat_change_cursor (id, snapshot) VALUES (1, pg_current_snapshot());
