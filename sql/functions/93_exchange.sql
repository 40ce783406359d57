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


-- The seats an exchange gives the booking, as booking_json lists them: the seats it keeps (at what was paid) and
-- the hold's new seats (at the target's prices).
CREATE FUNCTION booking_internal.exchange_seats_json(p_showtime_id uuid, p_booking_id uuid, p_keep bigint[],
                                                     p_target_showtime_id uuid, p_hold_id uuid)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.code, 'rowLabel', x.row_label, 'seatNumber', x.seat_number,
                                                 'type', x.seat_type, 'price', x.price) ORDER BY x.y, x.x), '[]')
      FROM (SELECT s.code, s.row_label, s.seat_number, bs.seat_type, bs.price, s.y, s.x
              FROM booking.booking_seats bs JOIN booking.seats s ON s.id = bs.seat_id
             WHERE bs.showtime_id = p_showtime_id AND bs.booking_id = p_booking_id AND bs.seat_id = ANY (p_keep)
            UNION ALL
            SELECT s.code, s.row_label, s.seat_number, s.seat_type, p.amount, s.y, s.x
              FROM booking.seat_claims c JOIN booking.seats s ON s.id = c.seat_id
              JOIN booking.prices p ON p.showtime_id = c.showtime_id AND p.seat_type = s.seat_type
             WHERE c.showtime_id = p_target_showtime_id AND c.hold_id = p_hold_id AND c.kind = 'HOLD') x
$$;
COMMENT ON FUNCTION booking_internal.exchange_seats_json(uuid, uuid, bigint[], uuid, uuid) IS
    'Internal: the seats a booking will have after an exchange (kept seats and the hold''s new ones), as booking_json lists seats.';

-- The swap itself: the hold's seats become the booking's and the seats it leaves are released (same showtime), or
-- the booking is re-made in the target showtime with the same reference and its old row CANCELLED (another
-- showtime). p_sub and p_disc are the booking's amounts afterwards. Returns the booking's id afterwards.
CREATE FUNCTION booking_internal.exchange_swap(p_showtime_id uuid, p_booking_id uuid, p_target_showtime_id uuid,
                                               p_hold_id uuid, p_keep bigint[], p_sub numeric, p_disc numeric,
                                               p_now timestamptz)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    v          booking.bookings;
    v_new      record;
    v_old_ids  bigint[] := booking_internal.booking_seat_ids(p_showtime_id, p_booking_id, p_now);
    v_hold_ids bigint[];
    v_id       uuid;
