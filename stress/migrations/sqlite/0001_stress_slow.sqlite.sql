-- A migration that takes long enough to be killed halfway (stress only):
-- it creates a table, then counts to three hundred million.
-- depends: 0001_generations.sqlite
CREATE TABLE stress_slow (id INTEGER PRIMARY KEY NOT NULL) STRICT;

WITH RECURSIVE n (x) AS (
    SELECT 1
    UNION ALL
    SELECT n.x + 1 FROM n WHERE n.x < 300000000
)

SELECT COUNT(*) AS counted FROM n;
