"""Generate a booking history for the reporting benchmark (default: 1,000,000 bookings), with a progress bar.

    .venv/bin/python -m bench.reporting.generate                      # fresh database marquee_bench_reporting
    .venv/bin/python -m bench.reporting.generate --bookings 50000     # smaller, for a quick look

History is written with set-based INSERTs as the superuser, not through booking.confirm(): a million calls of
the live booking path would take hours and measure something else (issue 3 benchmarks that path). The rows obey
every constraint the live path does (seat claims never overlap: the exclusion constraint checks them), and the
mix resembles a real cinema chain: 4 cinemas in 4 time zones and 3 currencies, 16 auditoriums of 200 seats,
4 shows a day, ~90 % confirmed, 5 % cancelled with refunds, 15 % with promo codes, sales up to 30 days ahead.
"""

import argparse
import os
import sys
import time

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from marquee.migrate import migrate
from testing.services import recreate_database

DEFAULT_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/marquee_bench_reporting")
SEATS_PER_AUDITORIUM = 200
AVG_BOOKINGS_PER_SHOW = 32  # ~80 of 200 seats sold at ~2.5 tickets a booking
SHOWS_PER_DAY = 4

SETUP_SQL = """
DO $setup$
DECLARE
    r record; c uuid; i int;
BEGIN
    FOR r IN SELECT * FROM (VALUES ('Bench New York', 'New York', 'America/New_York', 'USD'),
                                   ('Bench Chicago', 'Chicago', 'America/Chicago', 'USD'),
                                   ('Bench London', 'London', 'Europe/London', 'GBP'),
                                   ('Bench Berlin', 'Berlin', 'Europe/Berlin', 'EUR')) t(name, city, tz, cur) LOOP
        c := booking.create_cinema(r.name, r.city, r.tz, r.cur);
        FOR i IN 1 .. 4 LOOP
            -- 10 rows of 20: rows A-E standard, F-H premium, I-J VIP, two wheelchair spaces in row A
            PERFORM booking.create_auditorium(c, 'Screen ' || i, jsonb_build_object('rows', (
                SELECT jsonb_agg(jsonb_build_object('label', chr(64 + rn), 'seats', (
                    SELECT jsonb_agg(jsonb_build_object('number', sn, 'type',
                        CASE WHEN rn = 1 AND sn IN (1, 20) THEN 'WHEELCHAIR' WHEN rn >= 9 THEN 'VIP'
                             WHEN rn >= 6 THEN 'PREMIUM' ELSE 'STANDARD' END) ORDER BY sn)
                      FROM generate_series(1, 20) sn)) ORDER BY rn)
                FROM generate_series(1, 10) rn)));
        END LOOP;
    END LOOP;
    FOR i IN 1 .. 40 LOOP
        PERFORM booking.create_movie('Bench Feature ' || lpad(i::text, 2, '0'), 85 + (i * 7) % 70);
    END LOOP;
    PERFORM booking.create_promo_code('BENCH20', 'PERCENT', 20);
    PERFORM booking.create_promo_code('BENCH10', 'PERCENT', 10);
    PERFORM booking.create_promo_code('BENCHFIVE', 'FIXED', 5.00);
    PERFORM booking.create_promo_code('BENCHHALF', 'PERCENT', 50);
END $setup$;

-- seat index 1..200 of each auditorium, for set-based allocation
CREATE TABLE bench_seat AS
SELECT s.auditorium_id, row_number() OVER (PARTITION BY s.auditorium_id ORDER BY s.y, s.x)::int AS idx, s.id, s.seat_type
  FROM booking.seats s;
CREATE INDEX ON bench_seat (auditorium_id, idx);

-- showtimes: 4 a day per auditorium (local 13:00, 16:00, 19:00, 22:00) for %(days)s days up to today
INSERT INTO booking.showtimes (movie_id, auditorium_id, starts_at, ends_at)
SELECT m.id, a.id, t.starts_at, t.starts_at + interval '150 minutes'
  FROM booking.auditoriums a JOIN booking.cinemas c ON c.id = a.cinema_id
  CROSS JOIN generate_series(1, %(days)s) d
  CROSS JOIN generate_series(0, 3) slot
  CROSS JOIN LATERAL (SELECT ((current_date - d) + make_time(13 + 3 * slot, 0, 0)) AT TIME ZONE c.time_zone AS starts_at) t
  JOIN LATERAL (SELECT id FROM booking.movies ORDER BY title OFFSET (abs(hashtext(a.id::text || d || slot)) % 40) LIMIT 1) m ON true;
INSERT INTO booking.prices (showtime_id, seat_type, amount)
SELECT st.id, p.seat_type::booking.seat_type, p.amount
  FROM booking.showtimes st
  CROSS JOIN (VALUES ('STANDARD', 12.00), ('PREMIUM', 15.00), ('VIP', 22.50), ('WHEELCHAIR', 12.00)) p(seat_type, amount);

-- numbered newest first: the generation stops at the target count, so the history ends today
CREATE TABLE bench_show AS
SELECT row_number() OVER (ORDER BY st.starts_at DESC, st.id)::int AS n, st.id, st.auditorium_id, st.starts_at,
       c.time_zone, c.currency
  FROM booking.showtimes st JOIN booking.auditoriums a ON a.id = st.auditorium_id JOIN booking.cinemas c ON c.id = a.cinema_id;
CREATE INDEX ON bench_show (n);
"""

