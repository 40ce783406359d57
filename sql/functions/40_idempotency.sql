-- Idempotency keys for the API's unsafe endpoints (confirm, payment, cancel): a retried request gets the
-- first answer back instead of doing the work twice. Rows are scoped per endpoint and expire.

-- Claim a key for a request. state = 'NEW' (the caller does the work, then finishes or abandons the key) or
-- 'REPLAY' (the stored status and response are the answer). A key whose first request died without finishing
-- (no response after in_flight_seconds) is taken over, so a crash never blocks a key until it expires.
CREATE FUNCTION booking.idempotency_begin(p_endpoint text, p_key text, p_request_hash text,
                                          p_ttl interval DEFAULT '24 hours', p_in_flight_seconds int DEFAULT 60)
RETURNS TABLE (state text, status_code int, response jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v   booking.idempotency_keys;
    v_now timestamptz := clock_timestamp();
BEGIN
    IF coalesce(length(p_key), 0) NOT BETWEEN 1 AND 255 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'Idempotency-Key must be 1-255 characters',
            jsonb_build_object('field', 'Idempotency-Key'));
    END IF;
    INSERT INTO booking.idempotency_keys AS k (endpoint, key, request_hash, created_at, expires_at, owner_pid)
    VALUES (p_endpoint, p_key, p_request_hash, v_now, v_now + p_ttl, pg_backend_pid())
    ON CONFLICT (endpoint, key) DO UPDATE
        -- an expired or abandoned claim is taken over by this request: abandoned = no answer yet and either
        -- older than the in-flight window or claimed by a database session that no longer exists (the API
        -- process holding it died; its pooled connections died with it)
        SET request_hash = EXCLUDED.request_hash, status_code = NULL, response = NULL,
            created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, owner_pid = EXCLUDED.owner_pid
        WHERE k.expires_at <= v_now
           OR (k.response IS NULL AND k.created_at < v_now - make_interval(secs => p_in_flight_seconds))
           OR (k.response IS NULL AND k.owner_pid IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = k.owner_pid))
    RETURNING k.* INTO v;
    IF v.endpoint IS NOT NULL THEN
        RETURN QUERY SELECT 'NEW'::text, NULL::int, NULL::jsonb;
        RETURN;
    END IF;
    SELECT * INTO v FROM booking.idempotency_keys k WHERE k.endpoint = p_endpoint AND k.key = p_key;
    IF v.request_hash <> p_request_hash THEN
        PERFORM booking_internal.raise_error('IDEMPOTENCY_KEY_REUSED',
            'this Idempotency-Key was used for a different request; use a new key',
            jsonb_build_object('endpoint', p_endpoint));
    END IF;
    IF v.response IS NULL THEN
        PERFORM booking_internal.raise_error('IDEMPOTENCY_IN_PROGRESS',
            'the first request with this Idempotency-Key is still being processed',
            jsonb_build_object('endpoint', p_endpoint));
    END IF;
    RETURN QUERY SELECT 'REPLAY'::text, v.status_code, v.response;
END $$;
COMMENT ON FUNCTION booking.idempotency_begin(text, text, text, interval, int) IS
    'Claims an idempotency key (NEW) or returns its stored answer (REPLAY); raises IDEMPOTENCY_KEY_REUSED for a '
    'different request, IDEMPOTENCY_IN_PROGRESS while the first one runs, VALIDATION_ERROR for a malformed key.';

-- Store the answer of a claimed key (only answers the client may get again: the API abandons keys on 5xx).
CREATE FUNCTION booking.idempotency_finish(p_endpoint text, p_key text, p_status_code int, p_response jsonb)
RETURNS void LANGUAGE sql AS $$
    UPDATE booking.idempotency_keys SET status_code = p_status_code, response = coalesce(p_response, '{}')
     WHERE endpoint = p_endpoint AND key = p_key AND response IS NULL
$$;
COMMENT ON FUNCTION booking.idempotency_finish(text, text, int, jsonb) IS
    'Stores the status and JSON response of a claimed idempotency key so retries replay it.';

-- Forget a claim whose request failed in a retryable way (server or provider error): a retry does the work.
CREATE FUNCTION booking.idempotency_abandon(p_endpoint text, p_key text) RETURNS void LANGUAGE sql AS $$
    DELETE FROM booking.idempotency_keys WHERE endpoint = p_endpoint AND key = p_key AND response IS NULL
