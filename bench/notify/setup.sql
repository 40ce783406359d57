-- Bench fixture: one cinema, a 300-seat hall (12 rows x 25), :showtimes showtimes in 2033 priced STANDARD 10.00.
-- bench_showtimes(n, id) lets pgbench pick a showtime by number.
DO $$
DECLARE c uuid; a uuid; m uuid;
BEGIN
    c := booking.create_cinema('Bench Cinema', 'Boston', 'America/New_York', 'USD');
    a := booking.create_auditorium(c, 'Bench Hall', (
        SELECT jsonb_build_object('rows', jsonb_agg(jsonb_build_object('label', chr(64 + r),
                   'seats', (SELECT jsonb_agg(jsonb_build_object('number', n)) FROM generate_series(1, 25) n))
               ORDER BY r))
          FROM generate_series(1, 12) r));
    m := booking.create_movie('Bench Movie', 90);
    CREATE TABLE public.bench_showtimes (n int PRIMARY KEY, id uuid NOT NULL);
    INSERT INTO public.bench_showtimes
    SELECT i, booking.create_showtime(m, a, timestamptz '2033-01-01 10:00Z' + make_interval(hours => 3 * i),
                                      '{"STANDARD": 10.00}')
      FROM generate_series(1, current_setting('bench.showtimes')::int) i;
END $$;
