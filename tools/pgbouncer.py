"""A real PgBouncer in transaction mode, started in front of a PostgreSQL server.

Shared by the tests (``tests/pgbouncer.py``, a session fixture) and the
benchmark (``bench/fleet.py``); sqlstore itself never imports it.
:func:`running` starts Debian's ``pgbouncer`` on a free port of 127.0.0.1,
every database of the server passed through (``* = host=... port=...``),
``pool_mode = transaction`` and ``auth_type = trust``, and stops it when the
block ends. As root it runs as the ``postgres`` user: PgBouncer refuses root.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg

from sqlstore.config import DatabaseURL

__all__ = ["PgBouncer", "PgBouncerFailed", "binary", "direct", "running", "through"]

# PgBouncer 1.21 tracks protocol-level prepared statements in transaction mode
# when max_prepared_statements is set; sqlstore prepares none through it
# (prepare_threshold=None), so this only matters to other clients.
_PREPARED_SINCE = (1, 21)


class PgBouncerFailed(RuntimeError):
    """PgBouncer exited or never answered; the message ends with its log."""


@dataclass(frozen=True)
class PgBouncer:
    """A running PgBouncer: its port and its transaction-mode pool size per database."""

    port: int
    pool_size: int

    def through(self, url: str) -> str:
        """``url`` with this pooler's address, marked ``pgbouncer=true``."""
        return through(url, self.port)


def binary() -> str | None:
    """The ``pgbouncer`` executable (Debian puts it in /usr/sbin), or None."""
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/usr/bin")


def version(executable: str) -> tuple[int, int]:
    """PgBouncer's major and minor version, (0, 0) if it does not say."""
    out = subprocess.run([executable, "--version"], capture_output=True, text=True, check=True)
    found = re.search(r"PgBouncer (\d+)\.(\d+)", out.stdout)
    return (int(found[1]), int(found[2])) if found else (0, 0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(
    folder: Path, server: DatabaseURL, port: int, found: tuple[int, int], pool_size: int
) -> Path:
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
        f"default_pool_size = {pool_size}",
        "server_reset_query =",
        f"logfile = {folder / 'pgbouncer.log'}",
        f"pidfile = {folder / 'pgbouncer.pid'}",
    ]
    if found >= _PREPARED_SINCE:
        lines.append("max_prepared_statements = 200")
    path = folder / "pgbouncer.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while True:
        if process.poll() is not None:
            raise PgBouncerFailed(
                f"pgbouncer exited ({process.returncode}): {log.read_text()[-2000:]}"
            )
        try:
            with psycopg.connect(url, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.Error as exc:
            if time.monotonic() > deadline:
                tail = log.read_text()[-2000:] if log.exists() else ""
                raise PgBouncerFailed(f"pgbouncer did not answer: {exc}; {tail}") from exc
            time.sleep(0.1)


@contextmanager
def running(server_url: str, *, pool_size: int = 20) -> Iterator[PgBouncer]:
    """A PgBouncer in transaction mode in front of ``server_url``'s server, for the block.

    Raises ``FileNotFoundError`` when pgbouncer is not installed and
    :class:`PgBouncerFailed` when it does not start.
    """
    executable = binary()
    if executable is None:
        raise FileNotFoundError("pgbouncer is not installed (apt-get install pgbouncer)")
    server, _ = DatabaseURL.parse(server_url)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="sqlstore-pgbouncer-") as name:
        folder = Path(name)
        config = _config(folder, server, port, version(executable), pool_size)
        command = [executable, str(config)]
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
            for path in folder.iterdir():
                shutil.chown(path, "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            pooled = replace(server, host="127.0.0.1", port=port)
            _wait(pooled.render(hide_password=False), process, folder / "pgbouncer.log")
            yield PgBouncer(port=port, pool_size=pool_size)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def through(url: str, port: int) -> str:
    """``url`` with the pooler's address (127.0.0.1:``port``), marked ``pgbouncer=true``."""
    parsed, _ = DatabaseURL.parse(url)
    text = replace(parsed, host="127.0.0.1", port=port).render(hide_password=False)
    return text + ("&" if "?" in text else "?") + "pgbouncer=true"


def direct(pooled_url: str, server_url: str) -> str:
    """The database of ``pooled_url`` on the server of ``server_url``: its direct URL."""
    parsed, _ = DatabaseURL.parse(pooled_url)
    server, _ = DatabaseURL.parse(server_url)
    options = tuple((k, v) for k, v in parsed.options if k != "pgbouncer")
    found = replace(parsed, host=server.host, port=server.port, options=options)
    return found.render(hide_password=False)
