-- Reporting for BI tools: views in schema reporting over materialized daily aggregates in reporting_cache.
--
-- Why materialized: every report groups by the cinema's LOCAL date, and that date depends on the cinema's time
-- zone, so no btree index on bookings can answer "one cinema, one month" without reading all of the cinema's
-- bookings (hundreds of thousands at 1,000,000 bookings). The aggregates below have one row per cinema and local
-- day (and movie / seat type / promo / reason / days-before), a unique index, and are refreshed CONCURRENTLY by
-- booking_ops.refresh_reports() (python -m marquee.reports.jobs), so readers are never blocked.
-- showtime_occupancy stays a plain view: "held now" must be live, and one showtime's counts are index lookups.
--
-- Vocabulary used in every comment:
--   sold booking = a booking that reached CONFIRMED (paid), including ones cancelled later (money flow);
--   confirmed booking = a booking whose status is CONFIRMED now (seats really sold: a cancelled booking's seats
--   went back on sale and may have been sold again, so ticket counts never include cancelled bookings).
-- Materialized views depend on tables only (no booking.* functions), so the loader's DROP FUNCTION ... CASCADE
-- never removes them behind our back; this file re-creates them on every migrate.

-- ---------------------------------------------------------------------------------------------------------------
-- Materialized aggregates (reporting_cache). Each has a unique index: REFRESH ... CONCURRENTLY requires one.

CREATE MATERIALIZED VIEW reporting_cache.daily_sales AS
WITH sold AS (
    SELECT a.cinema_id, (b.booked_at AT TIME ZONE c.time_zone)::date AS day,
           count(*) AS bookings, sum(b.num_tickets) AS tickets, sum(b.final_amount) AS revenue,
           sum(b.discount) AS discount, count(*) FILTER (WHERE b.status = 'CANCELLED') AS cancelled
      FROM booking.bookings b
      JOIN booking.showtimes st ON st.id = b.showtime_id
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.cinemas c ON c.id = a.cinema_id
     WHERE b.confirmed_at IS NOT NULL
     GROUP BY 1, 2),
refunded AS (
    -- refunds count on the local day the provider confirmed them (record_refund sets updated_at)
    SELECT a.cinema_id, (r.updated_at AT TIME ZONE c.time_zone)::date AS day,
           count(*) AS refunds, sum(r.amount) AS refunded
      FROM booking.refunds r
      JOIN booking.bookings b ON b.id = r.booking_id
      JOIN booking.showtimes st ON st.id = b.showtime_id
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.cinemas c ON c.id = a.cinema_id
     WHERE r.status = 'SUCCEEDED' AND b.confirmed_at IS NOT NULL  -- late-payment refunds never were revenue
     GROUP BY 1, 2)
SELECT cinema_id, day,
       coalesce(s.bookings, 0) AS bookings, coalesce(s.tickets, 0) AS tickets,
       coalesce(s.revenue, 0)::numeric(14,2) AS revenue, coalesce(s.discount, 0)::numeric(14,2) AS discount,
       coalesce(s.cancelled, 0) AS cancelled,
       coalesce(r.refunds, 0) AS refunds, coalesce(r.refunded, 0)::numeric(14,2) AS refunded
  FROM sold s FULL JOIN refunded r USING (cinema_id, day);
CREATE UNIQUE INDEX ON reporting_cache.daily_sales (cinema_id, day);
COMMENT ON MATERIALIZED VIEW reporting_cache.daily_sales IS
    'Per cinema and local day: sold bookings by booked date, succeeded refunds by refund date.';

CREATE MATERIALIZED VIEW reporting_cache.movie_sales AS
SELECT a.cinema_id, (b.booked_at AT TIME ZONE c.time_zone)::date AS day, st.movie_id,
       count(*) AS bookings, sum(b.num_tickets) AS tickets, sum(b.final_amount)::numeric(14,2) AS revenue
  FROM booking.bookings b
  JOIN booking.showtimes st ON st.id = b.showtime_id
  JOIN booking.auditoriums a ON a.id = st.auditorium_id
  JOIN booking.cinemas c ON c.id = a.cinema_id
 WHERE b.status = 'CONFIRMED'
 GROUP BY 1, 2, 3;
CREATE UNIQUE INDEX ON reporting_cache.movie_sales (cinema_id, day, movie_id);
COMMENT ON MATERIALIZED VIEW reporting_cache.movie_sales IS 'Per cinema, local booked day and movie: confirmed bookings.';

