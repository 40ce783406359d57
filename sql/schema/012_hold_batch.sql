-- Issue 16: group commit. booking.hold_batch decides many hold requests of one showtime in one transaction; this
-- is the row type of one request once its seats are resolved (sql/functions/22_hold_batch.sql).
CREATE TYPE booking_internal.hold_request AS (
    i             int,       -- position in the batch (arrival order)
    token         text,      -- session token
    ttl           int,       -- requested time to live (NULL: the setting)
    channel       text,      -- sales channel (NULL: general sale)
    codes         text[],    -- the seat ids asked for
    ids           bigint[],  -- the seats found, ascending
    rows_         text[],    -- their rows
    n_distinct    int,       -- distinct seat ids asked for
    unpriced      text[],    -- seat types without a price
    total         numeric,   -- sum of the prices
    json          jsonb,     -- the answer's seats
    channel_bad   text[],    -- seats allocated to another channel
    companion_bad text[]     -- companion seats still kept for wheelchair buyers
);
COMMENT ON TYPE booking_internal.hold_request IS 'One request of booking.hold_batch, its seats resolved.';
