"""The agent store's schema: modified_at on every table, the migration alone."""

from __future__ import annotations

from datetime import datetime

from pydantic import TypeAdapter

from sqlstore import Store, connect
from sqlstore.dao import WebhookDAO
from sqlstore.dao.agent_auth import AuthStateDAO
from sqlstore.dao.agent_tools import ToolDAO
from sqlstore.dao.agent_trees import NodeDAO, RepoNodeDAO
from sqlstore.dao.agents import LogDAO
from sqlstore.models import UtcDateTime, WebhookCreate
from sqlstore.models.agent_auth import AuthStateCreate
from sqlstore.models.agent_tools import ToolCreate
from sqlstore.models.agent_trees import NodeCreate, RepoNodeCreate
from tests.factories import (
    counts,
    make_full_world,
    make_user,
)
from tests.helpers import RAW_SQL, builtin_migrations

_times = TypeAdapter(UtcDateTime)


# -- modified_at ---------------------------------------------------------------------


def test_modified_at_moves_on_every_raw_update_of_every_table(store: Store) -> None:
    """A hand-written UPDATE that never names modified_at still moves it, on every table."""
    with store.session() as session:
        shared = ToolDAO(session).create(ToolCreate(name="shared"))
        make_full_world(session, "ada@example.com", shared)  # users to messages and auth tokens
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
        # 0004_agents and whatever built-in migration came after it, dependants first.
        builtins = builtin_migrations(store.dialect.name)
        since = builtins[builtins.index(f"0004_agents.{store.dialect.name}") :]
        assert store.rollback(len(since)) == since[::-1]
        with store.session(readonly=True) as session:
            tables = {r["table_name"] for r in session.fetch_all("catalog.tables")}
        assert "users" not in tables and "messages" not in tables and "generations" in tables
        assert store.migrate() == since
        with store.session() as session:
            make_user(session)
        assert counts(store)["users"] == 1
