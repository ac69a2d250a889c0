-- A migration that takes long enough to be killed halfway (stress only):
-- it creates a table, then sleeps.
-- depends: 0001_generations.postgresql
CREATE TABLE stress_slow (id INTEGER PRIMARY KEY);

SELECT PG_SLEEP(20);
