"""Adopting the music-generation service's database: its schema and rows become sqlstore's."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from sqlstore import connect
from sqlstore.adopt import adopt
from sqlstore.dao import GenerationDAO, PromptDAO
from sqlstore.errors import MigrationError
from sqlstore.migration_check import definition_of, schema_of
from sqlstore.models import GenerationCreate, GenerationStatus
from tests.adopt_seeds import (
    DONE,
    FAILED,
    SEED_ROWS,
    seed,
)
from tests.helpers import builtin_migrations, invoke, scratch_database


def test_adopting_keeps_the_rows_and_gives_sqlstores_schema(
    sqlstore_blank_url: str, sqlstore_dialect: str, sqlstore_server: Callable[[str], str]
) -> None:
    seed(sqlstore_blank_url, SEED_ROWS)
    with connect(sqlstore_blank_url) as store:
        assert adopt(store, "music") == builtin_migrations(store.settings.url.dialect)
        adopted, definition = schema_of(store), definition_of(store)
        with store.session() as session:
            gens, prompts = GenerationDAO(session), PromptDAO(session)
            done = gens.get(uuid.UUID(DONE))
            assert done is not None
            assert done.status is GenerationStatus.COMPLETED
            assert done.metadata == {"bpm": 140}
            assert done.created_at == datetime(2025, 11, 7, 12, 0, 0, 250000, tzinfo=UTC)
            assert done.completed_at == datetime(2025, 11, 7, 12, 0, 18, 500000, tzinfo=UTC)
            failed = gens.get(uuid.UUID(FAILED))
            assert failed is not None
            assert (failed.metadata, failed.error_message) == ({}, "out of memory")
            assert [g.id for g in gens.list().items] == [uuid.UUID(FAILED), uuid.UUID(DONE)]
            assert gens.stats()["total_prompts"] == 2
            assert [(p.text, p.used_count) for p in prompts.most_used(5)] == [
                ("lofi piano", 3),
                ("trap beat", 1),
            ]
            # New rows go on after the adopted ones; the search finds adopted rows.
            new = gens.create(
                GenerationCreate(
                    prompt="ambient pads",
                    model_name="musicgen-small",
                    duration_seconds=4.0,
                    sample_rate=32000,
                    channels=2,
                    file_path="outputs/c.wav",
                )
            )
            gens.complete(new.id, generation_time=2.0, file_size_bytes=10, metadata={})
            assert prompts.track_usage("lofi piano").used_count == 4
            new_prompt = prompts.get_by_text("ambient pads")
            assert new_prompt is not None and new_prompt.id > 7
            assert [p.text for p in prompts.search("trap").items] == ["trap beat"]
            assert gens.count() == 3
    # The adopted database has exactly the schema a fresh one has.
    with (
        scratch_database(sqlstore_server(sqlstore_dialect)) as fresh_url,
        connect(fresh_url) as fresh,
    ):
        fresh.migrate()
        assert (schema_of(fresh), definition_of(fresh)) == (adopted, definition)


def test_a_refused_row_changes_nothing(sqlstore_blank_url: str) -> None:
    """A status sqlstore does not know fails the adoption; the tables stay as they were."""
    seed(sqlstore_blank_url, [SEED_ROWS[0].replace("'completed'", "'cancelled'")])
    with connect(sqlstore_blank_url) as store:
        before = schema_of(store)
        with pytest.raises(MigrationError):
            adopt(store, "music")
        assert schema_of(store) == before
        assert [s.applied for s in store.migration_status()] == [False] * len(
            builtin_migrations(store.settings.url.dialect)
        )


def test_adopting_twice_or_an_unknown_system_is_refused(sqlstore_blank_url: str) -> None:
    seed(sqlstore_blank_url, SEED_ROWS)
    with connect(sqlstore_blank_url) as store:
        with pytest.raises(MigrationError, match="sqlstore adopts agents, media, music"):
            adopt(store, "ledger")
        adopt(store, "music")
        with pytest.raises(MigrationError, match="already applied"):
            adopt(store, "music")
        with store.session() as session:
            assert GenerationDAO(session).count() == 2


def test_the_adopt_command(sqlstore_blank_url: str) -> None:
    seed(sqlstore_blank_url, SEED_ROWS)
    result = invoke("--database", sqlstore_blank_url, "adopt", "music")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[-1] == f"adopted the music database; {len(lines) - 1} migration(s) applied"
    with connect(sqlstore_blank_url) as store, store.session() as session:
        assert GenerationDAO(session).count() == 2
    again = invoke("--database", sqlstore_blank_url, "adopt", "music")
    assert again.code != 0 and "already applied" in again.err
