-- Personal data: erasure on request and automatic retention. Money rows (bookings' amounts, payments, refunds)
-- stay untouched, so every report total is the same before and after.
-- Free text people type (a cancel reason) never reaches bi_reader: reports use the reason category
-- (booking.cancel_reason_categories); the text is for operators, and a customer's is erased with their data.

-- Strip the personal data of some bookings; returns how many were changed.
-- Pending messages to those customers are skipped (there is nobody to send them to any more), and message
-- payloads lose any contact fields a sender may have stored.
CREATE FUNCTION booking_internal.anonymise_bookings(p_booking_ids uuid[]) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_n int;
    v_now timestamptz := booking.clock();
BEGIN
    UPDATE booking.bookings b
       SET customer_email = NULL, customer_name = NULL, customer_phone = NULL, session_token = NULL,
           -- a customer's own words may name them; an operator's reason is staff text and stays
           cancel_reason = CASE WHEN b.cancelled_by = 'customer' AND coalesce(b.cancel_reason, '') <> ''
                                THEN '(erased)' ELSE b.cancel_reason END,
           anonymised_at = v_now
     WHERE b.id = ANY (p_booking_ids) AND b.anonymised_at IS NULL;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    UPDATE booking.outbox o
       SET payload = o.payload - ARRAY['email', 'name', 'phone', 'to', 'customerEmail', 'customerName',
                                       'customerPhone', 'userDetails', 'reason'],
           status = CASE WHEN o.status = 'PENDING' THEN 'SKIPPED' ELSE o.status END
     WHERE o.booking_id = ANY (p_booking_ids);
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking_internal.anonymise_bookings(uuid[]) IS
    'Internal: removes customer name/email/phone/session and customer-typed cancel reasons of bookings (amounts kept), '
    'skips their pending messages and drops contact fields and reasons from their message payloads.';

-- Erase one customer's personal data on request (by email). Audited without the email itself: the audit trail
-- must not keep what was erased.
CREATE FUNCTION booking_ops.erase_customer(p_email text, p_actor text DEFAULT 'operator')
RETURNS TABLE (bookings_anonymised int, booking_references text[]) LANGUAGE plpgsql AS $$
DECLARE
    v_email text := lower(btrim(p_email));
    v_ids uuid[];
    v_refs text[];
    v_n int;
BEGIN
    IF coalesce(v_email, '') !~ '^[^@\s]+@[^@\s]+$' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'email must be an email address', jsonb_build_object('field', 'email'));
    END IF;
    IF coalesce(btrim(p_actor), '') = '' THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'actor (who asks for the erasure) is required',
            jsonb_build_object('field', 'actor'));
    END IF;
    SELECT array_agg(b.id ORDER BY b.booked_at), array_agg(b.reference ORDER BY b.booked_at) INTO v_ids, v_refs
      FROM booking.bookings b WHERE lower(b.customer_email) = v_email;
    v_n := booking_internal.anonymise_bookings(coalesce(v_ids, '{}'));
    -- replayable API answers may quote the customer: drop the ones of these bookings
    DELETE FROM booking.idempotency_keys k WHERE k.response::text ILIKE '%' || v_email || '%';
    PERFORM booking_internal.audit(p_actor, 'customer.erase', 'customer', 'erasure-request',
        jsonb_build_object('bookings', v_n, 'bookingReferences', coalesce(to_jsonb(v_refs), '[]')));
    RETURN QUERY SELECT v_n, coalesce(v_refs, '{}');
END $$;
COMMENT ON FUNCTION booking_ops.erase_customer(text, text) IS
    'Right to erasure: anonymises every booking of an email (name, email, phone), keeping amounts, payments and '
    'refunds so reports do not change; audited (references, never the email). Returns bookings anonymised. '
    'Raises VALIDATION_ERROR (no email, or no actor).';

-- Anonymise bookings whose show ended more than pii_retention_days ago, in batches; audited when it did anything.
CREATE FUNCTION booking_ops.apply_pii_retention(p_actor text DEFAULT 'retention', p_limit int DEFAULT 10000)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_days int := booking.setting('pii_retention_days')::int;
    v_cutoff timestamptz := booking.clock() - make_interval(days => v_days);
    v_ids uuid[];
    v_n int;
BEGIN
    IF v_days IS NULL OR v_days < 1 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'pii_retention_days must be at least 1',
            jsonb_build_object('setting', 'pii_retention_days'));
    END IF;
    -- booked_at < cutoff narrows the scan through the partial index; the show date is the rule
    SELECT array_agg(b.id) INTO v_ids FROM (
        SELECT b.id FROM booking.bookings b JOIN booking.showtimes st ON st.id = b.showtime_id
         WHERE b.anonymised_at IS NULL AND b.booked_at < v_cutoff AND st.starts_at < v_cutoff
           AND b.status <> 'PENDING_PAYMENT'
         ORDER BY b.booked_at LIMIT p_limit) b;
    v_n := booking_internal.anonymise_bookings(coalesce(v_ids, '{}'));
    IF v_n > 0 THEN
        PERFORM booking_internal.audit(p_actor, 'retention.anonymise', 'bookings', v_n::text,
            jsonb_build_object('bookings', v_n, 'retentionDays', v_days, 'cutoff', v_cutoff));
    END IF;
    RETURN v_n;
END $$;
COMMENT ON FUNCTION booking_ops.apply_pii_retention(text, int) IS
    'Anonymises up to p_limit bookings whose showtime started more than pii_retention_days ago; audited; '
    'returns how many (call again while it returns p_limit). Raises VALIDATION_ERROR (pii_retention_days below 1).';
