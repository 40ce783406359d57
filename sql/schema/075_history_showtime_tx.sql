-- Issue 16: the realtime hub's read (booking.seat_changes: "what changed in showtime X since snapshot S") runs on
-- every notification. Its plan is generic (cached per connection), and with only (tx_id) and (showtime_id, ...)
-- indexes it intersected every history row of the showtime with the recent transactions: 0.77 ms with 18,000
-- history rows, growing with the showtime's history. One range scan instead: 0.17 ms, whatever the history.
CREATE INDEX seat_status_history_showtime_tx ON booking.seat_status_history (showtime_id, tx_id)
    WHERE tx_id IS NOT NULL;
