"""The base of every row model: frozen, and ``to_dict`` written once."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["RowModel"]


class RowModel(BaseModel):
    """A row as stored: frozen, and turned into plain JSON-ready values by ``to_dict``."""

    model_config = ConfigDict(frozen=True, protected_namespaces=())

    def to_dict(self) -> dict[str, Any]:
        """The row as plain JSON-ready values (ISO-8601 UTC times, string ids, dicts for JSON)."""
        return self.model_dump(mode="json")
