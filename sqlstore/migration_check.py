"""``sqlstore check-migrations``: squawk on the migration files, then what squawk cannot see.

- squawk (the ``squawk-cli`` package) lints the files of every dialect that
  declares it reads them (``Dialect.squawk_lints``: PostgreSQL). A rollback
  file exists to drop what its migration made, so squawk's drop rules are
  left out there. A reviewed exception is a ``-- squawk-ignore`` (or
  ``-- squawk-ignore-file``) comment followed, on the same line, by
  ``-- reason``; one without a reason is itself a finding.
- On a scratch database of each dialect, each migration is applied, rolled
  back and applied again, in order: the schema after its rollback must be
  the schema before it (``rollback-incomplete``), and applying it again must
  give the same schema (``reapply-differs``).
- Once every migration is applied, the dialects must have the same tables,
  columns (and whether they take NULL) and indexes (``dialects-differ``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from sqlstore.check import shown_path
from sqlstore.dialects import dialect_class, dialect_names, scratch_database
from sqlstore.errors import ConfigError, SqlstoreError
from sqlstore.paths import builtin_dir
from sqlstore.store import Store, connect

__all__ = ["Problem", "check_migrations", "definition_of", "schema_of", "squawk"]

Level = Literal["error", "warning"]

#: squawk rules a rollback file breaks by design: it drops what its migration made.
ROLLBACK_EXCLUDES = ("ban-drop-table", "ban-drop-column", "ban-drop-function")
_IGNORE = re.compile(r"^\s*--\s*squawk-ignore(?:-file)?\b(?P<rest>.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One finding, in the shape ``sqlstore check --format json`` gives: file, line, rule."""

    file: str
    line: int | None
    rule: str
    message: str
    level: Level = "error"

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON takes it."""
        return asdict(self)


def schema_of(store: Store) -> dict[str, Any]:
    """Tables, columns (with NOT NULL) and indexes, then the whole definition, from the catalog."""
    with store.session(readonly=True) as session:
        return {
            "tables": [r["table_name"] for r in session.fetch_all("catalog.tables")],
            "columns": [
                (r["table_name"], r["column_name"], bool(r["not_null"]))
                for r in session.fetch_all("catalog.columns")
            ],
            "indexes": [
                (r["table_name"], r["index_name"]) for r in session.fetch_all("catalog.indexes")
            ],
            "definition": definition_of(store),
        }


def definition_of(store: Store) -> list[tuple[Any, ...]]:
    """Every object of the schema (columns, constraints, indexes, views...) as the database says."""
    with store.session(readonly=True) as session:
        return [tuple(r.values()) for r in session.fetch_all("catalog.schema")]


def _files(dirs: Sequence[Path], dialect: str) -> list[Path]:
    return sorted(p for d in dirs for p in (d / dialect).glob("*.sql"))


def _squawk_binary() -> str:
    beside = Path(sys.executable).with_name("squawk")
    found = str(beside) if beside.exists() else shutil.which("squawk")
    if not found:
        raise ConfigError(
            "squawk is not installed: pip install 'sqlstore[dba]' (the squawk-cli package)"
        )
    return found


def squawk(files: Sequence[Path], *, exclude: Sequence[str] = ()) -> list[Problem]:
    """What squawk finds in ``files`` (each run in a transaction); exceptions need a reason."""
    if not files:
        return []
    args = [_squawk_binary(), "--reporter", "json", "--assume-in-transaction"]
    if exclude:
        args.append(f"--exclude={','.join(exclude)}")
    done = subprocess.run([*args, *map(str, files)], capture_output=True, text=True, check=False)
    try:
        found = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        raise SqlstoreError(f"squawk failed: {(done.stderr or done.stdout).strip()}") from None
    problems = [
        Problem(
            str(f["file"]),
            int(f["line"]) + 1,  # squawk counts lines from 0
            str(f["rule_name"]),
            str(f["message"]) + (f" ({f['help']})" if f.get("help") else ""),
            "error" if str(f["level"]).lower() == "error" else "warning",
        )
        for f in found
    ]
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = _IGNORE.match(line)
            if match and "--" not in match["rest"]:
                problems.append(
                    Problem(
                        str(shown_path(path)),
                        number,
                        "squawk-ignore-without-reason",
                        "a squawk exception says why: '-- squawk-ignore RULE -- reason'",
                    )
                )
    return problems


def _at(path: Path) -> str:
    return str(shown_path(path))


def _diff(before: list[tuple[Any, ...]], after: list[tuple[Any, ...]]) -> str:
    gone = [x for x in before if x not in after]
    left = [x for x in after if x not in before]
    said = [f"left behind: {' '.join(map(str, x))}" for x in left[:3]]
    said += [f"missing: {' '.join(map(str, x))}" for x in gone[:3]]
    return "; ".join(said) + (" ..." if len(gone) + len(left) > 6 else "")


def round_trips(store: Store, step: Callable[[str], None] = lambda _: None) -> list[Problem]:
    """Apply, roll back and apply again each migration in order, on a blank database."""
    problems: list[Problem] = []
    for state in [s for s in store.migration_status() if s.folder and not s.missing]:
        mid = state.id
        step(f"{store.dialect.name} {mid}")
        path = Path(str(state.folder)) / f"{mid}.sql"
        rollback = path.with_suffix(".rollback.sql")
        try:
            before = definition_of(store)
            store.migrator.apply(target=mid)
            after = definition_of(store)
            rolled = store.migrator.rollback(1)
            if rolled != [mid]:
                raise SqlstoreError(f"rolling back one step undid {rolled}, not {mid}")
            if (back := definition_of(store)) != before:
                message = f"rolling {mid} back does not undo it: {_diff(before, back)}"
                problems.append(Problem(_at(rollback), None, "rollback-incomplete", message))
            store.migrator.apply(target=mid)
            if (again := definition_of(store)) != after:
                message = f"{mid} applied again differs: {_diff(after, again)}"
                problems.append(Problem(_at(path), None, "reapply-differs", message))
        except SqlstoreError as exc:
            problems.append(Problem(_at(path), None, "migration-fails", str(exc)))
            break
    return problems


def _shown(part: str, item: Any) -> str:
    if part == "tables":
        return f"table {item}"
    if part == "indexes":
        return f"index {item[1]} on {item[0]}"
    return f"column {item[0]}.{item[1]} ({'NOT NULL' if item[2] else 'NULL allowed'})"


#: ``-- reviewed: dialects-differ (name, ...): reason`` in a migration file: these tables,
#: ``table.column``s or indexes are meant to exist on one dialect only.
_REVIEWED_DIFFERENCE = re.compile(
    r"^\s*--\s*reviewed:\s*dialects-differ\s*\((?P<names>[^)]*)\)\s*:?(?P<reason>.*)$"
)


def _reviewed_differences(files: Sequence[Path]) -> tuple[set[str], list[Problem]]:
    """The names the migration files mark as differing on purpose; a mark without a reason."""
    names: set[str] = set()
    problems = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if found := _REVIEWED_DIFFERENCE.match(line):
                if not found["reason"].strip():
                    message = "a reviewed difference needs its reason after the names"
                    problems.append(Problem(_at(path), number, "reviewed-without-reason", message))
                    continue
                names |= {n.strip() for n in found["names"].split(",") if n.strip()}
    return names, problems


def _name_of(part: str, item: Any) -> str:
    if part == "tables":
        return str(item)
    if part == "indexes":
        return str(item[1])
    return f"{item[0]}.{item[1]}"


def _parity(schemas: dict[str, dict[str, Any]], dirs: Sequence[Path]) -> list[Problem]:
    reviewed, problems = _reviewed_differences(
        [p for dialect in schemas for p in _files(dirs, dialect)]
    )
    first, *others = schemas
    where = ", ".join(str(shown_path(d)) for d in dirs)
    for other in others:
        for part in ("tables", "columns", "indexes"):
            mine, theirs = set(schemas[first][part]), set(schemas[other][part])
            for only, name in ((mine - theirs, first), (theirs - mine, other)):
                problems += [
                    Problem(
                        where,
                        None,
                        "dialects-differ",
                        f"{_shown(part, item)}: only on {name} once migrated",
                    )
                    for item in sorted(only, key=str)
                    if _name_of(part, item) not in reviewed
                ]
    return problems


def check_migrations(
    migration_dirs: Sequence[Path],
    servers: dict[str, str],
    *,
    step: Callable[[str], None] = lambda _: None,
) -> list[Problem]:
    """Lint the files with squawk, round-trip every migration, compare the dialects' schemas.

    ``servers``: a URL per server dialect where scratch databases may be
    made; a dialect with none is reported (a warning) and not round-tripped.
    """
    dirs = [builtin_dir("migrations"), *migration_dirs]
    problems: list[Problem] = []
    for dialect in dialect_names():
        if dialect_class(dialect).squawk_lints:
            files = _files(dirs, dialect)
            forward = [p for p in files if not p.name.endswith(".rollback.sql")]
            backward = [p for p in files if p.name.endswith(".rollback.sql")]
            problems += squawk(forward) + squawk(backward, exclude=ROLLBACK_EXCLUDES)
    schemas: dict[str, dict[str, Any]] = {}
    for dialect in dialect_names():
        cls = dialect_class(dialect)
        server = f"{cls.schemes[0]}:///scratch.db" if cls.embedded else servers.get(dialect)
        if server is None:
            problems.append(
                Problem(
                    _at(dirs[0] / dialect),
                    None,
                    "not-checked",
                    f"no {dialect} server given (--server): its rollbacks and schema "
                    "were not checked",
                    "warning",
                )
            )
            continue
        # The schema to compare comes from a plain migrate, not from after the
        # round trips: a rollback that leaves something behind spoils those.
        with (
            scratch_database(server, prefix="sqlstore_check") as url,
            connect(url, migration_dirs=migration_dirs) as store,
        ):
            try:
                store.migrate()
            except SqlstoreError as exc:
                problems.append(Problem(_at(dirs[0] / dialect), None, "migration-fails", str(exc)))
                continue
            schemas[dialect] = schema_of(store)
        with (
            scratch_database(server, prefix="sqlstore_check") as url,
            connect(url, migration_dirs=migration_dirs) as store,
        ):
            problems += round_trips(store, step)
    if len(schemas) > 1:
        problems += _parity(schemas, dirs)
    return problems


def count_steps(migration_dirs: Sequence[Path]) -> int:
    """How many migrations ``check_migrations`` round-trips, over every dialect (for progress)."""
    dirs = [builtin_dir("migrations"), *migration_dirs]
    return sum(
        1 for d in dialect_names() for p in _files(dirs, d) if not p.name.endswith(".rollback.sql")
    )
