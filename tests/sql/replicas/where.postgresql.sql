-- Test only: whether this session runs on a replica, and on which server (its port).
SELECT
    PG_IS_IN_RECOVERY() AS replica,
    INET_SERVER_PORT() AS port;
