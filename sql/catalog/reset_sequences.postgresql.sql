-- Set the sequence behind every identity or serial column of the application's
-- tables to the column's largest value, so the next id is max(id) + 1 (after
-- `sqlstore copy` wrote ids of its own). Sequences of empty columns are left
-- as they are. Names come from the catalog and are quoted with format('%I').
DO $$
DECLARE
    col record;
    seq text;
    top bigint;
BEGIN
    FOR col IN
        SELECT c.table_name, c.column_name
        FROM information_schema.columns AS c
        WHERE c.table_schema = current_schema()
          AND c.table_name NOT LIKE '\_yoyo%'
          AND c.table_name != 'yoyo_lock'
    LOOP
        seq := pg_get_serial_sequence(format('%I', col.table_name), col.column_name);
        IF seq IS NOT NULL THEN
            EXECUTE format('SELECT max(%I) FROM %I', col.column_name, col.table_name) INTO top;
            IF top IS NOT NULL THEN
                PERFORM setval(seq, top);
            END IF;
        END IF;
    END LOOP;
END
$$;
