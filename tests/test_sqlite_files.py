"""The SQLite file under a running store: deleted, replaced, or not writable.

SQLite only: PostgreSQL has no file of the app's to delete or make read-only.

A write to a file deleted or replaced after the store opened it used to be
acknowledged and lost with the unlinked file; it is refused with
``DatabaseUnavailable`` saying so, and reads on the connections already open
go on. A database whose file or folder cannot be written used to refuse even
reads; it is opened read-only, reads work, and a write raises
``DatabaseUnavailable`` saying "read-only".

The tests run as root here, and root writes a file whatever its mode says;
``chattr +i`` stops root too (and a folder marked so takes no new file, as a
read-only mount would not). Without root the mode bits are enough. Either way
each test first checks that this process really cannot write the file or
folder.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sqlstore import Store, connect
from sqlstore.dao import GenerationDAO
from sqlstore.errors import DatabaseUnavailable
from sqlstore.models import Generation
from tests.factories import new_generation
from tests.helpers import session_held_elsewhere

pytestmark = pytest.mark.sqlite_only


def _create(store: Store) -> Generation:
    with store.session() as session:
        return GenerationDAO(session).create(new_generation())


def _ids(store: Store) -> set[object]:
    with store.session(readonly=True) as session:
        return {g.id for g in GenerationDAO(session).list()}


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    """A migrated database file holding no rows, closed."""
    file = tmp_path / "app.db"
    with connect(f"sqlite:///{file}") as store:
        store.migrate()
    yield file


@pytest.mark.parametrize("companions", [False, True], ids=["file", "file -wal -shm"])
def test_a_write_after_the_file_was_deleted_is_refused(path: Path, companions: bool) -> None:
    with connect(f"sqlite:///{path}") as store:
        kept = _create(store)
        for suffix in ("", "-wal", "-shm") if companions else ("",):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        with pytest.raises(DatabaseUnavailable, match="deleted or replaced") as info:
            _create(store)
        assert str(path) in str(info.value)
        # Reads go on, on the file the store opened: what it committed is all there.
        assert _ids(store) == {kept.id}
        with store.session() as session:
            assert GenerationDAO(session).count() == 1
        with pytest.raises(DatabaseUnavailable, match="deleted or replaced"):
            _create(store)
    assert not path.exists(), "a new, empty database file was created"


def test_a_write_under_way_when_the_file_is_deleted_is_refused(path: Path) -> None:
    with connect(f"sqlite:///{path}") as store:
        kept = _create(store)
        lost = new_generation()
        with pytest.raises(DatabaseUnavailable, match="deleted or replaced"):
            with store.session() as session:
                GenerationDAO(session).create(lost)
                path.unlink()
        assert _ids(store) == {kept.id}


def test_a_write_after_the_file_was_replaced_is_refused(path: Path, tmp_path: Path) -> None:
    with connect(f"sqlite:///{path}") as store:
        kept = _create(store)
        # A restored backup moved over the live file, as `mv backup.db app.db` does.
        backup = tmp_path / "backup.db"
        with connect(f"sqlite:///{backup}") as other:
            other.migrate()
            _create(other)
        os.replace(backup, path)
        refused = new_generation()
        with pytest.raises(DatabaseUnavailable, match="deleted or replaced"):
            with store.session() as session:
                GenerationDAO(session).create(refused)
        assert _ids(store) == {kept.id}
    # (What the file holds now is the restore's business: a file replaced under a
    # running app meets the app's -wal file. The refused write is in neither.)
    with connect(f"sqlite:///{path}") as reopened:
        assert refused.id not in _ids(reopened)


def test_a_new_connection_to_a_deleted_file_is_refused_and_creates_none(path: Path) -> None:
    """A second connection (two sessions at once) must not open a new, empty file."""
    with connect(f"sqlite:///{path}") as store:
        _create(store)
        with session_held_elsewhere(store, readonly=True):
            path.unlink()
            with pytest.raises(DatabaseUnavailable, match="deleted or replaced"):
                with store.session(readonly=True):
                    pass
    assert not path.exists()


@contextmanager
def _unwritable(target: Path) -> Iterator[None]:
    """Make ``target`` (a file or folder) impossible for this process to write, then undo it."""
    root = os.geteuid() == 0
    mode = target.stat().st_mode
    if root:
        subprocess.run(["chattr", "+i", str(target)], check=True)
    else:
        target.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        # Honest only if this process really cannot write it.
        with pytest.raises(PermissionError):
            if target.is_dir():
                (target / "probe").touch()
            else:
                target.open("r+b").close()
        yield
    finally:
        if root:
            subprocess.run(["chattr", "-i", str(target)], check=True)
        else:
            target.chmod(mode)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_can_be_read_and_refuses_writes(path: Path, what: str) -> None:
    with connect(f"sqlite:///{path}") as store:
        kept = [_create(store) for _ in range(3)]
    assert not Path(f"{path}-wal").exists()
    with _unwritable(path if what == "file" else path.parent):
        with connect(f"sqlite:///{path}") as store:
            assert _ids(store) == {g.id for g in kept}
            with store.session() as session:
                assert GenerationDAO(session).get(kept[0].id) == kept[0]
            with pytest.raises(DatabaseUnavailable, match="read-only") as info:
                _create(store)
            assert f"its {what} is not writable" in str(info.value)
            assert info.value.query == "generations.generations.insert"
            # Still readable after the refusal.
            assert _ids(store) == {g.id for g in kept}
    with connect(f"sqlite:///{path}") as store:
        assert _ids(store) == {g.id for g in kept}
        _create(store)  # writable again once the file is


def test_a_read_only_session_still_refuses_writes_as_before(path: Path) -> None:
    """A write in ``session(readonly=True)`` stays the caller's mistake, not a read-only file."""
    from sqlstore.errors import QueryError

    with connect(f"sqlite:///{path}") as store:
        with pytest.raises(QueryError) as info, store.session(readonly=True) as session:
            GenerationDAO(session).create(new_generation())
        assert not isinstance(info.value, DatabaseUnavailable)
        _create(store)


def test_a_database_copied_read_only_with_its_wal_is_read_through_it(
    path: Path, tmp_path: Path
) -> None:
    """Commits still in the -wal file are read, not skipped, from a read-only file."""
    with connect(f"sqlite:///{path}") as store:
        first = _create(store)
        # Copy the live database mid-run: the last commit is only in the -wal file.
        second = _create(store)
        copy = tmp_path / "copy"
        copy.mkdir()
        for suffix in ("", "-wal", "-shm"):
            shutil.copyfile(f"{path}{suffix}", copy / f"app.db{suffix}")
    assert (copy / "app.db-wal").stat().st_size > 0
    with _unwritable(copy / "app.db"), connect(f"sqlite:///{copy / 'app.db'}") as store:
        assert _ids(store) == {first.id, second.id}
