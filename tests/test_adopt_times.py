"""The old systems' times: kept exactly when written as the systems write them, else refused."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from sqlstore import _yoyo_backend as _yoyo
from sqlstore import connect
from sqlstore._adopt_times import TIMES
from sqlstore.adopt import adopt
from sqlstore.dao import GenerationDAO, PromptDAO, TaskDAO
from sqlstore.dialects import dialect_class
from sqlstore.dialects._migrations import migration_driver
from sqlstore.errors import MigrationError
from sqlstore.migration_check import schema_of
from tests import adopt_agents_rows as agents
from tests import adopt_media_rows as media
from tests.adopt_seeds import SEED_ROWS, SEEDS, Row, seed, table_rows
from tests.helpers import scratch_database

# Each shape the old systems write on SQLite, and the time it means (UTC).
ACCEPTED = [
    ("2025-11-07 12:00:00", datetime(2025, 11, 7, 12, 0, 0, tzinfo=UTC)),  # CURRENT_TIMESTAMP
    ("2025-11-07 12:00:00.000000", datetime(2025, 11, 7, 12, 0, 0, tzinfo=UTC)),  # SQLAlchemy
    ("2025-11-07 12:00:00.123456", datetime(2025, 11, 7, 12, 0, 0, 123456, tzinfo=UTC)),
    ("2025-11-07 12:00:00.000001", datetime(2025, 11, 7, 12, 0, 0, 1, tzinfo=UTC)),
    ("2025-11-07 12:00:00.5", datetime(2025, 11, 7, 12, 0, 0, 500000, tzinfo=UTC)),
    ("2025-11-07 12:00:00.0005", datetime(2025, 11, 7, 12, 0, 0, 500, tzinfo=UTC)),
    # Nothing rounds up into the next second, day or year.
    ("2025-12-31 23:59:59.999999", datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ("2024-02-29 23:59:59.9999", datetime(2024, 2, 29, 23, 59, 59, 999900, tzinfo=UTC)),
    ("1970-01-01 00:00:00", datetime(1970, 1, 1, tzinfo=UTC)),
]

# Text no old system writes, and values SQLite keeps that are not text at all.
REFUSED: list[Any] = [
    "2025-11-07T12:00:00",  # SQLAlchemy would read the date alone, SQLite the whole
    "2025-11-07T12:00:00.250000",
    "2025-11-07 12:00:00+02:00",  # an offset: SQLite shifts it, SQLAlchemy dropped it
    "2025-11-07 12:00:00.250000+00:00",
    "2025-11-07 12:00:00Z",
    "2025-11-07 12:00:00.1234567",  # a seventh digit: cut off
    "2025-11-07 12:00:00.",
    "2025-11-07 12:00",
    "2025-11-07",
    "2025-02-30 12:00:00",  # no such day; SQLite would keep the text as it is
    "2025-11-07 24:00:00",
    "2025-11-07 12:00:60",
    "0000-01-01 00:00:00",
    " 2025-11-07 12:00:00",
    "2025-11-07 12:00:00 ",
    "٢٠٢٥-11-07 12:00:00",  # Arabic-Indic digits
    "",
    "now",
    1762516800,  # unix seconds: SQLite would read a julian day and make NULL of it
    2460987.5,  # a julian day
    b"2025-11-07 12:00:00",
]


def _sqlite_url(server: Callable[[str], str]) -> Any:
    return scratch_database(server("sqlite"))


def test_every_time_column_of_every_old_table_is_checked() -> None:
    """The allow-list names each DATETIME/TIMESTAMP column of the seed schemas, both dialects."""
    for system, tables in TIMES.items():
        for dialect in ("sqlite", "postgresql"):
            text = (SEEDS / f"{system}.{dialect}.sql").read_text(encoding="utf-8")
            found: dict[str, tuple[str, ...]] = {}
            for name, body in re.findall(r'CREATE TABLE "?(\w+)"? \((.*?)\n\);', text, re.S):
                found[name] = tuple(re.findall(r"^\t(\w+) (?:DATETIME|TIMESTAMP)\b", body, re.M))
            assert found == tables, (system, dialect)


def _music(dialect: str) -> list[Row]:
    """One generation and one prompt per accepted shape, in every time column."""
    sqlite = dialect == "sqlite"
    rows: list[Row] = []
    for n, (text, when) in enumerate(ACCEPTED):
        # The service's PostgreSQL columns are TIMESTAMP WITHOUT TIME ZONE: naive UTC.
        at = text if sqlite else when.replace(tzinfo=None)
        rows.append(
            (
                "INSERT INTO generations (id, prompt, model_name, duration_seconds, sample_rate,"
                " channels, file_path, status, created_at, completed_at) VALUES"
                " (:id, 'p', 'm', 1.0, 32000, 1, 'f.wav', :status, :at, :done)",
                {
                    "id": str(uuid.UUID(int=n + 1)),
                    "status": "completed" if n % 2 else "pending",
                    "at": at,
                    "done": at if n % 2 else None,
                },
            )
        )
        rows.append(
            (
                "INSERT INTO prompts (id, text, used_count, first_used_at, last_used_at)"
                " VALUES (:id, :text, 1, :at, :at)",
                {"id": n + 1, "text": f"prompt {n}", "at": at},
            )
        )
    return rows


def test_each_shape_the_systems_write_is_kept_exactly(
    sqlstore_blank_url: str, sqlstore_dialect: str
) -> None:
    """The same times, text on SQLite and typed on PostgreSQL, read back equal on both."""
    seed(sqlstore_blank_url, _music(sqlstore_dialect))
    with connect(sqlstore_blank_url) as store:
        adopt(store, "music")
        with store.session() as session:
            gens, prompts = GenerationDAO(session), PromptDAO(session)
            for n, (text, when) in enumerate(ACCEPTED):
                g = gens.get(uuid.UUID(int=n + 1))
                assert g is not None
                assert (g.created_at, g.completed_at) == (when, when if n % 2 else None), text
                p = prompts.get_by_text(f"prompt {n}")
                assert p is not None
                assert (p.first_used_at, p.last_used_at) == (when, when), text


def _media_with(dialect: str, assigned: Any, completed: Any) -> list[Row]:
    """The media test's rows; its never-claimed task (T2) gets ``assigned`` and ``completed``."""
    rows = media._rows(dialect)
    t2 = media.T2.hex if dialect == "sqlite" else media.T2
    for row in rows:
        if isinstance(row, tuple) and row[1].get("id") == t2:
            row[1].update(assigned=assigned, completed=completed)
    return rows


