-- Issue 21: exchanges (docs/waitlist.md, "Exchanges"). A CONFIRMED booking moves to other seats of its showtime or
-- to another showtime of the same cinema, in one transaction: the new seats are claimed first (through
-- booking.hold / booking.hold_best_available, so every seating rule and race guard applies), then the old ones are
-- released. The booking keeps its reference. A cheaper or equal exchange refunds the difference through the refund
-- path of cancellations (a booking.refunds row, sent by the API at once and retried by the payments job).
--
-- Another showtime: a booking's id carries its showtime (UUIDv8, 00_core.sql) and every row of it is keyed by that
-- showtime, so the booking is re-made in the target showtime with a new id and the same reference (its global key
-- moves to the new row, and so does its payment intent, with what was paid carried over as a payment of the new
-- row); the old row is CANCELLED with cancelled_by = 'exchange'.

-- Seats of a booking (claims live now), ascending.
CREATE FUNCTION booking_internal.booking_seat_ids(p_showtime_id uuid, p_booking_id uuid, p_now timestamptz)
RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(c.seat_id ORDER BY c.seat_id), '{}')
      FROM booking.seat_claims c
     WHERE c.showtime_id = p_showtime_id AND c.booking_id = p_booking_id AND c.kind = 'BOOKING'
       AND c.during && tstzrange(p_now, NULL)
$$;
COMMENT ON FUNCTION booking_internal.booking_seat_ids(uuid, uuid, timestamptz) IS
    'Internal: the seats a booking holds now (its live BOOKING claims).';

