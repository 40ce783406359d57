-- Reporting schemas and the indexes the reports and the privacy jobs need.
-- Roles are cluster-wide and can go missing independently of this database (a restored dump, a new cluster), so
-- they are (re)created idempotently by sql/functions/99_security.sql on every migrate, together with the grants.

-- What BI tools read: views only, no personal data (bi_reader sees nothing else).
CREATE SCHEMA IF NOT EXISTS reporting;
COMMENT ON SCHEMA reporting IS
    'Read-only views for BI tools (Metabase, Superset, Excel): money exact, dates in each cinema''s local time zone, '
    'no customer personal data. See docs/reporting.md.';

-- Pre-aggregated history behind the reporting views: materialized views refreshed CONCURRENTLY on a schedule.
-- Not readable by bi_reader directly; the reporting views add names and derived columns on top.
CREATE SCHEMA IF NOT EXISTS reporting_cache;
COMMENT ON SCHEMA reporting_cache IS
    'Materialized daily aggregates behind the reporting views, refreshed by booking.refresh_reports().';

-- When each materialized view was last refreshed: the reports show their freshness.
CREATE TABLE reporting_cache.refresh_log (
    view_name    text PRIMARY KEY,
    refreshed_at timestamptz NOT NULL,
    duration_ms  numeric(12,1) NOT NULL
);
COMMENT ON TABLE reporting_cache.refresh_log IS 'Last refresh time and duration of each reporting_cache materialized view.';

-- Occupancy per showtime: a cinema's showtimes in a date range (auditorium, then time).
CREATE INDEX IF NOT EXISTS showtimes_auditorium_starts ON booking.showtimes (auditorium_id, starts_at);
-- Live seat counts of one showtime by claim kind (the gist exclusion index is far slower for this lookup).
CREATE INDEX IF NOT EXISTS seat_claims_showtime_kind ON booking.seat_claims (showtime_id, kind);
-- Retention: the oldest bookings that still hold personal data.
CREATE INDEX IF NOT EXISTS bookings_pii_live ON booking.bookings (booked_at) WHERE anonymised_at IS NULL;
