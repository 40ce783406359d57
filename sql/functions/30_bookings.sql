-- Pricing, confirmation, payment results, expiry, cancellation and refunds.

-- The promo code, checked for use with n tickets at p_now; raises PROMO_INVALID/EXPIRED/USED_UP/MIN_TICKETS.
-- Uses = confirmed uses + bookings still waiting for payment with the code (so pending ones cannot oversell it).
CREATE FUNCTION booking_internal.usable_promo(p_code text, p_tickets int, p_now timestamptz, p_lock boolean DEFAULT false)
RETURNS booking.promo_codes LANGUAGE plpgsql AS $$
DECLARE
    v booking.promo_codes;
    v_pending int;
BEGIN
    SELECT * INTO v FROM booking.promo_codes WHERE upper(code) = upper(btrim(p_code));
    -- Only a code with a use limit is counted under a lock: locking an unlimited code would queue every
    -- buyer of a premiere who types it behind one another.
    IF p_lock AND v.max_uses IS NOT NULL THEN
        SELECT * INTO v FROM booking.promo_codes WHERE id = v.id FOR UPDATE;
    END IF;
    IF v.id IS NULL THEN
        PERFORM booking_internal.raise_error('PROMO_INVALID', format('unknown promo code %s', p_code),
            jsonb_build_object('promoCode', p_code));
    END IF;
    IF NOT v.is_active OR p_now < v.valid_from OR p_now >= v.valid_until THEN
        PERFORM booking_internal.raise_error('PROMO_EXPIRED', format('promo code %s is not valid now', v.code),
            jsonb_build_object('promoCode', v.code, 'validFrom', v.valid_from, 'validUntil', v.valid_until));
    END IF;
    IF v.max_uses IS NOT NULL THEN
        SELECT count(*) INTO v_pending FROM booking.bookings b
         WHERE b.promo_code_id = v.id AND b.status = 'PENDING_PAYMENT' AND b.payment_deadline > p_now;
        IF v.times_used + v_pending >= v.max_uses THEN
            PERFORM booking_internal.raise_error('PROMO_USED_UP', format('promo code %s has been used up', v.code),
                jsonb_build_object('promoCode', v.code, 'maxUses', v.max_uses));
        END IF;
    END IF;
    IF p_tickets < v.min_tickets THEN
        PERFORM booking_internal.raise_error('PROMO_MIN_TICKETS', format('promo code %s needs at least %s tickets', v.code, v.min_tickets),
            jsonb_build_object('promoCode', v.code, 'minTickets', v.min_tickets));
    END IF;
    RETURN v;
END $$;
COMMENT ON FUNCTION booking_internal.usable_promo(text, int, timestamptz, boolean) IS
    'A promo code usable now for n tickets; raises PROMO_INVALID, PROMO_EXPIRED, PROMO_USED_UP, PROMO_MIN_TICKETS.';

-- Discount of a promo on a subtotal, exact to the cent (percent rounds half up; fixed never exceeds the subtotal).
CREATE FUNCTION booking_internal.promo_discount(p_kind booking.promo_kind, p_value numeric, p_subtotal numeric)
RETURNS numeric(10,2) LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN CASE WHEN p_kind IS NULL THEN 0
                WHEN p_kind = 'PERCENT' THEN round(p_subtotal * p_value / 100, 2)
                ELSE least(p_value, p_subtotal) END::numeric(10,2);
END $$;
COMMENT ON FUNCTION booking_internal.promo_discount(booking.promo_kind, numeric, numeric) IS
    'Discount in money: PERCENT rounds half up to the cent, FIXED is capped at the subtotal.';

-- Subtotal and ticket count of a hold's seats.
CREATE FUNCTION booking_internal.hold_subtotal(p_hold_id uuid, OUT subtotal numeric(10,2), OUT tickets int)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    -- The hold's claims by (showtime, hold): the showtime comes from the hold id.
    SELECT coalesce(sum(p.amount), 0)::numeric(10,2), count(*)::int INTO subtotal, tickets
      FROM booking.seat_claims c
      JOIN booking.seats s ON s.id = c.seat_id
      JOIN booking.prices p ON p.showtime_id = c.showtime_id AND p.seat_type = s.seat_type
     WHERE c.showtime_id = booking.showtime_of(p_hold_id) AND c.hold_id = p_hold_id AND c.kind = 'HOLD';
END $$;
COMMENT ON FUNCTION booking_internal.hold_subtotal(uuid) IS 'Sum of the seat prices of a hold and its number of seats.';

-- A hold locked for a change, in the lock order of every claimer (00_core.sql): its session's lock first (the
-- token read without a lock), then the hold's row. Raises HOLD_NOT_FOUND / HOLD_NOT_YOURS.
CREATE FUNCTION booking_internal.hold_for_update(p_hold_id uuid, p_session_token text) RETURNS booking.holds
LANGUAGE plpgsql AS $$
DECLARE
    v booking.holds;
BEGIN
    v := booking_internal.hold_for(p_hold_id, p_session_token, false);
    PERFORM booking_internal.lock_session(v.showtime_id, v.session_token);
    RETURN booking_internal.hold_for(p_hold_id, p_session_token, true);
END $$;
COMMENT ON FUNCTION booking_internal.hold_for_update(uuid, text) IS
    'Internal: the hold, locked after its session''s lock (the lock order); raises HOLD_NOT_FOUND/HOLD_NOT_YOURS.';

-- Price a hold, optionally applying a promo code. An accepted code stays attached to the hold so confirm charges
-- the discounted amount; p_promo_code NULL keeps the attached code, '' removes it.
CREATE FUNCTION booking.price_hold(p_hold_id uuid, p_promo_code text DEFAULT NULL, p_session_token text DEFAULT NULL)
RETURNS TABLE (subtotal numeric(10,2), discount numeric(10,2), final_amount numeric(10,2), currency char(3),
               promo_code text, tickets int)
LANGUAGE plpgsql AS $$
DECLARE
    v_hold  booking.holds;
    v_now   timestamptz := booking.clock();
    v_promo booking.promo_codes;
    v_sub   record;
    v_cur   char(3);
BEGIN
    v_hold := booking_internal.hold_for_update(p_hold_id, p_session_token);
    PERFORM booking_internal.assert_hold_live(v_hold, v_now);
    v_sub := booking_internal.hold_subtotal(p_hold_id);
    IF p_promo_code IS NOT NULL AND btrim(p_promo_code) <> '' THEN
        v_promo := booking_internal.usable_promo(p_promo_code, v_sub.tickets, v_now);
        UPDATE booking.holds SET promo_code_id = v_promo.id WHERE showtime_id = v_hold.showtime_id AND id = p_hold_id;
    ELSIF p_promo_code IS NOT NULL THEN
        UPDATE booking.holds SET promo_code_id = NULL WHERE showtime_id = v_hold.showtime_id AND id = p_hold_id;
    ELSIF v_hold.promo_code_id IS NOT NULL THEN
        SELECT * INTO v_promo FROM booking.promo_codes WHERE id = v_hold.promo_code_id;
    END IF;
    SELECT c.currency INTO v_cur FROM booking.showtime_context(v_hold.showtime_id) c;
    RETURN QUERY SELECT v_sub.subtotal, booking_internal.promo_discount(v_promo.kind, v_promo.value, v_sub.subtotal),
        (v_sub.subtotal - booking_internal.promo_discount(v_promo.kind, v_promo.value, v_sub.subtotal))::numeric(10,2),
        v_cur, v_promo.code, v_sub.tickets;
