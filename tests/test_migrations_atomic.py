"""A migration and its record commit together; the migration lock dies with its holder.

Found 3: a SIGKILL between yoyo's two commits left a migration applied but
not recorded, and every later ``migrate`` failed. Found 4: the migration lock
(a row) outlived a restarted server or a killed process until ``break-lock``.
Each test here runs a ``migrate`` child process (tests/migration_faults.py)
and kills it, or its server connection, on both dialects.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sqlstore import connect
from sqlstore.errors import MigrationError
from sqlstore.migrate import Migrator
from tests.helpers import APP, invoke
from tests.migration_faults import (  # noqa: F401  (the *_fixture and module_dialect fixtures)
    FAULT_SQL,
    Child,
    Prefixes,
    applied_ids,
    blank_url_fixture,
    child,
    dialect_of,
    killed_at_random,
    module_dialect,
    prefixes,
    records,
    reset,
    schema,
    server_database_fixture,
    timed_run,
)

APP_DIRS = (APP / "migrations",)


@pytest.fixture(scope="module")
def clean(server_database: str, tmp_path_factory: pytest.TempPathFactory) -> Prefixes:
    """The schema after each prefix of a clean migrate (built-in and test app migrations)."""
    url = server_database or f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}"
    return prefixes(url, list(APP_DIRS))


def _assert_prefix(url: str, clean: Prefixes) -> int:
    """The database holds exactly the first k migrations, applied and recorded; return k."""
    with connect(url, sql_dirs=[FAULT_SQL], migration_dirs=APP_DIRS) as store:
        applied = applied_ids(store)
        k = len(applied)
        assert applied == set(clean.order[:k])
        assert schema(store) == clean.after[k]
        if k:
            assert set(records(store)) == applied
        return k


def _recover(url: str, clean: Prefixes, k: int) -> None:
    """The next migrate finishes by itself and leaves a clean migrate's database."""
    with connect(url, sql_dirs=[FAULT_SQL], migration_dirs=APP_DIRS) as store:
        assert store.migrate() == clean.order[k:]
        assert schema(store) == clean.after[-1]
        assert set(records(store)) == set(clean.order)
        assert not any(s.changed for s in store.migration_status())
        assert store.migrate() == []


@pytest.mark.parametrize("at", [1, -1])
def test_killed_between_steps_and_record_leaves_neither(
    blank_url: str, clean: Prefixes, at: int
) -> None:
    url = blank_url
    target = clean.order[at]
    with child(url, "apply", *APP_DIRS, fault=f"kill:{target}") as c:
        c.expect("ready")
        code, out = c.wait()
    assert code == -9, out
    k = _assert_prefix(url, clean)
    # Everything before the killed migration is there; it is not, not even in part.
    assert clean.order[k] == target
    _recover(url, clean, k)


def test_killed_while_rolling_back_leaves_neither(blank_url: str, clean: Prefixes) -> None:
    url = blank_url
    with connect(url, migration_dirs=APP_DIRS) as store:
        store.migrate()
    target = clean.order[2]
    with child(url, "rollback", *APP_DIRS, fault=f"kill:{target}") as c:
        c.expect("ready")
        code, out = c.wait()
    assert code == -9, out
    # Its dependants were rolled back; it, and what it depends on, are still applied.
    assert _assert_prefix(url, clean) == 3
    with connect(url, sql_dirs=[FAULT_SQL], migration_dirs=APP_DIRS) as store:
        assert store.rollback(None) == list(reversed(clean.order[:3]))
        assert schema(store) == clean.after[0]
    _recover(url, clean, 0)


def test_sigkill_at_random_instants(blank_url: str, clean: Prefixes) -> None:
    """A few kills per dialect (``make stress`` does many): each recovers by itself."""
    url = blank_url
    window = timed_run(url, APP_DIRS) * 1.2
    rng = random.Random(11)
    for k in range(3):
        reset(url)
        # Reading the files comes first; the later kills land where migrations commit.
        killed_at_random(url, APP_DIRS, 0 if k == 0 else window / 2, window, rng)
        _recover(url, clean, _assert_prefix(url, clean))


