"""An agent framework database for the adoption tests: its rows, and reading them back."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlstore import connect
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
from sqlstore.models import MessageStatus
from tests.adopt_seeds import Row

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