@pytest.mark.parametrize(("text", "when"), ACCEPTED)
def test_a_tasks_nullable_times_are_kept_exactly(
    sqlstore_blank_url: str, sqlstore_dialect: str, text: str, when: datetime
) -> None:
    value = text if sqlstore_dialect == "sqlite" else when
    seed(sqlstore_blank_url, _media_with(sqlstore_dialect, value, value), "media")
    with connect(sqlstore_blank_url) as store:
        adopt(store, "media")
        with store.session() as session:
            task = TaskDAO(session).get(media.T2)
            assert task is not None
            assert (task.assigned_at, task.completed_at) == (when, when)


def _refused(url: str, system: str, tables: tuple[str, ...], table: str, column: str) -> str:
    """Adopt ``system``: refused, and every table, row and migration is as it was."""
    before = table_rows(url, tables)
    with connect(url) as store:
        schema = schema_of(store)
        with pytest.raises(MigrationError) as refused:
            adopt(store, system)
        assert schema_of(store) == schema
        assert not any(s.applied for s in store.migration_status())
    assert table_rows(url, tables) == before
    message = str(refused.value)
    assert message.startswith(
        f"cannot adopt the {system} database: table {table}: column {column} holds "
    ), message
    assert message.endswith("Nothing was changed")
    return message


@pytest.mark.parametrize("value", REFUSED, ids=repr)
def test_a_time_in_another_shape_is_refused_on_sqlite(
    sqlstore_server: Callable[[str], str], value: Any
) -> None:
    """The nullable assigned_at would have become NULL, or another time, without a word."""
    with _sqlite_url(sqlstore_server) as url:
        seed(url, _media_with("sqlite", value, None), "media")
        message = _refused(url, "media", media.TABLES, "tasks", "assigned_at")
        assert f"holds {value!r}, which is not a time" in message


EVERY_COLUMN = [
    (system, table, column)
    for system, tables in TIMES.items()
    for table, columns in tables.items()
    for column in columns
]


@pytest.mark.parametrize(("system", "table", "column"), EVERY_COLUMN)
def test_every_time_column_refuses_a_misfit_on_sqlite(
    sqlstore_server: Callable[[str], str], system: str, table: str, column: str
) -> None:
    rows: dict[str, tuple[list[Row], tuple[str, ...]]] = {
        "music": (SEED_ROWS, ("generations", "prompts")),
        "media": (media._rows("sqlite"), media.TABLES),
        "agents": (agents._rows("sqlite"), agents.TABLES),
    }
    seeded, tables = rows[system]
    with _sqlite_url(sqlstore_server) as url:
        seed(url, seeded, system)
        with connect(url, load_queries=False) as store:
            yoyo_url = dialect_class(store.settings.url.dialect).yoyo_url_of(store.settings)
        with (
            _yoyo.opened(yoyo_url) as backend,
            _yoyo.transaction(migration_driver(yoyo_url), backend),
        ):
            changed = backend.execute(
                f'UPDATE "{table}" SET {column} = :bad', {"bad": "2025-11-07T12:00:00"}
            ).rowcount
        assert changed > 0, f"no {table} row to test {column} with"
        _refused(url, system, tables, table, column)


@pytest.mark.postgresql_only
@pytest.mark.parametrize("value", ["infinity", "-infinity", "20000-01-01 00:00:00"])
def test_a_time_no_datetime_holds_is_refused_on_postgresql(
    sqlstore_blank_url: str, value: str
) -> None:
    """PostgreSQL keeps 'infinity' and years past 9999 in a timestamp; Python cannot."""
    seed(sqlstore_blank_url, _media_with("postgresql", value, None), "media")
    before = table_rows(sqlstore_blank_url, media.TABLES, as_text=True)
    with connect(sqlstore_blank_url) as store:
        schema = schema_of(store)
        with pytest.raises(MigrationError) as refused:
            adopt(store, "media")
        assert schema_of(store) == schema
        assert not any(s.applied for s in store.migration_status())
    assert table_rows(sqlstore_blank_url, media.TABLES, as_text=True) == before
    message = str(refused.value)
    assert message.startswith(
        "cannot adopt the media database: table tasks: column assigned_at holds a time "
    ), message
    assert f"'{value}" in message  # the driver names the value
    assert message.endswith("Nothing was changed")