END $$;
COMMENT ON FUNCTION booking.price_hold(uuid, text, text) IS
    'Subtotal, discount and final amount of a hold (exact to the cent); attaches an accepted promo code to the hold. '
    'Raises HOLD_NOT_FOUND, HOLD_NOT_YOURS, HOLD_EXPIRED, HOLD_NOT_ACTIVE, PROMO_INVALID, PROMO_EXPIRED, PROMO_USED_UP, '
    'PROMO_MIN_TICKETS.';

-- The customer's details of a confirm, as they will be stored; raises VALIDATION_ERROR.
CREATE FUNCTION booking_internal.check_customer(p_email text, p_name text, p_phone text, p_payment_method text)
RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    -- stored trimmed and lower-cased, so validate what will be stored
    IF coalesce(btrim(p_email), '') !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' OR length(btrim(p_email)) > 254 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'userDetails.email must be a valid email address',
            jsonb_build_object('field', 'userDetails.email'));
    END IF;
    IF coalesce(btrim(p_name), '') = '' OR length(p_name) > 200 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'userDetails.name is required (up to 200 characters)',
            jsonb_build_object('field', 'userDetails.name'));
    END IF;
    IF p_phone IS NOT NULL AND p_phone <> '' AND p_phone !~ '^\+?[0-9 ()./-]{5,32}$' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'userDetails.phone must be a phone number such as +1234567890',
            jsonb_build_object('field', 'userDetails.phone'));
    END IF;
    IF coalesce(p_payment_method, 'CARD') NOT IN ('CARD') THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'paymentMethod must be CARD',
            jsonb_build_object('field', 'paymentMethod'));
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.check_customer(text, text, text, text) IS
    'Internal: validates a confirm''s email, name, phone and payment method; raises VALIDATION_ERROR.';

-- Confirm a live hold into a booking waiting for payment. Seats stay reserved until payment_deadline.
-- p_booking_id / p_reference: the id and reference booking.confirm_quote gave (the API creates the payment intent
-- for them between the two calls, outside any transaction).
CREATE FUNCTION booking.confirm(p_hold_id uuid, p_email text, p_name text, p_phone text DEFAULT NULL,
                                p_payment_method text DEFAULT 'CARD', p_session_token text DEFAULT NULL,
                                p_booking_id uuid DEFAULT NULL, p_reference text DEFAULT NULL)
RETURNS TABLE (booking_id uuid, booking_reference text, status booking.booking_status, amount numeric(10,2),
               currency char(3), payment_deadline timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_hold     booking.holds;
    v_ctx      record;
    v_now      timestamptz := booking.clock();
    v_deadline timestamptz := v_now + make_interval(secs => booking.setting('payment_window_seconds')::int);
    v_promo    booking.promo_codes;
    v_sub      record;
    v_discount numeric(10,2);
    v_id       uuid;
    v_ref      text;
    v_ids      bigint[];
    v_codes    text[];
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);  -- durability class: the commit waits for the synchronous standby (docs/scaling.md)
    PERFORM booking_internal.check_customer(p_email, p_name, p_phone, p_payment_method);
    v_hold := booking_internal.hold_for_update(p_hold_id, p_session_token);
    PERFORM booking_internal.assert_hold_live(v_hold, v_now);
    v_ctx := booking.showtime_context(v_hold.showtime_id);
    IF v_ctx.is_cancelled OR v_ctx.starts_at <= v_now THEN
        PERFORM booking_internal.raise_error('SHOWTIME_NOT_ON_SALE', 'this showtime is no longer on sale',
            jsonb_build_object('showtimeId', v_hold.showtime_id));
    END IF;

    SELECT array_agg(c.seat_id ORDER BY c.seat_id) INTO v_ids
      FROM booking.seat_claims c WHERE c.showtime_id = v_hold.showtime_id AND c.hold_id = p_hold_id AND c.kind = 'HOLD';
    -- No row lock: confirm turns claims of a live hold into the booking's, and while the hold is live no other claim
    -- of these seats can exist; the instant it expires the exclusion constraint decides (SEAT_UNAVAILABLE). So buyers
    -- of one row confirm in parallel (only a promo code with a use limit queues its buyers, on the code's row).
    IF p_booking_id IS NOT NULL AND booking.showtime_of(p_booking_id) IS DISTINCT FROM v_hold.showtime_id THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'bookingId must be one booking.confirm_quote gave for this hold',
            jsonb_build_object('field', 'bookingId'));
    END IF;

    v_sub := booking_internal.hold_subtotal(p_hold_id);
    IF v_hold.promo_code_id IS NOT NULL THEN
        SELECT code INTO v_ref FROM booking.promo_codes WHERE id = v_hold.promo_code_id;
        v_promo := booking_internal.usable_promo(v_ref, v_sub.tickets, v_now, true);  -- row lock: max_uses holds under races
    END IF;
    v_discount := booking_internal.promo_discount(v_promo.kind, v_promo.value, v_sub.subtotal);

    -- the id carries the showtime (UUIDv8); the reference is unique across showtimes through its global_keys row
    -- (the primary key of a table distributed by the value), retried on the rare collision
    v_id := coalesce(p_booking_id, booking_internal.new_id(v_ctx.showtime_no));
    LOOP
        v_ref := coalesce(p_reference, booking_internal.new_reference(booking.local_date(v_now, v_ctx.time_zone)));
        INSERT INTO booking.global_keys (key, kind, showtime_id, target_id)
        VALUES (v_ref, 'BOOKING_REFERENCE', v_hold.showtime_id, v_id) ON CONFLICT DO NOTHING;
        EXIT WHEN FOUND;
        IF p_reference IS NOT NULL THEN  -- taken since the quote: confirming again picks another
            PERFORM booking_internal.raise_error('CONFLICT', format('booking reference %s was taken meanwhile; confirm again',
                p_reference), jsonb_build_object('holdId', p_hold_id));
        END IF;
    END LOOP;

    -- booking, its seats, the claims (HOLD -> BOOKING until the deadline), their history and the hold
    WITH b AS (
        INSERT INTO booking.bookings (id, reference, showtime_id, hold_id, session_token, customer_email, customer_name,
                                      customer_phone, payment_method, num_tickets, subtotal, discount, final_amount,
                                      currency, promo_code_id, payment_deadline, booked_at)
        VALUES (v_id, v_ref, v_hold.showtime_id, p_hold_id, v_hold.session_token, lower(btrim(p_email)), btrim(p_name),
                nullif(btrim(p_phone), ''), coalesce(p_payment_method, 'CARD'), v_sub.tickets, v_sub.subtotal,
                v_discount, v_sub.subtotal - v_discount, v_ctx.currency, v_promo.id, v_deadline, v_now)),
    bs AS (
        INSERT INTO booking.booking_seats (showtime_id, booking_id, seat_id, seat_type, price)
        SELECT v_hold.showtime_id, v_id, s.id, s.seat_type, p.amount
          FROM booking.seats s JOIN booking.prices p ON p.showtime_id = v_hold.showtime_id AND p.seat_type = s.seat_type
         WHERE s.id = ANY (v_ids)),
    cl AS (
        UPDATE booking.seat_claims c
           SET kind = 'BOOKING', booking_id = v_id, during = tstzrange(lower(c.during), v_deadline)
         WHERE c.showtime_id = v_hold.showtime_id AND c.hold_id = p_hold_id AND c.kind = 'HOLD'
        RETURNING c.id, c.seat_id),
    h AS (UPDATE booking.holds SET status = 'CONVERTED' WHERE showtime_id = v_hold.showtime_id AND id = p_hold_id)
    INSERT INTO booking.seat_status_history
           (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, booking_id, actor, tx_id)
    SELECT v_hold.showtime_id, cl.seat_id, v_now, 'LOCKED', 'BOOKED', 'BOOKING', cl.id, p_hold_id, v_id,
           booking_internal.history_actor(), booking_internal.change_tx()
      FROM cl;


    -- Nothing to pay (a promo covers it all): no payment provider is involved, the booking is confirmed now.
    IF v_sub.subtotal - v_discount = 0 THEN
        PERFORM booking.attach_payment_intent(v_id, 'free_' || v_id);
        PERFORM booking.record_payment('free_' || v_id, 'succeeded');
        RETURN QUERY SELECT v_id, v_ref, 'CONFIRMED'::booking.booking_status, 0::numeric(10,2), v_ctx.currency, v_deadline;
        RETURN;
    END IF;

    RETURN QUERY SELECT v_id, v_ref, 'PENDING_PAYMENT'::booking.booking_status, (v_sub.subtotal - v_discount)::numeric(10,2),
                        v_ctx.currency, v_deadline;
