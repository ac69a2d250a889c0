"""Fault injection for the migration tests: a ``migrate`` child process, and schema snapshots.

The child (``python -m tests.migration_faults URL apply|rollback [DIR...]``)
prints ``ready`` once connected, then migrates (or rolls everything back)
and prints ``done`` or ``error <message>``. ``SQLSTORE_TEST_MIGRATE_FAULT``,
read only here, acts between one migration's steps and its record:

- ``kill:<id>``: the child SIGKILLs itself there;
- ``hold:<id>``: it prints ``inside <id>`` and waits for a line on stdin.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sqlstore import Store, connect
from sqlstore.migrate import Migrator
from sqlstore.testing import DIALECTS
from stress.snapshot import schema
from tests.helpers import scratch_database

ROOT = Path(__file__).resolve().parent.parent
#: The queries these tests need beside the built-in ones (``faults.*``).
FAULT_SQL = Path(__file__).resolve().parent / "migration_sql"
FAULT_ENV = "SQLSTORE_TEST_MIGRATE_FAULT"


def dialect_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def stock_yoyo(url: str, command: str, *folders: Path) -> str:
    """Run the stock ``yoyo`` command (``apply`` is --batch) on ``url``'s database; its output."""
    with connect(url) as store:
        yoyo_url = store.dialect.yoyo_url()
    yoyo = Path(sys.executable).with_name("yoyo")
    batch = ["--batch"] if command == "apply" else []
    done = subprocess.run(
        [str(yoyo), command, *batch, "--database", yoyo_url, *map(str, folders)],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def records(store: Store) -> dict[str, str]:
    """The record sqlstore keeps of each applied migration: id -> checksum."""
    with store.session(readonly=True) as session:
        return {r["migration_id"]: r["checksum"] for r in session.fetch_all("faults.records")}


def applied_ids(store: Store) -> set[str]:
    return {s.id for s in store.migration_status() if s.applied}


def reset(url: str) -> None:
    """Empty the database: a PostgreSQL schema is dropped; a SQLite file is removed."""
    if dialect_of(url) == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in path.parent.glob(path.name + "*"):
            if not leftover.name.endswith(".migrate-lock"):
                leftover.unlink()
        return
    with connect(url, sql_dirs=[FAULT_SQL]) as store, store.session() as session:
        session.execute("faults.reset")


@dataclass
class Prefixes:
    """A clean migrate's order, and the schema after each prefix of it."""

    order: list[str]
    after: list[dict[str, Any]]


def prefixes(url: str, dirs: list[Path]) -> Prefixes:
    """Migrate a fresh database, then roll back one at a time, snapshotting each step."""
    reset(url)
    with connect(url, sql_dirs=[FAULT_SQL], migration_dirs=dirs) as store:
        order = store.migrate()
        after = [schema(store)]
        for k in reversed(range(len(order))):
            assert len(store.rollback(1)) == 1
            assert applied_ids(store) == set(order[:k])
            after.append(schema(store))
    after.reverse()
    reset(url)
    return Prefixes(order, after)


class Child:
    """A migrate child process."""

    def __init__(
        self, url: str, action: str = "apply", dirs: tuple[Path, ...] = (), fault: str = ""
    ):
        env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
        if fault:
            env[FAULT_ENV] = fault
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.migration_faults", url, action, *map(str, dirs)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )

    def line(self) -> str:
        """The child's next line of output ('' at its end)."""
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def expect(self, prefix: str) -> str:
        got = self.line()
        if not got.startswith(prefix):
            _, err = self.proc.communicate(timeout=60)
            raise AssertionError(f"expected {prefix!r} from the child, got {got!r}: {err}")
        return got

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.wait()

    def wait(self) -> tuple[int, str]:
        """Its exit status and what it printed after the last line read."""
        out, _ = self.proc.communicate(timeout=120)
        return self.proc.returncode, out.strip()


@contextmanager
def child(url: str, action: str = "apply", *dirs: Path, fault: str = "") -> Iterator[Child]:
    """A child process, killed if the block leaves it running."""
    c = Child(url, action, dirs, fault)
    try:
        yield c
    finally:
        c.kill()


def killed_at_random(
    url: str, dirs: tuple[Path, ...], start: float, window: float, rng: random.Random
) -> int:
    """SIGKILL a migrate child at a random instant ``start``..``window`` s after it is ready.

    Returns its exit status (``-9`` when the kill landed before it finished).
    """
    with child(url, "apply", *dirs) as c:
        c.expect("ready")
        time.sleep(rng.uniform(start, window))
        c.kill()
        return c.proc.returncode


# The fixtures of the migration test modules, which import them (as *_fixture).


@pytest.fixture(scope="module", params=DIALECTS, name="sqlstore_dialect")
def module_dialect(request: pytest.FixtureRequest) -> str:
    """Each test runs once per dialect; module-wide, so PostgreSQL's database is made once."""
    return str(request.param)


@pytest.fixture(scope="module", name="server_database")
def server_database_fixture(sqlstore_dialect: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The module's PostgreSQL database ('' for SQLite, which takes a new file per test)."""
    if sqlstore_dialect == "sqlite":
        yield ""
        return
    with scratch_database(request.getfixturevalue("sqlstore_postgres_server")) as url:
        yield url


@pytest.fixture(name="blank_url")
def blank_url_fixture(server_database: str, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or the module's PostgreSQL database emptied."""
    url = server_database or f"sqlite:///{tmp_path / 'blank.db'}"
    reset(url)
    return url


def timed_run(url: str, dirs: tuple[Path, ...]) -> float:
    """Seconds a migrate child takes from ready to done, on an empty database."""
    reset(url)
    with child(url, "apply", *dirs) as c:
        c.expect("ready")
        started = time.monotonic()
        c.expect("done")
        return time.monotonic() - started


def _hooked(fault: str) -> None:
    action, _, target = fault.partition(":")

    def before_record(self: Migrator, migration_id: str) -> None:
        if migration_id != target:
            return
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        print(f"inside {migration_id}", flush=True)
        sys.stdin.readline()

    Migrator._before_record = before_record  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    url, action, *dirs = argv
    fault = os.environ.get(FAULT_ENV, "")
    if fault:
        _hooked(fault)
    with connect(url, migration_dirs=dirs) as store:
        print("ready", flush=True)
        try:
            done = store.migrate() if action == "apply" else store.rollback(None)
        except Exception as exc:
            print(f"error {type(exc).__name__}: {exc}", flush=True)
            return 1
    print(f"done {' '.join(done)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
