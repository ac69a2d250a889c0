"""Models of the agent framework's auth: OAuth states and users' refresh tokens."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, SecretStr

from sqlstore.models.agents import AgentCreate, AgentUpdate, Row

__all__ = [
    "AuthState",
    "AuthStateBase",
    "AuthStateCreate",
    "AuthStateUpdate",
    "AuthToken",
    "AuthTokenBase",
    "AuthTokenCreate",
    "AuthTokenUpdate",
]

Short = Annotated[str, Field(min_length=1, max_length=128)]
Token = Annotated[SecretStr, Field(min_length=1, max_length=128)]


# -- auth --------------------------------------------------------------------


class AuthStateBase(BaseModel):
    """An OAuth state and where to send the user back to; the state is unique."""

    state: Short
    destination_url: Short


class AuthStateCreate(AuthStateBase, AgentCreate):
    """What a caller supplies to create an auth state."""


class AuthState(AuthStateBase, Row):
    """An auth state as stored."""


class AuthStateUpdate(AgentUpdate):
    """The changeable fields of an auth state."""

    not_null = frozenset({"state", "destination_url"})

    state: Short | None = None
    destination_url: Short | None = None


class AuthTokenBase(BaseModel):
    """A user's refresh token (one per user); it never shows in a repr or a JSON dump."""

    refresh_token: Token
    user_id: UUID


class AuthTokenCreate(AuthTokenBase, AgentCreate):
    """What a caller supplies to store a user's token."""


class AuthToken(AuthTokenBase, Row):
    """An auth token as stored."""


class AuthTokenUpdate(AgentUpdate):
    """A new refresh token."""

    not_null = frozenset({"refresh_token"})

    refresh_token: Token | None = None
