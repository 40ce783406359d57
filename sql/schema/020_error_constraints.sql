-- Issue 17: every constraint violation answers a clear 4xx with a stable code (docs/errors.md, "Constraints").
--   constraint_names  the constraints (and unique indexes) whose violation answers this code: a unique violation
--                     of cinemas_name_key is NAME_TAKEN, not the generic CONFLICT of its SQLSTATE 23505.
-- The functions check first and raise the code themselves; this is the safety net for a race between two of them.
ALTER TABLE booking.error_codes ADD COLUMN constraint_names text[] NOT NULL DEFAULT '{}';
COMMENT ON COLUMN booking.error_codes.constraint_names IS
    'Constraints whose violation (23505, 23503, 23514, 23502) answers this code instead of its SQLSTATE''s row.';