# One batch of showtimes -> bookings, seats, claims, payments, refunds. %(lo)s..%(hi)s are bench_show numbers;
# %(g0)s numbers the batch's bookings globally (references stay unique).
BATCH_SQL = """
CREATE TEMP TABLE bb ON COMMIT DROP AS
WITH draws AS (
    SELECT s.*, j, 1 + (abs(hashtext(s.id::text || j)) %% 4) AS n_tickets,
           random() AS r_status, random() AS r_promo, random() AS r_when
      FROM bench_show s
      CROSS JOIN LATERAL generate_series(1, 10 + abs(hashtext(s.id::text)) %% (2 * %(avg)s - 20)) j
     WHERE s.n BETWEEN %(lo)s AND %(hi)s),
placed AS (
    SELECT d.*, sum(n_tickets) OVER (PARTITION BY d.id ORDER BY j) AS last_idx FROM draws d)
SELECT overlay(overlay(gen_random_uuid()::text PLACING lpad(to_hex((SELECT x.showtime_no FROM booking.showtimes x WHERE x.id = p.id)), 8, '0') FROM 1 FOR 8)
               PLACING '8' FROM 15 FOR 1)::uuid AS booking_id, p.id AS showtime_id, p.auditorium_id, p.starts_at, p.time_zone, p.currency,
       p.n_tickets, (p.last_idx - p.n_tickets + 1)::int AS first_idx,
       -- most tickets sell in the last days: booked 0..30 days ahead, skewed to the show
       p.starts_at - make_interval(secs => 3600 + floor(30 * 86400 * p.r_when * p.r_when)) AS booked_at,
       CASE WHEN p.r_status < 0.90 THEN 'CONFIRMED' WHEN p.r_status < 0.95 THEN 'CANCELLED'
            WHEN p.r_status < 0.98 THEN 'EXPIRED' ELSE 'PAYMENT_FAILED' END::booking.booking_status AS status,
       CASE WHEN p.r_promo < 0.15 THEN (ARRAY['BENCH20', 'BENCH10', 'BENCHFIVE', 'BENCHHALF'])[1 + floor(p.r_promo * 1000)::int %% 4] END AS promo,
       %(g0)s + row_number() OVER () AS g
  FROM placed p WHERE p.last_idx <= %(seats)s;

CREATE TEMP TABLE bbs ON COMMIT DROP AS
SELECT bb.booking_id, bb.showtime_id, s.id AS seat_id, s.seat_type, pr.amount AS price
  FROM bb CROSS JOIN LATERAL generate_series(bb.first_idx, bb.first_idx + bb.n_tickets - 1) i
  JOIN bench_seat s ON s.auditorium_id = bb.auditorium_id AND s.idx = i
  JOIN booking.prices pr ON pr.showtime_id = bb.showtime_id AND pr.seat_type = s.seat_type;

CREATE TEMP TABLE bsub ON COMMIT DROP AS SELECT booking_id, sum(price)::numeric(10,2) AS subtotal FROM bbs GROUP BY 1;
ANALYZE bb; ANALYZE bbs; ANALYZE bsub;

INSERT INTO booking.bookings (id, reference, showtime_id, status, payment_status, customer_email, customer_name,
                              customer_phone, num_tickets, subtotal, discount, final_amount, currency, promo_code_id,
                              payment_intent_id, payment_deadline, booked_at, confirmed_at, cancelled_at, cancel_reason,
                              cancelled_by, cancel_reason_category)
SELECT bb.booking_id,
       -- BK + local date + 4 characters: the batch number in base 31 (unique per date at this scale)
       'BK' || to_char(bb.booked_at AT TIME ZONE bb.time_zone, 'YYYYMMDD')
            || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + (bb.g / 29791 %% 31)::int, 1)
            || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + (bb.g / 961 %% 31)::int, 1)
            || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + (bb.g / 31 %% 31)::int, 1)
            || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + (bb.g %% 31)::int, 1),
       bb.showtime_id, bb.status,
       CASE bb.status WHEN 'CONFIRMED' THEN 'PAID' WHEN 'CANCELLED' THEN 'REFUNDED' ELSE 'UNPAID' END::booking.payment_status,
       'customer' || (bb.g %% 150000) || '@example.com', 'Customer ' || (bb.g %% 150000), '+1 555 ' || lpad((bb.g %% 10000000)::text, 7, '0'),
       bb.n_tickets, t.subtotal, t.discount, t.subtotal - t.discount, bb.currency, pc.id,
       'pi_bench_' || bb.g, bb.booked_at + interval '10 minutes', bb.booked_at,
       CASE WHEN bb.status IN ('CONFIRMED', 'CANCELLED') THEN bb.booked_at + interval '1 minute' END,
       CASE WHEN bb.status = 'CANCELLED' THEN bb.booked_at + (bb.starts_at - bb.booked_at) / 2 END,
       CASE WHEN bb.status = 'CANCELLED' THEN (ARRAY['Schedule clash', 'Feeling unwell', 'Booked wrong time', '', 'Projector fault'])[1 + bb.g %% 5] END,
       CASE WHEN bb.status = 'CANCELLED' THEN CASE WHEN bb.g %% 5 = 4 THEN 'ops-bench' ELSE 'customer' END END,
       CASE WHEN bb.status = 'CANCELLED' THEN (ARRAY['CHANGE_OF_PLANS', 'ILLNESS', 'WRONG_SHOWTIME', 'NOT_GIVEN', 'TECHNICAL_FAULT'])[1 + bb.g %% 5] END
  FROM bb
  LEFT JOIN booking.promo_codes pc ON pc.code = bb.promo
  JOIN bsub s ON s.booking_id = bb.booking_id
  -- booking_internal.promo_discount's rule, inline (a function call per row would dominate the run)
  CROSS JOIN LATERAL (SELECT s.subtotal, CASE WHEN pc.kind = 'PERCENT' THEN round(s.subtotal * pc.value / 100, 2)
                                              WHEN pc.kind = 'FIXED' THEN least(pc.value, s.subtotal)
                                              ELSE 0 END::numeric(10,2) AS discount) t;

INSERT INTO booking.booking_seats (showtime_id, booking_id, seat_id, seat_type, price)
SELECT showtime_id, booking_id, seat_id, seat_type, price FROM bbs;

INSERT INTO booking.seat_claims (showtime_id, seat_id, kind, booking_id, during)
SELECT b.showtime_id, bbs.seat_id, 'BOOKING', b.id,
       tstzrange(b.booked_at, CASE b.status WHEN 'CONFIRMED' THEN NULL WHEN 'CANCELLED' THEN b.cancelled_at
                                            ELSE b.payment_deadline END)
  FROM bbs JOIN booking.bookings b ON b.showtime_id = bbs.showtime_id AND b.id = bbs.booking_id;

INSERT INTO booking.payments (showtime_id, booking_id, payment_intent_id, amount, currency, status, created_at)
SELECT b.showtime_id, b.id, b.payment_intent_id, b.final_amount, b.currency,
       CASE WHEN b.status IN ('CONFIRMED', 'CANCELLED') THEN 'succeeded' ELSE 'canceled' END, b.booked_at
  FROM bb JOIN booking.bookings b ON b.showtime_id = bb.showtime_id AND b.id = bb.booking_id WHERE b.status <> 'EXPIRED';

INSERT INTO booking.refunds (showtime_id, booking_id, amount, currency, status, reason, provider_refund_id, created_at, updated_at)
SELECT b.showtime_id, b.id, b.final_amount, b.currency, 'SUCCEEDED', 'cancellation: ' || b.cancel_reason_category,
       're_bench_' || bb.g, b.cancelled_at, b.cancelled_at + interval '1 day'
  FROM bb JOIN booking.bookings b ON b.showtime_id = bb.showtime_id AND b.id = bb.booking_id WHERE b.status = 'CANCELLED' AND b.final_amount > 0;
"""