END $$;
COMMENT ON FUNCTION booking.confirm(uuid, text, text, text, text, text, uuid, text) IS
    'Turns a live hold into a PENDING_PAYMENT booking (reference BKYYYYMMDDXXXX, amount after promo); seats stay '
    'reserved for payment_window_seconds. A booking with nothing to pay is CONFIRMED at once (intent free_<id>). '
    'Raises VALIDATION_ERROR, HOLD_NOT_FOUND, HOLD_NOT_YOURS, HOLD_NOT_ACTIVE, HOLD_EXPIRED, SHOWTIME_NOT_ON_SALE, '
    'PROMO_INVALID, PROMO_EXPIRED, PROMO_USED_UP, PROMO_MIN_TICKETS. p_booking_id and p_reference (optional) fix the new booking''s id and '
    'reference, as given by booking.confirm_quote (CONFLICT if the reference was taken since).';

-- What booking.confirm would do with this hold, without writing anything (a read, no lock, no transaction id): the
-- booking's id (a UUIDv8 of the hold's showtime) and a reference to confirm with, its amount, currency and the status
-- it would get. Every rule confirm checks first is checked here, so a refusal is answered before the API talks to
-- the payment provider; the API then creates the payment intent outside any transaction (idempotency key from the
-- booking id) and confirms with this id and reference in one short transaction (CONFLICT there if the reference
-- was taken meanwhile; a changed price is caught by comparing the amounts).
CREATE FUNCTION booking.confirm_quote(p_hold_id uuid, p_email text, p_name text, p_phone text DEFAULT NULL,
                                      p_payment_method text DEFAULT 'CARD', p_session_token text DEFAULT NULL)
RETURNS TABLE (booking_id uuid, booking_reference text, status booking.booking_status, amount numeric(10,2),
               currency char(3))
LANGUAGE plpgsql AS $$
DECLARE
    v_hold  booking.holds;
    v_ctx   record;
    v_now   timestamptz := booking.clock();
    v_promo booking.promo_codes;
    v_sub   record;
    v_code  text;
    v_ref   text;
    v_amount numeric(10,2);
BEGIN
    PERFORM booking_internal.check_customer(p_email, p_name, p_phone, p_payment_method);
    v_hold := booking_internal.hold_for(p_hold_id, p_session_token, false);
    PERFORM booking_internal.assert_hold_live(v_hold, v_now);
    v_ctx := booking.showtime_context(v_hold.showtime_id);
    IF v_ctx.is_cancelled OR v_ctx.starts_at <= v_now THEN
        PERFORM booking_internal.raise_error('SHOWTIME_NOT_ON_SALE', 'this showtime is no longer on sale',
            jsonb_build_object('showtimeId', v_hold.showtime_id));
    END IF;
    v_sub := booking_internal.hold_subtotal(p_hold_id);
    IF v_hold.promo_code_id IS NOT NULL THEN
        SELECT code INTO v_code FROM booking.promo_codes WHERE id = v_hold.promo_code_id;
        v_promo := booking_internal.usable_promo(v_code, v_sub.tickets, v_now, false);
    END IF;
    v_amount := v_sub.subtotal - booking_internal.promo_discount(v_promo.kind, v_promo.value, v_sub.subtotal);
    LOOP  -- a reference nobody has yet (confirm still makes sure, in the same transaction as the booking)
        v_ref := booking_internal.new_reference(booking.local_date(v_now, v_ctx.time_zone));
        EXIT WHEN NOT EXISTS (SELECT 1 FROM booking.global_keys g WHERE g.key = v_ref AND g.kind = 'BOOKING_REFERENCE');
    END LOOP;
    RETURN QUERY SELECT booking_internal.new_id(v_ctx.showtime_no), v_ref,
                        (CASE WHEN v_amount = 0 THEN 'CONFIRMED' ELSE 'PENDING_PAYMENT' END)::booking.booking_status,
                        v_amount, v_ctx.currency;
END $$;
COMMENT ON FUNCTION booking.confirm_quote(uuid, text, text, text, text, text) IS
    'Read-only: the id, reference, amount, currency and status booking.confirm would give this hold now (nothing is '
    'written). Raises what confirm raises first: VALIDATION_ERROR, HOLD_NOT_FOUND, HOLD_NOT_YOURS, HOLD_NOT_ACTIVE, '
    'HOLD_EXPIRED, SHOWTIME_NOT_ON_SALE, PROMO_INVALID, PROMO_EXPIRED, PROMO_USED_UP, PROMO_MIN_TICKETS.';

-- Record the payment intent created for a booking. The intent id is unique across showtimes through its
-- global_keys row (an intent of another booking: PAYMENT_MISMATCH).
CREATE FUNCTION booking.attach_payment_intent(p_booking_id uuid, p_payment_intent_id text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_showtime uuid := booking.showtime_of(p_booking_id);
    v_old text;
    v_status booking.booking_status;
    v_reference text;
BEGIN
    SELECT b.payment_intent_id, b.status, b.reference INTO v_old, v_status, v_reference FROM booking.bookings b
     WHERE b.showtime_id = v_showtime AND b.id = p_booking_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_FOUND', format('booking %s not found', p_booking_id),
            jsonb_build_object('bookingId', p_booking_id));
    END IF;
    -- Issue 22 (decided): only a booking waiting for payment takes a new intent. A cancelled, expired or failed
    -- booking has no seats any more: an intent attached now could only charge the customer for nothing (and be
    -- refunded later). Attaching the intent it already has is a no-op whatever the status (a retried request).
    IF v_status <> 'PENDING_PAYMENT' AND v_old IS DISTINCT FROM p_payment_intent_id THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_PAYABLE',
            format('booking %s is %s: it takes no payment', v_reference, v_status),
            jsonb_build_object('bookingReference', v_reference, 'status', v_status));
    END IF;
    IF v_old IS NOT NULL AND v_old IS DISTINCT FROM p_payment_intent_id THEN
        PERFORM booking_internal.raise_error('PAYMENT_MISMATCH', 'the booking already has another payment intent',
            jsonb_build_object('bookingId', p_booking_id));
    END IF;
    IF v_old IS NULL THEN
        INSERT INTO booking.global_keys (key, kind, showtime_id, target_id)
        VALUES (p_payment_intent_id, 'PAYMENT_INTENT', v_showtime, p_booking_id) ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            PERFORM booking_internal.raise_error('PAYMENT_MISMATCH', 'the payment intent belongs to another booking',
                jsonb_build_object('bookingId', p_booking_id));
        END IF;
        UPDATE booking.bookings SET payment_intent_id = p_payment_intent_id
         WHERE showtime_id = v_showtime AND id = p_booking_id;
    END IF;
