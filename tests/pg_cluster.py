"""A private PostgreSQL cluster that a test starts with the settings it needs.

The shared server cannot be restarted by a test, so a setting that needs a
restart (``shared_preload_libraries``, a replica's ``wal_level``...) gets a
cluster of its own: ``initdb`` into a temporary folder, ``pg_ctl start`` on a
free port of 127.0.0.1, stopped and removed when the test session ends. The
server binaries come from ``SQLSTORE_PG_BINDIR``, else ``pg_config
--bindir``, else the newest ``/usr/lib/postgresql/*/bin``. ``initdb`` refuses
to run as root: as root, the cluster belongs to the ``postgres`` user.

Without the binaries the tests that ask for a cluster skip, with the reason;
with ``SQLSTORE_REQUIRE_POSTGRES=1`` (CI) that is a failure.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

__all__ = ["PrivateCluster", "find_bindir", "pg_stat_cluster", "private_cluster"]


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, or None if there is no server to run."""
    named = os.environ.get("SQLSTORE_PG_BINDIR")
    candidates = [Path(named)] if named else []
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if found.returncode == 0:
            candidates.append(Path(found.stdout.strip()))
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(versions)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateCluster:
    """One PostgreSQL cluster in a folder of its own: ``start``, ``url``, ``stop``."""

    def __init__(self, bindir: Path, settings: Mapping[str, str] | None = None):
        self.bindir = bindir
        self.settings = dict(settings or {})
        self.root = Path(tempfile.mkdtemp(prefix="sqlstore-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        # initdb refuses root: the cluster is then the postgres user's.
        self._user = "postgres" if os.geteuid() == 0 else None

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one of the server's programs (``initdb``, ``pg_ctl``...) as the cluster's owner."""
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._user is not None:
            command = ["runuser", "-u", self._user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr.strip()}\n{log}"
            )
        return done

    def start(self) -> PrivateCluster:
        """``initdb`` and start the server on a free port; trust authentication, user postgres."""
        self._own_root()
        # --no-sync: a test cluster need not survive a crash of the machine.
        self.run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "-N"
        )
        return self.launch()

    def _own_root(self) -> None:
        if self._user is not None:
            owner = pwd.getpwnam(self._user)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)

    def launch(self) -> PrivateCluster:
        """Start the server on its data folder: on a free port the first time, the same after."""
        self.port = self.port or _free_port()
        settings = {
            "port": str(self.port),
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.root),
            # A test cluster: nothing in it needs to survive a crash.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            **self.settings,
        }
        options = " ".join(f"-c {key}={value}" for key, value in settings.items())
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        return self

    def kill(self) -> None:
        """Stop the server at once (``-m immediate``: no shutdown checkpoint, as a crash)."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        """A URL of a database in this cluster."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def private_cluster(settings: Mapping[str, str]) -> Iterator[PrivateCluster]:
    """Start a cluster with ``settings`` for a fixture; skip (or fail in CI) without binaries."""
    bindir = find_bindir()
    if bindir is None:
        reason = "no PostgreSQL server binaries (initdb, pg_ctl) for a private cluster"
        if os.environ.get("SQLSTORE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"SQLSTORE_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    cluster = PrivateCluster(bindir, settings)
    try:
        cluster.start()
        started = time.monotonic()
        yield cluster
    finally:
        cluster.stop()
    del started


@pytest.fixture(scope="session")
def pg_stat_cluster() -> Iterator[PrivateCluster]:
    """A private cluster with ``pg_stat_statements`` preloaded (the shared server lacks it)."""
    yield from private_cluster(
        {"shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.track": "all"}
    )
