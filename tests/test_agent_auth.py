"""The agent store's auth states and auth tokens."""

from __future__ import annotations

import uuid

import pytest

from sqlstore import Store
from sqlstore.dao.agent_auth import AuthStateDAO, AuthTokenDAO
from sqlstore.errors import AlreadyExists, ForeignKeyError
from sqlstore.models.agent_auth import (
    AuthStateCreate,
    AuthStateUpdate,
    AuthTokenCreate,
    AuthTokenUpdate,
)
from tests.factories import make_user

pytestmark = pytest.mark.both_apis

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