END $$;
COMMENT ON FUNCTION booking.attach_payment_intent(uuid, text) IS
    'Stores the provider''s payment intent id on a booking (once), only while it is PENDING_PAYMENT (the same intent '
    'again is a no-op). Raises BOOKING_NOT_FOUND, BOOKING_NOT_PAYABLE (cancelled, expired, failed or paid), PAYMENT_MISMATCH.';

-- End a booking's seat claims now (seats back on sale), with their status history (published from it). Freeing
-- seats takes no row lock: it cannot double-sell anything.
CREATE FUNCTION booking_internal.release_booking_seats(p_booking_id uuid, p_now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_showtime uuid := booking.showtime_of(p_booking_id);
BEGIN
    WITH live AS (
        SELECT c.id FROM booking.seat_claims c
         WHERE c.showtime_id = v_showtime AND c.booking_id = p_booking_id AND c.kind = 'BOOKING'
           AND c.during && tstzrange(p_now, NULL)),
    ended AS (
        UPDATE booking.seat_claims c SET during = tstzrange(lower(c.during), p_now)
          FROM live WHERE c.showtime_id = v_showtime AND c.id = live.id AND lower(c.during) < p_now
        RETURNING c.id, c.seat_id, c.hold_id),
    -- a claim that starts at p_now (same instant) has no past to keep
    dropped AS (
        DELETE FROM booking.seat_claims c USING live
         WHERE c.showtime_id = v_showtime AND c.id = live.id AND lower(c.during) >= p_now
        RETURNING c.id, c.seat_id, c.hold_id)
    INSERT INTO booking.seat_status_history
           (showtime_id, seat_id, at, from_status, to_status, claim_kind, claim_id, hold_id, booking_id, actor, tx_id)
    SELECT v_showtime, e.seat_id, p_now, 'BOOKED', 'AVAILABLE', 'BOOKING', e.id, e.hold_id, p_booking_id,
           booking_internal.history_actor(), booking_internal.change_tx()
      FROM (SELECT * FROM ended UNION ALL SELECT * FROM dropped) e;
END $$;
COMMENT ON FUNCTION booking_internal.release_booking_seats(uuid, timestamptz) IS
    'Ends a booking''s live seat claims now (seats AVAILABLE; published from the status history).';

-- Queue a customer message in the outbox (same transaction as the change that causes it). No NOTIFY: a notifying
-- commit serialises every notifying commit of the cluster across its WAL flush; the relay polls (OUTBOX_POLL_SECONDS).
-- The id carries the showtime (booking_internal.new_outbox_id).
CREATE FUNCTION booking_internal.enqueue_message(p_kind text, p_booking_id uuid, p_dedup_key text,
                                        p_due_at timestamptz, p_payload jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_showtime uuid := booking.showtime_of(p_booking_id);
BEGIN
    INSERT INTO booking.outbox (id, showtime_id, kind, booking_id, dedup_key, due_at, payload)
    SELECT booking_internal.new_outbox_id(st.showtime_no), v_showtime, p_kind, p_booking_id, p_dedup_key, p_due_at,
           coalesce(p_payload, '{}')
      FROM booking.showtimes st WHERE st.id = v_showtime
    ON CONFLICT (showtime_id, dedup_key) DO NOTHING;
END $$;
COMMENT ON FUNCTION booking_internal.enqueue_message(text, uuid, text, timestamptz, jsonb) IS
    'Adds a message to booking.outbox once per dedup key (the relay polls for it).';

-- Record a payment result for a payment intent. Idempotent by intent id:
--   succeeded -> CONFIRMED (or, after expiry/cancel, a refund is due: the seats are never resurrected);
--   declined  -> the attempt is recorded, the booking keeps waiting until its deadline (retry with another card);
--   failed    -> payment failed for good: PAYMENT_FAILED, seats released.
CREATE FUNCTION booking.record_payment(p_payment_intent_id text, p_result text, p_amount numeric DEFAULT NULL,
                                       p_error_code text DEFAULT NULL)
RETURNS TABLE (booking_id uuid, booking_reference text, status booking.booking_status,
               payment_status booking.payment_status, refund_id uuid, refund_amount numeric(10,2))
LANGUAGE plpgsql AS $$
DECLARE
    v     booking.bookings;
    v_now timestamptz := booking.clock();
    v_refund uuid;
    v_refund_amount numeric(10,2);
    v_st  record;
    v_x   booking.exchanges;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);  -- durability class: the commit waits for the synchronous standby (docs/scaling.md)
    IF p_result NOT IN ('succeeded', 'declined', 'failed') THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'result must be succeeded, declined or failed',
            jsonb_build_object('field', 'result'));
    END IF;
    -- the intent of a dearer exchange's difference (issue 21): its own rules (93_exchange.sql)
    v_x := booking_internal.exchange_of_intent(p_payment_intent_id);
    IF v_x.id IS NOT NULL THEN
        RETURN QUERY SELECT * FROM booking_internal.record_exchange_payment(v_x.showtime_id, v_x.id, p_result, p_amount,
                                                                           p_error_code);
        RETURN;
    END IF;
    -- the intent's showtime from its global_keys row: one lookup by key, then the booking by (showtime, intent)
    SELECT * INTO v FROM booking.bookings b
     WHERE b.showtime_id = (booking_internal.showtime_of_key(p_payment_intent_id, 'PAYMENT_INTENT')).showtime_id
       AND b.payment_intent_id = p_payment_intent_id FOR UPDATE;
    IF v.id IS NULL THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_FOUND', format('no booking for payment intent %s', p_payment_intent_id),
            jsonb_build_object('paymentIntentId', p_payment_intent_id));
    END IF;
    IF p_amount IS NOT NULL AND p_amount <> v.final_amount THEN
        PERFORM booking_internal.raise_error('PAYMENT_MISMATCH', format('paid %s but the booking costs %s', p_amount, v.final_amount),
            jsonb_build_object('expected', v.final_amount, 'got', p_amount));
    END IF;

    IF p_result = 'succeeded' THEN
        IF EXISTS (SELECT 1 FROM booking.payments p WHERE p.showtime_id = v.showtime_id
                      AND p.payment_intent_id = p_payment_intent_id AND p.status = 'succeeded') THEN
            -- already recorded: replay the outcome
            RETURN QUERY SELECT v.id, v.reference, v.status, v.payment_status,
                (SELECT r.id FROM booking.refunds r WHERE r.showtime_id = v.showtime_id AND r.booking_id = v.id
                    AND r.reason = 'late payment' LIMIT 1),
                (SELECT r.amount FROM booking.refunds r WHERE r.showtime_id = v.showtime_id AND r.booking_id = v.id
                    AND r.reason = 'late payment' LIMIT 1);
            RETURN;
        END IF;
        INSERT INTO booking.payments (showtime_id, booking_id, payment_intent_id, amount, currency, status)
        VALUES (v.showtime_id, v.id, p_payment_intent_id, v.final_amount, v.currency, 'succeeded');
        IF v.status = 'PENDING_PAYMENT' THEN
            -- The seats stay the booking's for good. Under the rows' locks (every claimer takes them, so nobody
            -- claims these seats meanwhile) the deadline decides: a payment inside it extends claims nobody else can
            -- overlap; a late one (another session may have re-sold a seat since) goes the refund way. No
            -- subtransaction: the check decides, the exclusion constraint stays the last guard.
            PERFORM booking_internal.lock_seat_rows(v.showtime_id, ARRAY(
                SELECT c.seat_id FROM booking.seat_claims c
                 WHERE c.showtime_id = v.showtime_id AND c.booking_id = v.id AND c.kind = 'BOOKING'));
            -- late: the deadline passed, or a seat was claimed by someone else for after it (a session whose
            -- clock was already past the deadline re-sold it)
            IF v.payment_deadline <= booking.clock() OR EXISTS (
                   SELECT 1 FROM booking.seat_claims c JOIN booking.seat_claims o
                          ON o.showtime_id = c.showtime_id AND o.seat_id = c.seat_id AND o.id <> c.id
                         AND o.during && tstzrange(lower(c.during), NULL)
                    WHERE c.showtime_id = v.showtime_id AND c.booking_id = v.id AND c.kind = 'BOOKING') THEN
                PERFORM booking_internal.expire_booking(v.id, v_now);
                v.status := 'EXPIRED';
            END IF;
        END IF;
        IF v.status = 'PENDING_PAYMENT' THEN
            UPDATE booking.seat_claims c SET during = tstzrange(lower(c.during), NULL)
             WHERE c.showtime_id = v.showtime_id AND c.booking_id = v.id AND c.kind = 'BOOKING';
            UPDATE booking.bookings b SET status = 'CONFIRMED', payment_status = 'PAID', confirmed_at = v_now
             WHERE b.showtime_id = v.showtime_id AND b.id = v.id;
            UPDATE booking.promo_codes pc SET times_used = pc.times_used + 1 WHERE pc.id = v.promo_code_id;
            SELECT st.starts_at INTO v_st FROM booking.showtimes st WHERE st.id = v.showtime_id;
            PERFORM booking_internal.enqueue_message('CONFIRMATION', v.id, 'confirmation:' || v.id, v_now);
            -- a booking made less than the reminder lead time before the show gets no reminder
            IF v_st.starts_at - make_interval(mins => booking.setting('reminder_minutes_before')::int) > v_now THEN
                PERFORM booking_internal.enqueue_message('REMINDER', v.id, 'reminder:' || v.id,
                    v_st.starts_at - make_interval(mins => booking.setting('reminder_minutes_before')::int));
            END IF;
            v.status := 'CONFIRMED';
            v.payment_status := 'PAID';
        ELSE
            -- money arrived for a booking that no longer holds seats: refund it in full, never resurrect seats
            UPDATE booking.bookings b SET payment_status = 'PAID' WHERE b.showtime_id = v.showtime_id AND b.id = v.id;
            INSERT INTO booking.refunds (id, showtime_id, booking_id, amount, currency, reason)
            SELECT booking_internal.new_id(st.showtime_no), v.showtime_id, v.id, v.final_amount, v.currency, 'late payment'
              FROM booking.showtimes st WHERE st.id = v.showtime_id
            RETURNING id, amount INTO v_refund, v_refund_amount;
            v.payment_status := 'PAID';
        END IF;
    ELSIF p_result = 'declined' THEN
        INSERT INTO booking.payments (showtime_id, booking_id, payment_intent_id, amount, currency, status, error_code)
        VALUES (v.showtime_id, v.id, p_payment_intent_id, v.final_amount, v.currency, 'failed', p_error_code);
        PERFORM booking_internal.end_payment_processing(v.id, v_now);  -- a processing payment failed (60_payments.sql)
    ELSE
        IF v.status = 'PENDING_PAYMENT' THEN
            INSERT INTO booking.payments (showtime_id, booking_id, payment_intent_id, amount, currency, status, error_code)
            VALUES (v.showtime_id, v.id, p_payment_intent_id, v.final_amount, v.currency, 'canceled', p_error_code);
            UPDATE booking.bookings b SET status = 'PAYMENT_FAILED' WHERE b.showtime_id = v.showtime_id AND b.id = v.id;
            PERFORM booking_internal.release_booking_seats(v.id, v_now);
            v.status := 'PAYMENT_FAILED';
        END IF;
    END IF;
    RETURN QUERY SELECT v.id, v.reference, v.status, v.payment_status, v_refund, v_refund_amount;
