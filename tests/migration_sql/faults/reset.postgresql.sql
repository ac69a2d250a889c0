-- Migration tests only: an empty public schema, as in a new database (yoyo's
-- tables go too).
DO $$
BEGIN
    DROP SCHEMA IF EXISTS public CASCADE;
    CREATE SCHEMA public;
END
$$;