CREATE MATERIALIZED VIEW reporting_cache.seat_type_sales AS
SELECT a.cinema_id, (b.booked_at AT TIME ZONE c.time_zone)::date AS day, bs.seat_type,
       count(*) AS tickets, sum(bs.price)::numeric(14,2) AS list_revenue
  FROM booking.bookings b
  JOIN booking.booking_seats bs ON bs.booking_id = b.id
  JOIN booking.showtimes st ON st.id = b.showtime_id
  JOIN booking.auditoriums a ON a.id = st.auditorium_id
  JOIN booking.cinemas c ON c.id = a.cinema_id
 WHERE b.status = 'CONFIRMED'
 GROUP BY 1, 2, 3;
CREATE UNIQUE INDEX ON reporting_cache.seat_type_sales (cinema_id, day, seat_type);
COMMENT ON MATERIALIZED VIEW reporting_cache.seat_type_sales IS
    'Per cinema, local booked day and seat type: tickets of confirmed bookings at list price.';

CREATE MATERIALIZED VIEW reporting_cache.promo_sales AS
SELECT a.cinema_id, (b.booked_at AT TIME ZONE c.time_zone)::date AS day, b.promo_code_id,
       count(*) AS uses, count(*) FILTER (WHERE b.status = 'CANCELLED') AS cancelled_uses,
       sum(b.num_tickets) AS tickets, sum(b.subtotal)::numeric(14,2) AS subtotal,
       sum(b.discount)::numeric(14,2) AS discount, sum(b.final_amount)::numeric(14,2) AS revenue
  FROM booking.bookings b
  JOIN booking.showtimes st ON st.id = b.showtime_id
  JOIN booking.auditoriums a ON a.id = st.auditorium_id
  JOIN booking.cinemas c ON c.id = a.cinema_id
 WHERE b.confirmed_at IS NOT NULL AND b.promo_code_id IS NOT NULL
 GROUP BY 1, 2, 3;
CREATE UNIQUE INDEX ON reporting_cache.promo_sales (cinema_id, day, promo_code_id);
COMMENT ON MATERIALIZED VIEW reporting_cache.promo_sales IS
    'Per cinema, local booked day and promo code: sold bookings that used it (same rule as promo_codes.times_used).';

CREATE MATERIALIZED VIEW reporting_cache.cancellation_stats AS
WITH refunds AS (
    SELECT r.booking_id,
           sum(r.amount) FILTER (WHERE r.status = 'SUCCEEDED') AS refunded,
           sum(r.amount) FILTER (WHERE r.status = 'PENDING') AS pending
      FROM booking.refunds r GROUP BY 1)
SELECT a.cinema_id, (b.cancelled_at AT TIME ZONE c.time_zone)::date AS day,
       -- the category chosen from booking.cancel_reason_categories, never the free text: people type names,
       -- addresses and numbers into it that no masking can catch (the text is for operators only)
       coalesce(b.cancel_reason_category, 'NOT_GIVEN') AS reason_category,
       CASE WHEN b.cancelled_by = 'customer' THEN 'customer' ELSE 'operator' END AS cancelled_by,
       count(*) AS cancellations, count(*) FILTER (WHERE b.confirmed_at IS NOT NULL) AS paid_cancellations,
       sum(b.num_tickets) AS tickets,
       coalesce(sum(r.refunded), 0)::numeric(14,2) AS refunded, coalesce(sum(r.pending), 0)::numeric(14,2) AS refund_pending
  FROM booking.bookings b
  JOIN booking.showtimes st ON st.id = b.showtime_id
  JOIN booking.auditoriums a ON a.id = st.auditorium_id
  JOIN booking.cinemas c ON c.id = a.cinema_id
  LEFT JOIN refunds r ON r.booking_id = b.id
 WHERE b.status = 'CANCELLED'
 GROUP BY 1, 2, 3, 4;
CREATE UNIQUE INDEX ON reporting_cache.cancellation_stats (cinema_id, day, reason_category, cancelled_by);
COMMENT ON MATERIALIZED VIEW reporting_cache.cancellation_stats IS
    'Per cinema, local cancellation day, reason category and who cancelled: cancellations and their refunds.';

CREATE MATERIALIZED VIEW reporting_cache.sales_pace AS
SELECT a.cinema_id, (st.starts_at AT TIME ZONE c.time_zone)::date AS show_day, st.movie_id,
       (st.starts_at AT TIME ZONE c.time_zone)::date - (b.booked_at AT TIME ZONE c.time_zone)::date AS days_before,
       count(*) AS bookings, sum(b.num_tickets) AS tickets, sum(b.final_amount)::numeric(14,2) AS revenue
  FROM booking.bookings b
  JOIN booking.showtimes st ON st.id = b.showtime_id
  JOIN booking.auditoriums a ON a.id = st.auditorium_id
  JOIN booking.cinemas c ON c.id = a.cinema_id
 WHERE b.status = 'CONFIRMED'
 GROUP BY 1, 2, 3, 4;