END $$;
COMMENT ON FUNCTION booking.record_payment(text, text, numeric, text) IS
    'Records a payment result by intent id (idempotent): succeeded -> CONFIRMED (or a refund due after expiry), '
    'declined -> attempt noted, booking keeps waiting, failed -> PAYMENT_FAILED and seats released; the intent of a '
    'dearer exchange goes to booking_internal.record_exchange_payment (status CONFIRMED: swapped, EXPIRED: refunded). Raises '
    'VALIDATION_ERROR, BOOKING_NOT_FOUND, PAYMENT_MISMATCH (amount or currency differ from the booking).';

-- Expire one pending booking whose payment window ended: seats back on sale.
CREATE FUNCTION booking_internal.expire_booking(p_booking_id uuid, p_now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE booking.bookings SET status = 'EXPIRED'
     WHERE showtime_id = booking.showtime_of(p_booking_id) AND id = p_booking_id AND status = 'PENDING_PAYMENT';
    IF FOUND THEN
        PERFORM booking_internal.release_booking_seats(p_booking_id, p_now);
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.expire_booking(uuid, timestamptz) IS 'Marks a PENDING_PAYMENT booking EXPIRED and releases its seats.';

-- Expire every booking whose payment window has ended; returns them so the job can cancel their intents.
-- Their seats already stopped blocking at the deadline (the claim's range ended); this records the outcome.
CREATE FUNCTION booking.expire_overdue_bookings(p_limit int DEFAULT 500)
RETURNS TABLE (booking_id uuid, booking_reference text, payment_intent_id text)
LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := booking.clock();
    r record;
BEGIN
    -- dearer exchanges never paid: the booking stays as it was (their intents are queued for cancellation)
    PERFORM booking.expire_overdue_exchanges(p_limit);
    FOR r IN SELECT b.id, b.reference, b.payment_intent_id FROM booking.bookings b
              WHERE b.status = 'PENDING_PAYMENT' AND b.payment_deadline <= v_now
              ORDER BY b.payment_deadline LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
        PERFORM booking_internal.expire_booking(r.id, v_now);
        booking_id := r.id; booking_reference := r.reference; payment_intent_id := r.payment_intent_id;
        RETURN NEXT;
    END LOOP;
END $$;
COMMENT ON FUNCTION booking.expire_overdue_bookings(int) IS
    'Marks PENDING_PAYMENT bookings past their payment deadline EXPIRED (and expires overdue dearer exchanges: '
    'booking.expire_overdue_exchanges); returns the bookings (to cancel their payment intents).';

-- How much of a booking's payment can still be refunded.
CREATE FUNCTION booking.refundable_amount(p_booking_id uuid) RETURNS numeric(10,2) LANGUAGE sql STABLE AS $$
    SELECT (coalesce((SELECT sum(p.amount) FROM booking.payments p WHERE p.booking_id = p_booking_id AND p.status = 'succeeded'), 0)
          - coalesce((SELECT sum(r.amount) FROM booking.refunds r WHERE r.booking_id = p_booking_id AND r.status <> 'FAILED'), 0)
           )::numeric(10,2)
$$;
COMMENT ON FUNCTION booking.refundable_amount(uuid) IS 'Paid minus refunded (pending or succeeded) for a booking.';

-- What each payment intent of a booking can still give back: paid through it minus its refunds (pending or
-- succeeded; a refund without an intent of its own goes to the booking's). A booking has more than one intent
-- once a dearer exchange's difference was paid (issue 21).
CREATE FUNCTION booking_internal.refundable_by_intent(p_showtime_id uuid, p_booking_id uuid)
RETURNS TABLE (payment_intent_id text, amount numeric(10,2), own boolean) LANGUAGE sql STABLE AS $$
    SELECT p.payment_intent_id,
           (sum(p.amount) - coalesce((SELECT sum(x.amount) FROM booking.refunds x
                                       WHERE x.showtime_id = p_showtime_id AND x.booking_id = p_booking_id
                                         AND x.status <> 'FAILED'
                                         AND coalesce(x.payment_intent_id, b.payment_intent_id) = p.payment_intent_id), 0)
           )::numeric(10,2),
           p.payment_intent_id IS NOT DISTINCT FROM b.payment_intent_id
      FROM booking.payments p JOIN booking.bookings b ON b.showtime_id = p.showtime_id AND b.id = p.booking_id
     WHERE p.showtime_id = p_showtime_id AND p.booking_id = p_booking_id AND p.status = 'succeeded'
     GROUP BY p.payment_intent_id, b.payment_intent_id
     ORDER BY 3 DESC, 1
$$;
COMMENT ON FUNCTION booking_internal.refundable_by_intent(uuid, uuid) IS
    'Internal: per payment intent of a booking (its own first), what can still be refunded through it.';

-- Refund p_amount of a booking, one refund row per payment intent (its own first, then a dearer exchange''s), none
-- above what that intent can give back. Returns the first refund's id (NULL when nothing is refunded).
CREATE FUNCTION booking_internal.refund_booking(p_showtime_id uuid, p_booking_id uuid, p_amount numeric, p_reason text)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    v_rest  numeric(10,2) := coalesce(p_amount, 0);
    v_first uuid;
    v_id    uuid;
    v_part  numeric(10,2);
    v_no    int := (SELECT st.showtime_no FROM booking.showtimes st WHERE st.id = p_showtime_id);
    v_cur   char(3) := (SELECT b.currency FROM booking.bookings b WHERE b.showtime_id = p_showtime_id AND b.id = p_booking_id);
    r       record;
BEGIN
    FOR r IN SELECT * FROM booking_internal.refundable_by_intent(p_showtime_id, p_booking_id) LOOP
        EXIT WHEN v_rest <= 0;
        CONTINUE WHEN r.amount <= 0;
        v_part := least(v_rest, r.amount);
        INSERT INTO booking.refunds (id, showtime_id, booking_id, amount, currency, reason, payment_intent_id)
        VALUES (booking_internal.new_id(v_no), p_showtime_id, p_booking_id, v_part, v_cur, p_reason,
                CASE WHEN r.own THEN NULL ELSE r.payment_intent_id END)
        RETURNING id INTO v_id;
        v_first := coalesce(v_first, v_id);
        v_rest := v_rest - v_part;
    END LOOP;
    IF v_rest > 0 THEN  -- more than the intents hold (callers check refundable_amount first): the booking's own
        INSERT INTO booking.refunds (id, showtime_id, booking_id, amount, currency, reason)
        VALUES (booking_internal.new_id(v_no), p_showtime_id, p_booking_id, v_rest, v_cur, p_reason)
        RETURNING id INTO v_id;
        v_first := coalesce(v_first, v_id);
    END IF;
    RETURN v_first;
END $$;
COMMENT ON FUNCTION booking_internal.refund_booking(uuid, uuid, numeric, text) IS
    'Internal: refunds an amount of a booking as one PENDING refund per payment intent (its own first, none above what '
    'the intent can give back); returns the first refund''s id.';

-- A cancellation's category must be one of booking.cancel_reason_categories; the operator-only ones are refused
-- to customers. VALIDATION_ERROR names the field (reasonCategory) and lists what may be chosen.
CREATE FUNCTION booking_internal.check_cancel_reason_category(p_category text, p_operator boolean) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM booking.cancel_reason_categories c
                    WHERE c.code = p_category AND (p_operator OR c.chosen_by = 'anyone')) THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR',
            format('reasonCategory %s is not one of the cancellation reason categories%s', p_category,
                   CASE WHEN p_operator THEN '' ELSE ' a customer may choose' END),
            jsonb_build_object('field', 'reasonCategory', 'allowed',
                (SELECT jsonb_agg(c.code ORDER BY c.sort_order) FROM booking.cancel_reason_categories c
                  WHERE p_operator OR c.chosen_by = 'anyone')));
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.check_cancel_reason_category(text, boolean) IS
    'Internal: raises VALIDATION_ERROR (field reasonCategory, allowed codes) unless the code is in '
    'booking.cancel_reason_categories and, for a customer, chosen_by anyone.';

-- The categories a cancellation can be filed under (what the customer's or the operator's form offers).
CREATE FUNCTION booking.cancel_reasons(p_for text DEFAULT 'customer')
RETURNS TABLE (code text, label text, description text, chosen_by text) LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_for IS NULL OR p_for NOT IN ('customer', 'operator') THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'for must be customer or operator',
            jsonb_build_object('field', 'for'));
    END IF;
    RETURN QUERY SELECT c.code, c.label, c.description, c.chosen_by FROM booking.cancel_reason_categories c
                  WHERE p_for = 'operator' OR c.chosen_by = 'anyone' ORDER BY c.sort_order;
