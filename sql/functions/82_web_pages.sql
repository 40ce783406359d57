-- Read models for the web pages. They only read; every change still goes through the booking functions.

-- A showtime's header for the seat-map page: movie, cinema, auditorium and the local start.
CREATE FUNCTION booking.showtime_info(p_showtime_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE v jsonb;
BEGIN
    SELECT jsonb_build_object(
        'showtimeId', st.id, 'movie', m.title, 'movieId', m.id, 'rating', m.rating,
        'durationMinutes', m.duration_minutes, 'cinema', c.name, 'cinemaId', c.id, 'city', c.city,
        'timeZone', c.time_zone, 'currency', c.currency, 'auditorium', a.name, 'startsAt', st.starts_at,
        'localStartsAt', to_char(st.starts_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD"T"HH24:MI'),
        'localDate', booking.local_date(st.starts_at, c.time_zone),
        'onSale', NOT st.is_cancelled AND st.starts_at > booking.clock(),
        'isCancelled', st.is_cancelled,
        'holdTtlSeconds', booking.setting('hold_ttl_seconds')::int,
        'maxSeatsPerHold', booking.setting('max_seats_per_hold')::int,
        'prices', (SELECT coalesce(jsonb_object_agg(p.seat_type, p.amount), '{}') FROM booking.prices p
                    WHERE p.showtime_id = st.id))
      INTO v
      FROM booking.showtimes st
      JOIN booking.movies m ON m.id = st.movie_id
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.cinemas c ON c.id = a.cinema_id
     WHERE st.id = p_showtime_id;
    IF v IS NULL THEN
        PERFORM booking_internal.raise_error('SHOWTIME_NOT_FOUND', format('showtime %s not found', p_showtime_id),
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    RETURN v;
END $$;
COMMENT ON FUNCTION booking.showtime_info(uuid) IS
    'Seat-map page header: movie, cinema, auditorium, local start, on-sale flag, hold settings and prices by seat type. '
    'Raises SHOWTIME_NOT_FOUND.';

-- What cancelling a booking now would do, mirroring booking.cancel's checks (cancel stays the authority): whether
-- the policy allows it, until when (cinema local time), and the refund the customer would get.
CREATE FUNCTION booking.cancel_quote(p_booking_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'cancellable', ok.allowed,
        'reason', CASE
            WHEN b.status = 'CANCELLED' THEN 'This booking is already cancelled.'
            WHEN b.status IN ('EXPIRED', 'PAYMENT_FAILED') OR (b.status = 'PENDING_PAYMENT' AND b.payment_deadline <= now_.t)
                THEN 'This booking was never paid, so its seats are already released.'
            WHEN st.starts_at - make_interval(mins => cut.m) < now_.t
                THEN format('Bookings can no longer be cancelled within %s minutes of the show.', cut.m)
            END,
        'cancelBefore', st.starts_at - make_interval(mins => cut.m),
        'localCancelBefore', to_char((st.starts_at - make_interval(mins => cut.m)) AT TIME ZONE c.time_zone,
                                     'YYYY-MM-DD"T"HH24:MI'),
        'cutoffMinutes', cut.m,
        'refundAmount', booking.refundable_amount(b.id),
        'currency', b.currency)
      FROM booking.bookings b
      JOIN booking.showtimes st ON st.id = b.showtime_id
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.cinemas c ON c.id = a.cinema_id
      CROSS JOIN LATERAL (SELECT booking.clock() AS t) now_
      CROSS JOIN LATERAL (SELECT booking.setting('cancel_cutoff_minutes')::int AS m) cut
      CROSS JOIN LATERAL (SELECT (b.status = 'CONFIRMED' OR (b.status = 'PENDING_PAYMENT' AND b.payment_deadline > now_.t))
                                 AND st.starts_at - make_interval(mins => cut.m) >= now_.t AS allowed) ok
     WHERE b.id = p_booking_id
$$;
COMMENT ON FUNCTION booking.cancel_quote(uuid) IS
    'Whether a customer may cancel a booking now (same rules as booking.cancel), the deadline and the refund due.';
