"""The old systems' databases for the adoption tests: their schemas, rows, and reading them back."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlstore import _yoyo_backend as _yoyo
from sqlstore import connect
from sqlstore.adopt import _run, _script
from sqlstore.dialects import dialect_class
from sqlstore.dialects._migrations import migration_driver

SEEDS = Path(__file__).parent / "seed_schemas"


DONE = "a1b2c3d4-0000-4000-8000-000000000001"


FAILED = "A1B2C3D4-0000-4000-8000-000000000002"  # the service's uuid4 text, any case


# Rows as the service's SQLAlchemy models write them: naive UTC times with
# microseconds, metadata as JSON text (or NULL), a prompt per generation.
SEED_ROWS = [
    "INSERT INTO generations (id, prompt, model_name, model_version, duration_seconds,"
    " sample_rate, channels, file_path, file_size_bytes, status, created_at, completed_at,"
    " generation_time_seconds, error_message, metadata) VALUES"
    f" ('{DONE}', 'lofi piano', 'musicgen-small', NULL, 16.0, 32000, 2, 'outputs/a.wav',"
    " 5242880, 'completed', '2025-11-07 12:00:00.250000', '2025-11-07 12:00:18.500000',"
    " 18.5, NULL, '{\"bpm\": 140}')",
    "INSERT INTO generations (id, prompt, model_name, model_version, duration_seconds,"
    " sample_rate, channels, file_path, file_size_bytes, status, created_at, completed_at,"
    " generation_time_seconds, error_message, metadata) VALUES"
    f" ('{FAILED}', 'trap beat', 'musicgen-small', 'v1', 8.0, 32000, 1, 'outputs/b.wav',"
    " NULL, 'failed', '2025-11-07 13:00:00.000000', '2025-11-07 13:00:01.000000',"
    " NULL, 'out of memory', NULL)",
    "INSERT INTO prompts (id, text, used_count, first_used_at, last_used_at) VALUES"
    " (1, 'lofi piano', 3, '2025-11-01 09:00:00.000000', '2025-11-07 12:00:00.250000')",
    "INSERT INTO prompts (id, text, used_count, first_used_at, last_used_at) VALUES"
    " (7, 'trap beat', 1, '2025-11-07 13:00:00.000000', '2025-11-07 13:00:00.000000')",
]


Row = str | tuple[str, dict[str, Any]]


def seed(url: str, rows: Sequence[Row], system: str = "music") -> None:
    """Create ``system``'s own schema and ``rows`` (SQL, or SQL and its ``:name`` parameters)."""
    with connect(url, load_queries=False) as store:
        kind = dialect_class(store.settings.url.dialect)
        yoyo_url = kind.yoyo_url_of(store.settings)
        schema = _script(SEEDS / f"{system}.{kind.name}.sql")
    with _yoyo.opened(yoyo_url) as backend, _yoyo.transaction(migration_driver(yoyo_url), backend):
        _run(backend, schema)
        for row in rows:
            sql, params = (row, None) if isinstance(row, str) else row
            backend.execute(sql, params)


def table_rows(
    url: str, tables: Sequence[str], *, as_text: bool = False
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of each of ``tables`` (names quoted), in a stable order: to see nothing changed.

    ``as_text`` (PostgreSQL): each row as the server's text of it, for values no
    Python type holds (a timestamp of 'infinity').
    """
    with connect(url, load_queries=False) as store:
        yoyo_url = dialect_class(store.settings.url.dialect).yoyo_url_of(store.settings)
    select = 'SELECT CAST(x AS TEXT) FROM "{}" AS x' if as_text else 'SELECT * FROM "{}"'
    with _yoyo.opened(yoyo_url) as backend:
        return {
            t: sorted(map(tuple, backend.execute(select.format(t)).fetchall()), key=repr)
            for t in tables
        }
