"""Adopting the agent framework's database: its fifteen tables and rows become sqlstore's."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from sqlstore import connect
from sqlstore.adopt import adopt
from sqlstore.dao import (
    AuthStateDAO,
    AuthTokenDAO,
    ClientDAO,
    LogDAO,
    MessageDAO,
    NodeDAO,
    OperatorDAO,
    OrchestratorDAO,
    ProjectDAO,
    RepoNodeDAO,
    ToolDAO,
    UserDAO,
)
from sqlstore.dialects import scratch_database
from sqlstore.errors import MigrationError
from sqlstore.migration_check import definition_of, schema_of
from sqlstore.models import MessageCreate, MessageStatus
from tests.helpers import builtin_migrations, invoke
from tests.test_adopt import Row, seed, table_rows

TABLES = (
    "user", "orchestrator", "operator", "client", "project", "tool", "usertoollink",
    "orchestratortoollink", "operatortoollink", "message", "node", "reponode", "authstate",
    "authtoken", "log",
)  # fmt: skip


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(f"c0000000-0000-4000-8000-{n:012d}")


U1, U2, O1, OP1, OP2, C1, P1, P2, T1, T2 = (_id(n) for n in range(1, 11))
M1, M2, M3, N1, N2, R1, R2, S1, A1, L1, L2 = (_id(n) for n in range(11, 22))
CREATED = "2025-11-07 12:00:00.250000"  # naive UTC, as SQLModel leaves it on SQLite
SERVER = "2025-11-07 12:00:01"  # the server default's CURRENT_TIMESTAMP: no fraction


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# Per table, its rows: column -> value (uuids and time texts converted per dialect below).
ROWS: dict[str, list[dict[str, Any]]] = {
    "user": [
        {
            "id": U1,
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": None,
            "profile_picture_url": None,
            "created_at": CREATED,
            "modified_at": None,
        },
        {
            "id": U2,
            "email": "bob@example.com",
            "first_name": None,
            "last_name": "B",
            "profile_picture_url": "https://example.com/b.png",
            "created_at": SERVER,
            "modified_at": "2025-11-08 09:00:00.5",
        },
    ],
    "orchestrator": [
        {
            "id": O1,
            "type": "software",
            "name": "main",
            "user_id": U1,
            "created_at": CREATED,
            "modified_at": CREATED,
        },
    ],
    "operator": [
        {
            "id": OP1,
            "instructions": "lead",
            "name": "exec",
            "title": "executive",
            "orchestrator_id": O1,
            "profile_picture_url": None,
            "created_at": CREATED,
            "modified_at": CREATED,
        },
        {
            "id": OP2,
            "instructions": "code",
            "name": "dev",
            "title": "developer",
            "orchestrator_id": O1,
            "profile_picture_url": None,
            "created_at": SERVER,
            "modified_at": None,
        },
    ],
    "client": [
        {
            "id": C1,
            "client": "OpenAI",
            "temperature": 0.7,
            "model": "gpt-4o-mini",
            "orchestrator_id": O1,
            "operator_id": OP1,
            "created_at": CREATED,
            "modified_at": CREATED,
        },
    ],
    "project": [
        {
            "id": P1,
            "name": "site",
            "orchestrator_id": O1,
            "executive_id": OP1,
            "developer_id": OP2,
            "direct_message_operator_id": None,
            "created_at": CREATED,
            "modified_at": CREATED,
        },
        # The operator's direct-message project.
        {
            "id": P2,
            "name": "exec",
            "orchestrator_id": O1,
            "executive_id": None,
            "developer_id": None,
            "direct_message_operator_id": OP1,
            "created_at": CREATED,
            "modified_at": CREATED,
        },
    ],
    "tool": [
        {"id": T1, "name": "GithubTool", "created_at": CREATED, "modified_at": CREATED},
        {"id": T2, "name": "AwsTool", "created_at": CREATED, "modified_at": None},
    ],
    "usertoollink": [{"user_id": U1, "tool_id": T1}],
    "orchestratortoollink": [{"orchestrator_id": O1, "tool_id": T1}],
    "operatortoollink": [{"operator_id": OP2, "tool_id": T2}],
    "message": [
        # Appended out of id order: seq follows created_at.
        {
            "id": M2,
            "type": "TextMessage",
            "content": '{"text": "build a site"}',
            "prompt": "build a site",
            "status": "INIT",
            "project_id": P1,
            "user_id": U1,
            "operator_id": None,
            "created_at": "2025-11-07 12:01:00",
            "modified_at": None,
        },
        {
            "id": M1,
            "type": "ProjectFile",
            "content": '{"file_name": "a.py", "contents": "x = 1"}',
            "prompt": "build a site",
            "status": "FINISHED",
            "project_id": P1,
            "user_id": None,
            "operator_id": OP2,
            "created_at": "2025-11-07 12:02:00.000001",
            "modified_at": "2025-11-07 12:03:00",
        },
        {
            "id": M3,
            "type": "TextMessage",
            "content": '{"text": "hi", "n": [1, {"a": null}]}',
            "prompt": None,
            "status": "WAITING",
            "project_id": P2,
            "user_id": U2,
            "operator_id": None,
            "created_at": "2025-11-07 12:05:00",
            "modified_at": None,
        },
    ],
    "node": [
        {"id": N1, "parent_id": None, "created_at": CREATED, "modified_at": CREATED},
        {"id": N2, "parent_id": N1, "created_at": CREATED, "modified_at": CREATED},
    ],
    "reponode": [
        {
            "id": R1,
            "org": "acme",
            "repo": "site",
            "partition_type": "directory",
            "name": "site",
            "summary": "root",
            "children_summaries": "README.md: docs",
            "parent_id": None,
            "abs_path": "site",
            "branch": "main",
            "created_at": CREATED,
            "modified_at": CREATED,
        },
        {
            "id": R2,
            "org": "acme",
            "repo": "site",
            "partition_type": "file",
            "name": "README.md",
            "summary": "docs",
            "children_summaries": "",
            "parent_id": R1,
            "abs_path": "site/README.md",
            "branch": "main",
            "created_at": CREATED,
            "modified_at": CREATED,
        },
    ],
    "authstate": [
        {
            "id": S1,
            "state": "st-123",
            "destination_url": "https://app.example.com/home",
            "created_at": CREATED,
            "modified_at": CREATED,
        },
    ],
    "authtoken": [
        {
            "id": A1,
            "refresh_token": "rt-abc",
            "user_id": U1,
            "created_at": CREATED,
            "modified_at": CREATED,
        },
    ],
    "log": [
        {
            "id": L1,
            "level": "INFO",
            "message": "started",
            "created_at": CREATED,
            "modified_at": CREATED,
        },
        {
            "id": L2,
            "level": "WARNING",
            "message": '{"slow": true}',
            "created_at": SERVER,
            "modified_at": SERVER,
        },
    ],
}


def _rows(dialect: str, rows: dict[str, list[dict[str, Any]]] = ROWS) -> list[Row]:
    """INSERTs of ``rows`` as SQLModel writes them on ``dialect`` (uuids as hex on SQLite)."""
    sqlite = dialect == "sqlite"

    def value(v: Any) -> Any:
        if isinstance(v, uuid.UUID):
            return v.hex if sqlite else v
        if isinstance(v, str) and v[:4] == "2025" and not sqlite:
            return _at(v)
        return v

    out: list[Row] = []
    for table, items in rows.items():
        for item in items:
            cols = ", ".join(item)
            out.append(
                (
                    f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join(":" + c for c in item)})',
                    {c: value(v) for c, v in item.items()},
                )
            )
    return out


def _same(model: Any, row: dict[str, Any]) -> None:
    """``model`` (read through a DAO) holds ``row`` (as seeded), times aware UTC."""
    for column, expected in row.items():
        if column == "modified_at" and expected is None:
            expected = row["created_at"]  # a NULL modified_at becomes created_at
        if isinstance(expected, str) and expected[:4] == "2025":
            expected = _at(expected)
        got = getattr(model, column)
        if hasattr(got, "get_secret_value"):  # a refresh token is kept out of reprs
            got = got.get_secret_value()
        assert got == expected, column


def _check_rows(url: str) -> None:
    """Every seeded row, read back through sqlstore's DAOs, as the framework wrote it."""
    with connect(url) as store, store.session() as session:
        for row in ROWS["user"]:
            _same(UserDAO(session).get(row["id"]), row)
        _same(OrchestratorDAO(session).get(O1), ROWS["orchestrator"][0])
        for row in ROWS["operator"]:
            _same(OperatorDAO(session).get(row["id"], O1), row)
        _same(ClientDAO(session).get(C1, OP1, O1), ROWS["client"][0])
        for row in ROWS["project"]:
            _same(ProjectDAO(session).get(row["id"], O1), row)
        dm = ProjectDAO(session).get_direct_message(OP1)
        assert dm is not None and dm.id == P2
        tools = ToolDAO(session)
        for row in ROWS["tool"]:
            _same(tools.get(row["id"]), row)
        assert [t.id for t in tools.for_user(U1)] == [T1]
        assert [t.id for t in tools.for_orchestrator(O1)] == [T1]
        assert [t.id for t in tools.for_operator(OP2)] == [T2]
        assert [t.id for t in tools.for_operator(OP1)] == []
        messages = MessageDAO(session)
        by_id = {r["id"]: r for r in ROWS["message"]}
        for message_id, row in by_id.items():
            found = messages.get(message_id)
            assert found is not None
            _same(found, {k: v for k, v in row.items() if k not in ("content", "status")})
            # JSON text becomes an object; the enum's names ('INIT') become sqlstore's values.
            assert found.content == json.loads(row["content"])
            assert found.status is MessageStatus(row["status"].lower())
        # Read in created order: seq follows created_at, not the ids.
        assert [m.id for m in messages.list(P1).items] == [M2, M1]
        for row in ROWS["node"]:
            _same(NodeDAO(session).get(row["id"]), row)
        for row in ROWS["reponode"]:
            _same(RepoNodeDAO(session).get(row["id"]), row)
        _same(AuthStateDAO(session).get(S1), ROWS["authstate"][0])
        _same(AuthTokenDAO(session).get(A1), ROWS["authtoken"][0])
        for row in ROWS["log"]:
            _same(LogDAO(session).get(row["id"]), row)


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
