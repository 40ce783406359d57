\set n random(1, 500)
\set r random(1, 10)
-- pairs (1,2), (3,4), ... never leave a lone empty seat between them (smart seating's rule stays on)
\set s 2 * random(0, 9) + 1
SELECT bench.hold2(:n, :r, :s, md5(random()::text));
