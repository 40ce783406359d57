-- One pgbench transaction = a hold and its release, each its own transaction publishing one seat change.
-- Client c only uses seats of row (c mod 12) + 1, numbers 1-12 or 13-24 by (c / 12) mod 2: clients never
-- collide, so every hold succeeds and the numbers measure the hold path, not conflict handling.
\set st random(1, :showtimes)
\set row (:client_id % 12) + 1
\set num ((:client_id / 12) % 2) * 12 + random(1, 12)
SELECT h.hold_id FROM booking.hold((SELECT id FROM public.bench_showtimes WHERE n = :st),
       ARRAY['seat-' || chr(96 + :row) || :num], 'bench-' || :client_id) h \gset
SELECT booking.release_hold(:hold_id, 'bench-' || :client_id);