BEGIN
    SELECT * INTO v FROM booking.bookings b WHERE b.showtime_id = p_showtime_id AND b.id = p_booking_id;
    v_new := booking.showtime_context(p_target_showtime_id);
    v_hold_ids := coalesce((SELECT array_agg(c.seat_id ORDER BY c.seat_id) FROM booking.seat_claims c
                             WHERE c.showtime_id = p_target_showtime_id AND c.hold_id = p_hold_id AND c.kind = 'HOLD'), '{}');
    IF p_target_showtime_id = p_showtime_id THEN
        -- same showtime: the new claims become the booking's, then the seats it leaves are released
        v_id := v.id;
        IF p_hold_id IS NOT NULL THEN
            PERFORM booking_internal.hold_into_booking(p_showtime_id, p_hold_id, v.id, p_now);
        END IF;
        PERFORM booking_internal.release_some_booking_seats(v.showtime_id, v.id,
            ARRAY(SELECT i FROM unnest(v_old_ids) i WHERE i <> ALL (p_keep)), p_now);
        DELETE FROM booking.booking_seats bs
         WHERE bs.showtime_id = v.showtime_id AND bs.booking_id = v.id AND bs.seat_id <> ALL (p_keep);
        INSERT INTO booking.booking_seats (showtime_id, booking_id, seat_id, seat_type, price)
        SELECT p_showtime_id, v.id, s.id, s.seat_type, p.amount
          FROM unnest(v_hold_ids) i JOIN booking.seats s ON s.id = i
          JOIN booking.prices p ON p.showtime_id = p_showtime_id AND p.seat_type = s.seat_type;
        UPDATE booking.bookings b
           SET num_tickets = (SELECT count(*) FROM booking.booking_seats bs WHERE bs.showtime_id = b.showtime_id AND bs.booking_id = b.id),
               subtotal = p_sub, discount = p_disc, final_amount = p_sub - p_disc
         WHERE b.showtime_id = v.showtime_id AND b.id = v.id;
    ELSE
        -- another showtime: the booking is re-made there (same reference), the old row is cancelled
        v_id := booking_internal.new_id(v_new.showtime_no);
        INSERT INTO booking.bookings (id, reference, showtime_id, hold_id, session_token, status, payment_status,
                                      customer_email, customer_name, customer_phone, payment_method, num_tickets,
                                      subtotal, discount, final_amount, currency, promo_code_id, payment_intent_id,
                                      payment_deadline, booked_at, confirmed_at)
        VALUES (v_id, v.reference, p_target_showtime_id, p_hold_id, v.session_token, 'CONFIRMED', v.payment_status,
                v.customer_email, v.customer_name, v.customer_phone, v.payment_method, cardinality(v_hold_ids),
                p_sub, p_disc, p_sub - p_disc, v.currency, v.promo_code_id, v.payment_intent_id,
                v.payment_deadline, v.booked_at, v.confirmed_at);
        INSERT INTO booking.booking_seats (showtime_id, booking_id, seat_id, seat_type, price)
        SELECT p_target_showtime_id, v_id, s.id, s.seat_type, p.amount
          FROM unnest(v_hold_ids) i JOIN booking.seats s ON s.id = i
          JOIN booking.prices p ON p.showtime_id = p_target_showtime_id AND p.seat_type = s.seat_type;
        PERFORM booking_internal.hold_into_booking(p_target_showtime_id, p_hold_id, v_id, p_now);
        -- what was paid (net of refunds) moves with the booking, under the same payment intents (its own, and
        -- those of dearer exchanges' differences)
        INSERT INTO booking.payments (id, showtime_id, booking_id, payment_intent_id, amount, currency, status)
        SELECT booking_internal.new_id(v_new.showtime_no), p_target_showtime_id, v_id, q.payment_intent_id, q.amount,
               v.currency, 'succeeded'
          FROM booking_internal.refundable_by_intent(v.showtime_id, v.id) q WHERE q.amount > 0;
        UPDATE booking.global_keys g SET showtime_id = p_target_showtime_id, target_id = v_id
         WHERE (g.key, g.kind) IN ((v.reference, 'BOOKING_REFERENCE'), (v.payment_intent_id, 'PAYMENT_INTENT'));
        UPDATE booking.bookings b SET status = 'CANCELLED', cancelled_at = p_now,
               cancel_reason = format('exchanged to showtime %s (booking %s)', p_target_showtime_id, v_id), cancelled_by = 'exchange'
         WHERE b.showtime_id = v.showtime_id AND b.id = v.id;
        PERFORM booking_internal.release_some_booking_seats(v.showtime_id, v.id, v_old_ids, p_now);
        UPDATE booking.outbox o SET status = 'SKIPPED', last_error = 'booking exchanged'
         WHERE o.showtime_id = v.showtime_id AND o.booking_id = v.id AND o.kind = 'REMINDER' AND o.status = 'PENDING';
        IF v_new.starts_at - make_interval(mins => booking.setting('reminder_minutes_before')::int) > p_now THEN
            PERFORM booking_internal.enqueue_message('REMINDER', v_id, 'reminder:' || v_id,
                v_new.starts_at - make_interval(mins => booking.setting('reminder_minutes_before')::int));
        END IF;
    END IF;
    RETURN v_id;
END $$;
COMMENT ON FUNCTION booking_internal.exchange_swap(uuid, uuid, uuid, uuid, bigint[], numeric, numeric, timestamptz) IS
    'Internal: moves a booking onto a hold''s seats (plus the seats it keeps), releasing the others, in its showtime or '
    're-made in another one (same reference, old row CANCELLED by exchange); returns the booking id afterwards.';

-- The EXCHANGE email of a done exchange (one per exchange: the dedup key counts the booking's exchanges).
CREATE FUNCTION booking_internal.enqueue_exchange_mail(p_showtime_id uuid, p_booking_id uuid, p_from_showtime_id uuid,
                                                       p_diff numeric, p_refund numeric, p_now timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM booking_internal.enqueue_message('EXCHANGE', p_booking_id, format('exchange:%s:%s', p_booking_id,
        1 + (SELECT count(*) FROM booking.outbox o
              WHERE o.showtime_id = p_showtime_id AND o.booking_id = p_booking_id AND o.kind = 'EXCHANGE')), p_now,
        jsonb_build_object('fromShowtimeId', p_from_showtime_id, 'priceDifference', p_diff, 'refundAmount', p_refund));
END $$;
COMMENT ON FUNCTION booking_internal.enqueue_exchange_mail(uuid, uuid, uuid, numeric, numeric, timestamptz) IS
    'Internal: queues the EXCHANGE email of a booking (the booking''s showtime first), once per exchange.';

-- A dearer exchange that will not be paid: EXPIRED, its hold released (its claims end now: they would have ended
-- at the deadline anyway), and, when p_cancel_intent, its intent queued for cancellation at the provider (a payment
-- that arrives anyway is refunded: booking_internal.record_exchange_payment). Returns false if it was not pending.
CREATE FUNCTION booking_internal.expire_exchange(p_showtime_id uuid, p_exchange_id uuid, p_now timestamptz,
                                                 p_cancel_intent boolean DEFAULT true)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    x booking.exchanges;
BEGIN
    UPDATE booking.exchanges e SET status = 'EXPIRED', expired_at = p_now
     WHERE e.showtime_id = p_showtime_id AND e.id = p_exchange_id AND e.status = 'PENDING_PAYMENT'
    RETURNING * INTO x;
    IF x.id IS NULL THEN
        RETURN false;
    END IF;
    IF EXISTS (SELECT 1 FROM booking.holds h WHERE h.showtime_id = x.target_showtime_id AND h.id = x.hold_id
                  AND h.status = 'ACTIVE') THEN
        PERFORM booking.release_hold(x.target_showtime_id, x.hold_id, 'exchange:' || x.booking_id);
    END IF;
    IF p_cancel_intent AND x.payment_intent_id IS NOT NULL THEN
        INSERT INTO booking.intent_cancellations (showtime_id, payment_intent_id, booking_id, created_at, updated_at)
        VALUES (x.showtime_id, x.payment_intent_id, x.booking_id, p_now, p_now) ON CONFLICT DO NOTHING;
    END IF;
    RETURN true;
END $$;
COMMENT ON FUNCTION booking_internal.expire_exchange(uuid, uuid, timestamptz, boolean) IS
    'Internal: a PENDING_PAYMENT exchange becomes EXPIRED, its hold released and (p_cancel_intent) its intent queued '
    'for cancellation; the booking is unchanged. Returns false when it was not pending.';

-- The expiry job's part for exchanges (called by booking.expire_overdue_bookings): every dearer exchange past its
-- payment deadline expires; the booking stays as it was.
CREATE FUNCTION booking.expire_overdue_exchanges(p_limit int DEFAULT 500)
RETURNS TABLE (exchange_id uuid, booking_id uuid, payment_intent_id text)
LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := booking.clock();
    r record;
BEGIN
    FOR r IN SELECT x.showtime_id, x.id, x.booking_id, x.payment_intent_id FROM booking.exchanges x
              WHERE x.status = 'PENDING_PAYMENT' AND x.payment_deadline <= v_now
              ORDER BY x.payment_deadline LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
        IF booking_internal.expire_exchange(r.showtime_id, r.id, v_now) THEN
            exchange_id := r.id; booking_id := r.booking_id; payment_intent_id := r.payment_intent_id;
            RETURN NEXT;
        END IF;
    END LOOP;
END $$;
COMMENT ON FUNCTION booking.expire_overdue_exchanges(int) IS
    'Marks PENDING_PAYMENT exchanges past their payment deadline EXPIRED (hold released, intent queued for '
    'cancellation); the bookings stay as they were. Returns them.';

-- Attach the difference's payment intent to a pending exchange (once; the intent is unique across showtimes
-- through its global_keys row, kind PAYMENT_INTENT, whose target is the exchange).
CREATE FUNCTION booking.attach_exchange_intent(p_exchange_id uuid, p_payment_intent_id text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_showtime uuid := booking.showtime_of(p_exchange_id);
    x booking.exchanges;
BEGIN
    SELECT * INTO x FROM booking.exchanges e WHERE e.showtime_id = v_showtime AND e.id = p_exchange_id FOR UPDATE;
    IF x.id IS NULL THEN
        PERFORM booking_internal.raise_error('EXCHANGE_NOT_FOUND', format('exchange %s not found', p_exchange_id),
            jsonb_build_object('exchangeId', p_exchange_id));
    END IF;
    IF x.payment_intent_id IS NOT DISTINCT FROM p_payment_intent_id THEN
        RETURN;
    END IF;
    IF x.payment_intent_id IS NOT NULL THEN
        PERFORM booking_internal.raise_error('PAYMENT_MISMATCH', 'the exchange already has another payment intent',
            jsonb_build_object('exchangeId', p_exchange_id));
    END IF;
    IF x.status <> 'PENDING_PAYMENT' THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_PAYABLE', format('exchange %s is %s: it takes no payment', x.id, x.status),
            jsonb_build_object('exchangeId', x.id, 'status', x.status));
    END IF;
    INSERT INTO booking.global_keys (key, kind, showtime_id, target_id)
    VALUES (p_payment_intent_id, 'PAYMENT_INTENT', x.showtime_id, x.id) ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('PAYMENT_MISMATCH', 'the payment intent belongs to another booking',
            jsonb_build_object('exchangeId', p_exchange_id));
    END IF;
    UPDATE booking.exchanges e SET payment_intent_id = p_payment_intent_id WHERE e.showtime_id = x.showtime_id AND e.id = x.id;
END $$;
COMMENT ON FUNCTION booking.attach_exchange_intent(uuid, text) IS
    'Stores the provider''s intent for a dearer exchange''s difference (once; the same again is a no-op), registered in '
    'global_keys (kind PAYMENT_INTENT, target the exchange). Raises EXCHANGE_NOT_FOUND, PAYMENT_MISMATCH, BOOKING_NOT_PAYABLE.';

-- The exchange a payment intent belongs to (through global_keys), or no row.
CREATE FUNCTION booking_internal.exchange_of_intent(p_payment_intent_id text) RETURNS booking.exchanges
LANGUAGE sql STABLE AS $$
    SELECT x.* FROM booking.global_keys g
      JOIN booking.exchanges x ON x.showtime_id = g.showtime_id AND x.id = g.target_id
     WHERE g.key = p_payment_intent_id AND g.kind = 'PAYMENT_INTENT'
$$;
COMMENT ON FUNCTION booking_internal.exchange_of_intent(text) IS
    'Internal: the dearer exchange whose difference this payment intent pays (global_keys lookup), or NULL.';

-- A payment result for an exchange's intent (booking.record_payment hands it here). Exactly once, under the
-- booking's and the exchange's row locks:
--   succeeded, in time (PENDING_PAYMENT, deadline not passed, booking CONFIRMED): the swap (exchange_swap), the
--             difference recorded as a payment of the booking, the exchange COMPLETED, the EXCHANGE email; status
--             CONFIRMED;
--   succeeded, late (expired, past the deadline, or the booking is no longer CONFIRMED): the exchange EXPIRED,
--             the money refunded in full to that intent; the booking unchanged; status EXPIRED;
--   succeeded again: the first outcome replayed;
--   declined: the attempt noted, nothing changes (another card may be tried until the deadline);
--   failed (the intent was canceled): the exchange EXPIRED, nothing else changes.
CREATE FUNCTION booking_internal.record_exchange_payment(p_showtime_id uuid, p_exchange_id uuid, p_result text,
                                                         p_amount numeric, p_error_code text)
RETURNS TABLE (booking_id uuid, booking_reference text, status booking.booking_status,
               payment_status booking.payment_status, refund_id uuid, refund_amount numeric(10,2))
LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := booking.clock();
    x     booking.exchanges;
    v     booking.bookings;
    n     booking.bookings;
    v_id  uuid;
    v_refund uuid;
BEGIN
    -- lock order: the booking, then its exchange (as booking.exchange and booking.cancel)
    SELECT e.booking_id INTO v_id FROM booking.exchanges e WHERE e.showtime_id = p_showtime_id AND e.id = p_exchange_id;
    SELECT * INTO v FROM booking.bookings b WHERE b.showtime_id = p_showtime_id AND b.id = v_id FOR UPDATE;
    SELECT * INTO x FROM booking.exchanges e WHERE e.showtime_id = p_showtime_id AND e.id = p_exchange_id FOR UPDATE;
    IF p_amount IS NOT NULL AND p_amount <> x.price_difference THEN
        PERFORM booking_internal.raise_error('PAYMENT_MISMATCH', format('paid %s but the exchange costs %s', p_amount, x.price_difference),
            jsonb_build_object('expected', x.price_difference, 'got', p_amount));
    END IF;
    IF p_result = 'declined' THEN
        IF x.status = 'PENDING_PAYMENT' THEN
            INSERT INTO booking.payments (showtime_id, booking_id, payment_intent_id, amount, currency, status, error_code)
            VALUES (v.showtime_id, v.id, x.payment_intent_id, x.price_difference, x.currency, 'failed', p_error_code);
        END IF;
        RETURN QUERY SELECT v.id, v.reference, v.status, v.payment_status, NULL::uuid, NULL::numeric(10,2);
        RETURN;
    END IF;
    IF p_result = 'failed' THEN
        PERFORM booking_internal.expire_exchange(x.showtime_id, x.id, v_now, false);
        RETURN QUERY SELECT v.id, v.reference, 'EXPIRED'::booking.booking_status, v.payment_status, NULL::uuid, NULL::numeric(10,2);
        RETURN;
    END IF;

    -- succeeded
    IF x.status = 'COMPLETED' THEN  -- already swapped: replay
        SELECT * INTO n FROM booking.bookings b WHERE b.showtime_id = booking.showtime_of(x.new_booking_id) AND b.id = x.new_booking_id;
        RETURN QUERY SELECT n.id, n.reference, 'CONFIRMED'::booking.booking_status, n.payment_status, NULL::uuid, NULL::numeric(10,2);
        RETURN;
    END IF;
    SELECT r.id INTO v_refund FROM booking.refunds r
     WHERE r.showtime_id = v.showtime_id AND r.booking_id = v.id AND r.payment_intent_id = x.payment_intent_id;
    IF v_refund IS NOT NULL THEN  -- already refunded as late: replay
        RETURN QUERY SELECT v.id, v.reference, 'EXPIRED'::booking.booking_status, v.payment_status, v_refund, x.price_difference;
        RETURN;
    END IF;
    IF x.status = 'PENDING_PAYMENT' AND x.payment_deadline > v_now AND v.status = 'CONFIRMED'
       AND EXISTS (SELECT 1 FROM booking.holds h WHERE h.showtime_id = x.target_showtime_id AND h.id = x.hold_id
                      AND h.status = 'ACTIVE' AND h.expires_at > v_now) THEN
        -- in time: the hold's claims are live, so nobody else can have these seats; the swap, atomically
        v_id := booking_internal.exchange_swap(x.showtime_id, x.booking_id, x.target_showtime_id, x.hold_id,
                                               x.keep_seat_ids, x.subtotal, x.discount, v_now);
        INSERT INTO booking.payments (showtime_id, booking_id, payment_intent_id, amount, currency, status)
        VALUES (x.target_showtime_id, v_id, x.payment_intent_id, x.price_difference, x.currency, 'succeeded');
        UPDATE booking.exchanges e SET status = 'COMPLETED', completed_at = v_now, new_booking_id = v_id
         WHERE e.showtime_id = x.showtime_id AND e.id = x.id;
        PERFORM booking_internal.enqueue_exchange_mail(x.target_showtime_id, v_id, x.showtime_id, x.price_difference, 0, v_now);
        SELECT * INTO n FROM booking.bookings b WHERE b.showtime_id = x.target_showtime_id AND b.id = v_id;
        RETURN QUERY SELECT n.id, n.reference, n.status, n.payment_status, NULL::uuid, NULL::numeric(10,2);
        RETURN;
    END IF;
    -- late: the money came for seats no longer held for it; refund it in full, the booking stays as it was
    PERFORM booking_internal.expire_exchange(x.showtime_id, x.id, v_now, false);
    INSERT INTO booking.payments (showtime_id, booking_id, payment_intent_id, amount, currency, status)
    VALUES (v.showtime_id, v.id, x.payment_intent_id, x.price_difference, x.currency, 'succeeded');
    INSERT INTO booking.refunds (id, showtime_id, booking_id, amount, currency, reason, payment_intent_id)
    SELECT booking_internal.new_id(st.showtime_no), v.showtime_id, v.id, x.price_difference, x.currency,
           'late exchange payment', x.payment_intent_id
      FROM booking.showtimes st WHERE st.id = v.showtime_id
    RETURNING id INTO v_refund;
    RETURN QUERY SELECT v.id, v.reference, 'EXPIRED'::booking.booking_status, v.payment_status, v_refund, x.price_difference;
END $$;
COMMENT ON FUNCTION booking_internal.record_exchange_payment(uuid, uuid, text, numeric, text) IS
    'Internal (booking.record_payment for an exchange''s intent): succeeded in time -> the seats swapped atomically, '
    'exchange COMPLETED (status CONFIRMED); succeeded late -> exchange EXPIRED, the difference refunded to its intent '
    '(status EXPIRED, refund_id); declined -> noted; failed -> exchange EXPIRED. Idempotent. Raises PAYMENT_MISMATCH.';

-- The exchange. Give p_seat_ids, or p_quantity (best available: p_together, p_types).
-- Same price or cheaper: done now; returns {"bookingId","bookingReference","status": "CONFIRMED","showtimeId",
-- "previousShowtimeId","seats","priceDifference","refundAmount"?,"refundId"?}.
-- Dearer: the new seats are held (a hold until paymentDeadline, the payment window of a confirm) and the booking
-- keeps its old seats; returns {"bookingId","bookingReference","status": "PENDING_PAYMENT","showtimeId",
-- "previousShowtimeId","seats" (those it will have),"priceDifference","currency","exchangeId","paymentDeadline"};
-- the API attaches the difference's intent (booking.attach_exchange_intent); paying it swaps the seats
-- (booking_internal.record_exchange_payment); never paid, booking.expire_overdue_exchanges expires it.
CREATE FUNCTION booking.exchange(p_booking_id uuid, p_showtime_id uuid, p_seat_ids text[] DEFAULT NULL,
                                 p_quantity int DEFAULT NULL, p_together boolean DEFAULT true,
                                 p_types text[] DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_now     timestamptz := booking.clock();
    v_cutoff  int := booking.setting('cancel_cutoff_minutes')::int;
    v_window  int := booking.setting('payment_window_seconds')::int;
    v         booking.bookings;
    v_old     record;
    v_new     record;
    v_pending booking.exchanges;
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
    v_xid     uuid;
    v_deadline timestamptz;
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
    -- a dearer exchange waiting for payment: another exchange waits until it is paid or expires
    SELECT * INTO v_pending FROM booking.exchanges x
     WHERE x.showtime_id = v.showtime_id AND x.booking_id = v.id AND x.status = 'PENDING_PAYMENT' FOR UPDATE;
    -- (one whose intent was never attached a minute after it was asked: the API died in between; given up)
    IF v_pending.id IS NOT NULL AND v_pending.payment_deadline > v_now
       AND (v_pending.payment_intent_id IS NOT NULL OR v_pending.created_at > v_now - interval '1 minute') THEN
        PERFORM booking_internal.raise_error('EXCHANGE_PENDING',
            format('booking %s has an exchange waiting for payment until %s', v.reference, v_pending.payment_deadline),
            jsonb_build_object('bookingReference', v.reference, 'exchangeId', v_pending.id,
                               'paymentIntentId', v_pending.payment_intent_id, 'paymentDeadline', v_pending.payment_deadline));
    ELSIF v_pending.id IS NOT NULL THEN  -- overdue (the job has not run yet), or never given its intent
        PERFORM booking_internal.expire_exchange(v_pending.showtime_id, v_pending.id, v_now);
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

    -- 1. claim the new seats (all rules and races of a hold; seats the booking keeps are not claimed again). The
    --    hold lives for the payment window: a dearer exchange keeps it until the difference is paid.
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
            SELECT h.hold_id INTO v_hold FROM booking.hold(p_showtime_id, v_codes, v_token, v_window) h;
        END IF;
    ELSE
        SELECT h.hold_id INTO v_hold
          FROM booking.hold_best_available(p_showtime_id, v_token, p_quantity, p_types, p_together, false, NULL, v_window) h;
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

    -- durability class: the commit waits for the synchronous standby (docs/scaling.md); set after the hold above,
    -- which sets synchronous_commit off for the transaction
    PERFORM set_config('synchronous_commit', 'on', true);

    IF v_diff > 0 THEN
        -- 3. dearer: the new seats stay held until the deadline, the booking keeps its old ones until it is paid
        SELECT h.expires_at INTO v_deadline FROM booking.holds h WHERE h.showtime_id = p_showtime_id AND h.id = v_hold;
        v_xid := booking_internal.new_id(v_old.showtime_no);
        INSERT INTO booking.exchanges (showtime_id, id, booking_id, target_showtime_id, hold_id, keep_seat_ids, subtotal,
                                       discount, price_difference, currency, payment_deadline, created_at)
        VALUES (v.showtime_id, v_xid, v.id, p_showtime_id, v_hold, v_keep, v_sub, v_disc, v_diff, v.currency,
                v_deadline, v_now);
        RETURN jsonb_build_object('bookingId', v.id, 'bookingReference', v.reference, 'status', 'PENDING_PAYMENT',
                                  'showtimeId', p_showtime_id, 'previousShowtimeId', v.showtime_id,
                                  'seats', booking_internal.exchange_seats_json(v.showtime_id, v.id, v_keep, p_showtime_id, v_hold),
                                  'priceDifference', v_diff, 'currency', v.currency, 'exchangeId', v_xid,
                                  'paymentDeadline', v_deadline);
    END IF;

    -- 3. same price or cheaper: the swap now
    v_id := booking_internal.exchange_swap(v.showtime_id, v.id, p_showtime_id, v_hold, v_keep, v_sub, v_disc, v_now);

    -- 4. cheaper: the difference is refunded (the refund path of cancellations)
    IF v_diff < 0 THEN
        v_refund_amount := least(-v_diff, booking.refundable_amount(v_id));
        IF v_refund_amount > 0 THEN  -- one refund per payment intent (refund_booking)
            v_refund := booking_internal.refund_booking(p_showtime_id, v_id, v_refund_amount, 'exchange');
        END IF;
    END IF;
    PERFORM booking_internal.enqueue_exchange_mail(p_showtime_id, v_id, v.showtime_id, v_diff, v_refund_amount, v_now);
    RETURN jsonb_build_object('bookingId', v_id, 'bookingReference', v.reference, 'status', 'CONFIRMED',
                              'showtimeId', p_showtime_id, 'previousShowtimeId', v.showtime_id,
                              'seats', (booking.booking_json(v_id) -> 'seats'), 'priceDifference', v_diff)
           || CASE WHEN v_refund IS NOT NULL
                   THEN jsonb_build_object('refundAmount', v_refund_amount, 'refundId', v_refund) ELSE '{}'::jsonb END;
END $$;
COMMENT ON FUNCTION booking.exchange(uuid, uuid, text[], int, boolean, text[]) IS
    'Moves a CONFIRMED booking to other seats (p_seat_ids, or best available: p_quantity, p_together, p_types) of its '
    'showtime or of another showtime of its cinema (new seats claimed first, then the old released); the reference '
    'stays; a cheaper exchange refunds the difference; a dearer one holds the new seats until the payment deadline '
    '(status PENDING_PAYMENT, exchangeId: a booking.exchanges row) and swaps when the difference is paid. Raises '
    'BOOKING_NOT_FOUND, BOOKING_NOT_CONFIRMED, EXCHANGE_PENDING, TOO_LATE_TO_EXCHANGE, EXCHANGE_OTHER_CINEMA, '
    'SHOWTIME_NOT_FOUND, SHOWTIME_NOT_ON_SALE, SEAT_UNAVAILABLE, SEAT_NOT_FOUND, SEAT_LONE, BEST_AVAILABLE_NOT_FOUND, '
    'TOO_MANY_SEATS, VALIDATION_ERROR.';

-- The API could not create the difference's intent (the provider is down): the exchange is given up at once, its
-- hold released, the booking unchanged (asking again starts afresh). Returns false if it was not pending.
CREATE FUNCTION booking.abandon_exchange(p_exchange_id uuid) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RETURN booking_internal.expire_exchange(booking.showtime_of(p_exchange_id), p_exchange_id, booking.clock(), true);
END $$;
COMMENT ON FUNCTION booking.abandon_exchange(uuid) IS
    'Gives up a PENDING_PAYMENT exchange whose payment intent could not be created (EXPIRED, hold released, any intent '
    'queued for cancellation); the booking is unchanged. Returns false when it was not pending.';

-- Until when a payment intent can be paid: a dearer exchange's deadline, or its booking's.
CREATE FUNCTION booking.intent_payment_deadline(p_payment_intent_id text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT coalesce((booking_internal.exchange_of_intent(p_payment_intent_id)).payment_deadline,
                    (SELECT b.payment_deadline FROM booking.global_keys g
                       JOIN booking.bookings b ON b.showtime_id = g.showtime_id AND b.id = g.target_id
                      WHERE g.key = p_payment_intent_id AND g.kind = 'PAYMENT_INTENT'))
$$;
COMMENT ON FUNCTION booking.intent_payment_deadline(text) IS
    'Until when a payment intent can be paid: its dearer exchange''s payment_deadline, else its booking''s (NULL if unknown).';