CREATE UNIQUE INDEX ON reporting_cache.sales_pace (cinema_id, show_day, movie_id, days_before);
COMMENT ON MATERIALIZED VIEW reporting_cache.sales_pace IS
    'Per cinema, local show day, movie and days between booking and show (local dates): confirmed bookings.';

-- Re-created just now with the data of this instant: that is a refresh, and data_freshness says so (issue 22: it
-- was empty after a migrate until the reports worker's first run).
INSERT INTO reporting_cache.refresh_log (view_name, refreshed_at, duration_ms)
SELECT c.relname, clock_timestamp(), 0
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'reporting_cache' AND c.relkind = 'm'
ON CONFLICT (view_name) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, duration_ms = EXCLUDED.duration_ms;

-- ---------------------------------------------------------------------------------------------------------------
-- The reporting views. Every one has a `date` column (a local date of the cinema) so one filter works everywhere;
-- the per-cinema ones also have cinema_id. Money: numeric with 2 decimals, in the cinema's currency.

CREATE VIEW reporting.daily_bookings AS
SELECT d.day AS date, d.cinema_id, c.name AS cinema, c.currency,
       d.bookings AS total_bookings, d.tickets AS total_tickets, d.revenue AS total_revenue,
       CASE WHEN d.tickets > 0 THEN round(d.revenue / d.tickets, 2) END::numeric(14,2) AS avg_ticket_price,
       d.discount AS total_discount, d.cancelled AS cancelled_bookings,
       d.refunds AS refund_count, d.refunded AS refunded_amount, (d.revenue - d.refunded)::numeric(14,2) AS net_revenue
  FROM reporting_cache.daily_sales d JOIN booking.cinemas c ON c.id = d.cinema_id;
COMMENT ON VIEW reporting.daily_bookings IS
    'The daily booking report per cinema and local date: sold (paid) bookings by booked date, refunds by refund '
    'date, net revenue. Sum rows of one currency for the whole chain (or read daily_bookings_total).';
COMMENT ON COLUMN reporting.daily_bookings.date IS 'Local calendar date in the cinema''s time zone (booked date for sales, refund date for refunds).';
COMMENT ON COLUMN reporting.daily_bookings.cinema_id IS 'Cinema id.';
COMMENT ON COLUMN reporting.daily_bookings.cinema IS 'Cinema name.';
COMMENT ON COLUMN reporting.daily_bookings.currency IS 'ISO currency of every amount in the row.';
COMMENT ON COLUMN reporting.daily_bookings.total_bookings IS 'Bookings booked that day and paid (confirmed), including ones cancelled later.';
COMMENT ON COLUMN reporting.daily_bookings.total_tickets IS 'Tickets (seats) of those bookings.';
COMMENT ON COLUMN reporting.daily_bookings.total_revenue IS 'Amount charged for those bookings, after promo discounts (gross of refunds).';
COMMENT ON COLUMN reporting.daily_bookings.avg_ticket_price IS 'total_revenue / total_tickets, rounded to the cent (a per-ticket, not per-booking, average).';
COMMENT ON COLUMN reporting.daily_bookings.total_discount IS 'Promo discounts given on those bookings.';
COMMENT ON COLUMN reporting.daily_bookings.cancelled_bookings IS 'Of total_bookings, how many have been cancelled since.';
COMMENT ON COLUMN reporting.daily_bookings.refund_count IS 'Refunds the payment provider confirmed that day.';
COMMENT ON COLUMN reporting.daily_bookings.refunded_amount IS 'Money refunded that day (confirmed refunds only; pending ones are in reporting.cancellations).';
COMMENT ON COLUMN reporting.daily_bookings.net_revenue IS 'total_revenue - refunded_amount.';

CREATE VIEW reporting.daily_bookings_total AS
SELECT d.day AS date, c.currency, count(DISTINCT d.cinema_id) AS cinemas,
       sum(d.bookings)::bigint AS total_bookings, sum(d.tickets)::bigint AS total_tickets,
       sum(d.revenue)::numeric(14,2) AS total_revenue,
       CASE WHEN sum(d.tickets) > 0 THEN round(sum(d.revenue) / sum(d.tickets), 2) END::numeric(14,2) AS avg_ticket_price,
       sum(d.refunded)::numeric(14,2) AS refunded_amount, sum(d.revenue - d.refunded)::numeric(14,2) AS net_revenue
  FROM reporting_cache.daily_sales d JOIN booking.cinemas c ON c.id = d.cinema_id
 GROUP BY d.day, c.currency;
COMMENT ON VIEW reporting.daily_bookings_total IS
    'The seed''s daily report for the whole chain: daily_bookings summed over cinemas, one row per local date and currency.';
COMMENT ON COLUMN reporting.daily_bookings_total.date IS 'Each cinema''s local calendar date.';
COMMENT ON COLUMN reporting.daily_bookings_total.currency IS 'Currency: amounts in different currencies are never added.';
COMMENT ON COLUMN reporting.daily_bookings_total.cinemas IS 'Cinemas with sales or refunds that day.';
COMMENT ON COLUMN reporting.daily_bookings_total.total_bookings IS 'Paid bookings booked that day (cancelled later included).';
COMMENT ON COLUMN reporting.daily_bookings_total.total_tickets IS 'Tickets of those bookings.';
COMMENT ON COLUMN reporting.daily_bookings_total.total_revenue IS 'Amount charged, after discounts.';
COMMENT ON COLUMN reporting.daily_bookings_total.avg_ticket_price IS 'total_revenue / total_tickets, to the cent.';
COMMENT ON COLUMN reporting.daily_bookings_total.refunded_amount IS 'Refunds confirmed that day.';
COMMENT ON COLUMN reporting.daily_bookings_total.net_revenue IS 'total_revenue - refunded_amount.';

CREATE VIEW reporting.popular_movies AS
SELECT s.day AS date, s.cinema_id, c.name AS cinema, c.currency, s.movie_id, m.title,
       s.bookings, s.tickets AS tickets_sold, s.revenue
  FROM reporting_cache.movie_sales s
  JOIN booking.cinemas c ON c.id = s.cinema_id
  JOIN booking.movies m ON m.id = s.movie_id;
COMMENT ON VIEW reporting.popular_movies IS
    'Movies by local booked date and cinema (confirmed bookings). For the top movies of a window: '
    'filter date, GROUP BY title, ORDER BY sum(revenue) DESC.';
COMMENT ON COLUMN reporting.popular_movies.date IS 'Local date the bookings were made (cinema''s time zone).';
COMMENT ON COLUMN reporting.popular_movies.cinema_id IS 'Cinema id.';
COMMENT ON COLUMN reporting.popular_movies.cinema IS 'Cinema name.';
COMMENT ON COLUMN reporting.popular_movies.currency IS 'Currency of revenue.';
COMMENT ON COLUMN reporting.popular_movies.movie_id IS 'Movie id.';
COMMENT ON COLUMN reporting.popular_movies.title IS 'Movie title.';
COMMENT ON COLUMN reporting.popular_movies.bookings IS 'Confirmed (not cancelled) bookings.';
COMMENT ON COLUMN reporting.popular_movies.tickets_sold IS 'Tickets of those bookings.';
COMMENT ON COLUMN reporting.popular_movies.revenue IS 'Amount charged for them, after discounts.';

CREATE VIEW reporting.showtime_occupancy AS
WITH now_ AS (
    -- the engine's clock without calling booking.clock(): bi_reader has no rights in schema booking
    SELECT coalesce(nullif(current_setting('marquee.now', true), '')::timestamptz, now()) AS at)
SELECT (st.starts_at AT TIME ZONE c.time_zone)::date AS date, st.id AS showtime_id, st.starts_at,
       to_char(st.starts_at AT TIME ZONE c.time_zone, 'HH24:MI') AS local_start_time,
       c.id AS cinema_id, c.name AS cinema, c.currency, a.id AS auditorium_id, a.name AS auditorium,
       m.id AS movie_id, m.title, st.is_cancelled,
       cap.capacity, sold.tickets AS sold, live.held AS held_now, live.pending AS pending_payment,
       (cap.inactive + live.blocked) AS blocked,
       greatest(cap.capacity - cap.inactive - live.blocked - sold.tickets - live.held - live.pending, 0) AS available,
       CASE WHEN cap.capacity > 0 THEN round(100.0 * sold.tickets / cap.capacity, 2) END::numeric(5,2) AS occupancy_pct,
       sold.revenue
  FROM booking.showtimes st
  JOIN booking.auditoriums a ON a.id = st.auditorium_id
  JOIN booking.cinemas c ON c.id = a.cinema_id
  JOIN booking.movies m ON m.id = st.movie_id
  CROSS JOIN now_
  CROSS JOIN LATERAL (
      SELECT count(*)::int AS capacity, count(*) FILTER (WHERE NOT s.is_active)::int AS inactive
        FROM booking.seats s WHERE s.auditorium_id = st.auditorium_id) cap
  CROSS JOIN LATERAL (
      SELECT coalesce(sum(b.num_tickets), 0)::int AS tickets, coalesce(sum(b.final_amount), 0)::numeric(14,2) AS revenue
        FROM booking.bookings b WHERE b.showtime_id = st.id AND b.status = 'CONFIRMED') sold
  CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE cl.kind = 'HOLD')::int AS held,
             count(*) FILTER (WHERE cl.kind = 'BOOKING' AND b.status = 'PENDING_PAYMENT')::int AS pending,
             count(*) FILTER (WHERE cl.kind = 'BLOCK' AND s.is_active)::int AS blocked
        FROM booking.seat_claims cl
        JOIN booking.seats s ON s.id = cl.seat_id
        LEFT JOIN booking.bookings b ON b.id = cl.booking_id
       WHERE cl.showtime_id = st.id AND cl.kind IN ('HOLD', 'BOOKING', 'BLOCK') AND cl.during @> now_.at) live;
