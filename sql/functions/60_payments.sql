-- Payments through Stripe: applying webhook events (once each), refunds and intent cancellations owed to the
-- provider (retried by workers/payments.py), and the reconciliation report. See docs/payments.md.

INSERT INTO booking.error_codes (sqlstate, code, http_status, description) VALUES
    ('MQP01', 'PAYMENT_PROVIDER_UNAVAILABLE', 503, 'The payment provider cannot be reached; nothing was charged or changed. Retry shortly.'),
    ('MQP02', 'INVALID_SIGNATURE',            400, 'The webhook''s Stripe-Signature is missing, wrong or too old.'),
    ('MQP03', 'WEBHOOK_EVENT_INVALID',        400, 'The webhook body is not a Stripe event.')
ON CONFLICT (sqlstate) DO UPDATE
    SET code = EXCLUDED.code, http_status = EXCLUDED.http_status, description = EXCLUDED.description;

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

-- Record a provider refund object (from a webhook or the API answer) against our refund row.
-- Ours are found by metadata.refund_id (set when we create them) or by the provider's id.
CREATE FUNCTION booking.apply_provider_refund(p_refund jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
    v_status text := p_refund->>'status';
    r record;
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
    IF v_status IN ('succeeded', 'failed', 'canceled') THEN
        SELECT * INTO r FROM booking.record_refund(v_id, v_status = 'succeeded', p_refund->>'id');
    ELSE
        -- still pending at the provider: remember its id, the final answer comes by webhook
        UPDATE booking.refunds x SET provider_refund_id = coalesce(x.provider_refund_id, p_refund->>'id')
         WHERE x.id = v_id;
    END IF;
    RETURN jsonb_build_object('refundId', v_id, 'providerRefundId', p_refund->>'id', 'known', true,
        'status', (SELECT x.status FROM booking.refunds x WHERE x.id = v_id),
        'bookingId', (SELECT x.booking_id FROM booking.refunds x WHERE x.id = v_id));
END $$;
COMMENT ON FUNCTION booking.apply_provider_refund(jsonb) IS
    'Applies a Stripe refund object to our refund row (matched by metadata.refund_id or provider id): final status '
    'via record_refund, or remembers the provider id while pending. Unknown refunds: {"known": false}.';

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
    r         record;
BEGIN
    IF v_id IS NULL OR v_id !~ '^evt_' OR v_type IS NULL OR jsonb_typeof(v_obj) IS DISTINCT FROM 'object' THEN
        PERFORM booking.raise_error('WEBHOOK_EVENT_INVALID', 'the body is not a Stripe event (id evt_..., type, data.object)',
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
        ELSIF v_type = 'payment_intent.canceled' THEN
            -- cancelled at the provider (dashboard, or by our expiry job): it can never be paid any more
            SELECT * INTO r FROM booking.record_payment(v_obj->>'id', 'failed', NULL, 'payment_intent_canceled');
            v_detail := jsonb_build_object('status', r.status);
        ELSE
            v_outcome := 'IGNORED';
        END IF;
        v_detail := v_detail || jsonb_build_object('bookingId', v_booking.id);
    ELSIF v_type = 'charge.refunded' THEN
        v_detail := jsonb_build_object('refunds', '[]'::jsonb);
        FOR v_refund IN SELECT x FROM jsonb_array_elements(coalesce(v_obj#>'{refunds,data}', '[]')) x LOOP
            v_detail := jsonb_set(v_detail, '{refunds}', (v_detail->'refunds') || booking.apply_provider_refund(v_refund));
        END LOOP;
        SELECT b.id INTO v_booking.id FROM booking.bookings b WHERE b.payment_intent_id = v_obj->>'payment_intent';
        v_detail := v_detail || jsonb_build_object('bookingId', v_booking.id);
        IF v_booking.id IS NULL THEN
            v_outcome := 'IGNORED';
        END IF;
    ELSIF v_type IN ('refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated') THEN
        v_detail := booking.apply_provider_refund(v_obj);
        IF NOT (v_detail->>'known')::boolean THEN
            v_outcome := 'IGNORED';
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
    '-> record_payment (a late success yields refundId to send), payment_failed -> declined attempt, canceled -> '
    'PAYMENT_FAILED, charge.refunded / refund.* -> record_refund. Others are stored as IGNORED.';

-- A refund to send to the provider: counts the attempt. Rows already answered come back with their status.
CREATE FUNCTION booking.begin_refund_attempt(p_refund_id uuid)
RETURNS TABLE (refund_id uuid, booking_id uuid, status text, amount numeric(10,2), currency char(3),
               payment_intent_id text, attempts int)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE booking.refunds x SET attempts = x.attempts + 1, last_attempt_at = booking.clock()
     WHERE x.id = p_refund_id AND x.status = 'PENDING';
    RETURN QUERY SELECT x.id, x.booking_id, x.status, x.amount, x.currency, b.payment_intent_id, x.attempts
                   FROM booking.refunds x JOIN booking.bookings b ON b.id = x.booking_id WHERE x.id = p_refund_id;
    IF NOT FOUND THEN
        PERFORM booking.raise_error('REFUND_NOT_FOUND', format('refund %s not found', p_refund_id),
            jsonb_build_object('refundId', p_refund_id));
    END IF;
END $$;
COMMENT ON FUNCTION booking.begin_refund_attempt(uuid) IS
    'The refund row and its booking''s payment intent, counting one more send attempt if still PENDING; raises REFUND_NOT_FOUND.';

CREATE FUNCTION booking.note_refund_error(p_refund_id uuid, p_error text) RETURNS void LANGUAGE sql AS $$
    UPDATE booking.refunds SET last_error = left(p_error, 1000), updated_at = booking.clock()
     WHERE id = p_refund_id AND status = 'PENDING'
$$;
COMMENT ON FUNCTION booking.note_refund_error(uuid, text) IS 'Remembers why sending a PENDING refund failed (it stays PENDING for the worker).';

-- Expire overdue bookings and queue the cancellation of their payment intents, in one transaction, so an intent
-- is never forgotten even when the provider is down right now.
CREATE FUNCTION booking.expire_overdue_payments(p_limit int DEFAULT 500)
RETURNS TABLE (booking_id uuid, booking_reference text, payment_intent_id text)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY WITH expired AS (SELECT * FROM booking.expire_overdue_bookings(p_limit)),
                      queued AS (INSERT INTO booking.intent_cancellations (payment_intent_id, booking_id, created_at, updated_at)
                                 SELECT e.payment_intent_id, e.booking_id, booking.clock(), booking.clock()
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
COMMENT ON FUNCTION booking.pending_intent_cancellations(int) IS 'Payment intents of expired bookings still to cancel at the provider.';

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
           (SELECT count(*) FROM booking.payments p WHERE p.booking_id = b.id AND p.status = 'succeeded') AS charges,
           coalesce((SELECT sum(r.amount) FROM booking.refunds r WHERE r.booking_id = b.id AND r.status = 'SUCCEEDED'), 0) AS refunded,
           coalesce((SELECT sum(r.amount) FROM booking.refunds r WHERE r.booking_id = b.id AND r.status = 'PENDING'), 0) AS refund_pending,
           (SELECT min(r.created_at) FROM booking.refunds r WHERE r.booking_id = b.id AND r.status = 'PENDING') AS oldest_pending,
           (SELECT count(*) FROM booking.refunds r WHERE r.booking_id = b.id AND r.status = 'FAILED') AS refunds_failed
      FROM booking.bookings b
), problems AS (
    SELECT m.*, p.problem FROM money m CROSS JOIN LATERAL (VALUES
        (CASE WHEN m.status = 'CONFIRMED' AND m.paid <> m.final_amount THEN 'CONFIRMED_NOT_PAID' END),
        (CASE WHEN m.status = 'PENDING_PAYMENT' AND m.paid > 0 THEN 'PAID_BUT_PENDING' END),
        (CASE WHEN m.charges > 1 THEN 'CHARGED_TWICE' END),
        (CASE WHEN m.status IN ('EXPIRED', 'PAYMENT_FAILED') AND m.paid - m.refunded > 0 THEN 'MONEY_KEPT_WITHOUT_SEATS' END),
        (CASE WHEN m.refunded > m.paid THEN 'REFUNDED_MORE_THAN_PAID' END),
        (CASE WHEN m.refunds_failed > 0 THEN 'REFUND_FAILED' END),
        (CASE WHEN m.oldest_pending < booking.clock() - interval '1 hour' THEN 'REFUND_STUCK' END),
        (CASE WHEN m.payment_status::text <> CASE WHEN m.paid = 0 THEN 'UNPAID' WHEN m.refunded = 0 THEN 'PAID'
                                                   WHEN m.refunded >= m.paid THEN 'REFUNDED' ELSE 'PARTIALLY_REFUNDED' END
              THEN 'PAYMENT_STATUS_WRONG' END)
    ) AS p(problem)
    WHERE p.problem IS NOT NULL
)
SELECT p.id AS booking_id, p.reference AS booking_reference, p.status, p.payment_status, p.problem,
       p.final_amount AS amount, p.paid, p.refunded, p.refund_pending, p.currency, p.payment_intent_id,
       NULL::text AS event_id, NULL::jsonb AS detail
  FROM problems p
UNION ALL
SELECT e.booking_id, b.reference, b.status, b.payment_status, 'WEBHOOK_ERROR', b.final_amount, NULL, NULL, NULL,
       b.currency, e.object_id, e.id, e.detail
  FROM booking.webhook_events e LEFT JOIN booking.bookings b ON b.id = e.booking_id
 WHERE e.outcome = 'ERROR';
COMMENT ON VIEW booking.payment_discrepancies IS
    'Reconciliation: bookings whose money and status disagree (CONFIRMED_NOT_PAID, PAID_BUT_PENDING, CHARGED_TWICE, '
    'MONEY_KEPT_WITHOUT_SEATS while a late payment is not yet refunded, REFUNDED_MORE_THAN_PAID, REFUND_FAILED, '
    'REFUND_STUCK (pending > 1 h), PAYMENT_STATUS_WRONG) and webhook events that did not match our data (WEBHOOK_ERROR).';
