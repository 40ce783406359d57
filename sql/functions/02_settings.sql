-- The engine settings: every key with its default and description, defined here and nowhere else.
-- Every function reads them with booking.setting('<key>') (a session's SET marquee.<key> wins over the row).
--
-- A new key is inserted with its default. An existing row keeps its value (operators may UPDATE it), except that
-- `python -m marquee.migrate` sets every row that has an env_var to that variable's value, or to the default when
-- the variable is unset (booking_internal.apply_engine_settings): a deployment's settings are its environment.
-- (The INSERTs in sql/schema/001, 003 and 005 are history: migrations are never edited.)
INSERT INTO booking.settings (key, value, default_value, env_var, description)
SELECT key, default_value, default_value, env_var, description
  FROM (VALUES
    ('hold_ttl_seconds',               '300', 'HOLD_TTL_SECONDS',        'How long a hold keeps its seats.'),
    ('max_seats_per_hold',             '10',  'MAX_SEATS_PER_HOLD',      'Most seats one session may hold per showtime (TOO_MANY_SEATS above it).'),
    ('payment_window_seconds',         '600', 'PAYMENT_WINDOW_SECONDS',  'How long a confirmed, unpaid booking keeps its seats before they go back on sale.'),
    ('payment_processing_window_seconds', '3600', 'PAYMENT_PROCESSING_WINDOW_SECONDS', 'A payment the provider reports processing keeps the seats until this long after its first report (never past the show''s start).'),
    ('cancel_cutoff_minutes',          '120', 'CANCEL_CUTOFF_MINUTES',   'Customers cannot cancel this close to the start (CANCEL_TOO_LATE) unless an operator overrides.'),
    ('reminder_minutes_before',        '180', 'REMINDER_MINUTES_BEFORE', 'The reminder email is due this long before the showtime (none if booked later than that).'),
    ('pii_retention_days',             '730', 'PII_RETENTION_DAYS',      'Customer name, email and phone are anonymised this many days after the show.'),
    ('cleaning_minutes',               '20',  NULL, 'Added to a movie''s duration: the auditorium is busy for start .. start + duration + cleaning.'),
    ('publish_seat_changes',           'on',  NULL, 'Publish seat changes with pg_notify on channel seat_changes (on/off; off for bulk loads).'),
    ('lone_seat_rule',                 'on',  NULL, 'Default of the no-lone-empty-seat rule (on/off) for showtimes without their own option.'),
    ('companion_release_minutes',      '60',  NULL, 'Companion seats of wheelchair spaces are kept for wheelchair buyers until this long before the show.'),
    ('outbox_max_attempts',            '5',   NULL, 'Send attempts per email before it is parked FAILED (3 or more).'),
    ('outbox_backoff_base_seconds',    '2',   NULL, 'After failed attempt n the email waits base * 2^(n-1) seconds (2, 4, 8 ...).'),
    ('outbox_sending_timeout_seconds', '90',  NULL, 'A SENDING email older than this had its worker die mid-send: it is sent again (keep it above the worker''s SMTP_TIMEOUT).'),
    ('outbox_queued_timeout_seconds',  '300', NULL, 'A QUEUED email no worker started this long was lost by Redis: it is queued again.'),
    ('few_seats_left',                 '10',  NULL, 'A showtime with this many available seats or fewer (and at least one) is marked "few seats left" (home page, GET /api/showtimes/movie/{movieId} fewSeatsLeft).'),
    -- operators (03_operators.sql, docs/security.md)
    ('operator_session_hours',         '12',  'OPERATOR_SESSION_HOURS', 'An operator''s login (session token) expires this many hours after it was made.'),
    ('login_failure_window_minutes',   '15',  'LOGIN_FAILURE_WINDOW_MINUTES', 'Failed logins are counted over this many minutes (per email and per client address).'),
    ('login_max_failures_per_email',   '10',  'LOGIN_MAX_FAILURES_PER_EMAIL', 'After this many failed logins of one email in the window, its logins are refused (TOO_MANY_LOGIN_ATTEMPTS).'),
    ('login_max_failures_per_ip',      '50',  'LOGIN_MAX_FAILURES_PER_IP', 'After this many failed logins from one address in the window, its logins are refused; slowed from half of it.'),
    ('login_slow_after_failures',      '3',   NULL, 'Failed logins of one email before each further attempt is slowed (250 ms, doubling, at most 4 s).'),
    -- issue 21: waiting list (92_waitlist.sql)
    ('waitlist_offer_minutes',         '15',  'WAITLIST_OFFER_MINUTES', 'A waiting-list offer holds its seats this many minutes; then they go to the next entry that fits.')
  ) AS d(key, default_value, env_var, description)
ON CONFLICT (key) DO UPDATE
    SET default_value = EXCLUDED.default_value, env_var = EXCLUDED.env_var, description = EXCLUDED.description;

-- Called by migrate with the variables that are set ({"hold_ttl_seconds": 45, ...}); returns what is now in force.
CREATE FUNCTION booking_internal.apply_engine_settings(p_overrides jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_unknown text;
BEGIN
    SELECT k INTO v_unknown FROM jsonb_object_keys(p_overrides) k
     WHERE NOT EXISTS (SELECT 1 FROM booking.settings s WHERE s.key = k AND s.env_var IS NOT NULL);
    IF v_unknown IS NOT NULL THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', format('%s is not an engine setting with a variable', v_unknown),
            jsonb_build_object('key', v_unknown));
    END IF;
    UPDATE booking.settings s SET value = coalesce(p_overrides->>s.key, s.default_value)
     WHERE s.env_var IS NOT NULL AND s.value IS DISTINCT FROM coalesce(p_overrides->>s.key, s.default_value);
    RETURN (SELECT jsonb_object_agg(s.key, s.value ORDER BY s.key) FROM booking.settings s WHERE s.env_var IS NOT NULL);
END $$;
COMMENT ON FUNCTION booking_internal.apply_engine_settings(jsonb) IS
    'Internal (migrate): every setting with an env_var gets its override, else its default; returns them.';