COMMENT ON VIEW reporting.showtime_occupancy IS
    'Live, per showtime: capacity, sold, held right now, pending payment, blocked, available, occupancy % and revenue.';
COMMENT ON COLUMN reporting.showtime_occupancy.date IS 'Local date of the show in the cinema''s time zone.';
COMMENT ON COLUMN reporting.showtime_occupancy.showtime_id IS 'Showtime id.';
COMMENT ON COLUMN reporting.showtime_occupancy.starts_at IS 'Start instant (timestamptz).';
COMMENT ON COLUMN reporting.showtime_occupancy.local_start_time IS 'Start time HH:MI in the cinema''s time zone.';
COMMENT ON COLUMN reporting.showtime_occupancy.cinema_id IS 'Cinema id.';
COMMENT ON COLUMN reporting.showtime_occupancy.cinema IS 'Cinema name.';
COMMENT ON COLUMN reporting.showtime_occupancy.currency IS 'Currency of revenue.';
COMMENT ON COLUMN reporting.showtime_occupancy.auditorium_id IS 'Auditorium id.';
COMMENT ON COLUMN reporting.showtime_occupancy.auditorium IS 'Auditorium name.';
COMMENT ON COLUMN reporting.showtime_occupancy.movie_id IS 'Movie id.';
COMMENT ON COLUMN reporting.showtime_occupancy.title IS 'Movie title.';
COMMENT ON COLUMN reporting.showtime_occupancy.is_cancelled IS 'The showtime was cancelled.';
COMMENT ON COLUMN reporting.showtime_occupancy.capacity IS 'Seats in the auditorium (broken ones included).';
COMMENT ON COLUMN reporting.showtime_occupancy.sold IS 'Seats of confirmed bookings.';
COMMENT ON COLUMN reporting.showtime_occupancy.held_now IS 'Seats in customers'' live holds at this moment.';
COMMENT ON COLUMN reporting.showtime_occupancy.pending_payment IS 'Seats of bookings waiting for payment (within their payment window).';
COMMENT ON COLUMN reporting.showtime_occupancy.blocked IS 'Broken seats plus seats an operator blocked for this showtime.';
COMMENT ON COLUMN reporting.showtime_occupancy.available IS 'Seats on sale right now.';
COMMENT ON COLUMN reporting.showtime_occupancy.occupancy_pct IS '100 * sold / capacity, 2 decimals.';
COMMENT ON COLUMN reporting.showtime_occupancy.revenue IS 'Amount charged for the confirmed bookings, after discounts.';

