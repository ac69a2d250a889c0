-- Who holds yoyo's migration lock, if anyone.
SELECT pid
FROM yoyo_lock;
