# Generated from sqlstore/aio/dao/agent_base.py (`make generate`): edit that file, not this one.
"""What the agent store's DAOs share: insert a Create model, apply an Update model."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from sqlstore.dao.base import BaseDAO
from sqlstore.errors import NotFound
from sqlstore.models.agents import AgentUpdate, reveal
from sqlstore.types import utcnow

__all__ = ["AgentDAO"]

M = TypeVar("M", bound=BaseModel)


class AgentDAO(BaseDAO):
    """A DAO of one agent-store table: ``<queries>.insert``, ``.get``, ``.update``, ``.delete``."""

    # The table's query prefix, ``<domain>.<table>`` (``agents.users``).
    queries: str
    what: str

    def _insert(self, model: type[M], new: BaseModel, /, query: str = "", **extra: Any) -> M:
        """Insert ``new`` (every field a parameter) stamped now; return the stored row."""
        params = {k: reveal(v) for k, v in new.model_dump().items()}
        params.update(extra)
        row = self.session.fetch_one(query or f"{self.queries}.insert", **params, now=utcnow())
        assert row is not None  # INSERT ... RETURNING returns its row or raises
        return model.model_validate(row)

    def _find(self, model: type[M], /, **keys: Any) -> M | None:
        """The row with these keys (the table's ``get`` query), or ``None``."""
        return self.fetch_model(model, f"{self.queries}.get", **keys)

    def _change(self, model: type[M], changes: AgentUpdate, /, **keys: Any) -> M:
        """Apply the fields given in ``changes`` to the row with these keys; NotFound if none.

        With no field given nothing is written and the row comes back as it is.
        """
        if not changes.given():
            return self.require_model(model, f"{self.queries}.get", self.what, **keys)
        row = self.session.fetch_one(
            f"{self.queries}.update", **changes.params(), now=utcnow(), **keys
        )
        if row is None:
            raise NotFound(f"no {self.what} with " + ", ".join(f"{k}={v}" for k, v in keys.items()))
        return model.model_validate(row)

    def _remove(self, **keys: Any) -> bool:
        """Delete the row with these keys; True if there was one."""
        return self.session.execute(f"{self.queries}.delete", **keys) > 0
