-- Adopt the music-generation service's database, step 1 of 2: keep its rows
-- in temporary tables and drop its generations and prompts (their indexes,
-- constraints and sequences go with them), so that sqlstore's 0001_generations
-- creates the tables as on a fresh database. Runs in one transaction with
-- 0001 and step 2: a failure leaves the service's tables as they were.
CREATE TEMPORARY TABLE adopt_generations AS SELECT * FROM generations;
CREATE TEMPORARY TABLE adopt_prompts AS SELECT * FROM prompts;
DROP TABLE generations;
DROP TABLE prompts;
