-- Group commit: BATCH hold requests (random pairs, 1 s holds) of one showtime in one booking.hold_batch call, as the
-- API's batcher sends them. Each client has its own showtimes (one call in flight per showtime, as in the API):
-- n = 1 + client + 16 * j over the 2,500 showtimes of the fixture. Run with -D batch=16.
\set j random(0, 155)
\set n 1 + (:client_id + 16 * :j) % 2500
SELECT bench.hold_batch_n(:n, :batch);
