"""Field types shared by the models: how database values become Python values.

SQLite hands back text for ids, times and JSON; PostgreSQL hands back
``UUID``, aware ``datetime`` and dicts. These validators make both the same.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from sqlstore.types import to_utc

__all__ = ["JsonList", "JsonObject", "UtcDateTime", "load_json"]


def load_json(value: Any) -> Any:
    """Parse JSON text (SQLite's storage); pass anything else through."""
    if isinstance(value, str | bytes | bytearray):
        return json.loads(value)
    return value


UtcDateTime = Annotated[datetime, AfterValidator(to_utc)]
"""A datetime that is always aware UTC; a naive one is taken as UTC."""

JsonObject = Annotated[dict[str, Any], BeforeValidator(load_json)]
"""A JSON object, stored as JSONB or as checked JSON text."""

JsonList = Annotated[list[Any], BeforeValidator(load_json)]
"""A JSON array, stored as JSONB or as checked JSON text."""
