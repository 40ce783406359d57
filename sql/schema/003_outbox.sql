-- Outbox delivery (issue 5): retry/recovery settings, when a message was parked, and indexes for the relay's scans.

INSERT INTO booking.settings (key, value, description) VALUES
    ('outbox_max_attempts',            '5',   'Send attempts per email before it is parked FAILED (3 or more).'),
    ('outbox_backoff_base_seconds',    '2',   'After failed attempt n the email waits base * 2^(n-1) seconds (2, 4, 8 ...).'),
    ('outbox_sending_timeout_seconds', '90',  'A SENDING email older than this had its worker die mid-send: it is sent again '
                                              '(keep it above the worker''s SMTP_TIMEOUT).'),
    ('outbox_queued_timeout_seconds',  '300', 'A QUEUED email no worker started this long was lost by Redis: it is queued again.')
ON CONFLICT (key) DO NOTHING;

-- when the message was parked FAILED (operators sort by it)
ALTER TABLE booking.outbox ADD COLUMN failed_at timestamptz;

-- stale-row recovery scans only the few rows in flight
CREATE INDEX outbox_in_flight ON booking.outbox (locked_at) WHERE status IN ('QUEUED', 'SENDING');
CREATE INDEX outbox_failed ON booking.outbox (failed_at) WHERE status = 'FAILED';
CREATE INDEX outbox_booking ON booking.outbox (booking_id);
