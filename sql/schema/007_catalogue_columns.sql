-- Engine settings: each row carries its default (the one definition, sql/functions/02_settings.sql) and the
-- environment variable that may override it on migrate (NULL: none; change the row instead).
ALTER TABLE booking.settings ADD COLUMN default_value text, ADD COLUMN env_var text UNIQUE;

-- The error catalogue holds every error the API answers, not only those the functions raise:
--   raised_by          'function' (booking_internal.raise_error), 'postgres' (a race state such as 23P01) or 'api'
--                      (raised by the HTTP layer alone, SQLSTATE class MQH: never raised in SQL);
--   answer_code        the code the client sees when it is not `code` (a lost race answers SEAT_UNAVAILABLE);
--   fixed_message      the message for states Postgres raises (its own text is not for clients);
--   framework_statuses the HTTP framework's own statuses this code answers (404 unknown route, 413 ...).
ALTER TABLE booking.error_codes
    ADD COLUMN raised_by text NOT NULL DEFAULT 'function' CHECK (raised_by IN ('function', 'postgres', 'api')),
    ADD COLUMN answer_code text,
    ADD COLUMN fixed_message text,
    ADD COLUMN framework_statuses int[] NOT NULL DEFAULT '{}';
