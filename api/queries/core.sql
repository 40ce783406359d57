-- Queries the API sends, by name (loaded by api/queries.py). Every rule lives in the booking.* functions.

-- name: error_codes
SELECT sqlstate, code, http_status FROM booking.error_codes;

-- name: select1
SELECT 1;
