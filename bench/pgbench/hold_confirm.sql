\set n random(1, 500)
\set r random(1, 10)
\set s 2 * random(0, 9) + 1
\set t random(1, 1000000000)
SELECT bench.step_hold(:n, :r, :s, 'c' || :t) AS hold \gset
SELECT bench.step_confirm(:hold, 'c' || :t) AS booking \gset