END $$;
COMMENT ON FUNCTION booking.cancel_reasons(text) IS
    'Cancellation reason categories a customer (p_for customer, the default) or an operator may choose, in form '
    'order. Raises VALIDATION_ERROR.';

-- Cancel a booking: refused within cancel_cutoff_minutes of the show unless an operator overrides (audited).
-- A paid booking gets a refund: full by default, p_refund_amount for a partial one, never more than paid.
-- p_actor 'customer' (the default) is the customer's own cancel. Any other value, or p_override_policy, is an
-- operator's: booking.require checks the verified credential (bookings.cancel for the booking's cinema, plus
-- bookings.override inside the cutoff and bookings.refund for a chosen refund amount), and the audit log and
-- cancelled_by name that actor; the text of p_actor itself is never recorded.
-- p_reason is free text (for operators only: customers type names and addresses into it); p_reason_category, a
-- code of booking.cancel_reason_categories (NOT_GIVEN when NULL), is what reports group by. Customers may choose
-- only the categories chosen_by 'anyone'.
CREATE FUNCTION booking.cancel(p_booking_id uuid, p_reason text DEFAULT '', p_refund_amount numeric DEFAULT NULL,
                               p_actor text DEFAULT 'customer', p_override_policy boolean DEFAULT false,
                               p_reason_category text DEFAULT NULL)
RETURNS TABLE (booking_id uuid, booking_reference text, status booking.booking_status,
               refund_id uuid, refund_amount numeric(10,2), refund_status text)
