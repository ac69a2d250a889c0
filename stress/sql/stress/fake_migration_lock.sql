-- Leave yoyo's migration lock as a killed process would: held by a dead pid.
INSERT INTO yoyo_lock (locked, ctime, pid)
VALUES (1, :ctime, :pid);