CREATE VIEW reporting.revenue_by_seat_type AS
SELECT s.day AS date, s.cinema_id, c.name AS cinema, c.currency, s.seat_type::text AS seat_type,
       s.tickets, s.list_revenue,
       round(s.list_revenue / s.tickets, 2)::numeric(14,2) AS avg_price
  FROM reporting_cache.seat_type_sales s JOIN booking.cinemas c ON c.id = s.cinema_id;
COMMENT ON VIEW reporting.revenue_by_seat_type IS
    'Tickets and revenue per seat type, by local booked date and cinema (confirmed bookings). Promo discounts are '
    'per booking, not per seat: they are in promo_code_usage, so list_revenue is before discounts.';
COMMENT ON COLUMN reporting.revenue_by_seat_type.date IS 'Local date the bookings were made.';
COMMENT ON COLUMN reporting.revenue_by_seat_type.cinema_id IS 'Cinema id.';
COMMENT ON COLUMN reporting.revenue_by_seat_type.cinema IS 'Cinema name.';
COMMENT ON COLUMN reporting.revenue_by_seat_type.currency IS 'Currency of the amounts.';
COMMENT ON COLUMN reporting.revenue_by_seat_type.seat_type IS 'STANDARD, PREMIUM, VIP or WHEELCHAIR.';
COMMENT ON COLUMN reporting.revenue_by_seat_type.tickets IS 'Seats of this type in confirmed bookings.';
COMMENT ON COLUMN reporting.revenue_by_seat_type.list_revenue IS 'Sum of the seat prices paid at booking time, before promo discounts.';
COMMENT ON COLUMN reporting.revenue_by_seat_type.avg_price IS 'list_revenue / tickets, to the cent.';

