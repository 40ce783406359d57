-- Issue 20, "an on-sale for all showtimes of a movie": the schedule PUT /api/admin/movies/{movieId}/on-sale sets is
-- kept as a standing schedule of the movie (in one cinema, or in all), so a showtime of the movie created later gets
-- it too (booking_internal.showtime_takes_movie_on_sale, a trigger on booking.showtimes; docs/waiting-room.md).

CREATE TABLE booking.movie_on_sales (
    movie_id           uuid NOT NULL REFERENCES booking.movies (id) ON DELETE CASCADE,
    cinema_id          uuid REFERENCES booking.cinemas (id) ON DELETE CASCADE,
    scope_cinema_ids   uuid[],
    opens_at           timestamptz NOT NULL,
    queue              boolean NOT NULL DEFAULT true,
    admit_per_minute   int CHECK (admit_per_minute BETWEEN 1 AND 100000),
    admission_minutes  int NOT NULL DEFAULT 10 CHECK (admission_minutes BETWEEN 1 AND 1440),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         text,
    UNIQUE NULLS NOT DISTINCT (movie_id, cinema_id)
);
COMMENT ON TABLE booking.movie_on_sales IS
    'Standing on-sale schedule of a movie (issue 20): every showtime of the movie created later (in cinema_id, or in '
    'any cinema when NULL, within scope_cinema_ids) gets this schedule in booking.on_sales.';
COMMENT ON COLUMN booking.movie_on_sales.movie_id IS 'The movie whose showtimes go on sale this way.';
COMMENT ON COLUMN booking.movie_on_sales.cinema_id IS 'Only the showtimes in this cinema (PUT ...?cinemaId=); NULL: in every cinema.';
COMMENT ON COLUMN booking.movie_on_sales.scope_cinema_ids IS 'The cinemas of the operator who set it (NULL: all): a later showtime elsewhere is not covered.';
COMMENT ON COLUMN booking.movie_on_sales.opens_at IS 'When holds open (booking.on_sales.opens_at of each showtime).';
COMMENT ON COLUMN booking.movie_on_sales.queue IS 'Whether buyers pass through the waiting room.';
COMMENT ON COLUMN booking.movie_on_sales.admit_per_minute IS 'Admissions per minute; NULL: derived (docs/waiting-room.md).';
COMMENT ON COLUMN booking.movie_on_sales.admission_minutes IS 'How long an admission token stays valid.';
COMMENT ON COLUMN booking.movie_on_sales.updated_at IS 'When the standing schedule was last set.';
COMMENT ON COLUMN booking.movie_on_sales.updated_by IS 'The operator who last set it (verified actor).';
