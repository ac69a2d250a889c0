"""yoyo's backend as the migrator drives it: connection, locks, transactions, bookkeeping.

yoyo owns the tables that say what is applied (``_yoyo_migration``,
``_yoyo_log``); sqlstore adds its own record of each (``_yoyo_sqlstore``:
folder, checksum, dependencies). The migration lock (see
``sqlstore.dialects._migrations``) replaces yoyo's row lock, and the
transactions here let a migration's steps and every record of it commit
together on yoyo's connection.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from yoyo.backends import get_backend_class
from yoyo.connections import parse_uri
from yoyo.exceptions import BadMigration, MigrationConflict
from yoyo.migrations import default_migration_table

from sqlstore._migration_rules import Applied, Record, checksum, folder_of, when
from sqlstore.config import redact
from sqlstore.dialects._migrations import HeldLock, MigrationDriver, held
from sqlstore.errors import MigrationError
from sqlstore.types import utcnow

__all__ = [
    "RECORD_TABLE",
    "applied",
    "break_yoyo_lock",
    "delete_record",
    "locked",
    "opened",
    "records",
    "tables",
    "transaction",
    "write_record",
]

#: sqlstore's record of each applied migration. Named under yoyo's prefix: every
#: catalog query and schema comparison already leaves yoyo's bookkeeping out.
RECORD_TABLE = "_yoyo_sqlstore"

_CREATE_RECORDS = f"""
CREATE TABLE IF NOT EXISTS {RECORD_TABLE} (
    migration_id VARCHAR(191) NOT NULL PRIMARY KEY,
    folder TEXT NOT NULL,
    checksum VARCHAR(64) NOT NULL,
    depends TEXT NOT NULL,
    recorded_at_utc VARCHAR(40) NOT NULL
)"""
_DELETE_RECORD = f"DELETE FROM {RECORD_TABLE} WHERE migration_id = :migration_id"
_INSERT_RECORD = (
    f"INSERT INTO {RECORD_TABLE} (migration_id, folder, checksum, depends, recorded_at_utc)"
    " VALUES (:migration_id, :folder, :checksum, :depends, :recorded_at_utc)"
)
_SELECT_RECORDS = f"SELECT migration_id, folder, checksum, depends FROM {RECORD_TABLE}"


@contextlib.contextmanager
def opened(yoyo_url: str) -> Iterator[Any]:
    """A yoyo backend on a new connection; driver and yoyo errors become MigrationError."""
    try:
        parsed = parse_uri(yoyo_url)
        # Not yoyo's get_backend: its init_database writes (a probe table, the
        # lock table) before any lock could be held.
        backend = get_backend_class(parsed.scheme.lower())(parsed, default_migration_table)
    except Exception as exc:
        raise MigrationError(
            f"cannot open the database for migrations: {redact(str(exc))}"
        ) from exc
    # Both dialects roll DDL back with the transaction: yoyo must not try to
    # undo a failed migration's steps by hand.
    backend.has_transactional_ddl = True
    try:
        yield backend
    except (BadMigration, MigrationConflict, backend.DatabaseError) as exc:
        raise MigrationError(redact(str(exc))) from exc
    finally:
        with contextlib.suppress(Exception):
            backend.connection.close()


@contextlib.contextmanager
def locked(driver: MigrationDriver, backend: Any, timeout: float, doing: str) -> Iterator[HeldLock]:
    """The migration lock; then yoyo's tables, and no leftover of yoyo's own lock."""
    with held(driver, backend, timeout, doing) as lock:
        # Only now: on SQLite even a PRAGMA waits for another migrator's DDL.
        driver.prepare(backend, timeout)
        # yoyo's row lock is replaced by ours: a killed process would leave the row.
        backend._is_locked = True
        try:
            _wait_for_yoyo_lock(backend, timeout)
            if backend.lock_table not in tables(backend):
                # The stock yoyo command expects it, as it would have made it.
                backend.create_lock_table()
            backend.ensure_internal_schema_updated()
            # Up to date now: spare yoyo's check before each of its writes.
            backend._internal_schema_updated = True
            yield lock
        finally:
            backend._is_locked = False


def _wait_for_yoyo_lock(backend: Any, timeout: float) -> None:
    """Wait (within the lock timeout) while yoyo's lock table holds a row."""
    deadline = time.monotonic() + timeout
    while backend.lock_table in tables(backend):
        row = backend.execute(
            backend.format_sql("SELECT pid, CAST(ctime AS TEXT) FROM {0.lock_table_quoted}")
        ).fetchone()
        if row is None:
            return
        if time.monotonic() >= deadline:
            raise MigrationError(
                f"yoyo's lock table holds a lock of process {row[0]} since {row[1]} UTC: "
                "a stock 'yoyo' command running now, or one killed before it released it "
                "(or an older sqlstore); if no yoyo command is running, clear it with "
                "'sqlstore break-lock'"
            )
        time.sleep(0.1)


