"""A real PgBouncer in transaction mode, started in front of the test server.

``pgbouncer`` (session-scoped) starts Debian's ``pgbouncer`` on a free port in
front of the server ``SQLSTORE_TEST_POSTGRES_URL`` names, every database
passed through (``* = host=... port=...``), ``pool_mode = transaction`` and
``auth_type = trust``, and stops it when the run ends. Without the binary the
tests that use it skip with the reason, and fail under
``SQLSTORE_REQUIRE_POSTGRES=1`` (as a missing server does).

With ``SQLSTORE_TEST_THROUGH_PGBOUNCER=1`` every PostgreSQL store of the suite
(``sqlstore_url``, see conftest.py) goes through it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from sqlstore.config import DatabaseURL
from sqlstore.testing import _unavailable
from tests.helpers import with_query

__all__ = ["THROUGH_PGBOUNCER", "direct", "pgbouncer", "pgbouncer_binary", "through"]

#: Whether the suite's PostgreSQL stores go through PgBouncer.
THROUGH_PGBOUNCER = os.environ.get("SQLSTORE_TEST_THROUGH_PGBOUNCER") == "1"

# PgBouncer 1.21 tracks protocol-level prepared statements in transaction mode
# when max_prepared_statements is set; sqlstore prepares none through it
# (prepare_threshold=None), so this only matters to other clients.
_PREPARED_SINCE = (1, 21)


def pgbouncer_binary() -> str | None:
    """The ``pgbouncer`` executable (Debian puts it in /usr/sbin), or None."""
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/usr/bin")


def _version(binary: str) -> tuple[int, int]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    found = re.search(r"PgBouncer (\d+)\.(\d+)", out.stdout)
    return (int(found[1]), int(found[2])) if found else (0, 0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(folder: Path, server: DatabaseURL, port: int, version: tuple[int, int]) -> Path:
    user = server.username or "postgres"
    (folder / "userlist.txt").write_text(f'"{user}" ""\n')
    lines = [
        "[databases]",
        f"* = host={server.host or '127.0.0.1'} port={server.port or 5432}",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {port}",
        "unix_socket_dir =",
        "auth_type = trust",
        f"auth_file = {folder / 'userlist.txt'}",
        "pool_mode = transaction",
        "max_client_conn = 1000",
        "default_pool_size = 20",
        "server_reset_query =",
        f"logfile = {folder / 'pgbouncer.log'}",
        f"pidfile = {folder / 'pgbouncer.pid'}",
    ]
    if version >= _PREPARED_SINCE:
        lines.append("max_prepared_statements = 200")
    path = folder / "pgbouncer.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while True:
        if process.poll() is not None:
            pytest.fail(f"pgbouncer exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            with psycopg.connect(url, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.Error:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="session")
def pgbouncer(sqlstore_postgres_server: str) -> Iterator[Callable[[str], str]]:
    """``through(url)``: the URL of the same database through a PgBouncer in transaction mode."""
    binary = pgbouncer_binary()
    if binary is None:
        _unavailable("POSTGRES", "pgbouncer is not installed (apt-get install pgbouncer)")
    server, _ = DatabaseURL.parse(sqlstore_postgres_server)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="sqlstore-pgbouncer-") as name:
        folder = Path(name)
        config = _config(folder, server, port, _version(binary))
        command = [binary, str(config)]
        if os.geteuid() == 0:
            # PgBouncer will not run as root.
            shutil.chown(folder, "postgres")
            for path in folder.iterdir():
                shutil.chown(path, "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            pooled = replace(server, host="127.0.0.1", port=port)
            _wait(pooled.render(hide_password=False), process, folder / "pgbouncer.log")
            yield lambda url: through(url, port)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def through(url: str, port: int) -> str:
    """``url`` with the pooler's address, marked ``pgbouncer=true``."""
    parsed, _ = DatabaseURL.parse(url)
    text = replace(parsed, host="127.0.0.1", port=port).render(hide_password=False)
    return with_query(text, "pgbouncer=true")


def direct(pooled_url: str, server_url: str) -> str:
    """The database of ``pooled_url`` on the server of ``server_url``: its direct URL."""
    parsed, _ = DatabaseURL.parse(pooled_url)
    server, _ = DatabaseURL.parse(server_url)
    options = tuple((k, v) for k, v in parsed.options if k != "pgbouncer")
    found = replace(parsed, host=server.host, port=server.port, options=options)
    return found.render(hide_password=False)