LANGUAGE plpgsql AS $$
DECLARE
    v      booking.bookings;
    v_now  timestamptz := booking.clock();
    v_start timestamptz;
    v_cutoff int := booking.setting('cancel_cutoff_minutes')::int;
    v_max  numeric(10,2);
    v_amount numeric(10,2);
    v_refund uuid;
    v_operator boolean := p_override_policy OR p_actor IS DISTINCT FROM 'customer';
    v_actor booking.actor;
    v_cinema uuid;
    v_category text := coalesce(p_reason_category, 'NOT_GIVEN');
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);  -- durability class: the commit waits for the synchronous standby (docs/scaling.md)
    PERFORM booking_internal.check_cancel_reason_category(v_category, v_operator);
    IF v_operator THEN
        v_cinema := booking_internal.booking_cinema(p_booking_id);
        v_actor := booking.require('bookings.cancel', v_cinema);
        IF p_override_policy THEN
            v_actor := booking.require('bookings.override', v_cinema);
        END IF;
        IF p_refund_amount IS NOT NULL AND p_refund_amount IS DISTINCT FROM booking.refundable_amount(p_booking_id) THEN
            v_actor := booking.require('bookings.refund', v_cinema);  -- choosing the amount is a manager's call
        END IF;
    END IF;
    SELECT * INTO v FROM booking.bookings b
     WHERE b.showtime_id = booking.showtime_of(p_booking_id) AND b.id = p_booking_id FOR UPDATE;
    IF v.id IS NULL THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_FOUND', format('booking %s not found', p_booking_id),
            jsonb_build_object('bookingId', p_booking_id));
    END IF;
    IF v.status = 'CANCELLED' THEN
        PERFORM booking_internal.raise_error('ALREADY_CANCELLED', format('booking %s is already cancelled', v.reference),
            jsonb_build_object('bookingReference', v.reference, 'cancelledAt', v.cancelled_at));
    END IF;
    IF v.status IN ('EXPIRED', 'PAYMENT_FAILED') OR (v.status = 'PENDING_PAYMENT' AND v.payment_deadline <= v_now) THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_CANCELLABLE',
            format('booking %s is %s; its seats are already released', v.reference,
                   CASE WHEN v.status = 'PAYMENT_FAILED' THEN 'payment failed' ELSE 'expired' END),
            jsonb_build_object('bookingReference', v.reference, 'status', v.status));
    END IF;
    IF p_refund_amount IS NOT NULL AND (p_refund_amount < 0 OR p_refund_amount <> round(p_refund_amount, 2)) THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'refundAmount must be a non-negative amount with at most 2 decimals',
            jsonb_build_object('field', 'refundAmount'));
    END IF;
    SELECT st.starts_at INTO v_start FROM booking.showtimes st WHERE st.id = v.showtime_id;
    IF v_start - make_interval(mins => v_cutoff) < v_now THEN
        IF NOT p_override_policy THEN
            PERFORM booking_internal.raise_error('CANCEL_TOO_LATE',
                format('bookings cannot be cancelled within %s minutes of the showtime', v_cutoff),
                jsonb_build_object('bookingReference', v.reference, 'startsAt', v_start, 'cutoffMinutes', v_cutoff));
        END IF;
    END IF;

    v_max := booking.refundable_amount(v.id);
    v_amount := coalesce(p_refund_amount, v_max);
    IF v_amount > v_max THEN
        PERFORM booking_internal.raise_error('REFUND_EXCEEDS_PAID',
            format('refund %s is more than the %s that can be refunded', v_amount, v_max),
            jsonb_build_object('requested', v_amount, 'refundable', v_max));
    END IF;

    UPDATE booking.bookings b
       SET status = 'CANCELLED', cancelled_at = v_now, cancel_reason = coalesce(p_reason, ''),
           cancel_reason_category = v_category,
           cancelled_by = CASE WHEN v_operator THEN v_actor.label ELSE 'customer' END
     WHERE b.showtime_id = v.showtime_id AND b.id = v.id;
    PERFORM booking_internal.release_booking_seats(v.id, v_now);
    -- a dearer exchange waiting for payment ends with the booking (its hold released, its intent cancelled)
    PERFORM booking_internal.expire_exchange(x.showtime_id, x.id, v_now)
       FROM booking.exchanges x WHERE x.showtime_id = v.showtime_id AND x.booking_id = v.id AND x.status = 'PENDING_PAYMENT';
    -- Issue 22 (decided): a PENDING_PAYMENT booking may be cancelled (the customer gives up at checkout): nothing
    -- was paid, so the refund is 0.00, and its payment intent is cancelled at the provider like an expired
    -- booking's (the payments worker sends booking.intent_cancellations), so it cannot be paid any more. A payment
    -- that succeeded meanwhile is recorded as a late payment and refunded in full (booking.record_payment).
    IF v.status = 'PENDING_PAYMENT' AND v.payment_intent_id IS NOT NULL THEN
        INSERT INTO booking.intent_cancellations (showtime_id, payment_intent_id, booking_id, created_at, updated_at)
        VALUES (v.showtime_id, v.payment_intent_id, v.id, v_now, v_now) ON CONFLICT DO NOTHING;
    END IF;
    IF v_amount > 0 THEN
        -- one refund per payment intent (a dearer exchange's difference was paid through its own); never the free
        -- text (refunds are money records, kept for years)
        v_refund := booking_internal.refund_booking(v.showtime_id, v.id, v_amount, 'cancellation: ' || v_category);
    END IF;
    UPDATE booking.outbox o SET status = 'SKIPPED'
     WHERE o.showtime_id = v.showtime_id AND o.booking_id = v.id AND o.kind = 'REMINDER' AND o.status = 'PENDING';
    PERFORM booking_internal.enqueue_message('CANCELLATION', v.id, 'cancellation:' || v.id, v_now,
        jsonb_build_object('refundAmount', v_amount, 'reason', coalesce(p_reason, '')));
    IF v_operator THEN
        PERFORM booking_internal.audit(v_actor, CASE WHEN p_override_policy THEN 'booking.cancel.override' ELSE 'booking.cancel' END,
            'booking', v.id::text, jsonb_build_object('reason', p_reason, 'reasonCategory', v_category, 'refundAmount', v_amount,
                                                        'policyOverridden', p_override_policy));
    END IF;
    RETURN QUERY SELECT v.id, v.reference, 'CANCELLED'::booking.booking_status, v_refund,
                        CASE WHEN v_refund IS NULL THEN 0 ELSE v_amount END::numeric(10,2),
                        CASE WHEN v_refund IS NULL THEN NULL ELSE 'PENDING' END;
END $$;
COMMENT ON FUNCTION booking.cancel(uuid, text, numeric, text, boolean, text) IS
    'Cancels a booking: seats back on sale at once, refund (full by default, partial on request, never above paid). '
    'A PENDING_PAYMENT booking may be cancelled too: refund 0.00, its payment intent queued for cancellation at the '
    'provider (a payment that still succeeds is refunded in full). '
    'p_reason: free text, shown to operators only; p_reason_category: a code of booking.cancel_reason_categories '
    '(NOT_GIVEN by default; customers only those chosen_by anyone), what reports count. '
    'p_actor = ''customer'' (default): the customer''s cancel, within the policy. Any other p_actor, or '
    'p_override_policy: an operator''s cancel, checked against the verified credential (bookings.cancel; '
    'bookings.override to cancel inside the cutoff; bookings.refund to choose the amount) and audited with it. '
    'Raises UNAUTHORIZED, FORBIDDEN, BOOKING_NOT_FOUND, ALREADY_CANCELLED, BOOKING_NOT_CANCELLABLE, VALIDATION_ERROR, '
    'CANCEL_TOO_LATE, REFUND_EXCEEDS_PAID.';

-- Record the provider's answer for a refund (idempotent).
CREATE FUNCTION booking.record_refund(p_refund_id uuid, p_succeeded boolean, p_provider_refund_id text DEFAULT NULL)
RETURNS TABLE (refund_id uuid, booking_id uuid, status text, payment_status booking.payment_status)
LANGUAGE plpgsql AS $$
DECLARE
    r booking.refunds;
    v_refunded numeric(10,2);
    v_paid numeric(10,2);
    v_ps booking.payment_status;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);  -- durability class: the commit waits for the synchronous standby (docs/scaling.md)
    SELECT * INTO r FROM booking.refunds x WHERE x.id = p_refund_id FOR UPDATE;
    IF r.id IS NULL THEN
        PERFORM booking_internal.raise_error('REFUND_NOT_FOUND', format('refund %s not found', p_refund_id),
            jsonb_build_object('refundId', p_refund_id));
    END IF;
    IF r.status = 'PENDING' THEN
        UPDATE booking.refunds x SET status = CASE WHEN p_succeeded THEN 'SUCCEEDED' ELSE 'FAILED' END,
               provider_refund_id = coalesce(p_provider_refund_id, x.provider_refund_id), updated_at = booking.clock()
         WHERE x.showtime_id = r.showtime_id AND x.id = r.id RETURNING * INTO r;
        IF r.provider_refund_id IS NOT NULL THEN
            -- unique across showtimes through its global_keys row (a second refund with the same provider id fails)
            INSERT INTO booking.global_keys (key, kind, showtime_id, target_id)
            VALUES (r.provider_refund_id, 'PROVIDER_REFUND', r.showtime_id, r.id)
            ON CONFLICT (key, kind) DO UPDATE SET key = EXCLUDED.key
             WHERE booking.global_keys.target_id = EXCLUDED.target_id;
            IF NOT FOUND THEN
                RAISE unique_violation USING MESSAGE = format('provider refund id %s belongs to another refund', r.provider_refund_id);
            END IF;
        END IF;
        IF p_succeeded THEN
            SELECT coalesce(sum(x.amount), 0) INTO v_refunded FROM booking.refunds x
             WHERE x.booking_id = r.booking_id AND x.status = 'SUCCEEDED';
            SELECT coalesce(sum(p.amount), 0) INTO v_paid FROM booking.payments p
             WHERE p.booking_id = r.booking_id AND p.status = 'succeeded';
            UPDATE booking.bookings b
               SET payment_status = (CASE WHEN v_refunded >= v_paid THEN 'REFUNDED' ELSE 'PARTIALLY_REFUNDED' END)::booking.payment_status
             WHERE b.id = r.booking_id;
            PERFORM booking_internal.enqueue_message('REFUND', r.booking_id, 'refund:' || r.id, booking.clock(),
                jsonb_build_object('refundId', r.id, 'amount', r.amount));
        END IF;
    END IF;
    SELECT b.payment_status INTO v_ps FROM booking.bookings b WHERE b.id = r.booking_id;
    RETURN QUERY SELECT r.id, r.booking_id, r.status, v_ps;
