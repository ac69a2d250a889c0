"""Value types that mean the same on every dialect."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

__all__ = ["Json", "dumps_json", "format_utc", "to_utc", "utcnow"]


class Json:
    """Marks a parameter to be stored as JSON (a list that is data, not an IN-list)."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        return f"Json({self.value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Json) and other.value == self.value

    __hash__ = None  # type: ignore[assignment]


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_utc(value: datetime) -> str:
    """The fixed-width ISO-8601 text SQLite stores, so text order is time order."""
    return to_utc(value).isoformat(timespec="microseconds")


def utcnow() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# One encoder for every call: json.dumps with any option builds a new one each time.
_ENCODER = json.JSONEncoder(
    default=_json_default, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def dumps_json(value: Any) -> str:
    """Serialize to compact JSON; UUIDs, datetimes and enums become strings.

    NaN and infinities raise ``ValueError``: they are not JSON, and neither
    JSONB nor SQLite's ``json_valid`` takes them.
    """
    return _ENCODER.encode(value)