@contextlib.contextmanager
def transaction(driver: MigrationDriver, backend: Any) -> Iterator[None]:
    """One transaction on yoyo's connection: committed if the block ends, else rolled back."""
    driver.begin(backend)
    # yoyo's steps see a transaction and nest theirs as savepoints.
    backend._in_transaction = True
    try:
        yield
    except BaseException:
        driver.rollback(backend)
        raise
    finally:
        backend._in_transaction = False
    try:
        driver.commit(backend)
    except BaseException:
        driver.rollback(backend)
        raise


def tables(backend: Any) -> set[str]:
    """The names of the database's tables."""
    return set(backend.list_tables())


def applied(backend: Any) -> dict[str, Applied]:
    """The applied migrations by yoyo hash, oldest first (yoyo's tables up to date)."""
    if backend.migration_table not in tables(backend):
        return {}
    rows = backend.execute(
        backend.format_sql(
            # As text: yoyo's SQLite connection would parse the column with a converter.
            "SELECT migration_hash, migration_id, CAST(applied_at_utc AS TEXT)"
            " FROM {0.migration_table_quoted} ORDER BY applied_at_utc"
        )
    ).fetchall()
    return {h: Applied(mid, when(at)) for h, mid, at in rows}


def records(backend: Any) -> dict[str, Record]:
    """Sqlstore's record of each applied migration, by id."""
    if RECORD_TABLE not in tables(backend):
        return {}
    return {
        mid: Record(folder, digest, frozenset(depends.split()))
        for mid, folder, digest, depends in backend.execute(_SELECT_RECORDS).fetchall()
    }


def write_record(backend: Any, m: Any) -> None:
    """Record migration ``m`` as its files are now (replacing any earlier record)."""
    delete_record(backend, m.id)
    backend.execute(
        _INSERT_RECORD,
        {
            "migration_id": m.id,
            "folder": str(folder_of(m)),
            "checksum": checksum(m),
            "depends": " ".join(sorted(d.id for d in m.depends)),
            "recorded_at_utc": utcnow().isoformat(),
        },
    )


def delete_record(backend: Any, migration_id: str) -> None:
    """Forget sqlstore's record of a migration."""
    backend.execute(_CREATE_RECORDS)
    backend.execute(_DELETE_RECORD, {"migration_id": migration_id})


def break_yoyo_lock(driver: MigrationDriver, backend: Any) -> int:
    """Remove yoyo's lock rows left behind by a killed process; return how many."""
    if backend.lock_table not in tables(backend):
        return 0
    count = backend.format_sql("SELECT COUNT(*) FROM {0.lock_table_quoted}")
    if not backend.execute(count).fetchone()[0]:
        return 0  # nothing to write: no wait on a live migrator's transaction
    driver.begin(backend)
    try:
        removed = backend.execute(backend.format_sql("DELETE FROM {0.lock_table_quoted}")).rowcount
    except BaseException:
        driver.rollback(backend)
        raise
    driver.commit(backend)
    return max(int(removed), 0)
