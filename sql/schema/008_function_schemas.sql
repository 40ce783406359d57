-- Functions live in three schemas, and grants follow the schema (sql/functions/99_security.sql), never a list:
--   booking           the documented API: booking_api may execute every function here;
--   booking_ops       operator-only functions (erasure, retention, report refresh): booking_admin only;
--   booking_internal  helpers that skip the rules (raw seat release, notifications, audit writes, triggers):
--                     nobody but their owner, so a new internal function can never become callable by accident.
CREATE SCHEMA IF NOT EXISTS booking_internal;
COMMENT ON SCHEMA booking_internal IS 'Marquee internals: helpers of the booking functions; no role may call them.';
CREATE SCHEMA IF NOT EXISTS booking_ops;
COMMENT ON SCHEMA booking_ops IS 'Marquee operator functions (erasure, retention, report refresh): booking_admin only.';
COMMENT ON SCHEMA reporting_cache IS
    'Materialized daily aggregates behind the reporting views, refreshed by booking_ops.refresh_reports().';
