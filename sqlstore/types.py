"""Value types that mean the same on every dialect."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

__all__ = [
    "DATETIME_RANGE",
    "MAX_JSON_DEPTH",
    "Json",
    "dumps_json",
    "format_utc",
    "json_has_nul",
    "to_utc",
    "utcnow",
]

#: The deepest nesting of JSON objects and arrays that is stored. pydantic's JSON
#: parser, which reads JSON back on both dialects, refuses anything deeper (its
#: recursion limit is 200): a deeper value would be stored and then fail every read.
MAX_JSON_DEPTH = 200

DATETIME_RANGE = "a datetime must fall within years 1 to 9999 in UTC"


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
        try:
            return format_utc(value)
        except OverflowError:
            raise ValueError(f"{DATETIME_RANGE}: {value.isoformat()}") from None
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


_TOO_DEEP = f"JSON nested more than {MAX_JSON_DEPTH} levels deep (it could not be read back)"


def dumps_json(value: Any) -> str:
    """Serialize to compact JSON; UUIDs, datetimes and enums become strings.

    NaN and infinities raise ``ValueError``: they are not JSON, and neither
    JSONB nor SQLite's ``json_valid`` takes them. So does nesting deeper than
    ``MAX_JSON_DEPTH``, which could not be read back.
    """
    try:
        text = _ENCODER.encode(value)
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    # Nesting deeper than the limit takes more brackets than the limit, opened and
    # closed: short text, and most long text, stops at these counts.
    if (
        len(text) > 2 * MAX_JSON_DEPTH
        and text.count("{") + text.count("[") > MAX_JSON_DEPTH
        and _too_deep(text)
    ):
        raise ValueError(_TOO_DEEP)
    return text


# ``\u0000`` written by the encoder for a NUL character: an escape whose backslash is
# not itself escaped (the text ``\\u0000`` is the six characters \u0000, which both
# dialects store).
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def json_has_nul(text: str) -> bool:
    """True if JSON ``text`` (as ``dumps_json`` writes it) holds a NUL, which JSONB refuses."""
    return "\\u0000" in text and _NUL_ESCAPE.search(text) is not None


# Byte tables: keep brackets (one kind) and quotes; or brackets alone.
_ONE_BRACKET = bytes.maketrans(b"[]", b"{}")
_NOT_QUOTE_OR_BRACKET = bytes(c for c in range(256) if c not in b'"[]{}')
_NOT_BRACKET = bytes(c for c in range(256) if c not in b"[]{}")


def _too_deep(text: str) -> bool:
    """True if the objects and arrays of valid JSON ``text`` nest deeper than the limit."""
    data = text.encode("utf-8", "surrogatepass")  # quotes and backslashes stay single bytes
    if b"\\" in data:
        # Escaped backslashes, then escaped quotes: every quote left opens or closes a string.
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = data.translate(_ONE_BRACKET, _NOT_QUOTE_OR_BRACKET).replace(b'""', b"")
    if b'"' in brackets:
        # Some string holds a bracket (only then is a quote left): drop the strings' text.
        brackets = b"".join(data.split(b'"')[::2]).translate(_ONE_BRACKET, _NOT_BRACKET)
    # Each pass removes every innermost pair: one pass per level of nesting.
    for _ in range(MAX_JSON_DEPTH):
        brackets = brackets.replace(b"{}", b"")
        if not brackets:
            return False
    return True
