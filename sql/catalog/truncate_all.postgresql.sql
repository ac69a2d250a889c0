-- Empty every application table at once (test isolation). The table names
-- come from the catalog and are quoted with format('%I').
DO $$
DECLARE
    tables text;
BEGIN
    SELECT string_agg(format('%I', tablename), ', ')
    INTO tables
    FROM pg_catalog.pg_tables
    WHERE schemaname = current_schema()
      AND tablename NOT LIKE '\_yoyo%'
      AND tablename != 'yoyo_lock';
    IF tables IS NOT NULL THEN
        EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY CASCADE';
    END IF;
END
$$;
