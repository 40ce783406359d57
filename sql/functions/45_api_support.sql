-- Small read functions the HTTP layer needs (it has no table privileges of its own).

-- Status of one refund (PENDING, SUCCEEDED, FAILED), or NULL when there is no such refund.
CREATE FUNCTION booking.refund_status(p_refund_id uuid) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT status FROM booking.refunds WHERE id = p_refund_id
$$;
COMMENT ON FUNCTION booking.refund_status(uuid) IS 'Status of a refund (PENDING/SUCCEEDED/FAILED); NULL if unknown.';