CREATE VIEW reporting.promo_code_usage AS
SELECT p.day AS date, p.cinema_id, c.name AS cinema, c.currency, p.promo_code_id, pc.code AS promo_code,
       pc.kind::text AS kind, pc.value, p.uses, p.cancelled_uses, p.tickets, p.subtotal,
       p.discount AS discount_given, p.revenue
  FROM reporting_cache.promo_sales p
  JOIN booking.cinemas c ON c.id = p.cinema_id
  JOIN booking.promo_codes pc ON pc.id = p.promo_code_id;
COMMENT ON VIEW reporting.promo_code_usage IS
    'Promo code use by local booked date and cinema: paid bookings with the code (as counted in promo_codes.times_used).';
COMMENT ON COLUMN reporting.promo_code_usage.date IS 'Local date the bookings were made.';
COMMENT ON COLUMN reporting.promo_code_usage.cinema_id IS 'Cinema id.';
COMMENT ON COLUMN reporting.promo_code_usage.cinema IS 'Cinema name.';
COMMENT ON COLUMN reporting.promo_code_usage.currency IS 'Currency of the amounts.';
COMMENT ON COLUMN reporting.promo_code_usage.promo_code_id IS 'Promo code id.';
COMMENT ON COLUMN reporting.promo_code_usage.promo_code IS 'The code, e.g. SAVE20.';
COMMENT ON COLUMN reporting.promo_code_usage.kind IS 'PERCENT or FIXED.';
COMMENT ON COLUMN reporting.promo_code_usage.value IS 'Percentage (PERCENT) or amount off (FIXED).';
COMMENT ON COLUMN reporting.promo_code_usage.uses IS 'Paid bookings that used the code (cancelled later included).';
COMMENT ON COLUMN reporting.promo_code_usage.cancelled_uses IS 'Of uses, how many were cancelled since.';
COMMENT ON COLUMN reporting.promo_code_usage.tickets IS 'Tickets of those bookings.';
COMMENT ON COLUMN reporting.promo_code_usage.subtotal IS 'Their amount before the discount.';
COMMENT ON COLUMN reporting.promo_code_usage.discount_given IS 'Discount given.';
COMMENT ON COLUMN reporting.promo_code_usage.revenue IS 'Amount charged (subtotal - discount), gross of refunds.';

CREATE VIEW reporting.cancellations AS
SELECT x.day AS date, x.cinema_id, c.name AS cinema, c.currency, x.reason_category, k.label AS reason_label,
       x.cancelled_by, x.cancellations, x.paid_cancellations, x.tickets, x.refunded AS refunded_amount, x.refund_pending
  FROM reporting_cache.cancellation_stats x JOIN booking.cinemas c ON c.id = x.cinema_id
  LEFT JOIN booking.cancel_reason_categories k ON k.code = x.reason_category;
COMMENT ON VIEW reporting.cancellations IS
    'Cancellations by local cancellation date, cinema, reason category and who cancelled, with the money refunded. '
    'The customer''s or operator''s own words are not here (personal data): only the category chosen from '
    'booking.cancel_reason_categories (docs/reporting.md).';
COMMENT ON COLUMN reporting.cancellations.date IS 'Local date of the cancellation.';
COMMENT ON COLUMN reporting.cancellations.cinema_id IS 'Cinema id.';
COMMENT ON COLUMN reporting.cancellations.cinema IS 'Cinema name.';
COMMENT ON COLUMN reporting.cancellations.currency IS 'Currency of the amounts.';
COMMENT ON COLUMN reporting.cancellations.reason_category IS
    'Reason category chosen by the customer or operator (CHANGE_OF_PLANS, ILLNESS, ..., docs/reporting.md); '
    'NOT_GIVEN when none was chosen.';
COMMENT ON COLUMN reporting.cancellations.reason_label IS 'Human-readable name of the reason category.';
COMMENT ON COLUMN reporting.cancellations.cancelled_by IS 'customer or operator.';
COMMENT ON COLUMN reporting.cancellations.cancellations IS 'Bookings cancelled.';
COMMENT ON COLUMN reporting.cancellations.paid_cancellations IS 'Of those, bookings that had been paid.';
COMMENT ON COLUMN reporting.cancellations.tickets IS 'Tickets released back on sale.';
COMMENT ON COLUMN reporting.cancellations.refunded_amount IS 'Refunds of these bookings the provider confirmed.';
COMMENT ON COLUMN reporting.cancellations.refund_pending IS 'Refunds of these bookings not yet confirmed by the provider.';

