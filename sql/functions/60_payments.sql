-- Payments through Stripe: applying webhook events (once each), refunds and intent cancellations owed to the
-- provider (retried by marquee/payments/jobs.py), and the reconciliation report. See docs/payments.md.

-- Digits after the decimal point in the provider's integer amounts (Stripe's zero- and three-decimal currencies).
CREATE FUNCTION booking.minor_unit_exponent(p_currency text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN upper(p_currency) = ANY ('{BIF,CLP,DJF,GNF,JPY,KMF,KRW,MGA,PYG,RWF,UGX,VND,VUV,XAF,XOF,XPF}') THEN 0
                WHEN upper(p_currency) = ANY ('{BHD,JOD,KWD,OMR,TND}') THEN 3
                ELSE 2 END
$$;
COMMENT ON FUNCTION booking.minor_unit_exponent(text) IS
    'Decimals of a currency''s minor unit as Stripe counts them: 0 for JPY and other zero-decimal currencies, 3 for BHD.., else 2.';

CREATE FUNCTION booking.from_minor_units(p_amount bigint, p_currency text) RETURNS numeric(10,2)
LANGUAGE sql IMMUTABLE AS $$
    SELECT round(p_amount / power(10::numeric, booking.minor_unit_exponent(p_currency)), 2)::numeric(10,2)
$$;
COMMENT ON FUNCTION booking.from_minor_units(bigint, text) IS 'A provider amount in minor units (1920 USD cents) as money (19.20).';

-- A refund only moves forward: PENDING -> SUCCEEDED -> FAILED, or PENDING -> FAILED. Stripe's objects and events
-- may arrive in any order and more than once; a stale `pending` or `succeeded` never moves a refund back.
-- succeeded -> failed (refund.failed, e.g. an expired or cancelled card): the money came back to our balance and
-- the customer has nothing, so the refund is FAILED again, what the booking owes is reopened (payment_status
-- recomputed from the refunds that stand) and booking.payment_discrepancies lists REFUND_FAILED / REFUND_REVERSED.
CREATE FUNCTION booking_internal.reverse_refund(p_refund_id uuid, p_reason text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r booking.refunds;
    v_paid numeric(10,2);
    v_refunded numeric(10,2);
BEGIN
    UPDATE booking.refunds x SET status = 'FAILED', reversed_at = booking.clock(), failed_at = booking.clock(),
           failure_reason = coalesce(p_reason, x.failure_reason), updated_at = booking.clock()
     WHERE x.id = p_refund_id AND x.status = 'SUCCEEDED'
    RETURNING * INTO r;
    IF r.id IS NULL THEN
        RETURN;
    END IF;
    SELECT coalesce(sum(p.amount), 0) INTO v_paid FROM booking.payments p
     WHERE p.booking_id = r.booking_id AND p.status = 'succeeded';
    SELECT coalesce(sum(x.amount), 0) INTO v_refunded FROM booking.refunds x
     WHERE x.booking_id = r.booking_id AND x.status = 'SUCCEEDED';
    UPDATE booking.bookings b
       SET payment_status = (CASE WHEN v_paid = 0 THEN 'UNPAID' WHEN v_refunded = 0 THEN 'PAID'
                                  WHEN v_refunded >= v_paid THEN 'REFUNDED' ELSE 'PARTIALLY_REFUNDED' END)::booking.payment_status
     WHERE b.id = r.booking_id;
    PERFORM booking_internal.audit('stripe', 'refund.failed_after_success', 'refund', r.id::text,
        jsonb_build_object('bookingId', r.booking_id, 'amount', r.amount, 'providerRefundId', r.provider_refund_id,
                           'failureReason', r.failure_reason));
END $$;
COMMENT ON FUNCTION booking_internal.reverse_refund(uuid, text) IS
    'Internal: a SUCCEEDED refund the provider failed afterwards becomes FAILED (reversed_at); the booking''s payment_status is recomputed and the audit log notes it.';

-- Record a provider refund object (from a webhook, the API answer, a GET or a list) against our refund row.
-- Ours are found by metadata.refund_id (set when we create them) or by the provider's id. A second provider
-- refund claiming the same row, or one of another amount, changes nothing and is reported (the caller marks the
-- event ERROR, which booking.payment_discrepancies lists).
CREATE FUNCTION booking.apply_provider_refund(p_refund jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
    v_status text := p_refund->>'status';
    r booking.refunds;
    v_problem text;
BEGIN
    IF coalesce(p_refund#>>'{metadata,refund_id}', '') ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' THEN
        SELECT x.id INTO v_id FROM booking.refunds x WHERE x.id = (p_refund#>>'{metadata,refund_id}')::uuid;
    END IF;
    IF v_id IS NULL THEN
        SELECT x.id INTO v_id FROM booking.refunds x WHERE x.provider_refund_id = p_refund->>'id';
    END IF;
    IF v_id IS NULL THEN
        RETURN jsonb_build_object('providerRefundId', p_refund->>'id', 'known', false);
    END IF;
    SELECT * INTO r FROM booking.refunds x WHERE x.id = v_id FOR UPDATE;
    IF r.provider_refund_id IS NOT NULL AND r.provider_refund_id IS DISTINCT FROM p_refund->>'id' THEN
        v_problem := 'DUPLICATE_PROVIDER_REFUND';  -- the same request refunded twice at the provider
    ELSIF p_refund ? 'amount' AND p_refund ? 'currency' AND booking.from_minor_units((p_refund->>'amount')::bigint,
            p_refund->>'currency') IS DISTINCT FROM r.amount THEN
        v_problem := 'REFUND_AMOUNT_MISMATCH';
    END IF;
    IF v_problem IS NOT NULL THEN
        RETURN jsonb_build_object('refundId', v_id, 'providerRefundId', p_refund->>'id', 'known', true,
            'problem', v_problem, 'status', r.status, 'bookingId', r.booking_id);
    END IF;

    UPDATE booking.refunds x
       SET provider_refund_id = coalesce(x.provider_refund_id, p_refund->>'id'),
           provider_status = coalesce(v_status, x.provider_status),
           failure_reason = coalesce(p_refund->>'failure_reason', x.failure_reason),
           lease_until = NULL, last_error = NULL, updated_at = booking.clock()
     WHERE x.id = v_id;
    IF r.status = 'PENDING' AND v_status = 'succeeded' THEN
        PERFORM booking.record_refund(v_id, true, p_refund->>'id');
        UPDATE booking.refunds x SET succeeded_at = booking.clock() WHERE x.id = v_id;
    ELSIF r.status = 'PENDING' AND v_status IN ('failed', 'canceled') THEN
        PERFORM booking.record_refund(v_id, false, p_refund->>'id');
        UPDATE booking.refunds x SET failed_at = booking.clock() WHERE x.id = v_id;
    ELSIF r.status = 'SUCCEEDED' AND v_status IN ('failed', 'canceled') THEN
        PERFORM booking_internal.reverse_refund(v_id, p_refund->>'failure_reason');
    END IF;
    -- anything else (pending, requires_action, a stale answer) leaves the status as it is
    RETURN jsonb_build_object('refundId', v_id, 'providerRefundId', p_refund->>'id', 'known', true,
        'status', (SELECT x.status FROM booking.refunds x WHERE x.id = v_id),
        'providerStatus', v_status,
        'bookingId', r.booking_id);
END $$;
COMMENT ON FUNCTION booking.apply_provider_refund(jsonb) IS
    'Applies a Stripe refund object to our refund row (matched by metadata.refund_id or provider id), moving it only '
    'forward: pending keeps it PENDING, succeeded -> SUCCEEDED, failed/canceled -> FAILED, and a SUCCEEDED refund that '
    'failed afterwards -> FAILED with the money owed reopened. Unknown refunds: {"known": false}; a second provider '
    'refund for the same row or another amount: {"problem": ...}, nothing changed. Raises nothing.';

-- The provider says a payment is `processing` (it settles later, e.g. a bank debit; the webhook decides).
-- Rule: the booking stays PENDING_PAYMENT and keeps its seats; its payment deadline becomes the later of the
-- current deadline and (first processing report + payment_processing_window_seconds), never later than the
-- showtime's start. Reported again (API answer, then payment_intent.processing): nothing more changes. A
-- booking already past its deadline is not extended (its seats may be sold again; a late success is refunded).
CREATE FUNCTION booking.record_payment_processing(p_payment_intent_id text)
RETURNS TABLE (booking_id uuid, booking_reference text, status booking.booking_status, payment_deadline timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v booking.bookings;
    v_now timestamptz := booking.clock();
    v_since timestamptz;
    v_until timestamptz;
    v_starts timestamptz;
    x booking.exchanges;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);  -- durability class: the commit waits for the synchronous standby (docs/scaling.md)
    -- a dearer exchange's intent: the new seats stay held until its deadline (not extended); the booking is unchanged
    x := booking_internal.exchange_of_intent(p_payment_intent_id);
    IF x.id IS NOT NULL THEN
        RETURN QUERY SELECT b.id, b.reference, b.status, x.payment_deadline FROM booking.bookings b
                      WHERE b.showtime_id = x.showtime_id AND b.id = x.booking_id;
        RETURN;
    END IF;
    SELECT * INTO v FROM booking.bookings b WHERE b.payment_intent_id = p_payment_intent_id FOR UPDATE;
    IF v.id IS NULL THEN
        PERFORM booking_internal.raise_error('BOOKING_NOT_FOUND', format('no booking for payment intent %s', p_payment_intent_id),
            jsonb_build_object('paymentIntentId', p_payment_intent_id));
    END IF;
    IF v.status = 'PENDING_PAYMENT' AND v.payment_deadline > v_now THEN
        SELECT st.starts_at INTO v_starts FROM booking.showtimes st WHERE st.id = v.showtime_id;
        v_since := coalesce(v.payment_processing_since, v_now);
        v_until := greatest(v.payment_deadline,
                            least(v_since + make_interval(secs => booking.setting('payment_processing_window_seconds')::int),
                                  v_starts));
        BEGIN
            UPDATE booking.seat_claims c SET during = tstzrange(lower(c.during), v_until)
             WHERE c.booking_id = v.id AND c.kind = 'BOOKING' AND upper(c.during) = v.payment_deadline;
            UPDATE booking.bookings b SET payment_processing_since = v_since, payment_deadline = v_until
             WHERE b.id = v.id;
            v.payment_deadline := v_until;
        EXCEPTION WHEN exclusion_violation THEN
            -- cannot happen while the claims are live (nobody else may claim their seats); keep the deadline
            UPDATE booking.bookings b SET payment_processing_since = v_since WHERE b.id = v.id;
        END;
    END IF;
    RETURN QUERY SELECT v.id, v.reference, v.status, v.payment_deadline;
END $$;
COMMENT ON FUNCTION booking.record_payment_processing(text) IS
    'The provider reports the payment processing: the PENDING_PAYMENT booking keeps its seats until max(deadline, '
    'first report + payment_processing_window_seconds), capped at the showtime start (idempotent). Raises BOOKING_NOT_FOUND.';

-- A processing payment failed (called by booking.record_payment for a declined attempt): the customer may try
-- another card within a fresh payment window, never beyond the deadline the processing had given.
CREATE FUNCTION booking_internal.end_payment_processing(p_booking_id uuid, p_now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v booking.bookings;
    v_until timestamptz;
BEGIN
    SELECT * INTO v FROM booking.bookings b
     WHERE b.id = p_booking_id AND b.status = 'PENDING_PAYMENT' AND b.payment_processing_since IS NOT NULL;
    IF v.id IS NULL THEN
        RETURN;
    END IF;
    v_until := least(v.payment_deadline, p_now + make_interval(secs => booking.setting('payment_window_seconds')::int));
    UPDATE booking.seat_claims c SET during = tstzrange(lower(c.during), v_until)
     WHERE c.booking_id = v.id AND c.kind = 'BOOKING' AND upper(c.during) = v.payment_deadline
       AND lower(c.during) < v_until;
    UPDATE booking.bookings b SET payment_processing_since = NULL, payment_deadline = v_until WHERE b.id = v.id;
END $$;
COMMENT ON FUNCTION booking_internal.end_payment_processing(uuid, timestamptz) IS
    'Internal: a processing payment failed; the booking gets a fresh payment window (never beyond its extended deadline).';

-- Apply one Stripe webhook event, exactly once per event id, in one transaction.
-- Returns {"outcome": APPLIED|IGNORED|ERROR|DUPLICATE, "bookingId", "refundId" (a refund to send now), ...}.
-- Order does not matter: every handler is idempotent and record_payment never moves a booking backwards
-- (a decline arriving after the success is only noted; a success after expiry becomes a refund).
CREATE FUNCTION booking.apply_payment_event(p_event jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_id      text := p_event->>'id';
    v_type    text := p_event->>'type';
    v_obj     jsonb := p_event#>'{data,object}';
    v_outcome text := 'APPLIED';
    v_detail  jsonb := '{}';
    v_booking booking.bookings;
    v_refund  jsonb;
    v_x       booking.exchanges;
    r         record;
BEGIN
    IF v_id IS NULL OR v_id !~ '^evt_' OR v_type IS NULL OR jsonb_typeof(v_obj) IS DISTINCT FROM 'object' THEN
        PERFORM booking_internal.raise_error('WEBHOOK_EVENT_INVALID', 'the body is not a Stripe event (id evt_..., type, data.object)',
            jsonb_build_object('eventId', v_id));
    END IF;
    INSERT INTO booking.webhook_events (id, type, object_id, created, received_at, outcome, payload)
    VALUES (v_id, v_type, v_obj->>'id', to_timestamp(coalesce((p_event->>'created')::bigint, 0)), booking.clock(),
            'IGNORED', p_event)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
        SELECT jsonb_build_object('outcome', 'DUPLICATE', 'eventId', e.id, 'firstOutcome', e.outcome,
                                  'bookingId', e.booking_id) || e.detail
          INTO v_detail FROM booking.webhook_events e WHERE e.id = v_id;
        RETURN v_detail;
    END IF;

    IF v_type LIKE 'payment_intent.%' THEN
        v_x := booking_internal.exchange_of_intent(v_obj->>'id');
    END IF;
    IF v_x.id IS NOT NULL THEN
        -- the difference of a dearer exchange (issue 21): succeeded swaps the seats (or refunds a late payment),
        -- canceled expires the exchange; the rest changes nothing
        v_booking.id := v_x.booking_id;
        IF v_type = 'payment_intent.succeeded' THEN
            BEGIN
                SELECT * INTO r FROM booking.record_payment(v_obj->>'id', 'succeeded',
                    booking.from_minor_units((v_obj->>'amount_received')::bigint, v_obj->>'currency'));
                v_booking.id := r.booking_id;
                v_detail := jsonb_build_object('status', r.status, 'paymentStatus', r.payment_status,
                                               'refundId', r.refund_id, 'refundAmount', r.refund_amount);
            EXCEPTION WHEN SQLSTATE 'MQ032' THEN  -- PAYMENT_MISMATCH: the provider took another amount
                v_outcome := 'ERROR';
                v_detail := jsonb_build_object('reason', SQLERRM, 'code', 'PAYMENT_MISMATCH');
            END;
        ELSIF v_type = 'payment_intent.payment_failed' AND v_x.status = 'PENDING_PAYMENT' THEN
            SELECT * INTO r FROM booking.record_payment(v_obj->>'id', 'declined', NULL,
                coalesce(v_obj#>>'{last_payment_error,decline_code}', v_obj#>>'{last_payment_error,code}'));
            v_detail := jsonb_build_object('status', r.status);
        ELSIF v_type = 'payment_intent.canceled' THEN
            SELECT * INTO r FROM booking.record_payment(v_obj->>'id', 'failed', NULL, 'payment_intent_canceled');
            v_detail := jsonb_build_object('status', r.status);
        ELSE
            v_outcome := 'IGNORED';
        END IF;
        v_detail := v_detail || jsonb_build_object('bookingId', v_booking.id, 'exchangeId', v_x.id);
    ELSIF v_type LIKE 'payment_intent.%' THEN
        SELECT * INTO v_booking FROM booking.bookings b WHERE b.payment_intent_id = v_obj->>'id';
        IF v_booking.id IS NULL THEN
            -- not one of ours (or an intent whose booking was never committed): nothing to change
            v_outcome := CASE WHEN v_obj#>>'{metadata,booking_id}' IS NULL OR v_type <> 'payment_intent.succeeded'
                              THEN 'IGNORED' ELSE 'ERROR' END;
            v_detail := jsonb_build_object('reason', 'no booking has this payment intent');
        ELSIF v_type = 'payment_intent.succeeded' THEN
            BEGIN
                SELECT * INTO r FROM booking.record_payment(v_obj->>'id', 'succeeded',
                    booking.from_minor_units((v_obj->>'amount_received')::bigint, v_obj->>'currency'));
                v_detail := jsonb_build_object('status', r.status, 'paymentStatus', r.payment_status,
                                               'refundId', r.refund_id, 'refundAmount', r.refund_amount);
            EXCEPTION WHEN SQLSTATE 'MQ032' THEN  -- PAYMENT_MISMATCH: the provider took another amount
                v_outcome := 'ERROR';
                v_detail := jsonb_build_object('reason', SQLERRM, 'code', 'PAYMENT_MISMATCH');
            END;
        ELSIF v_type = 'payment_intent.payment_failed' THEN
            IF v_booking.status = 'PENDING_PAYMENT' THEN
                SELECT * INTO r FROM booking.record_payment(v_obj->>'id', 'declined', NULL,
                    coalesce(v_obj#>>'{last_payment_error,decline_code}', v_obj#>>'{last_payment_error,code}'));
                v_detail := jsonb_build_object('status', r.status);
            ELSE
                v_outcome := 'IGNORED';  -- an old attempt's failure arriving after the booking moved on
                v_detail := jsonb_build_object('reason', 'booking is ' || v_booking.status);
            END IF;
        ELSIF v_type = 'payment_intent.processing' THEN
            -- the payment settles later: the seats stay held until the outcome (record_payment_processing)
            SELECT * INTO r FROM booking.record_payment_processing(v_obj->>'id');
            v_detail := jsonb_build_object('status', r.status, 'paymentDeadline', r.payment_deadline);
        ELSIF v_type = 'payment_intent.canceled' THEN
            -- cancelled at the provider (dashboard, or by our expiry job): it can never be paid any more
            SELECT * INTO r FROM booking.record_payment(v_obj->>'id', 'failed', NULL, 'payment_intent_canceled');
            v_detail := jsonb_build_object('status', r.status);
        ELSE
            v_outcome := 'IGNORED';
        END IF;
        v_detail := v_detail || jsonb_build_object('bookingId', v_booking.id);
    ELSIF v_type = 'charge.refunded' THEN
        -- Since API version 2022-11-15 the charge no longer carries its refunds (and webhooks cannot expand
        -- them): the event only says "something was refunded". Our refunds still PENDING for this charge's intent
        -- are returned as refundsToCheck: the handler reads each one from the provider (GET /v1/refunds/{id}),
        -- and refund.updated / charge.refund.updated finish them too. Old versions' refunds.data still applies.
        v_detail := jsonb_build_object('refunds', '[]'::jsonb);
        FOR v_refund IN SELECT x FROM jsonb_array_elements(coalesce(v_obj#>'{refunds,data}', '[]')) x LOOP
            v_detail := jsonb_set(v_detail, '{refunds}', (v_detail->'refunds') || booking.apply_provider_refund(v_refund));
        END LOOP;
        SELECT b.id INTO v_booking.id FROM booking.bookings b WHERE b.payment_intent_id = v_obj->>'payment_intent';
        v_detail := v_detail || jsonb_build_object('bookingId', v_booking.id, 'refundsToCheck',
            (SELECT coalesce(jsonb_agg(x.id ORDER BY x.created_at), '[]') FROM booking.refunds x
              WHERE x.booking_id = v_booking.id AND x.status = 'PENDING' AND x.attempt_key IS NOT NULL));
        IF v_booking.id IS NULL THEN
            v_outcome := 'IGNORED';
        END IF;
    ELSIF v_type IN ('refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated') THEN
        v_detail := booking.apply_provider_refund(v_obj);
        IF NOT (v_detail->>'known')::boolean THEN
            v_outcome := 'IGNORED';
        ELSIF v_detail ? 'problem' THEN
            v_outcome := 'ERROR';  -- listed by booking.payment_discrepancies (WEBHOOK_ERROR) for an operator
        END IF;
        v_booking.id := (v_detail->>'bookingId')::uuid;
    ELSE
        v_outcome := 'IGNORED';
    END IF;

    UPDATE booking.webhook_events e SET outcome = v_outcome, detail = v_detail, booking_id = v_booking.id
     WHERE e.id = v_id;
    RETURN jsonb_build_object('outcome', v_outcome, 'eventId', v_id, 'type', v_type) || v_detail;
END $$;
COMMENT ON FUNCTION booking.apply_payment_event(jsonb) IS
    'Applies a verified Stripe webhook event once (by event id; a redelivery returns DUPLICATE): payment_intent.succeeded '
    '-> record_payment (a late success yields refundId to send), payment_failed -> declined attempt, processing -> '
    'record_payment_processing (seats kept), canceled -> PAYMENT_FAILED, refund.created|updated|failed and '
    'charge.refund.updated -> apply_provider_refund, charge.refunded -> refundsToCheck (our PENDING refunds to read '
    'from the provider). Others are stored as IGNORED. Raises WEBHOOK_EVENT_INVALID.';

-- Sending a refund: the ledger decides what the sender may do, before it calls the provider.
--   DONE       the refund is SUCCEEDED or FAILED already;
--   NO_INTENT  nothing was charged through the provider;
--   BUSY       another sender holds the lease (the API, the webhook handler and the workers may all try);
--   RETRIEVE   the provider has it (provider id known): read it, GET /v1/refunds/{id}; never POST again;
--   FIND       a POST was sent under attempt_key and no answer was recorded (a crash, a timeout, a 5xx): look
--              for it at the provider by metadata.refund_id before anything else (booking.refund_send_key);
--   CREATE     never sent: POST /v1/refunds with idempotency_key, which is recorded here first.
-- Every action but DONE/NO_INTENT/BUSY takes the lease for p_lease and counts an attempt.
CREATE FUNCTION booking.begin_refund_attempt(p_refund_id uuid, p_lease interval DEFAULT '2 minutes')
RETURNS TABLE (refund_id uuid, booking_id uuid, status text, amount numeric(10,2), currency char(3),
               payment_intent_id text, attempts int, action text, idempotency_key text, provider_refund_id text)
LANGUAGE plpgsql AS $$
DECLARE
    r booking.refunds;
    v_intent text;
    v_now timestamptz := booking.clock();
    v_action text;
BEGIN
    SELECT * INTO r FROM booking.refunds x WHERE x.id = p_refund_id FOR UPDATE;
    IF r.id IS NULL THEN
        PERFORM booking_internal.raise_error('REFUND_NOT_FOUND', format('refund %s not found', p_refund_id),
            jsonb_build_object('refundId', p_refund_id));
    END IF;
    -- the refund's own intent (a late exchange payment), else the booking's
    SELECT coalesce(r.payment_intent_id, b.payment_intent_id) INTO v_intent FROM booking.bookings b WHERE b.id = r.booking_id;
    IF r.status <> 'PENDING' THEN
        v_action := 'DONE';
    ELSIF v_intent IS NULL THEN
        v_action := 'NO_INTENT';
    ELSIF r.lease_until > v_now THEN
        v_action := 'BUSY';
    ELSE
        v_action := CASE WHEN r.provider_refund_id IS NOT NULL THEN 'RETRIEVE'
                         WHEN r.attempt_key IS NOT NULL THEN 'FIND' ELSE 'CREATE' END;
        UPDATE booking.refunds x
           SET attempts = x.attempts + 1, last_attempt_at = v_now, lease_until = v_now + p_lease,
               attempt_key = CASE WHEN v_action = 'CREATE' THEN 'refund-' || x.id ELSE x.attempt_key END,
               attempt_key_at = CASE WHEN v_action = 'CREATE' THEN v_now ELSE x.attempt_key_at END,
               send_attempts = x.send_attempts + CASE WHEN v_action = 'CREATE' THEN 1 ELSE 0 END,
               key_spent = CASE WHEN v_action = 'CREATE' THEN false ELSE x.key_spent END
         WHERE x.id = r.id
        RETURNING * INTO r;
    END IF;
    RETURN QUERY SELECT r.id, r.booking_id, r.status, r.amount, r.currency, v_intent, r.attempts, v_action,
                        CASE WHEN v_action IN ('CREATE', 'FIND') THEN r.attempt_key END, r.provider_refund_id;
END $$;
COMMENT ON FUNCTION booking.begin_refund_attempt(uuid, interval) IS
    'Decides the next step of sending a refund (DONE, NO_INTENT, BUSY, RETRIEVE, FIND, CREATE with the idempotency key '
    'recorded before the POST) and takes the sender''s lease; raises REFUND_NOT_FOUND.';

-- FIND found nothing at the provider: the request never took effect there. The key for the next POST: the same
-- one while Stripe still remembers it and has not saved a 5xx under it (so a request still in flight there is
-- answered 409 or replayed, never executed twice), otherwise a new key. NULL: the refund moved on meanwhile.
CREATE FUNCTION booking.refund_send_key(p_refund_id uuid) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r booking.refunds;
    v_now timestamptz := booking.clock();
BEGIN
    SELECT * INTO r FROM booking.refunds x WHERE x.id = p_refund_id FOR UPDATE;
    IF r.id IS NULL THEN
        PERFORM booking_internal.raise_error('REFUND_NOT_FOUND', format('refund %s not found', p_refund_id),
            jsonb_build_object('refundId', p_refund_id));
    END IF;
    IF r.status <> 'PENDING' OR r.provider_refund_id IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF r.attempt_key IS NOT NULL AND NOT r.key_spent AND r.attempt_key_at > v_now - interval '23 hours' THEN
        RETURN r.attempt_key;
    END IF;
    UPDATE booking.refunds x
       SET send_attempts = x.send_attempts + 1, attempt_key = 'refund-' || x.id || '-' || (x.send_attempts + 1),
           attempt_key_at = v_now, key_spent = false
     WHERE x.id = r.id
    RETURNING * INTO r;
    RETURN r.attempt_key;
END $$;
COMMENT ON FUNCTION booking.refund_send_key(uuid) IS
    'After the provider has no refund for this row: the Idempotency-Key for the next POST (the same while Stripe keeps it '
    'and saved no 5xx, else a new one, recorded); NULL when the refund is already known or finished. Raises REFUND_NOT_FOUND.';

CREATE FUNCTION booking.note_refund_error(p_refund_id uuid, p_error text) RETURNS void LANGUAGE sql AS $$
    UPDATE booking.refunds SET last_error = left(p_error, 1000), updated_at = booking.clock(), lease_until = NULL
     WHERE id = p_refund_id AND status = 'PENDING'
$$;
COMMENT ON FUNCTION booking.note_refund_error(uuid, text) IS 'Remembers why sending a PENDING refund failed (it stays PENDING for the worker) and frees its lease.';

-- A POST /v1/refunds got no usable answer. p_provider_answered: Stripe itself answered 5xx, which it saved under
-- the key and replays for 24 hours: the key is spent (the next try first looks for the refund, then uses a new key).
CREATE FUNCTION booking.note_refund_send_failed(p_refund_id uuid, p_error text, p_provider_answered boolean)
RETURNS void LANGUAGE sql AS $$
    UPDATE booking.refunds SET last_error = left(p_error, 1000), updated_at = booking.clock(), lease_until = NULL,
           key_spent = key_spent OR coalesce(p_provider_answered, false)
     WHERE id = p_refund_id AND status = 'PENDING'
$$;
COMMENT ON FUNCTION booking.note_refund_send_failed(uuid, text, boolean) IS
    'A refund POST failed (network, timeout, 409, 5xx): the refund stays PENDING for FIND; a 5xx answered by Stripe spends the key.';

-- Expire overdue bookings and queue the cancellation of their payment intents, in one transaction, so an intent
-- is never forgotten even when the provider is down right now.
CREATE FUNCTION booking.expire_overdue_payments(p_limit int DEFAULT 500)
RETURNS TABLE (booking_id uuid, booking_reference text, payment_intent_id text)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY WITH expired AS (SELECT * FROM booking.expire_overdue_bookings(p_limit)),
                      queued AS (INSERT INTO booking.intent_cancellations (showtime_id, payment_intent_id, booking_id, created_at, updated_at)
                                 SELECT booking.showtime_of(e.booking_id), e.payment_intent_id, e.booking_id, booking.clock(), booking.clock()
                                   FROM expired e WHERE e.payment_intent_id IS NOT NULL
                                 ON CONFLICT DO NOTHING)
                 SELECT e.booking_id, e.booking_reference, e.payment_intent_id FROM expired e;
END $$;
COMMENT ON FUNCTION booking.expire_overdue_payments(int) IS
    'expire_overdue_bookings() plus a PENDING intent_cancellations row per payment intent (sent by the payments worker).';

CREATE FUNCTION booking.pending_intent_cancellations(p_limit int DEFAULT 100)
RETURNS TABLE (payment_intent_id text, booking_id uuid, attempts int)
LANGUAGE sql STABLE AS $$
    SELECT c.payment_intent_id, c.booking_id, c.attempts FROM booking.intent_cancellations c
     WHERE c.status = 'PENDING' ORDER BY c.created_at LIMIT p_limit
$$;
COMMENT ON FUNCTION booking.pending_intent_cancellations(int) IS
    'Payment intents of expired bookings, and of bookings cancelled before payment, still to cancel at the provider.';

-- The provider's answer to cancelling an intent. If the intent had already succeeded, the money arrived after the
-- booking expired: it is recorded (record_payment makes the refund row) and the refund id returned to send now.
CREATE FUNCTION booking.record_intent_cancellation(p_payment_intent_id text, p_provider_status text,
                                                   p_error text DEFAULT NULL)
RETURNS TABLE (payment_intent_id text, status text, refund_id uuid)
LANGUAGE plpgsql AS $$
DECLARE
    v_refund uuid;
    v_amount numeric;
    r record;
BEGIN
    IF p_provider_status IS NULL THEN  -- not answered: count the attempt, keep it PENDING
        UPDATE booking.intent_cancellations c SET attempts = c.attempts + 1, last_error = left(p_error, 1000),
               updated_at = booking.clock()
         WHERE c.payment_intent_id = p_payment_intent_id;
        RETURN QUERY SELECT p_payment_intent_id, 'PENDING'::text, NULL::uuid;
        RETURN;
    END IF;
    UPDATE booking.intent_cancellations c SET status = 'DONE', provider_status = p_provider_status,
           attempts = c.attempts + 1, last_error = NULL, updated_at = booking.clock()
     WHERE c.payment_intent_id = p_payment_intent_id;
    IF p_provider_status = 'succeeded' THEN
        SELECT * INTO r FROM booking.record_payment(p_payment_intent_id, 'succeeded');
        v_refund := r.refund_id;
        -- the refund may already be done (webhook first): only a PENDING one needs sending
        SELECT x.id INTO v_refund FROM booking.refunds x WHERE x.id = v_refund AND x.status = 'PENDING';
    END IF;
    RETURN QUERY SELECT p_payment_intent_id, 'DONE'::text, v_refund;
END $$;
COMMENT ON FUNCTION booking.record_intent_cancellation(text, text, text) IS
    'Records the provider''s answer to cancelling an expired booking''s intent (NULL status = retry later); an intent '
    'that had succeeded is recorded as a late payment and the refund to send is returned.';

-- Reconciliation: one row per booking (or webhook event) whose money and status disagree. Empty = ledger consistent.
CREATE VIEW booking.payment_discrepancies AS
WITH money AS (
    SELECT b.id, b.reference, b.status, b.payment_status, b.final_amount, b.currency, b.payment_intent_id,
           coalesce((SELECT sum(p.amount) FROM booking.payments p WHERE p.booking_id = b.id AND p.status = 'succeeded'), 0) AS paid,
           -- a dearer exchange's difference, paid with an intent of its own, is no second charge
           (SELECT count(*) FROM booking.payments p WHERE p.booking_id = b.id AND p.status = 'succeeded'
               AND NOT EXISTS (SELECT 1 FROM booking.exchanges x WHERE x.payment_intent_id = p.payment_intent_id)) AS charges,
           coalesce((SELECT sum(r.amount) FROM booking.refunds r WHERE r.booking_id = b.id AND r.status = 'SUCCEEDED'), 0) AS refunded,
           coalesce((SELECT sum(r.amount) FROM booking.refunds r WHERE r.booking_id = b.id AND r.status = 'PENDING'), 0) AS refund_pending,
           (SELECT min(r.created_at) FROM booking.refunds r WHERE r.booking_id = b.id AND r.status = 'PENDING') AS oldest_pending,
           (SELECT count(*) FROM booking.refunds r WHERE r.booking_id = b.id AND r.status = 'FAILED') AS refunds_failed,
           (SELECT count(*) FROM booking.refunds r WHERE r.booking_id = b.id AND r.reversed_at IS NOT NULL) AS refunds_reversed,
           (SELECT jsonb_agg(jsonb_build_object('refundId', r.id, 'amount', r.amount, 'providerRefundId', r.provider_refund_id,
                                                'failureReason', coalesce(r.failure_reason, r.last_error),
                                                'reversedAt', r.reversed_at) ORDER BY r.created_at)
              FROM booking.refunds r WHERE r.booking_id = b.id AND r.status = 'FAILED') AS failed_refunds
      FROM booking.bookings b
), problems AS (
    SELECT m.*, p.problem FROM money m CROSS JOIN LATERAL (VALUES
        (CASE WHEN m.status = 'CONFIRMED' AND m.paid <> m.final_amount THEN 'CONFIRMED_NOT_PAID' END),
        (CASE WHEN m.status = 'PENDING_PAYMENT' AND m.paid > 0 THEN 'PAID_BUT_PENDING' END),
        (CASE WHEN m.charges > 1 THEN 'CHARGED_TWICE' END),
        (CASE WHEN m.status IN ('EXPIRED', 'PAYMENT_FAILED') AND m.paid - m.refunded > 0 THEN 'MONEY_KEPT_WITHOUT_SEATS' END),
        (CASE WHEN m.refunded > m.paid THEN 'REFUNDED_MORE_THAN_PAID' END),
        (CASE WHEN m.refunds_failed > 0 THEN 'REFUND_FAILED' END),
        -- the provider failed a refund after it had succeeded: the customer was told "refunded" and has nothing
        (CASE WHEN m.refunds_reversed > 0 THEN 'REFUND_REVERSED' END),
        (CASE WHEN m.oldest_pending < booking.clock() - interval '1 hour' THEN 'REFUND_STUCK' END),
        (CASE WHEN m.payment_status::text <> CASE WHEN m.paid = 0 THEN 'UNPAID' WHEN m.refunded = 0 THEN 'PAID'
                                                   WHEN m.refunded >= m.paid THEN 'REFUNDED' ELSE 'PARTIALLY_REFUNDED' END
              THEN 'PAYMENT_STATUS_WRONG' END)
    ) AS p(problem)
    WHERE p.problem IS NOT NULL
)
SELECT p.id AS booking_id, p.reference AS booking_reference, p.status, p.payment_status, p.problem,
       p.final_amount AS amount, p.paid, p.refunded, p.refund_pending, p.currency, p.payment_intent_id,
       NULL::text AS event_id,
       CASE WHEN p.problem IN ('REFUND_FAILED', 'REFUND_REVERSED') THEN jsonb_build_object('refunds', p.failed_refunds) END AS detail
  FROM problems p
UNION ALL
SELECT e.booking_id, b.reference, b.status, b.payment_status, 'WEBHOOK_ERROR', b.final_amount, NULL, NULL, NULL,
       b.currency, e.object_id, e.id, e.detail
  FROM booking.webhook_events e LEFT JOIN booking.bookings b ON b.id = e.booking_id
 WHERE e.outcome = 'ERROR';
COMMENT ON VIEW booking.payment_discrepancies IS
    'Reconciliation: bookings whose money and status disagree (CONFIRMED_NOT_PAID, PAID_BUT_PENDING, CHARGED_TWICE, '
    'MONEY_KEPT_WITHOUT_SEATS while a late payment is not yet refunded, REFUNDED_MORE_THAN_PAID, REFUND_FAILED, '
    'REFUND_REVERSED (failed after it had succeeded), REFUND_STUCK (pending > 1 h), PAYMENT_STATUS_WRONG; detail lists '
    'the failed refunds) and webhook events that did not match our data (WEBHOOK_ERROR).';

-- The reconciliation report for operators (GET /api/admin/payments/discrepancies, the admin page).
CREATE FUNCTION booking.payment_discrepancy_report(p_limit int DEFAULT 200) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v booking.actor := booking.require('bookings.refund');
BEGIN
    IF coalesce(p_limit, 0) NOT BETWEEN 1 AND 5000 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'limit must be 1..5000', jsonb_build_object('field', 'limit'));
    END IF;
    -- the operator's cinemas only; a webhook event that matched no booking belongs to no cinema: chain-wide only
    RETURN (
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'bookingId', d.booking_id, 'bookingReference', d.booking_reference, 'status', d.status,
                   'paymentStatus', d.payment_status, 'problem', d.problem, 'amount', d.amount, 'paid', d.paid,
                   'refunded', d.refunded, 'refundPending', d.refund_pending, 'currency', d.currency,
                   'paymentIntentId', d.payment_intent_id, 'eventId', d.event_id, 'detail', d.detail)
                 ORDER BY d.booking_reference NULLS LAST, d.problem), '[]')
          FROM (SELECT x.* FROM booking.payment_discrepancies x
                  LEFT JOIN booking.bookings b ON b.id = x.booking_id
                  LEFT JOIN booking.showtimes st ON st.id = b.showtime_id
                  LEFT JOIN booking.auditoriums a ON a.id = st.auditorium_id
                 WHERE CASE WHEN a.cinema_id IS NULL THEN v.cinema_ids IS NULL
                            ELSE booking_internal.in_scope(v, a.cinema_id) END
                 ORDER BY x.booking_reference NULLS LAST, x.problem LIMIT p_limit) d);
END $$;
COMMENT ON FUNCTION booking.payment_discrepancy_report(int) IS
    'booking.payment_discrepancies of the operator''s cinemas as a JSON array (camelCase), at most p_limit rows. '
    'Raises UNAUTHORIZED, FORBIDDEN (bookings.refund), VALIDATION_ERROR.';

-- Status of one refund (PENDING, SUCCEEDED, FAILED), or NULL when there is no such refund.
CREATE FUNCTION booking.refund_status(p_refund_id uuid) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT status FROM booking.refunds WHERE id = p_refund_id
$$;
COMMENT ON FUNCTION booking.refund_status(uuid) IS 'Status of a refund (PENDING/SUCCEEDED/FAILED); NULL if unknown.';