def recreate(url: str) -> None:
    params = conninfo_to_dict(url)
    recreate_database(make_conninfo(url, dbname="postgres"), params["dbname"])


def generate(url: str, bookings: int, batch_shows: int) -> None:
    shows_needed = max(1, round(bookings / AVG_BOOKINGS_PER_SHOW))
    days = max(1, -(-shows_needed * 11 // (10 * 16 * SHOWS_PER_DAY)))  # 10 % spare: stop at the target
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")  # a crash only loses benchmark data
        conn.execute("SET marquee.publish_seat_changes = 'off'")
        # History rows are consistent by construction: skip triggers (seat status history, FK checks) while loading.
        # The exclusion constraint on seat claims and every CHECK still apply.
        conn.execute("SET session_replication_role = replica")
        conn.execute(SETUP_SQL.replace("%(days)s", str(days)))
        total_shows = conn.execute("SELECT count(*) FROM bench_show").fetchone()[0]
        done = 0
        columns = (TextColumn("[bold]bookings"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("eta"), TimeRemainingColumn())
        with Progress(*columns) as progress:
            task = progress.add_task("bookings", total=bookings)
            lo = 1
            while lo <= total_shows and done < bookings:
                hi = min(lo + batch_shows - 1, total_shows)
                with conn.transaction():
                    # several statements in one round trip: client-side parameter binding
                    psycopg.ClientCursor(conn).execute(BATCH_SQL, {
                        "lo": lo, "hi": hi, "g0": done, "avg": AVG_BOOKINGS_PER_SHOW, "seats": SEATS_PER_AUDITORIUM})
                    n = conn.execute("SELECT count(*) FROM bb").fetchone()[0]
                done += n
                progress.update(task, completed=min(done, bookings))
                lo = hi + 1
        print(f"{done:,} bookings over {days} days and {total_shows:,} showtimes; promo use counters, ANALYZE...")
        conn.execute("""UPDATE booking.promo_codes pc SET times_used = u.n
                          FROM (SELECT promo_code_id, count(*) AS n FROM booking.bookings
                                 WHERE confirmed_at IS NOT NULL AND promo_code_id IS NOT NULL GROUP BY 1) u
                         WHERE u.promo_code_id = pc.id""")
        conn.execute("SET session_replication_role = DEFAULT")
        conn.execute("DROP TABLE bench_seat, bench_show")
        conn.execute("VACUUM ANALYZE")
        started = time.monotonic()
        conn.execute("SELECT booking_ops.refresh_reports()")
        print(f"first refresh_reports: {time.monotonic() - started:.1f}s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--batch-shows", type=int, default=500, help="showtimes per transaction")
    args = parser.parse_args(argv)
    recreate(args.database_url)
    migrate(args.database_url, quiet=True)
    generate(args.database_url, args.bookings, args.batch_shows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