$$;
COMMENT ON FUNCTION booking.idempotency_abandon(text, text) IS
    'Deletes an unfinished idempotency claim so the same key can be retried (after a 5xx).';

-- Drop expired keys (housekeeping; any worker may call it).
CREATE FUNCTION booking.purge_idempotency_keys() RETURNS int LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM booking.idempotency_keys WHERE expires_at <= clock_timestamp() RETURNING 1)
    SELECT count(*)::int FROM gone
$$;
COMMENT ON FUNCTION booking.purge_idempotency_keys() IS 'Deletes expired idempotency keys; returns how many.';

-- The booking a payment is about to be taken for: it must exist, carry this payment intent and still wait
-- for payment within its window. Checked before calling the provider so nobody is charged for nothing.
CREATE FUNCTION booking.payable_booking(p_booking_id uuid, p_payment_intent_id text)
RETURNS TABLE (booking_reference text, amount numeric(10,2), currency char(3), already_paid boolean)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v booking.bookings;
    x booking.exchanges;
BEGIN
    SELECT * INTO v FROM booking.bookings b WHERE b.id = p_booking_id;
    IF v.id IS NULL THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_FOUND', format('booking %s not found', p_booking_id),
            jsonb_build_object('bookingId', p_booking_id));
    END IF;
    -- the intent of a dearer exchange of this booking (issue 21): the difference is what is paid
    x := booking_internal.exchange_of_intent(p_payment_intent_id);
    IF x.id IS NOT NULL THEN
        IF p_booking_id IS DISTINCT FROM x.booking_id AND p_booking_id IS DISTINCT FROM x.new_booking_id THEN
            PERFORM booking_internal.raise_error('PAYMENT_MISMATCH', 'the payment intent does not belong to this booking',
                jsonb_build_object('bookingId', p_booking_id, 'paymentIntentId', p_payment_intent_id));
        END IF;
        IF x.status = 'COMPLETED' THEN
            RETURN QUERY SELECT v.reference, x.price_difference, x.currency, true;
            RETURN;
        END IF;
        IF x.status = 'EXPIRED' OR x.payment_deadline <= booking.clock() THEN
            PERFORM booking_internal.raise_error('PAYMENT_WINDOW_EXPIRED',
                'the payment window of the exchange ended; the booking stays as it was',
                jsonb_build_object('bookingReference', v.reference, 'paymentDeadline', x.payment_deadline,
                                   'exchangeId', x.id));
        END IF;
        IF v.status <> 'CONFIRMED' THEN
            PERFORM booking_internal.raise_error('BOOKING_NOT_PAYABLE', format('booking %s is %s', v.reference, v.status),
                jsonb_build_object('bookingReference', v.reference, 'status', v.status));
        END IF;
        RETURN QUERY SELECT v.reference, x.price_difference, x.currency, false;
        RETURN;
    END IF;
    IF v.payment_intent_id IS DISTINCT FROM p_payment_intent_id THEN
        PERFORM booking_internal.raise_error('PAYMENT_MISMATCH', 'the payment intent does not belong to this booking',
            jsonb_build_object('bookingId', p_booking_id, 'paymentIntentId', p_payment_intent_id));
    END IF;
    IF v.status = 'PENDING_PAYMENT' AND v.payment_deadline <= booking.clock() THEN
        PERFORM booking_internal.raise_error('PAYMENT_WINDOW_EXPIRED', 'the payment window ended; the seats were released',
            jsonb_build_object('bookingReference', v.reference, 'paymentDeadline', v.payment_deadline));
    END IF;
    -- paid already with this intent (a double submit, or the webhook came first): nothing to charge again
    IF v.status = 'CONFIRMED' THEN
        RETURN QUERY SELECT v.reference, v.final_amount, v.currency, true;
        RETURN;
    END IF;
    IF v.status <> 'PENDING_PAYMENT' THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_PAYABLE', format('booking %s is %s', v.reference, v.status),
            jsonb_build_object('bookingReference', v.reference, 'status', v.status));
    END IF;
    RETURN QUERY SELECT v.reference, v.final_amount, v.currency, false;
END $$;
COMMENT ON FUNCTION booking.payable_booking(uuid, text) IS
    'Checks a booking can be paid with this intent now (already_paid when it is CONFIRMED with it; a dearer exchange''s '
    'intent: its difference, already_paid once swapped); raises BOOKING_NOT_FOUND, PAYMENT_MISMATCH, '
    'PAYMENT_WINDOW_EXPIRED, BOOKING_NOT_PAYABLE.';
