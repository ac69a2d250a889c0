"""One database holding all three old systems: adopted in the order music, media, agents."""

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
from tests import adopt_agents_rows as agents
from tests import adopt_media_rows as media
from tests.adopt_seeds import DONE, FAILED, SEED_ROWS, seed, table_rows
from tests.helpers import builtin_migrations, invoke, scratch_database

MUSIC_TABLES = ("generations", "prompts")
OLD = {"music": MUSIC_TABLES, "media": media.TABLES, "agents": agents.TABLES}


def _seed_all(url: str, dialect: str) -> None:
    """The three systems' own schemas and rows, side by side in one database."""
    seed(url, SEED_ROWS)
    seed(url, media._rows(dialect), "media")
    seed(url, agents._rows(dialect), "agents")


def _check_music(url: str) -> None:
    with connect(url) as store, store.session() as session:
        gens = GenerationDAO(session)
        done, failed = gens.get(uuid.UUID(DONE)), gens.get(uuid.UUID(FAILED))
        assert done is not None and failed is not None
        assert done.created_at == datetime(2025, 11, 7, 12, 0, 0, 250000, tzinfo=UTC)
        assert done.completed_at == datetime(2025, 11, 7, 12, 0, 18, 500000, tzinfo=UTC)
        assert (done.metadata, failed.error_message) == ({"bpm": 140}, "out of memory")
        assert [(p.id, p.text, p.used_count) for p in PromptDAO(session).most_used(5)] == [
            (1, "lofi piano", 3),
            (7, "trap beat", 1),
        ]


def test_music_then_media_then_agents_keeps_every_row(
    sqlstore_blank_url: str, sqlstore_dialect: str, sqlstore_server: Callable[[str], str]
) -> None:
    url = sqlstore_blank_url
    _seed_all(url, sqlstore_dialect)
    applied: list[str] = []
    with connect(url) as store:
        for system in ("music", "media", "agents"):
            applied += adopt(store, system)
        assert sorted(applied) == builtin_migrations(store.settings.url.dialect)
        assert store.migrate() == []
        assert all(s.applied for s in store.migration_status())
        adopted, definition = schema_of(store), definition_of(store)
    _check_music(url)
    media._check_rows(url)
    agents._check_rows(url)
    with (
        scratch_database(sqlstore_server(sqlstore_dialect)) as fresh_url,
        connect(fresh_url) as fresh,
    ):
        fresh.migrate()
        assert (schema_of(fresh), definition_of(fresh)) == (adopted, definition)


@pytest.mark.parametrize(
    ("done", "system", "first"),
    [
        ((), "media", "music"),
        ((), "agents", "music"),
        (("music",), "agents", "media"),
    ],
)
def test_a_wrong_order_is_refused_and_changes_nothing(
    sqlstore_blank_url: str,
    sqlstore_dialect: str,
    done: tuple[str, ...],
    system: str,
    first: str,
) -> None:
    url = sqlstore_blank_url
    _seed_all(url, sqlstore_dialect)
    with connect(url) as store:
        for earlier in done:
            adopt(store, earlier)
        status = [(s.id, s.applied) for s in store.migration_status()]
        schema = schema_of(store)
    left = [t for s, tables in OLD.items() if s not in done for t in tables]
    before = table_rows(url, left)
    with connect(url) as store:
        with pytest.raises(MigrationError) as refused:
            adopt(store, system)
        message = str(refused.value)
        assert message.startswith(
            f"cannot adopt the {system} database before the {first} database:"
        ), message
        assert f"Adopt {first} first (sqlstore adopt {first}), then {system}" in message
        assert message.endswith("Nothing was changed")
        assert [(s.id, s.applied) for s in store.migration_status()] == status
        assert schema_of(store) == schema
    assert table_rows(url, left) == before


def test_the_adopt_command_names_the_system_to_adopt_next(
    sqlstore_blank_url: str, sqlstore_dialect: str
) -> None:
    _seed_all(sqlstore_blank_url, sqlstore_dialect)
    for system, after in (("music", "media"), ("media", "agents")):
        result = invoke("--database", sqlstore_blank_url, "adopt", system)
        assert result.code == 0, result.err
        assert result.out.splitlines()[-1] == (
            f"the {after} tables are still here: adopt them next (sqlstore adopt {after}); "
            "that adoption applies the pending migrations"
        )
    last = invoke("--database", sqlstore_blank_url, "adopt", "agents")
    assert last.code == 0, last.err
    assert last.out.splitlines()[-1].startswith("adopted the agents database;")
    with connect(sqlstore_blank_url) as store:
        assert all(s.applied for s in store.migration_status())
    agents._check_rows(sqlstore_blank_url)
