"""What a migration is, as sqlstore checks it: its state, checksum, and the refusals.

``migrate`` refuses an empty pending migration and an applied one whose file
changed; ``rollback`` refuses to strand a migration that depends on one it
would undo, or to record as undone one whose rollback file is empty.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from yoyo.migrations import parse_metadata_from_sql_comments

from sqlstore.errors import MigrationError
from sqlstore.types import to_utc

__all__ = [
    "Applied",
    "MigrationState",
    "Record",
    "checksum",
    "folder_of",
    "refuse_changed",
    "refuse_dependents",
    "refuse_empty",
    "refuse_empty_rollback",
    "when",
]


@dataclass(frozen=True)
class MigrationState:
    """One migration: its id, folder, whether it is applied (and when), and whether it changed.

    ``changed``: applied, and its file (forward or rollback) is not the one
    that was applied; ``migrate`` refuses to run until that is settled.
    ``missing``: applied, but its file is in none of the store's folders
    (``folder`` is then where it was applied from, if sqlstore recorded it).
    """

    id: str
    applied: bool
    applied_at: datetime | None
    folder: Path | None = None
    changed: bool = False
    missing: bool = False


@dataclass(frozen=True)
class Record:
    """sqlstore's record of an applied migration."""

    folder: str
    checksum: str
    depends: frozenset[str]


@dataclass(frozen=True)
class Applied:
    """An applied migration and when, as yoyo recorded it."""

    id: str
    at: datetime | None


def _rollback_path(migration: Any) -> Path:
    return Path(os.path.splitext(migration.path)[0] + ".rollback.sql")


#: A squawk exception: a linter's note, not part of the migration.
_SQUAWK_NOTE = re.compile(rb"^[ \t]*--[ \t]*squawk-ignore[^\n]*\n?", re.MULTILINE | re.IGNORECASE)


def checksum(migration: Any) -> str:
    """sha256 of the forward file and, for SQL, its rollback file.

    Line endings and squawk exception comments are ignored: adding one to
    an applied migration changes nothing in the database.
    """
    digest = hashlib.sha256()
    paths = [Path(migration.path)]
    if migration.is_raw_sql():
        paths.append(_rollback_path(migration))
    for path in paths:
        try:
            text = _SQUAWK_NOTE.sub(b"", path.read_bytes().replace(b"\r\n", b"\n"))
        except FileNotFoundError:
            text = b""
        digest.update(len(text).to_bytes(8, "big") + text)
    return digest.hexdigest()


def _is_statement(sql: Any) -> bool:
    """True for a step's SQL beyond comments and blank lines (a Python step counts)."""
    if not isinstance(sql, str):
        return sql is not None
    return bool(parse_metadata_from_sql_comments(sql)[2].strip())


def _step_sql(migration: Any, direction: str) -> list[Any]:
    """The SQL (or callable) of each of a loaded migration's steps, as yoyo holds it."""
    found = []
    for wrapper in migration.steps or ():
        step = getattr(wrapper, "step", wrapper)
        found.append(getattr(step, f"_{direction}", "?"))  # unknown shape: counts as SQL
    return found


def when(value: Any) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return to_utc(value) if isinstance(value, datetime) else None


def folder_of(migration: Any) -> Path:
    """The folder a loaded migration was read from."""
    return Path(migration.source_dir)


def refuse_empty(pending: Sequence[Any]) -> None:
    """No pending migration may be empty: it would be recorded and never run."""
    for m in pending:
        if not any(_is_statement(sql) for sql in _step_sql(m, "apply")):
            raise MigrationError(
                f"{m.path} holds no SQL statement (only comments: the template "
                "'sqlstore new' writes?); write the migration, or delete its files. "
                f"Nothing was applied (of {len(pending)} pending)"
            )


def refuse_changed(states: Sequence[MigrationState], known: dict[str, Any]) -> None:
    changed = [s for s in states if s.changed]
    if changed:
        files = ", ".join(str(known[s.id].path) for s in changed)
        raise MigrationError(
            f"applied migration file(s) changed since they were applied: {files}; "
            "nothing was applied. Restore the file and put the change in a new migration "
            "('sqlstore new'), or, for an edit that changes nothing in the database, "
            f"record it with 'sqlstore accept-changed {' '.join(s.id for s in changed)}'"
        )


def refuse_dependents(
    chosen: Sequence[Any],
    known: dict[str, Any],
    applied: dict[str, Applied],
    records: dict[str, Record],
    verb: str = "roll back",
) -> None:
    """No applied migration that stays may depend on one being rolled back (or unmarked)."""
    leaving = {m.id for m in chosen}
    first_leaving = min((a.at for a in applied.values() if a.id in leaving and a.at), default=None)
    for a in applied.values():
        if a.id in leaving:
            continue
        if a.id in known:
            depends = {d.id for d in known[a.id].depends}
            where = str(folder_of(known[a.id]))
        elif a.id in records:
            depends = set(records[a.id].depends)
            where = f"{records[a.id].folder}, a folder this store was not given"
        else:
            if first_leaving is not None and a.at is not None and a.at < first_leaving:
                continue  # applied before: it cannot depend on what leaves
            raise MigrationError(
                f"cannot {verb}: {a.id} is applied, its file is in none of this store's "
                "folders and sqlstore has no record of what it depends on; open the store "
                f"with its folder (--migration-dir / migration_dirs). Nothing was {_done(verb)}"
            )
        needed = sorted(depends & leaving)
        if needed:
            raise MigrationError(
                f"cannot {verb} {', '.join(needed)}: {a.id} (applied, from {where}) "
                f"depends on it; {verb} that first, with its folder given to the store. "
                f"Nothing was {_done(verb)}"
            )


def _done(verb: str) -> str:
    return {"roll back": "rolled back"}.get(verb, f"{verb}ed")


def refuse_empty_rollback(chosen: Sequence[Any]) -> None:
    for m in chosen:
        if not m.is_raw_sql():
            continue  # a Python migration's steps may undo nothing on purpose
        path = _rollback_path(m)
        if not any(_is_statement(sql) for sql in _step_sql(m, "rollback")):
            raise MigrationError(
                f"{path} holds no SQL statement: rolling {m.id} back would record it undone "
                "without undoing anything; write its rollback. Nothing was rolled back"
            )
