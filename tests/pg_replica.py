"""A private primary and two streaming replicas, for the read-replica tests.

``replica_cluster`` (session-scoped, started once per run) is a private
primary (``wal_level=replica``, WAL senders, ``hot_standby``) with a
database ``app`` migrated for the test app, and two replicas made from it
with ``pg_basebackup -R`` (``standby.signal`` and ``primary_conninfo``
written by it), each a postmaster of its own on a free port of 127.0.0.1.
Startup is kept short: no fsync anywhere, ``initdb --no-sync``, a fast
checkpoint for the base backups, and the migrations run once on the primary
before the backups (the replicas start with the schema).

Without the server binaries the tests that use it skip with the reason; with
``SQLSTORE_REQUIRE_POSTGRES=1`` (CI) that is a failure, as in ``pg_cluster``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

import sqlstore
from sqlstore.dialects._pg_plan import WAL_POSITION
from tests.pg_cluster import PrivateCluster, find_bindir

__all__ = ["ReplicaCluster", "replica_cluster"]

DATABASE = "app"
PRIMARY_SETTINGS = {
    "wal_level": "replica",
    "max_wal_senders": "8",
    # WAL kept for a base backup while the other's checkpoint recycles segments,
    # and for a replica killed and started again to catch up from.
    "wal_keep_size": "256MB",
    "hot_standby": "on",
    # Short: a replica's WAL receiver notices a primary gone, and reports, sooner.
    "wal_sender_timeout": "5s",
    "max_connections": "60",
}
REPLICA_SETTINGS = {
    "hot_standby": "on",
    "hot_standby_feedback": "on",
    "wal_receiver_status_interval": "1s",
    "max_connections": "60",
}


class StandbyCluster(PrivateCluster):
    """A streaming replica of ``primary``: a base backup of it, then its own postmaster."""

    def start_from(self, primary: PrivateCluster) -> StandbyCluster:
        """``pg_basebackup -R`` from ``primary`` into this folder, then start the server."""
        self._own_root()
        self.run(
            "pg_basebackup",
            "-h", "127.0.0.1",
            "-p", str(primary.port),
            "-U", "postgres",
            "-D", str(self.data),
            "-R",
            "-X", "stream",
            "--checkpoint=fast",
            "--no-sync",
        )  # fmt: skip
        return self.launch()


@dataclass
class ReplicaCluster:
    """The primary and its replicas; URLs of the ``app`` database on each."""

    primary: PrivateCluster
    replicas: list[StandbyCluster]
    config: dict[str, Any]

    @property
    def primary_url(self) -> str:
        """The ``app`` database on the primary."""
        return self.primary.url(DATABASE)

    @property
    def replica_urls(self) -> list[str]:
        """The ``app`` database on each replica, in order."""
        return [r.url(DATABASE) for r in self.replicas]

    def sql(self, cluster: PrivateCluster, statement: str) -> Any:
        """Run one statement on a cluster's ``app`` database (autocommit); its first value."""
        with psycopg.connect(cluster.url(DATABASE), autocommit=True) as conn:
            row = conn.execute(statement).fetchone()
        return None if row is None else row[0]

    def wait_replayed(self, timeout: float = 20.0) -> None:
        """Wait until every running replica has replayed all the primary has written."""
        # Where the primary's WAL stands, as sqlstore records it at a commit: at the
        # start of a page, the page's start (the insert position is past its header).
        target = self.sql(self.primary, WAL_POSITION.decode())
        deadline = time.monotonic() + timeout
        for replica in self.replicas:
            while True:
                try:
                    done = self.sql(
                        replica, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
                    )
                except psycopg.OperationalError:
                    done = False
                if done:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"replica on port {replica.port} did not catch up")
                time.sleep(0.02)

    def pause(self, replica: StandbyCluster) -> None:
        """Pause WAL replay on ``replica`` (it keeps receiving)."""
        self.sql(replica, "SELECT pg_wal_replay_pause()")

    def resume(self, replica: StandbyCluster) -> None:
        """Resume WAL replay on ``replica``."""
        self.sql(replica, "SELECT pg_wal_replay_resume()")


def replica_cluster_for(config: dict[str, Any]) -> Iterator[ReplicaCluster]:
    """Start the primary and two replicas; skip (or fail in CI) without the binaries."""
    bindir = find_bindir()
    missing = None
    if bindir is None:
        missing = "no PostgreSQL server binaries (initdb, pg_ctl) for a private cluster"
    elif not (Path(bindir) / "pg_basebackup").is_file():
        missing = f"no pg_basebackup in {bindir} to make a replica"
    if missing is not None:
        if os.environ.get("SQLSTORE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"SQLSTORE_REQUIRE_POSTGRES=1 but {missing}", pytrace=False)
        pytest.skip(missing)
    assert bindir is not None
    primary = PrivateCluster(bindir, PRIMARY_SETTINGS)
    replicas = [StandbyCluster(bindir, REPLICA_SETTINGS) for _ in range(2)]
    try:
        primary.start()
        with psycopg.connect(primary.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        with sqlstore.connect(primary.url(DATABASE), **config) as store:
            store.migrate()
        # Both base backups at once: each waits mostly on its checkpoint and startup.
        with ThreadPoolExecutor(len(replicas)) as pool:
            list(pool.map(lambda replica: replica.start_from(primary), replicas))
        cluster = ReplicaCluster(primary, replicas, config)
        cluster.wait_replayed()
        yield cluster
    finally:
        for replica in replicas:
            replica.stop()
        primary.stop()


@pytest.fixture(scope="session")
def replica_cluster(sqlstore_config: dict[str, Any]) -> Iterator[ReplicaCluster]:
    """A private primary with two streaming replicas, for the whole run."""
    yield from replica_cluster_for({**sqlstore_config, "sql_dirs": _sql_dirs(sqlstore_config)})


def _sql_dirs(config: dict[str, Any]) -> list[Path]:
    from tests.helpers import RAW_SQL

    return [*config.get("sql_dirs", ()), RAW_SQL]