END $$;
COMMENT ON FUNCTION booking.record_refund(uuid, boolean, text) IS
    'Records a refund''s outcome from the provider; updates payment_status (PARTIALLY_)REFUNDED and queues the refund email. '
    'Raises REFUND_NOT_FOUND.';

-- Refunds not yet sent to the provider (for the payments worker).
CREATE FUNCTION booking.pending_refunds(p_limit int DEFAULT 100)
RETURNS TABLE (refund_id uuid, booking_id uuid, payment_intent_id text, amount numeric(10,2), currency char(3))
LANGUAGE sql STABLE AS $$
    SELECT r.id, r.booking_id, b.payment_intent_id, r.amount, r.currency
      FROM booking.refunds r JOIN booking.bookings b ON b.id = r.booking_id
     WHERE r.status = 'PENDING' AND (r.lease_until IS NULL OR r.lease_until <= booking.clock())
       -- one the provider has (pending there) is read again after min(attempts, 60) minutes, not every pass
       AND (r.provider_refund_id IS NULL OR r.last_attempt_at IS NULL
            OR r.last_attempt_at <= booking.clock() - make_interval(mins => least(r.attempts, 60)))
     ORDER BY r.created_at LIMIT p_limit
$$;
COMMENT ON FUNCTION booking.pending_refunds(int) IS
    'Refunds the payments worker should work on now: PENDING, not leased; those the provider already has (pending '
    'there) again after min(attempts, 60) minutes (see booking.begin_refund_attempt).';

-- A booking's full details as JSON (customer view and API responses).
CREATE FUNCTION booking.booking_json(p_booking_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'bookingId', b.id, 'bookingReference', b.reference, 'status', b.status, 'paymentStatus', b.payment_status,
        'showtimeId', b.showtime_id, 'startsAt', st.starts_at, 'movie', m.title, 'movieId', m.id,
        'cinema', c.name, 'cinemaId', c.id, 'timeZone', c.time_zone, 'auditorium', a.name,
        'localStartsAt', to_char(st.starts_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD"T"HH24:MI:SS'),
        'userDetails', jsonb_build_object('email', b.customer_email, 'name', b.customer_name, 'phone', b.customer_phone),
        'numTickets', b.num_tickets, 'subtotal', b.subtotal, 'discount', b.discount, 'amount', b.final_amount,
        'currency', b.currency, 'promoCode', pc.code, 'paymentIntentId', b.payment_intent_id,
        'paymentDeadline', b.payment_deadline, 'bookedAt', b.booked_at, 'confirmedAt', b.confirmed_at,
        'cancelledAt', b.cancelled_at, 'cancelReason', b.cancel_reason,
        'refundedAmount', (SELECT coalesce(sum(r.amount), 0) FROM booking.refunds r WHERE r.booking_id = b.id AND r.status = 'SUCCEEDED'),
        'refunds', (SELECT coalesce(jsonb_agg(jsonb_build_object('refundId', r.id, 'amount', r.amount, 'status', r.status,
                                                                  'createdAt', r.created_at) ORDER BY r.created_at), '[]')
                      FROM booking.refunds r WHERE r.booking_id = b.id),
        'seats', (SELECT jsonb_agg(jsonb_build_object('id', s.code, 'rowLabel', s.row_label, 'seatNumber', s.seat_number,
                                                      'type', bs.seat_type, 'price', bs.price) ORDER BY s.y, s.x)
                    FROM booking.booking_seats bs JOIN booking.seats s ON s.id = bs.seat_id WHERE bs.booking_id = b.id))
      FROM booking.bookings b
      JOIN booking.showtimes st ON st.id = b.showtime_id
      JOIN booking.movies m ON m.id = st.movie_id
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
      JOIN booking.cinemas c ON c.id = a.cinema_id
      LEFT JOIN booking.promo_codes pc ON pc.id = b.promo_code_id
     WHERE b.id = p_booking_id
$$;
COMMENT ON FUNCTION booking.booking_json(uuid) IS 'Everything about one booking (showtime, seats, money, refunds) as JSON.';

-- A customer's booking by reference and email (both must match); raises BOOKING_NOT_FOUND otherwise.
CREATE FUNCTION booking.find_booking(p_reference text, p_email text) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE v_id uuid;
BEGIN
    -- through the reference's global key: it names the booking's current row (an exchange to another showtime
    -- re-makes the booking there under the same reference and moves the key; the old row stays, CANCELLED)
    SELECT b.id INTO v_id FROM booking.global_keys g
      JOIN booking.bookings b ON b.showtime_id = g.showtime_id AND b.id = g.target_id
     WHERE g.key = upper(btrim(p_reference)) AND g.kind = 'BOOKING_REFERENCE'
       AND b.customer_email = lower(btrim(p_email));
    IF v_id IS NULL THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_FOUND', 'no booking with that reference and email',
            jsonb_build_object('bookingReference', p_reference));
    END IF;
    RETURN booking.booking_json(v_id);
END $$;
COMMENT ON FUNCTION booking.find_booking(text, text) IS 'A booking as JSON when reference and email match; raises BOOKING_NOT_FOUND.';

-- Bookings of a showtime (operators).
CREATE FUNCTION booking.showtime_bookings(p_showtime_id uuid) RETURNS SETOF jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM booking.require('bookings.read', booking_internal.showtime_cinema(p_showtime_id));
    PERFORM booking.showtime_context(p_showtime_id);
    RETURN QUERY SELECT booking.booking_json(b.id) FROM booking.bookings b
                  WHERE b.showtime_id = p_showtime_id ORDER BY b.booked_at;
END $$;
COMMENT ON FUNCTION booking.showtime_bookings(uuid) IS
    'Every booking of a showtime as JSON. Needs bookings.read for its cinema. Raises UNAUTHORIZED, FORBIDDEN, SHOWTIME_NOT_FOUND.';
