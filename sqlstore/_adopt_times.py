"""The old systems' tables and times: which tables an adoption takes, and times it can read exactly.

On SQLite the old systems kept naive UTC times as text, and step 2 of an
adoption rewrites that text as sqlstore's. It is exact for the text
SQLAlchemy's SQLite ``DateTime`` writes (``YYYY-MM-DD HH:MM:SS.ffffff``) and
the servers' ``CURRENT_TIMESTAMP`` default (``YYYY-MM-DD HH:MM:SS``), and for
nothing else: SQLite's time functions make NULL of what they cannot parse,
and read an offset, a ``Z``, a ``T`` or a seventh fraction digit their own
way, while the old system read such text differently or not at all. So any
other text is refused, naming it: only its owner knows which time it meant.
On PostgreSQL the old columns are typed and come back as datetimes.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

__all__ = ["OLD_TABLES", "TIMES", "misfit_time"]

_STAMPED = ("created_at", "updated_at")
_AGENTS = ("created_at", "modified_at")

#: Per system, each old table an adoption takes and its time columns (an allow-list).
TIMES: dict[str, dict[str, tuple[str, ...]]] = {
    "music": {
        "generations": ("created_at", "completed_at"),
        "prompts": ("first_used_at", "last_used_at"),
    },
    "media": {
        "media": _STAMPED,
        "video": (),
        "transcript": _STAMPED,
        "caption": _STAMPED,
        "tasks": ("assigned_at", "completed_at", *_STAMPED),
        "webhooks": _STAMPED,
    },
    "agents": {
        **dict.fromkeys(
            (
                "user",
                "tool",
                "node",
                "reponode",
                "authstate",
                "log",
                "orchestrator",
                "authtoken",
                "operator",
                "client",
                "project",
                "message",
            ),
            _AGENTS,
        ),
        **dict.fromkeys(("usertoollink", "orchestratortoollink", "operatortoollink"), ()),
    },
}

#: Per system, the names of its old tables.
OLD_TABLES: dict[str, tuple[str, ...]] = {s: tuple(t) for s, t in TIMES.items()}

# ASCII digits only: \d would take other scripts' digits, which SQLite does not read.
_NAIVE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?")
_SHOWN = 60  # characters of an offending value a refusal quotes


def _exact(value: Any) -> bool:
    """Whether step 2 converts ``value`` exactly: a datetime, or naive text of a real time."""
    if isinstance(value, datetime):
        return True
    if not isinstance(value, str) or not _NAIVE.fullmatch(value):
        return False
    try:
        datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")  # the calendar: no 02-30, no 24:00
    except ValueError:
        return False
    return True


def misfit_time(backend: Any, system: str) -> str | None:
    """The first stashed time of ``system`` that step 2 cannot convert exactly, described."""
    for table, columns in TIMES[system].items():
        for column in columns:
            cursor = backend.execute(
                f"SELECT {column} FROM adopt_{table} WHERE {column} IS NOT NULL"
            )
            try:
                values = [value for (value,) in cursor]
            except backend.DatabaseError as exc:
                # PostgreSQL keeps 'infinity' and years past 9999, which no
                # datetime holds: the driver refuses to read them, naming the value.
                return f"table {table}: column {column} holds a time Python cannot hold ({exc})"
            for value in values:
                if not _exact(value):
                    shown = repr(value)
                    if len(shown) > _SHOWN:
                        shown = shown[:_SHOWN] + "..."
                    return (
                        f"table {table}: column {column} holds {shown}, which is not a time "
                        "as the system writes it ('YYYY-MM-DD HH:MM:SS' with up to 6 fraction "
                        "digits, naive UTC); rewrite it so, in UTC, first"
                    )
    return None
