-- Leave yoyo's lock as a killed process of an older sqlstore would: a row
-- for a process that is gone.
INSERT INTO yoyo_lock (locked, ctime, pid)
VALUES (1, :ctime, :pid);