CREATE VIEW reporting.sales_pace AS
SELECT p.show_day AS date, p.cinema_id, c.name AS cinema, c.currency, p.movie_id, m.title, p.days_before,
       p.bookings, p.tickets, p.revenue
  FROM reporting_cache.sales_pace p
  JOIN booking.cinemas c ON c.id = p.cinema_id
  JOIN booking.movies m ON m.id = p.movie_id;
COMMENT ON VIEW reporting.sales_pace IS
    'How far ahead tickets sell: confirmed tickets by local show date, cinema, movie and days before the show.';
COMMENT ON COLUMN reporting.sales_pace.date IS 'Local date of the show.';
COMMENT ON COLUMN reporting.sales_pace.cinema_id IS 'Cinema id.';
COMMENT ON COLUMN reporting.sales_pace.cinema IS 'Cinema name.';
COMMENT ON COLUMN reporting.sales_pace.currency IS 'Currency of revenue.';
COMMENT ON COLUMN reporting.sales_pace.movie_id IS 'Movie id.';
COMMENT ON COLUMN reporting.sales_pace.title IS 'Movie title.';
COMMENT ON COLUMN reporting.sales_pace.days_before IS 'Local show date minus local booked date (0 = booked on the day).';
COMMENT ON COLUMN reporting.sales_pace.bookings IS 'Confirmed bookings.';
COMMENT ON COLUMN reporting.sales_pace.tickets IS 'Tickets of those bookings.';
COMMENT ON COLUMN reporting.sales_pace.revenue IS 'Amount charged, after discounts.';

CREATE VIEW reporting.data_freshness AS
SELECT l.view_name, l.refreshed_at, l.duration_ms FROM reporting_cache.refresh_log l;
COMMENT ON VIEW reporting.data_freshness IS
    'When the aggregates behind the history views were last refreshed (showtime_occupancy is always live).';
COMMENT ON COLUMN reporting.data_freshness.view_name IS 'reporting_cache materialized view.';
COMMENT ON COLUMN reporting.data_freshness.refreshed_at IS 'End of its last refresh.';
COMMENT ON COLUMN reporting.data_freshness.duration_ms IS 'How long that refresh took.';

-- ---------------------------------------------------------------------------------------------------------------
-- Functions

-- Refresh every aggregate without blocking readers. One refresher at a time (advisory lock); returns how many.
CREATE FUNCTION booking_ops.refresh_reports() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_name  text;
    v_start timestamptz;
    v_n     int := 0;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7300080) THEN
        RETURN 0;  -- another refresher is at it: its result is as fresh as ours would be
    END IF;
    FOR v_name IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'reporting_cache' AND c.relkind = 'm' ORDER BY 1 LOOP
        v_start := clock_timestamp();
        EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY reporting_cache.%I', v_name);
        EXECUTE format('ANALYZE reporting_cache.%I', v_name);  -- small: keeps the planner's row counts true
        INSERT INTO reporting_cache.refresh_log (view_name, refreshed_at, duration_ms)
        VALUES (v_name, clock_timestamp(), round(extract(epoch FROM clock_timestamp() - v_start)::numeric * 1000, 1))
        ON CONFLICT (view_name) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, duration_ms = EXCLUDED.duration_ms;
        v_n := v_n + 1;
    END LOOP;
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking_ops.refresh_reports() IS
    'Refreshes every reporting_cache materialized view CONCURRENTLY (readers never wait); returns how many '
    '(0 if another refresh is running). Run by python -m marquee.reports.jobs.';

-- Rows of one reporting view as JSON objects (columns in view order), for the admin charts and CSV export.
-- The API has no rights on schema reporting; this is its only door, and it only opens reporting views.
CREATE FUNCTION booking.report(p_view text, p_cinema_id uuid DEFAULT NULL, p_from date DEFAULT NULL,
                               p_to date DEFAULT NULL, p_limit int DEFAULT 10000)
