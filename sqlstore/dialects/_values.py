"""Values both dialects refuse alike, checked before a driver sees them.

PostgreSQL refuses a NUL character in text and ``\\u0000`` in JSONB; SQLite
would store both. JSON has no NaN or infinities, and some Python values have
no JSON form at all. PostgreSQL would store a datetime whose UTC instant is
in year 0 or 10000 (and then fail every read of it), bytes for text (as
``\\x...``) and JSON too deep to read back; SQLite refuses an integer outside
64 bits where PostgreSQL would send a numeric. Each dialect turns the
``ValueError`` raised here into its driver's data error, so the caller gets
sqlstore's ``DataError`` naming the query, and the same input fails the same
way on both dialects.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NoReturn

from sqlstore.types import DATETIME_RANGE, dumps_json, json_has_nul

__all__ = [
    "BYTES_REFUSED",
    "DATETIME_RANGE",
    "INT_RANGE",
    "MAX_INT",
    "MIN_INT",
    "NUL_IN_TEXT",
    "check_utc_range",
    "json_text",
    "refuse_bytes",
]

NUL_IN_TEXT = "text cannot contain NUL (0x00) characters"
#: Every integer column is at most BIGINT (SQLite's INTEGER holds the same range).
MIN_INT, MAX_INT = -(2**63), 2**63 - 1
INT_RANGE = "an integer must fit in 64 bits (-2**63 to 2**63-1)"
# No built-in column is binary (BLOB or bytea): PostgreSQL would store bytes as
# \x... text where SQLite stores a BLOB, or refuses it in a STRICT table.
BYTES_REFUSED = "bytes are not storable: no column is binary; decode them to text first"


def refuse_bytes(value: object) -> NoReturn:
    """Raise the ``ValueError`` every bytes-like parameter gets."""
    raise ValueError(f"{BYTES_REFUSED} ({type(value).__name__})")


def check_utc_range(value: datetime) -> None:
    """Raise ``ValueError`` if an aware ``value``'s UTC instant is outside years 1 to 9999.

    Only years 1 and 9999 can be: a UTC offset is less than a day.
    """
    if value.year in (1, 9999) and value.tzinfo is not None:
        try:
            value.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{DATETIME_RANGE}: {value.isoformat()}") from None


# A string (kept as it is) or a number written with a positive exponent.
_BIG_NUMBER = re.compile(r'"(?:[^"\\]|\\.)*"|(-?\d+(?:\.\d+)?e\+\d+)')


def _expanded(match: re.Match[str]) -> str:
    number = match.group(1)
    if number is None:
        return match.group(0)
    return format(Decimal(number), "f") + ".0"


def json_text(value: Any) -> str:
    """``value`` as compact JSON text, or a ``ValueError`` saying why no dialect can store it."""
    try:
        text = dumps_json(value)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(f"not storable as JSON: {exc}") from None
    if json_has_nul(text):
        raise ValueError(f"not storable as JSON: {NUL_IN_TEXT}")
    if "e+" in text:
        # Python writes a float of 1e16 or more as 4.85e+16. JSONB keeps numbers
        # as decimals and gives that back as 48500000000000000, which Python
        # reads as an int of another value; written 48500000000000000.0 it
        # comes back as the same float.
        text = _BIG_NUMBER.sub(_expanded, text)
    return text