-- End some of a booking's live claims now, with their status history (BOOKED -> AVAILABLE).
CREATE FUNCTION booking_internal.release_some_booking_seats(p_showtime_id uuid, p_booking_id uuid, p_seat_ids bigint[],
                                                            p_now timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH live AS (
        SELECT c.id FROM booking.seat_claims c
         WHERE c.showtime_id = p_showtime_id AND c.booking_id = p_booking_id AND c.kind = 'BOOKING'
           AND c.seat_id = ANY (p_seat_ids) AND c.during && tstzrange(p_now, NULL)),
    ended AS (
        UPDATE booking.seat_claims c SET during = tstzrange(lower(c.during), p_now)
          FROM live WHERE c.showtime_id = p_showtime_id AND c.id = live.id AND lower(c.during) < p_now
        RETURNING c.id, c.seat_id, c.hold_id),
    dropped AS (
        DELETE FROM booking.seat_claims c USING live
         WHERE c.showtime_id = p_showtime_id AND c.id = live.id AND lower(c.during) >= p_now
        RETURNING c.id, c.seat_id, c.hold_id)
    INSERT INTO booking.seat_status_history
           (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, booking_id, reason, actor, tx_id)
    SELECT p_showtime_id, e.seat_id, p_now, 'BOOKED', 'AVAILABLE', 'BOOKING', e.id, e.hold_id, p_booking_id, 'EXCHANGED',
           booking_internal.history_actor(), booking_internal.change_tx()
      FROM (SELECT * FROM ended UNION ALL SELECT * FROM dropped) e;
END $$;
COMMENT ON FUNCTION booking_internal.release_some_booking_seats(uuid, uuid, bigint[], timestamptz) IS
    'Internal: ends the live claims of these seats of a booking now (history reason EXCHANGED).';

-- Turn a hold's claims into a booking's (open-ended: the booking is paid), with their history; the hold is CONVERTED.
CREATE FUNCTION booking_internal.hold_into_booking(p_showtime_id uuid, p_hold_id uuid, p_booking_id uuid,
                                                   p_now timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH cl AS (
        UPDATE booking.seat_claims c SET kind = 'BOOKING', booking_id = p_booking_id, during = tstzrange(lower(c.during), NULL)
         WHERE c.showtime_id = p_showtime_id AND c.hold_id = p_hold_id AND c.kind = 'HOLD'
        RETURNING c.id, c.seat_id),
    h AS (UPDATE booking.holds SET status = 'CONVERTED' WHERE showtime_id = p_showtime_id AND id = p_hold_id)
    INSERT INTO booking.seat_status_history
           (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, booking_id, reason, actor, tx_id)
    SELECT p_showtime_id, cl.seat_id, p_now, 'LOCKED', 'BOOKED', 'BOOKING', cl.id, p_hold_id, p_booking_id, 'EXCHANGED',
           booking_internal.history_actor(), booking_internal.change_tx()
      FROM cl;
END $$;
COMMENT ON FUNCTION booking_internal.hold_into_booking(uuid, uuid, uuid, timestamptz) IS
    'Internal: a hold''s claims become a paid booking''s (open-ended), history LOCKED -> BOOKED (reason EXCHANGED).';

-- The exchange. Give p_seat_ids, or p_quantity (best available: p_together, p_types). Returns
-- {"bookingId","bookingReference","status","showtimeId","seats","priceDifference","refundAmount"?,"refundId"?}.
CREATE FUNCTION booking.exchange(p_booking_id uuid, p_showtime_id uuid, p_seat_ids text[] DEFAULT NULL,
                                 p_quantity int DEFAULT NULL, p_together boolean DEFAULT true,
                                 p_types text[] DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_now     timestamptz := booking.clock();
    v_cutoff  int := booking.setting('cancel_cutoff_minutes')::int;
    v         booking.bookings;
    v_old     record;
    v_new     record;
    v_token   text := 'exchange:' || p_booking_id::text;
    v_old_ids bigint[];
    v_keep    bigint[];
    v_codes   text[];
    v_hold    uuid;
    v_hold_ids bigint[];
    v_sub     numeric(10,2);
    v_disc    numeric(10,2);
    v_diff    numeric(10,2);
    v_refund  uuid;
    v_refund_amount numeric(10,2) := 0;
    v_id      uuid;
    v_paid    numeric(10,2);
BEGIN
    IF (p_seat_ids IS NULL) = (p_quantity IS NULL) THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'give either seatIds or bestAvailable',
            jsonb_build_object('field', 'seatIds/bestAvailable'));
    END IF;
    SELECT * INTO v FROM booking.bookings b
     WHERE b.showtime_id = booking.showtime_of(p_booking_id) AND b.id = p_booking_id FOR UPDATE;
    IF v.id IS NULL THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_FOUND', format('booking %s not found', p_booking_id),
            jsonb_build_object('bookingId', p_booking_id));
    END IF;
    IF v.status <> 'CONFIRMED' THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_CONFIRMED',
            format('booking %s is %s: only a CONFIRMED booking can be exchanged', v.reference, v.status),
            jsonb_build_object('bookingReference', v.reference, 'status', v.status));
    END IF;
    v_old := booking.showtime_context(v.showtime_id);
    IF v_old.starts_at - make_interval(mins => v_cutoff) < v_now THEN
        PERFORM booking_internal.raise_error('TOO_LATE_TO_EXCHANGE',
            format('bookings cannot be exchanged within %s minutes of the showtime', v_cutoff),
            jsonb_build_object('bookingReference', v.reference, 'startsAt', v_old.starts_at, 'cutoffMinutes', v_cutoff));
    END IF;
    v_new := booking.showtime_context(p_showtime_id);
    IF v_new.cinema_id <> v_old.cinema_id THEN
        PERFORM booking_internal.raise_error('EXCHANGE_OTHER_CINEMA', 'a booking can only move to a showtime of its own cinema',
            jsonb_build_object('bookingReference', v.reference, 'showtimeId', p_showtime_id));
    END IF;
    IF v_new.is_cancelled OR v_new.starts_at <= v_now THEN
        PERFORM booking_internal.raise_error('SHOWTIME_NOT_ON_SALE', 'this showtime is no longer on sale',
            jsonb_build_object('showtimeId', p_showtime_id));
    END IF;
    v_old_ids := booking_internal.booking_seat_ids(v.showtime_id, v.id, v_now);

    -- 1. claim the new seats (all rules and races of a hold; seats the booking keeps are not claimed again)
    IF p_seat_ids IS NOT NULL THEN
        PERFORM booking_internal.resolve_seats(v_new.auditorium_id, p_seat_ids);
        IF p_showtime_id = v.showtime_id THEN
            SELECT array_agg(s.code ORDER BY s.code) INTO v_codes FROM booking.seats s
             WHERE s.auditorium_id = v_new.auditorium_id AND s.code = ANY (p_seat_ids) AND s.id <> ALL (v_old_ids);
            IF v_codes IS NULL AND cardinality(p_seat_ids) = cardinality(v_old_ids) THEN
                PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'these are the booking''s seats already',
                    jsonb_build_object('field', 'seatIds'));
            END IF;
        ELSE
            v_codes := p_seat_ids;
        END IF;
        IF v_codes IS NOT NULL THEN
            SELECT h.hold_id INTO v_hold FROM booking.hold(p_showtime_id, v_codes, v_token, 60) h;
        END IF;
    ELSE
        SELECT h.hold_id INTO v_hold
          FROM booking.hold_best_available(p_showtime_id, v_token, p_quantity, p_types, p_together, false, NULL, 60) h;
        v_codes := ARRAY(SELECT s.code FROM booking.seat_claims c JOIN booking.seats s ON s.id = c.seat_id
                          WHERE c.showtime_id = p_showtime_id AND c.hold_id = v_hold AND c.kind = 'HOLD');
    END IF;
    v_hold_ids := coalesce((SELECT array_agg(c.seat_id ORDER BY c.seat_id) FROM booking.seat_claims c
                             WHERE c.showtime_id = p_showtime_id AND c.hold_id = v_hold AND c.kind = 'HOLD'), '{}');

    -- 2. the money: kept seats at what was paid for them, new seats at the target's prices; the discount stays
    --    (never above the new subtotal)
    v_keep := CASE WHEN p_showtime_id = v.showtime_id AND p_seat_ids IS NOT NULL
                   THEN ARRAY(SELECT s.id FROM booking.seats s WHERE s.auditorium_id = v_new.auditorium_id
                                 AND s.code = ANY (p_seat_ids) AND s.id = ANY (v_old_ids))
                   ELSE '{}'::bigint[] END;
    SELECT coalesce(sum(bs.price), 0) INTO v_sub FROM booking.booking_seats bs
     WHERE bs.showtime_id = v.showtime_id AND bs.booking_id = v.id AND bs.seat_id = ANY (v_keep);
    v_sub := v_sub + coalesce((SELECT sum(p.amount) FROM unnest(v_hold_ids) i JOIN booking.seats s ON s.id = i
                                 JOIN booking.prices p ON p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type), 0);
    v_disc := least(v.discount, v_sub);
    v_diff := (v_sub - v_disc) - v.final_amount;
    IF v_diff > 0 THEN
        PERFORM booking_internal.raise_error('EXCHANGE_PAYMENT_REQUIRED',
            format('the new seats cost %s more; exchanges that cost more are not available yet', v_diff),
            jsonb_build_object('bookingReference', v.reference, 'priceDifference', v_diff));
    END IF;

    IF p_showtime_id = v.showtime_id THEN
        -- 3a. same showtime: the new claims become the booking's, then the seats it leaves are released
        v_id := v.id;
        IF v_hold IS NOT NULL THEN
            PERFORM booking_internal.hold_into_booking(p_showtime_id, v_hold, v.id, v_now);
        END IF;
        PERFORM booking_internal.release_some_booking_seats(v.showtime_id, v.id,
            ARRAY(SELECT i FROM unnest(v_old_ids) i WHERE i <> ALL (v_keep)), v_now);
        DELETE FROM booking.booking_seats bs
         WHERE bs.showtime_id = v.showtime_id AND bs.booking_id = v.id AND bs.seat_id <> ALL (v_keep);
        INSERT INTO booking.booking_seats (showtime_id, booking_id, seat_id, seat_type, price)
        SELECT p_showtime_id, v.id, s.id, s.seat_type, p.amount
          FROM unnest(v_hold_ids) i JOIN booking.seats s ON s.id = i
          JOIN booking.prices p ON p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type;
        UPDATE booking.bookings b
           SET num_tickets = (SELECT count(*) FROM booking.booking_seats bs WHERE bs.showtime_id = b.showtime_id AND bs.booking_id = b.id),
               subtotal = v_sub, discount = v_disc, final_amount = v_sub - v_disc
         WHERE b.showtime_id = v.showtime_id AND b.id = v.id;
    ELSE
        -- 3b. another showtime: the booking is re-made there (same reference), the old row is cancelled
        v_id := booking_internal.new_id(v_new.showtime_no);
        v_paid := booking.refundable_amount(v.id);
        INSERT INTO booking.bookings (id, reference, showtime_id, hold_id, session_token, status, payment_status,
                                      customer_email, customer_name, customer_phone, payment_method, num_tickets,
                                      subtotal, discount, final_amount, currency, promo_code_id, payment_intent_id,
                                      payment_deadline, booked_at, confirmed_at)
        VALUES (v_id, v.reference, p_showtime_id, v_hold, v.session_token, 'CONFIRMED', v.payment_status,
                v.customer_email, v.customer_name, v.customer_phone, v.payment_method, cardinality(v_hold_ids),
                v_sub, v_disc, v_sub - v_disc, v.currency, v.promo_code_id, v.payment_intent_id,
                v.payment_deadline, v.booked_at, v.confirmed_at);
        INSERT INTO booking.booking_seats (showtime_id, booking_id, seat_id, seat_type, price)
        SELECT p_showtime_id, v_id, s.id, s.seat_type, p.amount
          FROM unnest(v_hold_ids) i JOIN booking.seats s ON s.id = i
          JOIN booking.prices p ON p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type;
        PERFORM booking_internal.hold_into_booking(p_showtime_id, v_hold, v_id, v_now);
        -- what was paid (net of refunds) moves with the booking, under the same payment intent
        IF v_paid > 0 AND v.payment_intent_id IS NOT NULL THEN
            INSERT INTO booking.payments (id, showtime_id, booking_id, payment_intent_id, amount, currency, status)
            VALUES (booking_internal.new_id(v_new.showtime_no), p_showtime_id, v_id, v.payment_intent_id, v_paid,
                    v.currency, 'succeeded');
        END IF;
        UPDATE booking.global_keys g SET showtime_id = p_showtime_id, target_id = v_id
         WHERE (g.key, g.kind) IN ((v.reference, 'BOOKING_REFERENCE'), (v.payment_intent_id, 'PAYMENT_INTENT'));
        UPDATE booking.bookings b SET status = 'CANCELLED', cancelled_at = v_now,
               cancel_reason = format('exchanged to showtime %s (booking %s)', p_showtime_id, v_id), cancelled_by = 'exchange'
         WHERE b.showtime_id = v.showtime_id AND b.id = v.id;
        PERFORM booking_internal.release_some_booking_seats(v.showtime_id, v.id, v_old_ids, v_now);
        UPDATE booking.outbox o SET status = 'SKIPPED', last_error = 'booking exchanged'
         WHERE o.showtime_id = v.showtime_id AND o.booking_id = v.id AND o.kind = 'REMINDER' AND o.status = 'PENDING';
        IF v_new.starts_at - make_interval(mins => booking.setting('reminder_minutes_before')::int) > v_now THEN
            PERFORM booking_internal.enqueue_message('REMINDER', v_id, 'reminder:' || v_id,
                v_new.starts_at - make_interval(mins => booking.setting('reminder_minutes_before')::int));
        END IF;
    END IF;

    -- 4. cheaper: the difference is refunded (the refund path of cancellations)
    IF v_diff < 0 THEN
        v_refund_amount := least(-v_diff, booking.refundable_amount(v_id));
        IF v_refund_amount > 0 THEN
            INSERT INTO booking.refunds (id, showtime_id, booking_id, amount, currency, reason)
            VALUES (booking_internal.new_id(v_new.showtime_no), p_showtime_id, v_id, v_refund_amount, v.currency, 'exchange')
            RETURNING id INTO v_refund;
        END IF;
    END IF;
    PERFORM booking_internal.enqueue_message('EXCHANGE', v_id, format('exchange:%s:%s', v_id, 1 + (SELECT count(*) FROM booking.outbox o
                                            WHERE o.showtime_id = p_showtime_id AND o.booking_id = v_id AND o.kind = 'EXCHANGE')), v_now,
        jsonb_build_object('fromShowtimeId', v.showtime_id, 'priceDifference', v_diff, 'refundAmount', v_refund_amount));
    -- durability class: the commit waits for the synchronous standby (docs/scaling.md); set last, since the hold
    -- taken above sets synchronous_commit off for the transaction
    PERFORM set_config('synchronous_commit', 'on', true);
    RETURN jsonb_build_object('bookingId', v_id, 'bookingReference', v.reference, 'status', 'CONFIRMED',
                              'showtimeId', p_showtime_id, 'previousShowtimeId', v.showtime_id,
                              'seats', (booking.booking_json(v_id) -> 'seats'), 'priceDifference', v_diff)
           || CASE WHEN v_refund IS NOT NULL
                   THEN jsonb_build_object('refundAmount', v_refund_amount, 'refundId', v_refund) ELSE '{}'::jsonb END;
END $$;
COMMENT ON FUNCTION booking.exchange(uuid, uuid, text[], int, boolean, text[]) IS
    'Moves a CONFIRMED booking to other seats (p_seat_ids, or best available: p_quantity, p_together, p_types) of its '
    'showtime or of another showtime of its cinema, atomically (new seats claimed first, then the old released); the '
    'reference stays; a cheaper exchange refunds the difference. Raises BOOKING_NOT_FOUND, BOOKING_NOT_CONFIRMED, '
    'TOO_LATE_TO_EXCHANGE, EXCHANGE_OTHER_CINEMA, SHOWTIME_NOT_FOUND, SHOWTIME_NOT_ON_SALE, SEAT_UNAVAILABLE, '
    'SEAT_NOT_FOUND, SEAT_LONE, BEST_AVAILABLE_NOT_FOUND, TOO_MANY_SEATS, EXCHANGE_PAYMENT_REQUIRED, VALIDATION_ERROR.';
