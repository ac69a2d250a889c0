-- Stress only: the empty public schema of a fresh database.
CREATE SCHEMA public;
