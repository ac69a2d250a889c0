"""What an adoption does between its two scripts: read what SQL cannot, refuse what does not fit.

Runs on the stash tables (``adopt_<old table>``) that step 1 made, before
sqlstore's migrations create its tables: every foreign key of sqlstore's
schema is checked against the old rows (SQLite never enforced the old ones),
the media SDK's pickled task data is read into JSON, a transcript or
caption must say which media it belongs to, and every time must be one that
step 2 converts exactly (``sqlstore._adopt_times``). Every refusal is a
``MigrationError`` naming the old table; the caller rolls everything back.
"""

from __future__ import annotations

import io
import json
import math
import pickle
from typing import Any, NamedTuple

from sqlstore._adopt_times import misfit_time
from sqlstore.errors import MigrationError

__all__ = ["prepare"]


class _Link(NamedTuple):
    """Rows of ``child`` whose ``columns`` (when set) must match ``parent``'s ``keys``."""

    child: str
    columns: tuple[str, ...]
    parent: str
    keys: tuple[str, ...]


def _link(child: str, column: str, parent: str, *pairs: tuple[str, str]) -> _Link:
    return _Link(child, (column, *(c for c, _ in pairs)), parent, ("id", *(k for _, k in pairs)))


#: Per system, sqlstore's foreign keys in the old tables' names (an allow-list of identifiers).
LINKS: dict[str, tuple[_Link, ...]] = {
    "music": (),
    "media": (
        _link("video", "id", "media"),
        _link("transcript", "media_id", "media"),
        _link("caption", "media_id", "media"),
    ),
    "agents": (
        _link("orchestrator", "user_id", "user"),
        _link("operator", "orchestrator_id", "orchestrator"),
        _link("client", "operator_id", "operator", ("orchestrator_id", "orchestrator_id")),
        _link("project", "orchestrator_id", "orchestrator"),
        _link("project", "executive_id", "operator"),
        _link("project", "developer_id", "operator"),
        _link(
            "project",
            "direct_message_operator_id",
            "operator",
            ("orchestrator_id", "orchestrator_id"),
        ),
        _link("usertoollink", "user_id", "user"),
        _link("usertoollink", "tool_id", "tool"),
        _link("orchestratortoollink", "orchestrator_id", "orchestrator"),
        _link("orchestratortoollink", "tool_id", "tool"),
        _link("operatortoollink", "operator_id", "operator"),
        _link("operatortoollink", "tool_id", "tool"),
        _link("message", "project_id", "project"),
        _link("message", "user_id", "user"),
        _link("message", "operator_id", "operator"),
        _link("node", "parent_id", "node"),
        _link("reponode", "parent_id", "reponode"),
        _link("authtoken", "user_id", "user"),
    ),
}

# Tables whose rows sqlstore ties to a media that the SDK's own table does not name.
_MEDIA_OWNED = ("transcript", "caption")


def prepare(backend: Any, system: str) -> None:
    """Check and convert the stashed rows of ``system``; raise ``MigrationError`` on a misfit."""
    misfit = misfit_time(backend, system)
    if misfit is not None:
        raise _refuse(system, misfit)
    if system == "media":
        for table in _MEDIA_OWNED:
            _media_column(backend, table)
        _task_data(backend)
    for link in LINKS[system]:
        _orphans(backend, system, link)


def _refuse(system: str, detail: str) -> MigrationError:
    return MigrationError(f"cannot adopt the {system} database: {detail}. Nothing was changed")


def _columns(backend: Any, table: str) -> list[str]:
    cursor = backend.execute(f"SELECT * FROM adopt_{table} WHERE 1 = 0")
    return [d[0].lower() for d in cursor.description]


def _count(backend: Any, sql: str) -> int:
    row = backend.execute(sql).fetchone()
    return int(row[0])


def _media_column(backend: Any, table: str) -> None:
    """An empty table gets a media_id; rows without one are refused (the SDK does not keep it)."""
    if "media_id" in _columns(backend, table):
        return
    rows = _count(backend, f"SELECT COUNT(*) FROM adopt_{table}")
    if rows:
        raise _refuse(
            "media",
            f"table {table} has {rows} row(s) and no media_id column: the SDK does not record "
            f"which media a {table} belongs to, and sqlstore needs it. Add a media_id column to "
            f"{table} and fill it from your app's own table first "
            "(docs/migrating/media-sdk.md#adopting-an-existing-database)",
        )
    backend.execute(f"ALTER TABLE adopt_{table} ADD COLUMN media_id VARCHAR(36)")


def _orphans(backend: Any, system: str, link: _Link) -> None:
    set_ = " AND ".join(f"c.{c} IS NOT NULL" for c in link.columns)
    match = " AND ".join(f"p.{k} = c.{c}" for c, k in zip(link.columns, link.keys, strict=True))
    n = _count(
        backend,
        f"SELECT COUNT(*) FROM adopt_{link.child} AS c WHERE {set_} AND NOT EXISTS "
        f"(SELECT 1 FROM adopt_{link.parent} AS p WHERE {match})",
    )
    if n:
        which = " and ".join(link.columns)
        raise _refuse(
            system,
            f"table {link.child} has {n} row(s) whose {which} match(es) no {link.parent} row "
            "(sqlstore keeps that foreign key); delete or fix them first",
        )


class _PlainData(pickle.Unpickler):
    """Unpickles plain data only: a pickle that names any class or function is refused."""

    def find_class(self, module: str, name: str) -> Any:
        """Refuse every global: nothing in a task's data may run code or build objects."""
        raise pickle.UnpicklingError(f"it names {module}.{name}")


def _plain(value: Any) -> bool:
    """Whether ``value`` is JSON as it is (no tuple, bytes, set, non-text key, NaN)."""
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _task_data(backend: Any) -> None:
    """The SDK pickles a task's data; sqlstore keeps it as a JSON object."""
    rows = backend.execute("SELECT id, data FROM adopt_tasks").fetchall()
    for task_id, blob in rows:
        try:
            value = _PlainData(io.BytesIO(bytes(blob))).load()
        except Exception as exc:  # any unreadable pickle is the same refusal
            raise _refuse(
                "media", f"table tasks: the data of task {task_id} cannot be read ({exc})"
            ) from exc
        if not isinstance(value, dict) or not _plain(value):
            raise _refuse(
                "media",
                f"table tasks: the data of task {task_id} is not a JSON object "
                f"({type(value).__name__} with values JSON cannot keep as they are)",
            )
        backend.execute(
            "UPDATE adopt_tasks SET data_json = :data WHERE id = :id",
            {"data": json.dumps(value), "id": task_id},
        )