def _holder_pid(url: str) -> int:
    with connect(url, sql_dirs=[FAULT_SQL]) as store, store.session() as session:
        return int(session.fetch_value("faults.lock_holder_pid"))


def _free(migrator: Migrator) -> bool:
    """Wait until the lock is free (a server notices a dead client within moments)."""
    deadline = time.monotonic() + 30
    while migrator.lock_holder() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    return migrator.lock_holder() is None


def _held_then_freed(url: str, clean: Prefixes, end_holder: Callable[[Child], None]) -> None:
    """A child holds the lock inside a migration, and a waiter is told who and what.

    Then ``end_holder`` ends it, and the lock is free without ``break-lock``.
    """
    target = clean.order[1]
    with child(url, "apply", *APP_DIRS, fault=f"hold:{target}") as c:
        c.expect("ready")
        c.expect(f"inside {target}")
        with connect(url, sql_dirs=[FAULT_SQL], migration_dirs=APP_DIRS) as store:
            holder = store.migrator.lock_holder()
            assert holder and f"applying {target}" in holder
            if dialect_of(url) == "sqlite":
                assert f"pid {c.proc.pid} on " in holder
            else:
                assert f"backend pid {_holder_pid(url)}" in holder
            store.migrator.lock_timeout = 0.2
            with pytest.raises(MigrationError) as info:
                store.migrate()
            assert f"applying {target}" in str(info.value)
            assert "no 'sqlstore break-lock' needed" in str(info.value)
            # The holder's uncommitted migration is invisible; what it committed is there.
            assert applied_ids(store) == {clean.order[0]}
            # break-lock cannot take a live holder's lock, and says so.
            broken = invoke("--database", url, "break-lock")
            assert broken.code == 0 and "a live holder" in broken.out
            assert store.migrator.lock_holder()
            end_holder(c)
            assert _free(store.migrator)
    _recover(url, clean, 1)


def test_the_lock_dies_with_a_killed_process(blank_url: str, clean: Prefixes) -> None:
    _held_then_freed(blank_url, clean, Child.kill)


@pytest.mark.postgresql_only
def test_the_lock_dies_with_a_terminated_backend(blank_url: str, clean: Prefixes) -> None:
    url = blank_url
    target = clean.order[1]

    def terminate(c: Child) -> None:
        with connect(url) as admin, admin.session() as session:
            assert session.fetch_value("catalog.terminate_backend", pid=_holder_pid(url))
        c.go()
        code, out = c.wait()
        assert code == 1 and out.startswith("error MigrationError"), out
        assert f"applying {target} failed, nothing of it was committed" in out

    _held_then_freed(url, clean, terminate)


@pytest.mark.sqlite_only
def test_an_in_memory_database_has_a_lock_of_its_process() -> None:
    entered, release = threading.Event(), threading.Event()

    class Holding(Migrator):
        def _before_record(self, migration_id: str) -> None:
            if migration_id.startswith("0002_"):
                entered.set()
                release.wait(30)

    with connect("sqlite:///:memory:") as store:
        holding = Holding(store.dialect.yoyo_url(), store.migration_dirs)
        worker = threading.Thread(target=holding.apply)
        worker.start()
        try:
            assert entered.wait(30)
            other = Migrator(store.dialect.yoyo_url(), store.migration_dirs, lock_timeout=0.1)
            holder = other.lock_holder()
            assert holder and "applying 0002_media.sqlite" in holder
            with pytest.raises(MigrationError, match=r"applying 0002_media\.sqlite"):
                other.apply()
        finally:
            release.set()
            worker.join(30)
        assert other.lock_holder() is None
        assert other.apply() == []
        assert all(s.applied for s in store.migration_status())


def test_two_migrators_in_one_process_take_turns(blank_url: str, tmp_path: Path) -> None:
    """Threads of one process exclude each other too (one lock per database, not per process)."""
    url = blank_url
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with connect(url, migration_dirs=APP_DIRS) as store:
                results.append(store.migrate())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    with connect(url, migration_dirs=APP_DIRS) as store:
        everything = [s.id for s in store.migration_status()]
    assert sorted(results[0] + results[1]) == sorted(everything)
