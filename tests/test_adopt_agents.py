"""Adopting the agent framework's database: its fifteen tables and rows become sqlstore's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sqlstore import connect
from sqlstore.adopt import adopt
from sqlstore.dao import (
    MessageDAO,
    OrchestratorDAO,
    UserDAO,
)
from sqlstore.errors import MigrationError
from sqlstore.migration_check import definition_of, schema_of
from sqlstore.models import MessageCreate
from tests.adopt_agents_rows import (
    M1,
    M2,
    O1,
    P1,
    ROWS,
    TABLES,
    U1,
    U2,
    _check_rows,
    _id,
    _rows,
)
from tests.adopt_seeds import Row, seed, table_rows
from tests.helpers import builtin_migrations, invoke, scratch_database


def test_adopting_keeps_every_row_and_gives_sqlstores_schema(
    sqlstore_blank_url: str, sqlstore_dialect: str, sqlstore_server: Callable[[str], str]
) -> None:
    seed(sqlstore_blank_url, _rows(sqlstore_dialect), "agents")
    with connect(sqlstore_blank_url) as store:
        assert adopt(store, "agents") == builtin_migrations(store.settings.url.dialect)
        adopted, definition = schema_of(store), definition_of(store)
        assert store.migrate() == []
        with pytest.raises(MigrationError, match="already applied"):
            adopt(store, "agents")
    _check_rows(sqlstore_blank_url)
    with connect(sqlstore_blank_url) as store, store.session() as session:
        # New messages follow the adopted ones; deleting a user cascades as sqlstore's do.
        new = MessageDAO(session).append(
            MessageCreate(type="TextMessage", content={"text": "next"}, project_id=P1, user_id=U2)
        )
        assert [m.id for m in MessageDAO(session).list(P1).items] == [M2, M1, new.id]
        assert UserDAO(session).delete(U1)
        assert OrchestratorDAO(session).get(O1) is None and MessageDAO(session).get(M2) is None
    with (
        scratch_database(sqlstore_server(sqlstore_dialect)) as fresh_url,
        connect(fresh_url) as fresh,
    ):
        fresh.migrate()
        assert (schema_of(fresh), definition_of(fresh)) == (adopted, definition)


@pytest.mark.parametrize(
    ("table", "change", "refusal"),
    [
        # The framework's client points at an orchestrator and an operator apart; sqlstore
        # keeps a client in its operator's orchestrator.
        ("client", {"orchestrator_id": _id(99)}, "table client has 1 row.s. whose operator_id"),
        # No unique key on the framework's auth tokens; sqlstore keeps one per user.
        ("authtoken", {"id": _id(98)}, "auth_tokens"),
        # Message content the framework stored that is not a JSON object.
        ("message", {"id": _id(97), "content": '"just text"'}, "content"),
    ],
)
def test_a_refused_adoption_changes_nothing(
    sqlstore_blank_url: str,
    sqlstore_dialect: str,
    table: str,
    change: dict[str, Any],
    refusal: str,
) -> None:
    rows = {t: list(items) for t, items in ROWS.items()}
    if table == "client":
        # An orchestrator of its own, so that the old foreign keys hold.
        rows["orchestrator"].append({**rows["orchestrator"][0], "id": _id(99), "name": "other"})
        rows["client"] = [{**rows["client"][0], **change}]
    else:
        rows[table].append({**rows[table][0], **change})
    seed(sqlstore_blank_url, _rows(sqlstore_dialect, rows), "agents")
    before = table_rows(sqlstore_blank_url, TABLES)
    with connect(sqlstore_blank_url) as store:
        schema = schema_of(store)
        with pytest.raises(MigrationError, match=refusal):
            adopt(store, "agents")
        assert schema_of(store) == schema
        assert not any(s.applied for s in store.migration_status())
    assert table_rows(sqlstore_blank_url, TABLES) == before


def test_an_orphan_is_refused(sqlstore_blank_url: str, sqlstore_dialect: str) -> None:
    """A message of a project that is gone: possible where the old foreign keys were not kept."""
    # SQLite never enforced the framework's foreign keys; on PostgreSQL, a constraint dropped
    # by hand (or a restore without it) does the same.
    drop: list[Row] = (
        [] if sqlstore_dialect == "sqlite"
        else ["ALTER TABLE message DROP CONSTRAINT message_project_id_fkey"]
    )  # fmt: skip
    orphan = {"message": [{**ROWS["message"][2], "id": _id(96), "project_id": _id(95)}]}
    seed(
        sqlstore_blank_url,
        [*_rows(sqlstore_dialect), *drop, *_rows(sqlstore_dialect, orphan)],
        "agents",
    )
    before = table_rows(sqlstore_blank_url, TABLES)
    with connect(sqlstore_blank_url) as store:
        with pytest.raises(MigrationError, match=r"table message has 1 row.s. whose project_id"):
            adopt(store, "agents")
    assert table_rows(sqlstore_blank_url, TABLES) == before


def test_the_adopt_agents_command(sqlstore_blank_url: str, sqlstore_dialect: str) -> None:
    seed(sqlstore_blank_url, _rows(sqlstore_dialect), "agents")
    result = invoke("--database", sqlstore_blank_url, "adopt", "agents")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[-1] == f"adopted the agents database; {len(lines) - 1} migration(s) applied"
    _check_rows(sqlstore_blank_url)