RETURNS SETOF json LANGUAGE plpgsql STABLE
-- short index lookups on small aggregates: JIT compilation would cost more than the query
SET jit = off AS $$
DECLARE
    v_actor booking.actor := booking.require('reports.read', p_cinema_id);
    v_has_cinema boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'reporting' AND c.relkind = 'v' AND c.relname = p_view) THEN
        PERFORM booking_internal.raise_error('REPORT_NOT_FOUND', format('no report named %s', p_view),
            jsonb_build_object('report', p_view));
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 100000 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'limit must be 1..100000', jsonb_build_object('field', 'limit'));
    END IF;
    IF p_from IS NOT NULL AND p_to IS NOT NULL AND p_from > p_to THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'from must not be after to', jsonb_build_object('field', 'from'));
    END IF;
    SELECT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = format('reporting.%I', p_view)::regclass
                      AND a.attname = 'cinema_id' AND NOT a.attisdropped) INTO v_has_cinema;
    IF p_view = 'data_freshness' THEN
        RETURN QUERY SELECT row_to_json(v) FROM reporting.data_freshness v ORDER BY v.view_name;
        RETURN;
    END IF;
    -- a view summed over every cinema is only for an operator of every cinema
    IF NOT v_has_cinema AND v_actor.cinema_ids IS NOT NULL THEN
        PERFORM booking_internal.raise_error('FORBIDDEN', format('%s sums every cinema: it needs an operator of every cinema', p_view),
            jsonb_build_object('permission', 'reports.read', 'report', p_view, 'scope', 'chain'));
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT row_to_json(v) FROM reporting.%I v
          WHERE ($2::date IS NULL OR v.date >= $2) AND ($3::date IS NULL OR v.date <= $3) %s
          ORDER BY v.date %s LIMIT $4',
        p_view,
        CASE WHEN v_has_cinema THEN 'AND ($1::uuid IS NULL OR v.cinema_id = $1) AND ($5::uuid[] IS NULL OR v.cinema_id = ANY ($5))' ELSE '' END,
        CASE WHEN v_has_cinema THEN ', v.cinema_id' ELSE '' END)
    USING p_cinema_id, p_from, p_to, p_limit, v_actor.cinema_ids;
END $$;
COMMENT ON FUNCTION booking.report(text, uuid, date, date, int) IS
    'Rows of reporting.<p_view> as JSON (column order kept), filtered by cinema (and to the operator''s cinemas) and '
    'local date range. For the admin reports page and CSV export. Needs reports.read (for p_cinema_id); views over '
    'every cinema need an operator of every cinema. Raises UNAUTHORIZED, FORBIDDEN, REPORT_NOT_FOUND, VALIDATION_ERROR.';

-- Names of the reporting views (for the admin page and its CSV links).
CREATE FUNCTION booking.report_names() RETURNS TABLE (name text, description text, columns text[])
LANGUAGE sql STABLE AS $$
    SELECT c.relname::text, obj_description(c.oid, 'pg_class'),
           ARRAY(SELECT a.attname::text FROM pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'reporting' AND c.relkind = 'v' ORDER BY 1
$$;
COMMENT ON FUNCTION booking.report_names() IS 'Every reporting view with its description and column names (CSV headers).';

-- The reports page's cinema and date window, in that cinema's local dates.
CREATE FUNCTION booking.report_window(p_cinema_id uuid DEFAULT NULL, p_from date DEFAULT NULL, p_to date DEFAULT NULL)
RETURNS TABLE (cinema_id uuid, cinema_name text, currency char(3), date_from date, date_to date)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_actor booking.actor := booking.require('reports.read', p_cinema_id);
    c       record;
    v_today date;
BEGIN
    SELECT l.id, l.name, l.currency, l.time_zone INTO c
      FROM booking.list_cinemas() l
     WHERE (p_cinema_id IS NULL OR l.id = p_cinema_id) AND booking_internal.in_scope(v_actor, l.id) LIMIT 1;
    IF NOT FOUND THEN
        IF p_cinema_id IS NOT NULL THEN
            PERFORM booking_internal.raise_error('CINEMA_NOT_FOUND', format('cinema %s not found', p_cinema_id),
                jsonb_build_object('cinemaId', p_cinema_id));
        END IF;
        RETURN;  -- no cinema yet: no window
    END IF;
    -- default: the last 30 days of sales and the coming week of shows
    v_today := booking.local_date(booking.clock(), c.time_zone);
    date_from := coalesce(p_from, v_today - 30);
    date_to := coalesce(p_to, v_today + 7);
    IF date_from > date_to THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'from must not be after to', jsonb_build_object('field', 'from'));
    END IF;
    RETURN QUERY SELECT c.id, c.name, c.currency, date_from, date_to;
END $$;
COMMENT ON FUNCTION booking.report_window(uuid, date, date) IS
    'The cinema of a report (the given one, else the operator''s first by name; CINEMA_NOT_FOUND if unknown) and its '
    'window: from/to, by default the last 30 local days to the coming 7. Needs reports.read. Raises UNAUTHORIZED, '
    'FORBIDDEN, CINEMA_NOT_FOUND, VALIDATION_ERROR when from is after to.';
