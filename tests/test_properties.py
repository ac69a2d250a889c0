"""Property-based tests: what a DAO writes reads back equal, on SQLite and on PostgreSQL.

Each example is written to both dialects (one migrated database of each for
the module; every example has its own ids) and read back through the DAOs:
the two models must be equal to each other and to what was written, for
arbitrary text and unicode, JSON metadata and timestamps. Example counts are
kept small so the suite stays fast.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqlstore import Store, connect
from sqlstore.dao import GenerationDAO, PromptDAO
from sqlstore.models import Generation, GenerationCreate, GenerationUpdate
from tests.helpers import APP, scratch_database

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Any unicode a text column stores: no lone surrogates (not UTF-8) and no NUL
# (refused by both dialects, see test_hostile_input).
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
TEXT = st.text(CHARS, max_size=60)
NAME = st.text(CHARS, min_size=1, max_size=200)
# A prompt's UTF-8 is at most 2,600 bytes (its unique index): 650 characters always fit.
PROMPT = st.text(CHARS, min_size=1, max_size=650)

JSON_SCALAR = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
JSON = st.recursive(
    JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
METADATA = st.dictionaries(TEXT, JSON, max_size=5)
OFFSETS = st.builds(
    timezone, st.timedeltas(min_value=-timedelta(hours=23), max_value=timedelta(hours=23))
)
TIMESTAMPS = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.none() | OFFSETS
)


@pytest.fixture(scope="module")
def stores(
    tmp_path_factory: pytest.TempPathFactory, sqlstore_postgres_server: str
) -> Iterator[dict[str, Store]]:
    """A migrated store of each dialect, shared by every example of the module."""
    folder: Path = tmp_path_factory.mktemp("properties")
    dirs: dict[str, Any] = {"sql_dirs": [APP / "sql"], "migration_dirs": [APP / "migrations"]}
    with (
        scratch_database(sqlstore_postgres_server) as pg_url,
        connect(f"sqlite:///{folder / 'p.db'}", **dirs) as lite,
        connect(pg_url, **dirs) as pg,
    ):
        lite.migrate()
        pg.migrate()
        yield {"sqlite": lite, "postgresql": pg}


def _both(stores: dict[str, Store], write: Any) -> list[Any]:
    """Run ``write(session)`` in a session of each dialect; its results, SQLite's first."""
    results = []
    for store in stores.values():
        with store.session() as session:
            results.append(write(session))
    return results


def _same(models: list[Generation]) -> Generation:
    """The model both dialects returned (apart from created_at, which each stamped)."""
    lite, pg = models
    assert lite.model_dump(exclude={"created_at", "completed_at"}) == pg.model_dump(
        exclude={"created_at", "completed_at"}
    )
    return lite


@EXAMPLES
@given(
    prompt=PROMPT,
    model_name=NAME,
    model_version=st.none() | NAME,
    file_path=st.text(CHARS, min_size=1, max_size=300),
    metadata=METADATA,
)
def test_a_generation_reads_back_as_written(
    stores: dict[str, Store],
    prompt: str,
    model_name: str,
    model_version: str | None,
    file_path: str,
    metadata: dict[str, Any],
) -> None:
    new = GenerationCreate(
        prompt=prompt,
        model_name=model_name,
        model_version=model_version,
        duration_seconds=1.5,
        sample_rate=44100,
        channels=1,
        file_path=file_path,
        metadata=metadata,
    )
    created = _same(_both(stores, lambda s: GenerationDAO(s).create(new)))
    got = _same(_both(stores, lambda s: GenerationDAO(s).get(new.id)))
    assert got == created
    assert (got.prompt, got.model_name, got.model_version) == (prompt, model_name, model_version)
    assert (got.file_path, got.metadata) == (file_path, metadata)
    prompts = _both(stores, lambda s: PromptDAO(s).get_by_text(prompt))
    assert [p.text for p in prompts] == [prompt, prompt]


@EXAMPLES
@given(first=METADATA, merged=METADATA, replaced=METADATA)
def test_metadata_merges_and_updates_alike(
    stores: dict[str, Store],
    first: dict[str, Any],
    merged: dict[str, Any],
    replaced: dict[str, Any],
) -> None:
    new = GenerationCreate(
        prompt="properties",
        model_name="m",
        duration_seconds=1.0,
        sample_rate=8000,
        channels=2,
        file_path="p.wav",
        metadata=first,
    )
    _both(stores, lambda s: GenerationDAO(s).create(new))
    done = _same(_both(stores, lambda s: GenerationDAO(s).complete(new.id, 1.0, 10, merged)))
    assert done.metadata == {**first, **merged}
    changes = GenerationUpdate(metadata=replaced)
    updated = _same(_both(stores, lambda s: GenerationDAO(s).update(new.id, changes)))
    assert updated.metadata == replaced


@EXAMPLES
@given(when=TIMESTAMPS)
def test_timestamps_read_back_as_the_same_instant_in_utc(
    stores: dict[str, Store], when: datetime
) -> None:
    gid = uuid.uuid4()
    expected = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)

    def write(session: Any) -> Generation | None:
        session.execute(
            "notes.raw_generation",
            id=gid,
            duration_seconds=1.0,
            channels=1,
            metadata={},
            created_at=when,
        )
        return GenerationDAO(session).get(gid)

    models = _both(stores, write)
    assert [m.created_at for m in models] == [expected, expected]
    assert all(m.created_at.tzinfo is UTC for m in models)
