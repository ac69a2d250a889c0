-- Stress only: drop every table of the scratch database (yoyo's too), so the
-- next scenario starts from an empty database without creating a new one.
DROP SCHEMA IF EXISTS public CASCADE;
