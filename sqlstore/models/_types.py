"""Field types shared by the models: how database values become Python values.

SQLite hands back text for ids, times and JSON; PostgreSQL hands back
``UUID``, aware ``datetime`` and dicts. These validators make both the same.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, Field, Json

from sqlstore.types import to_utc

__all__ = ["JsonList", "JsonObject", "UtcDateTime", "load_json"]


def load_json(value: Any) -> Any:
    """Parse JSON text (SQLite's storage); pass anything else through."""
    if isinstance(value, str | bytes | bytearray):
        return json.loads(value)
    return value


def _as_utc(value: datetime) -> datetime:
    # Rows from PostgreSQL are already UTC (the session's time zone): no new object.
    return value if value.tzinfo is UTC else to_utc(value)


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]
"""A datetime that is always aware UTC; a naive one is taken as UTC."""

# A value that is already a dict (JSONB) is taken as it is; JSON text (SQLite's
# storage) is parsed by pydantic itself. Both without a Python call per row,
# which made a third of the cost of building a row's model.
JsonObject = Annotated[dict[str, Any] | Json[dict[str, Any]], Field(union_mode="left_to_right")]
"""A JSON object, stored as JSONB or as checked JSON text."""

JsonList = Annotated[list[Any] | Json[list[Any]], Field(union_mode="left_to_right")]
"""A JSON array, stored as JSONB or as checked JSON text."""
