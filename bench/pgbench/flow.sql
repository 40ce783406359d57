-- A whole purchase, one transaction per API request: seat map, hold, price (SAVE20), confirm, pay.
\set n random(1, 500)
\set r random(1, 10)
\set s 2 * random(0, 9) + 1
\set t random(1, 1000000000)
SELECT count(*) FROM booking.seat_map((SELECT id FROM bench.showtimes WHERE n = :n));
SELECT bench.step_hold(:n, :r, :s, 'f' || :t) AS hold \gset
SELECT bench.step_price(:hold, 'f' || :t);
SELECT bench.step_confirm(:hold, 'f' || :t) AS booking \gset
SELECT bench.step_pay(:booking);
