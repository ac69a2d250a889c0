-- Empty every application table and restart every sequence (test isolation).
-- Only the tables holding rows are truncated and only the sequences that were
-- used are restarted: a TRUNCATE of every table costs a new file per table
-- and index, far more than a test's own work. Names come from the catalog and
-- are quoted with format('%I').
DO $$
DECLARE
    app_table record;
    has_rows boolean;
    used text;
    seq record;
BEGIN
    FOR app_table IN
        SELECT tablename
        FROM pg_catalog.pg_tables
        WHERE schemaname = current_schema()
          AND tablename NOT LIKE '\_yoyo%'
          AND tablename != 'yoyo_lock'
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', app_table.tablename) INTO has_rows;
        IF has_rows THEN
            used := concat_ws(', ', used, format('%I', app_table.tablename));
        END IF;
    END LOOP;
    IF used IS NOT NULL THEN
        EXECUTE 'TRUNCATE ' || used || ' CASCADE';
    END IF;
    FOR seq IN
        SELECT schemaname, sequencename
        FROM pg_catalog.pg_sequences
        WHERE schemaname = current_schema()
          AND last_value IS NOT NULL
          AND sequencename NOT LIKE '\_yoyo%'
    LOOP
        EXECUTE format('ALTER SEQUENCE %I.%I RESTART', seq.schemaname, seq.sequencename);
    END LOOP;
END
$$;
