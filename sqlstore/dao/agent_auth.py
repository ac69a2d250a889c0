# Generated from sqlstore/aio/dao/agent_auth.py (`make generate`): edit that file, not this one.
"""DAOs of the agent framework's auth: OAuth states and users' refresh tokens."""

from __future__ import annotations

from uuid import UUID, uuid4

from pydantic import SecretStr

from sqlstore.dao._args import checked
from sqlstore.dao._types import List
from sqlstore.dao.agent_base import AgentDAO
from sqlstore.models.agent_auth import (
    AuthState,
    AuthStateCreate,
    AuthStateUpdate,
    AuthToken,
    AuthTokenCreate,
    AuthTokenUpdate,
)

__all__ = ["AuthStateDAO", "AuthTokenDAO"]


class AuthStateDAO(AgentDAO):
    """OAuth states and where each sends the user back to; a state is unique."""

    queries, what = "agent_auth.auth_states", "auth state"

    def create(self, new: AuthStateCreate) -> AuthState:
        """Store an auth state; a state already stored is ``AlreadyExists``."""
        return self._insert(AuthState, AuthStateCreate.model_validate(new))

    @checked
    def get(self, id: UUID) -> AuthState | None:
        """The auth state with this id, or ``None``."""
        return self._find(AuthState, id=id)

    @checked
    def get_by_state(self, state: str) -> AuthState | None:
        """The auth state with this state string, or ``None``."""
        return self.fetch_model(AuthState, "agent_auth.auth_states.get_by_state", state=state)

    @checked
    def list(self, *, limit: int = 100, offset: int = 0) -> List[AuthState]:
        """Auth states, oldest first."""
        return self.fetch_models(
            AuthState, "agent_auth.auth_states.list", **self.page_params(limit, offset)
        )

    @checked
    def update(self, id: UUID, changes: AuthStateUpdate) -> AuthState:
        """Change the fields given in ``changes``; ``NotFound`` if there is no such state."""
        return self._change(AuthState, changes, id=id)

    @checked
    def delete(self, id: UUID) -> bool:
        """Delete an auth state; True if there was one."""
        return self._remove(id=id)


class AuthTokenDAO(AgentDAO):
    """Users' refresh tokens, one per user; deleting the user deletes the token."""

    queries, what = "agent_auth.auth_tokens", "auth token"

    def create(self, new: AuthTokenCreate) -> AuthToken:
        """Store a user's token; a user who has one already is ``AlreadyExists`` (see ``save``)."""
        return self._insert(AuthToken, AuthTokenCreate.model_validate(new))

    @checked
    def save(self, user_id: UUID, refresh_token: str | SecretStr) -> AuthToken:
        """Store the user's token, replacing the one they had, in one atomic statement."""
        new = AuthTokenCreate.model_validate(
            {"id": uuid4(), "user_id": user_id, "refresh_token": refresh_token}
        )
        return self._insert(AuthToken, new, query="agent_auth.auth_tokens.save")

    @checked
    def get(self, id: UUID) -> AuthToken | None:
        """The token with this id, or ``None``."""
        return self._find(AuthToken, id=id)

    @checked
    def get_for_user(self, user_id: UUID) -> AuthToken | None:
        """The user's token, or ``None``."""
        return self.fetch_model(AuthToken, "agent_auth.auth_tokens.get_for_user", user_id=user_id)

    @checked
    def list(self, *, limit: int = 100, offset: int = 0) -> List[AuthToken]:
        """Tokens, oldest first."""
        return self.fetch_models(
            AuthToken, "agent_auth.auth_tokens.list", **self.page_params(limit, offset)
        )

    @checked
    def update(self, id: UUID, changes: AuthTokenUpdate) -> AuthToken:
        """Replace a token; ``NotFound`` if there is no such token."""
        return self._change(AuthToken, changes, id=id)

    @checked
    def delete(self, id: UUID) -> bool:
        """Delete a token; True if there was one."""
        return self._remove(id=id)
