-- Which database session claimed an idempotency key: when that session is gone (the API process died),
-- a retry may take the key over at once instead of waiting for the in-flight window.
ALTER TABLE booking.idempotency_keys ADD COLUMN owner_pid int;
