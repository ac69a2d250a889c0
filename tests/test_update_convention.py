"""One update convention for every table: a ``set_<field>`` flag per field of its Update model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from sqlstore import Store
from sqlstore.models import (
    AuthStateUpdate,
    AuthTokenUpdate,
    ClientUpdate,
    GenerationUpdate,
    LogUpdate,
    MessageUpdate,
    NodeUpdate,
    OperatorUpdate,
    OrchestratorUpdate,
    ProjectUpdate,
    RepoNodeUpdate,
    ToolUpdate,
    TranscriptUpdate,
    UserUpdate,
    VideoUpdate,
    WebhookUpdate,
)
from sqlstore.models._update import Update

pytestmark = pytest.mark.both_apis

BUILTIN_SQL = Path(__file__).resolve().parent.parent / "sql"

# Each table's query prefix (its ``<prefix>.update`` query) and the model whose fields it changes.
UPDATES: dict[str, type[Update]] = {
    "agent_auth.auth_states": AuthStateUpdate,
    "agent_auth.auth_tokens": AuthTokenUpdate,
    "agent_projects.messages": MessageUpdate,
    "agent_projects.projects": ProjectUpdate,
    "agent_tools.tools": ToolUpdate,
    "agent_trees.nodes": NodeUpdate,
    "agent_trees.repo_nodes": RepoNodeUpdate,
    "agents.clients": ClientUpdate,
    "agents.logs": LogUpdate,
    "agents.operators": OperatorUpdate,
    "agents.orchestrators": OrchestratorUpdate,
    "agents.users": UserUpdate,
    "generations.generations": GenerationUpdate,
    "media.transcripts": TranscriptUpdate,
    "media.video": VideoUpdate,
    "webhooks": WebhookUpdate,
}


def test_every_built_in_update_query_is_listed(store: Store) -> None:
    found = {
        q.name.removesuffix(".update")
        for q in store.registry
        if q.name.endswith(".update") and q.path.is_relative_to(BUILTIN_SQL)
    }
    assert found == set(UPDATES)


@pytest.mark.parametrize("table", sorted(UPDATES))
def test_each_field_changes_only_by_its_flag(store: Store, table: str) -> None:
    model = UPDATES[table]
    assert issubclass(model, Update)
    query = store.registry.get(f"{table}.update")
    flags = {p.removeprefix("set_") for p in query.params if p.startswith("set_")}
    assert flags == set(model.model_fields)
    sql = " ".join(query.path.read_text().split())
    assignments = sql.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert "COALESCE(" not in assignments
    for field in model.model_fields:
        assert re.search(
            rf"\b{field} = CASE WHEN :set_{field} THEN :{field} ELSE {field} END", assignments
        ), field


@pytest.mark.parametrize("table", sorted(UPDATES))
def test_not_null_lists_exactly_the_columns_that_may_not_be_null(store: Store, table: str) -> None:
    with store.session(readonly=True) as session:
        columns = {
            r["column_name"]: bool(r["not_null"])
            for r in session.fetch_all("catalog.columns")
            if r["table_name"] == table.rpartition(".")[2]
        }
    model = UPDATES[table]
    assert {f: columns[f] for f in model.model_fields} == {
        f: f in model.not_null for f in model.model_fields
    }


@pytest.mark.parametrize("table", sorted(UPDATES))
def test_the_parameters_say_which_fields_were_given(table: str) -> None:
    model = UPDATES[table]
    assert model().given() == {}
    assert not any(v for k, v in model().params().items() if k.startswith("set_"))
    nullable = sorted(set(model.model_fields) - model.not_null)
    for field in nullable:
        params = model.model_validate({field: None}).params()
        assert params[field] is None and params[f"set_{field}"] is True
        assert [k for k, v in params.items() if k.startswith("set_") and v] == [f"set_{field}"]
    for field in sorted(model.not_null):
        with pytest.raises(ValidationError, match=f"{field} cannot be set to null"):
            model.model_validate({field: None})
        changes = model()
        with pytest.raises(ValidationError):
            setattr(changes, field, None)
        assert changes.given() == {}
