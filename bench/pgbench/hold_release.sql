\set n random(1, 500)
\set r random(1, 10)
\set s random(1, 19)
SELECT bench.hold_release(:n, :r, :s, md5(random()::text));
