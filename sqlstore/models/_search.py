"""A page of full-text search results (``sqlstore.search`` defines the query syntax)."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = ["SearchPage"]

M = TypeVar("M", bound=BaseModel)


class SearchPage(BaseModel, Generic[M]):
    """Search results best first, and ``next``: the cursor of the next page, or ``None``.

    Pass ``next`` back as ``after=`` to get the page that follows.
    """

    model_config = ConfigDict(frozen=True)

    items: list[M]
    next: str | None = None
