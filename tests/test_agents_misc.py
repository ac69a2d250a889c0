"""The agent store: node trees, repository nodes, auth states and tokens, logs, the migration."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from sqlstore import Session, Store, connect
from sqlstore.dao import WebhookDAO
from sqlstore.dao.agent_auth import AuthStateDAO, AuthTokenDAO, LogDAO
from sqlstore.dao.agent_nodes import NodeDAO, RepoNodeDAO
from sqlstore.dao.agent_tools import ToolDAO
from sqlstore.errors import AlreadyExists, ForeignKeyError, InvalidInput, NotFound
from sqlstore.models import UtcDateTime, WebhookCreate
from sqlstore.models.agent_messages import (
    AuthStateCreate,
    AuthStateUpdate,
    AuthTokenCreate,
    AuthTokenUpdate,
    LogCreate,
    LogUpdate,
    NodeCreate,
    NodeUpdate,
    RepoNodeCreate,
    RepoNodeUpdate,
)
from sqlstore.models.agents import ToolCreate
from tests.test_agents import counts, make_user
from tests.test_agents_cascades import _build

RAW_SQL = Path(__file__).parent / "media_sql"
_times = TypeAdapter(UtcDateTime)

# -- nodes -----------------------------------------------------------------------


def test_node_tree(session: Session) -> None:
    dao = NodeDAO(session)
    root = dao.create(NodeCreate())
    a, b = dao.create(NodeCreate(parent_id=root.id)), dao.create(NodeCreate(parent_id=root.id))
    a1 = dao.create(NodeCreate(parent_id=a.id))
    assert dao.get(a1.id) == a1 and dao.list() == [root]
    assert dao.list(root.id) == [a, b] and dao.list(root.id, limit=1, offset=1) == [b]
    assert [n.id for n in dao.subtree(a.id)] == [a.id, a1.id]
    assert dao.subtree(uuid.uuid4()) == []
    moved = dao.update(a1.id, NodeUpdate(parent_id=b.id))
    assert moved.parent_id == b.id and moved.modified_at > a1.modified_at
    assert dao.update(a1.id, NodeUpdate(parent_id=None)).parent_id is None  # now a root
    assert dao.list() == [root, dao.get(a1.id)]
    assert dao.update(a1.id, NodeUpdate()).parent_id is None
    assert dao.delete(a1.id) is True and dao.delete(a1.id) is False


def test_a_node_cannot_move_under_itself_or_its_descendants(store: Store) -> None:
    with store.session() as session:
        dao = NodeDAO(session)
        root = dao.create(NodeCreate())
        child = dao.create(NodeCreate(parent_id=root.id))
        grandchild = dao.create(NodeCreate(parent_id=child.id))
    for target in (root.id, child.id, grandchild.id):
        with pytest.raises(InvalidInput, match="itself or below"), store.session() as s:
            NodeDAO(s).update(root.id, NodeUpdate(parent_id=target))
    with pytest.raises(ForeignKeyError), store.session() as session:
        NodeDAO(session).update(child.id, NodeUpdate(parent_id=uuid.uuid4()))
    with pytest.raises(ForeignKeyError), store.session() as session:
        NodeDAO(session).create(NodeCreate(parent_id=uuid.uuid4()))
    with pytest.raises(NotFound), store.session() as session:
        NodeDAO(session).update(uuid.uuid4(), NodeUpdate(parent_id=None))
    with store.session() as session:
        assert [n.id for n in NodeDAO(session).subtree(root.id)] == [
            root.id,
            child.id,
            grandchild.id,
        ]


def _repo_node(path: str, parent: uuid.UUID | None = None, **kw: str) -> RepoNodeCreate:
    fields = {"org": "acme", "repo": "app", "partition_type": "file", "name": path.rsplit("/")[-1]}
    fields.update(kw)
    return RepoNodeCreate(abs_path=path, parent_id=parent, **fields)  # type: ignore[arg-type]


def test_repo_nodes(session: Session) -> None:
    dao = RepoNodeDAO(session)
    root = dao.create(_repo_node("/", partition_type="directory"))
    readme = dao.create(_repo_node("/README.md", root.id, summary="docs"))
    src = dao.create(_repo_node("/src", root.id, partition_type="directory"))
    dev_root = dao.create(_repo_node("/", branch="dev", partition_type="directory"))
    assert readme.branch == "main" and readme.children_summaries == ""
    assert dao.root("acme", "app") == root and dao.root("acme", "app", "dev") == dev_root
    assert dao.root("acme", "other") is None
    assert dao.get_by_path("acme", "app", "/src") == src
    assert dao.get_by_path("acme", "app", "/src", branch="dev") is None
    assert dao.list("acme", "app") == [root, readme, src]
    assert dao.list("acme", "app", "dev") == [dev_root]
    assert dao.children(root.id) == [readme, src]
    assert [n.id for n in dao.subtree(root.id)] == [root.id, readme.id, src.id]
    changed = dao.update(
        readme.id, RepoNodeUpdate(summary="the docs", children_summaries="-", parent_id=src.id)
    )
    assert (changed.summary, changed.children_summaries, changed.name) == (
        "the docs",
        "-",
        "README.md",
    )
    assert changed.parent_id == src.id and changed.modified_at > readme.modified_at
    with pytest.raises(InvalidInput):
        dao.update(root.id, RepoNodeUpdate(parent_id=changed.id))
    with pytest.raises(ValidationError):
        RepoNodeUpdate(org=None)
    assert dao.get(readme.id) == changed
    assert dao.delete(dev_root.id) and dao.get(dev_root.id) is None


# -- auth ------------------------------------------------------------------------


def test_auth_states(store: Store) -> None:
    with store.session() as session:
        dao = AuthStateDAO(session)
        state = dao.create(AuthStateCreate(state="s-1", destination_url="/home"))
        other = dao.create(AuthStateCreate(state="s-2", destination_url="/"))
        assert dao.get(state.id) == state and dao.get_by_state("s-1") == state
        assert dao.get_by_state("nope") is None and dao.list() == [state, other]
        moved = dao.update(state.id, AuthStateUpdate(destination_url="/app"))
        assert moved.destination_url == "/app" and moved.state == "s-1"
        assert moved.modified_at > state.modified_at
    with pytest.raises(AlreadyExists), store.session() as session:
        AuthStateDAO(session).create(AuthStateCreate(state="s-1", destination_url="/x"))
    with store.session() as session:
        assert AuthStateDAO(session).delete(other.id) and len(AuthStateDAO(session).list()) == 1


def test_auth_tokens(store: Store) -> None:
    with store.session() as session:
        user = make_user(session)
        dao = AuthTokenDAO(session)
        token = dao.create(AuthTokenCreate(user_id=user.id, refresh_token="secret-1"))
        assert token.refresh_token.get_secret_value() == "secret-1"
        assert "secret-1" not in repr(token) and "secret-1" not in token.model_dump_json()
        assert dao.get(token.id) == token and dao.get_for_user(user.id) == token
        assert dao.list() == [token]
    with pytest.raises(AlreadyExists) as refused, store.session() as session:
        AuthTokenDAO(session).create(AuthTokenCreate(user_id=user.id, refresh_token="secret-2"))
    assert "secret-2" not in str(refused.value)
    with store.session() as session:
        dao = AuthTokenDAO(session)
        saved = dao.save(user.id, "secret-3")  # replaces the user's token in place
        assert saved.id == token.id and saved.refresh_token.get_secret_value() == "secret-3"
        assert saved.modified_at > token.modified_at
        updated = dao.update(token.id, AuthTokenUpdate(refresh_token="secret-4"))
        assert updated.refresh_token.get_secret_value() == "secret-4"
        assert dao.get_for_user(user.id) == updated
    with pytest.raises(ForeignKeyError), store.session() as session:
        AuthTokenDAO(session).save(uuid.uuid4(), "orphan")
    with store.session() as session:
        assert AuthTokenDAO(session).delete(token.id) and AuthTokenDAO(session).list() == []


# -- logs ------------------------------------------------------------------------


def test_logs_newest_first(session: Session) -> None:
    dao = LogDAO(session)
    lines = [dao.write("INFO", f"line {i}") for i in range(5)]
    lines.append(dao.create(LogCreate(level="ERROR", message="boom")))
    assert dao.newest(3) == lines[:2:-1]
    assert dao.list() == lines and dao.list(limit=2, offset=4) == lines[4:]
    assert dao.get(lines[0].id) == lines[0]
    changed = dao.update(lines[0].id, LogUpdate(level="DEBUG"))
    assert changed.level == "DEBUG" and changed.message == "line 0"
    assert changed.modified_at > lines[0].modified_at
    assert dao.delete(lines[0].id) and dao.get(lines[0].id) is None
    with pytest.raises(InvalidInput):
        dao.newest(0)
    with pytest.raises(ValidationError):
        dao.write("", "empty level")


# -- modified_at ---------------------------------------------------------------------


def test_modified_at_moves_on_every_raw_update_of_every_table(store: Store) -> None:
    """A hand-written UPDATE that never names modified_at still moves it, on every table."""
    with store.session() as session:
        shared = ToolDAO(session).create(ToolCreate(name="shared"))
        _build(session, "ada@example.com", shared)  # users to messages and auth tokens
        root = NodeDAO(session).create(NodeCreate())
        NodeDAO(session).create(NodeCreate(parent_id=root.id))
        RepoNodeDAO(session).create(
            RepoNodeCreate(org="acme", repo="app", partition_type="dir", name="/", abs_path="/")
        )
        AuthStateDAO(session).create(AuthStateCreate(state="s-1", destination_url="/"))
        LogDAO(session).write("INFO", "hello")
        WebhookDAO(session).save(WebhookCreate(url="https://hooks.test/a"))
        stamped = {
            r["table_name"]
            for r in session.fetch_all("catalog.columns")
            if r["column_name"] == "modified_at"
        }
    raw_url = store.settings.url.render(hide_password=False)
    with connect(raw_url, sql_dirs=[RAW_SQL]) as raw, raw.session() as session:

        def stamps() -> dict[tuple[str, str], datetime]:
            rows = session.fetch_all("raw.stamps")
            return {(r["tbl"], r["key"]): _times.validate_python(r["stamp"]) for r in rows}

        before = stamps()
        tables = sorted({t for t, _ in before})
        assert set(tables) == stamped | {"webhooks"}, "a table has no row (or no touch file)"
        # Twice in one transaction: each UPDATE moves every row again.
        for _ in range(2):
            for table in tables:
                session.execute(f"raw.touch_{table}")
            after = stamps()
            assert after.keys() == before.keys()
            for key, old in before.items():
                assert after[key] > old, key
            before = after


# -- the migration -----------------------------------------------------------------


def test_the_agent_migration_rolls_back_alone_and_comes_back(sqlstore_blank_url: str) -> None:
    with connect(sqlstore_blank_url) as store:
        store.migrate()
        assert store.rollback() == [f"0004_agents.{store.dialect.name}"]
        with store.session(readonly=True) as session:
            tables = {r["table_name"] for r in session.fetch_all("catalog.tables")}
        assert "users" not in tables and "messages" not in tables and "generations" in tables
        assert store.migrate() == [f"0004_agents.{store.dialect.name}"]
        with store.session() as session:
            make_user(session)
        assert counts(store)["users"] == 1
