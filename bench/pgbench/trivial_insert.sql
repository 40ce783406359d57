\set v random(1, 1000000)
INSERT INTO bench.trivial (v) VALUES (:v);
