-- Issue 17: the IANA zone names a cinema may use, as a table. pg_timezone_names reads every zone file on each
-- query (about 40 ms); booking.create_cinema / update_cinema look a name up here instead (the OpenAPI document
-- lists the same names as an enum, so a fuzzer creates hundreds of cinemas). Filled from pg_timezone_names by
-- sql/functions/10_catalogue.sql on every migrate (the server's tzdata may change).
CREATE TABLE booking.time_zones (name text PRIMARY KEY);
COMMENT ON TABLE booking.time_zones IS 'Zone names a cinema may have (pg_timezone_names, refreshed on migrate).';
